// The console's shell: sign-in, navigation by URL fragment, and the page in view. Each page is a
// module exporting render(main, params, context) that may return a cleanup function, called
// when the operator leaves the page (to stop its live stream or polling).
import { api, apiKey, setApiKey, forgetApiKey, whenUnauthorized, ApiError } from './api.js';
import { h, fill, toast } from './dom.js';
import * as overview from './overview.js';
import * as skus from './skus.js';
import * as orders from './orders.js';
import * as channels from './channels.js';
import * as kpis from './kpis.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const signOut = document.getElementById('sign-out');
const live = document.getElementById('live');

let cleanup = null;

const routes = [
  { pattern: /^\/overview$/, page: 'overview', render: overview.render },
  { pattern: /^\/skus$/, page: 'skus', render: skus.renderList },
  { pattern: /^\/skus\/(.+)$/, page: 'skus', render: skus.renderDetail },
  { pattern: /^\/orders$/, page: 'orders', render: orders.renderList },
  { pattern: /^\/orders\/(.+)$/, page: 'orders', render: orders.renderDetail },
  { pattern: /^\/channels$/, page: 'channels', render: channels.renderList },
  { pattern: /^\/channels\/(.+)$/, page: 'channels', render: channels.renderDetail },
  { pattern: /^\/kpis$/, page: 'kpis', render: kpis.render },
];

/** What the pages share: the live indicator and navigation. */
const context = {
  setLive(state) {
    const text = { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…', off: '' }[state] ?? '';
    live.textContent = text;
    live.dataset.state = state;
  },
  go(hash) {
    window.location.hash = hash;
  },
};

function parse() {
  const raw = window.location.hash.replace(/^#/, '') || '/overview';
  const [path, query = ''] = raw.split('?');
  return { path, query: new URLSearchParams(query) };
}

async function show() {
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  context.setLive('off');
  if (!apiKey()) {
    renderSignIn();
    return;
  }
  nav.hidden = false;
  signOut.hidden = false;
  const { path, query } = parse();
  const route = routes.find((r) => r.pattern.test(path));
  for (const a of nav.querySelectorAll('a')) {
    if (route && a.dataset.page === route.page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!route) {
    fill(main, h('h1', { tabindex: '-1' }, 'Not found'), h('p', {}, 'No such page. ', h('a', { href: '#/overview' }, 'Back to the overview')));
    focusHeading();
    return;
  }
  const params = path.match(route.pattern).slice(1).map(decodeURIComponent);
  fill(main);
  try {
    const result = route.render(main, params, query, context);
    focusHeading();
    const done = await result;
    if (typeof done === 'function') cleanup = done;
  } catch (error) {
    showError(error);
  }
}

function focusHeading() {
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: false });
  }
}

export function showError(error) {
  const message = error instanceof ApiError ? error.message : 'The engine could not be reached.';
  toast(message, 'error');
}

function renderSignIn() {
  nav.hidden = true;
  signOut.hidden = true;
  const input = h('input', { id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false', 'aria-describedby': 'api-key-help' });
  const error = h('p', { id: 'sign-in-error', class: 'error', role: 'alert' });
  const form = h('form', { class: 'card sign-in', id: 'sign-in' },
    h('h1', {}, 'Sign in ', h('span', { lang: 'ja' }, 'ログイン')),
    h('label', { for: 'api-key' }, 'Tenant API key'),
    input,
    h('p', { id: 'api-key-help', class: 'help' }, 'The key stays in this browser tab (session storage) and is sent only to this engine, as a bearer token.'),
    error,
    h('button', { type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    error.textContent = '';
    try {
      await api('/v1/console/overview', { key });
      setApiKey(key);
      if (!window.location.hash || window.location.hash === '#/') window.location.hash = '#/overview';
      else show();
    } catch (e) {
      error.textContent = e instanceof ApiError && e.status === 403
        ? 'That is the administrator key; sign in with a tenant key.'
        : e instanceof ApiError && e.status === 401
          ? 'The engine did not accept this key.'
          : 'The engine could not be reached.';
    }
  });
  fill(main, form);
  input.focus();
}

signOut.addEventListener('click', () => {
  forgetApiKey();
  window.location.hash = '#/overview';
  show();
});

whenUnauthorized(() => {
  forgetApiKey();
  toast('The key is no longer accepted; sign in again.', 'error');
  show();
});

window.addEventListener('hashchange', show);
show();
