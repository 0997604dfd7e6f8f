// Every call to the engine carries the tenant key from session storage as a bearer token. The key
// is never put in a URL and never leaves this tab's session storage.

const KEY = 'ec-console-key';

export function apiKey() {
  return sessionStorage.getItem(KEY);
}

export function setApiKey(key) {
  sessionStorage.setItem(KEY, key);
}

export function forgetApiKey() {
  sessionStorage.removeItem(KEY);
}

/** An RFC 9457 problem answered by the engine. */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

let onUnauthorized = () => {};

/** Called when the engine no longer accepts the key (revoked, or a new engine run). */
export function whenUnauthorized(callback) {
  onUnauthorized = callback;
}

function headers(extra = {}, key = apiKey()) {
  return { Authorization: `Bearer ${key}`, ...extra };
}

async function problemOf(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/** Calls the API; resolves to the parsed JSON (null for 204) or rejects with an ApiError. */
export async function api(path, { method = 'GET', body, accept = 'application/json', key, signal } = {}) {
  const init = { method, headers: headers({ Accept: accept }, key || apiKey()), signal };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 401 && !key) {
    onUnauthorized();
  }
  if (!response.ok) {
    throw new ApiError(response.status, await problemOf(response));
  }
  if (response.status === 204) return null;
  return accept === 'application/json' ? response.json() : response.blob();
}

/** Encodes one path segment (SKU codes may hold any character but '/'). */
export function seg(value) {
  return encodeURIComponent(value);
}

/**
 * Follows the engine's Server-Sent Events with fetch(), which, unlike EventSource, can send the
 * Authorization header. Reconnects after an error or the end of a stream with a growing pause;
 * stop() ends it for good. onEvent(type, data) gets each event's parsed JSON.
 */
export function stream(path, onEvent, onState = () => {}) {
  const controller = new AbortController();
  let stopped = false;
  let delay = 1000;

  async function run() {
    while (!stopped) {
      try {
        onState('connecting');
        const response = await fetch(path, {
          headers: headers({ Accept: 'text/event-stream' }),
          signal: controller.signal,
          cache: 'no-store',
        });
        if (response.status === 401) {
          onUnauthorized();
          return;
        }
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        onState('live');
        delay = 1000;
        await read(response.body.getReader(), onEvent);
      } catch (error) {
        if (stopped || error.name === 'AbortError') return;
      }
      if (stopped) return;
      onState('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 15000);
    }
  }

  run();
  return {
    stop() {
      stopped = true;
      controller.abort();
    },
  };
}

async function read(reader, onEvent) {
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      const data = [];
      for (const line of frame.split('\n')) {
        if (line.startsWith('event:')) type = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length) {
        onEvent(type, JSON.parse(data.join('\n')));
      }
    }
  }
}
