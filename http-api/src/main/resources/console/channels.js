// Channels, and one channel: pause and resume selling (受注停止) with a confirmation, its sync
// figures, recent pushes and errors. The channel page polls the sync status every few seconds.
import { api, seg, ApiError } from './api.js';
import { h, fill, table, stat, when, toast, link, badge } from './dom.js';

export async function renderList(main) {
  const channels = await api('/v1/channels');
  fill(main,
    h('h1', {}, 'Channels ', h('span', { lang: 'ja' }, '販売チャネル')),
    table('Channels of this shop', ['Channel', 'Marketplace', 'Selling', 'Credentials expire'],
      channels.items.map((c) => [
        link(`#/channels/${encodeURIComponent(c.channelId)}`, c.channelId),
        c.marketplace,
        c.paused ? h('span', {}, badge('Paused', 'warn'), ' ', h('span', { lang: 'ja' }, '受注停止中')) : badge('Selling', 'good'),
        c.credentialsExpireAt ? when(c.credentialsExpireAt) : '–',
      ]), 'No channels yet.'));
}

/** Asks for confirmation in the page's modal dialog; resolves to the reason typed, or null. */
function confirmDialog(title, text, confirmLabel, withReason) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = confirmLabel;
  const extra = document.getElementById('confirm-extra');
  const reason = h('input', { id: 'confirm-reason', type: 'text', maxlength: 200, value: 'paused by the operator' });
  fill(extra, withReason ? [h('label', { for: 'confirm-reason' }, 'Reason (shown on the channel)'), reason] : []);
  const opener = document.activeElement;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      if (opener && opener.focus) opener.focus();
      resolve(dialog.returnValue === 'ok' ? (reason.value.trim() || 'paused by the operator') : null);
    }, { once: true });
    dialog.returnValue = 'cancel';
    dialog.showModal();
    document.getElementById('confirm-cancel').focus();
  });
}

export async function renderDetail(main, [channelId]) {
  const head = h('section', { class: 'card wide', 'aria-labelledby': 'channel-state' });
  const figures = h('section', { class: 'card wide', 'aria-labelledby': 'channel-sync' });
  const pushes = h('section', { class: 'card', 'aria-labelledby': 'channel-pushes' });
  const errors = h('section', { class: 'card', 'aria-labelledby': 'channel-errors' });
  fill(main, h('h1', {}, 'Channel ', h('code', {}, channelId)), h('div', { class: 'grid' }, head, figures, pushes, errors));

  let timer = null;
  let stopped = false;
  let generation = 0;
  // Only the latest refresh draws and schedules the next, so a click during a poll never
  // starts a second polling loop.
  const refresh = async () => {
    const mine = ++generation;
    clearTimeout(timer);
    try {
      const sync = await api(`/v1/channels/${seg(channelId)}/sync`);
      if (stopped || mine !== generation) return;
      draw(sync);
    } catch (e) {
      if (!stopped) toast(e.message, 'error');
    }
    if (!stopped && mine === generation) timer = setTimeout(refresh, 3000);
  };

  const draw = (sync) => {
    const pause = h('button', { type: 'button', id: 'pause', class: 'danger' }, 'Pause selling ', h('span', { lang: 'ja' }, '受注停止'));
    const resume = h('button', { type: 'button', id: 'resume' }, 'Resume selling ', h('span', { lang: 'ja' }, '受注再開'));
    pause.addEventListener('click', async () => {
      const reason = await confirmDialog(`Pause selling on ${channelId}?`,
        'Every SKU this channel lists is set to 0 on the marketplace, and its new orders are refused until you resume.',
        'Pause selling 受注停止', true);
      if (reason === null) return;
      await act(() => api(`/v1/channels/${seg(channelId)}/pause`, { method: 'POST', body: { reason } }), 'Selling paused; 0 is being pushed.');
    });
    resume.addEventListener('click', async () => {
      const ok = await confirmDialog(`Resume selling on ${channelId}?`,
        'The computed sellable quantities are pushed to the marketplace again.', 'Resume selling 受注再開', false);
      if (ok === null) return;
      await act(() => api(`/v1/channels/${seg(channelId)}/resume`, { method: 'POST' }), 'Selling resumed.');
    });
    head.dataset.paused = String(sync.paused);
    fill(head,
      h('h2', { id: 'channel-state' }, sync.marketplace, ' · ',
        sync.paused ? h('span', { id: 'channel-selling' }, badge('Paused', 'warn'), ' ', h('span', { lang: 'ja' }, '受注停止中')) : h('span', { id: 'channel-selling' }, badge('Selling', 'good'))),
      sync.paused ? h('p', {}, 'Reason: ', sync.pauseReason || '–') : null,
      sync.warnings.map((w) => h('p', { class: 'error-text' }, w)),
      h('div', { class: 'actions' }, sync.paused ? resume : pause));
    fill(figures,
      h('h2', { id: 'channel-sync' }, 'Sync ', h('span', { lang: 'ja' }, '在庫連携')),
      h('div', { class: 'stats' },
        stat('State', sync.state),
        stat('Listed SKUs', sync.listedSkus),
        stat('Queue', sync.queueLength, 'channel-queue'),
        stat('Oldest unsent', sync.oldestUnsentAgeMillis == null ? '–' : `${(sync.oldestUnsentAgeMillis / 1000).toFixed(1)} s`),
        stat('Calls', sync.calls),
        stat('Throttled', sync.throttledCalls),
        stat('Failed', sync.failedCalls),
        stat('Last reconciled', sync.lastReconciledAt ? when(sync.lastReconciledAt) : '–')),
      sync.lastError ? h('p', { class: 'error-text' }, `Last error (${when(sync.lastErrorAt)}): ${sync.lastError}`) : null);
    fill(pushes,
      h('h2', { id: 'channel-pushes' }, 'Recent pushes'),
      table('Last quantity sent per SKU, newest first', ['SKU', 'Quantity', 'At'],
        sync.lastPushes.map((p) => [link(`#/skus/${encodeURIComponent(p.sku)}`, p.sku), h('span', { 'data-push': p.sku }, String(p.quantity)), when(p.at)]), 'Nothing sent yet.'));
    fill(errors,
      h('h2', { id: 'channel-errors' }, 'Errors'),
      table('SKUs the marketplace refused, newest first', ['SKU', 'Error', 'At'],
        sync.errors.map((e) => [e.sku, e.error, when(e.at)]), 'No errors.'));
  };

  const act = async (call, message) => {
    try {
      await call();
      toast(message, 'good');
    } catch (e) {
      toast(e instanceof ApiError ? e.message : 'The engine could not be reached.', 'error');
    }
    await refresh();
  };

  await refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
