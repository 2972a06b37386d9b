// The admin API as the page uses it: same-origin fetch, JSON, HTTP basic credentials kept in memory only,
// refusals shown in #message as "<status> <error>: <detail>", and a queue for the heavy reads (rows, diff):
// the server serves at most 2 of them at once and answers 429 with Retry-After beyond that.

let credentials = null; // {user, password}; never stored anywhere but this variable
const authListeners = [];

export function signIn(user, password) {
  credentials = { user, password };
  authListeners.forEach((f) => f(user));
}

export function signOut() {
  credentials = null;
  authListeners.forEach((f) => f(null));
}

export function signedInUser() {
  return credentials ? credentials.user : null;
}

export function onAuthChange(listener) {
  authListeners.push(listener);
}

/** An API refusal (4xx/5xx) with the API's own error and detail. */
export class Refusal extends Error {
  constructor(status, error, detail) {
    super(`${status} ${error}: ${detail}`);
    this.status = status;
    this.error = error;
    this.detail = detail;
  }
}

export function showMessage(text) {
  const el = document.getElementById('message');
  el.textContent = text || '';
}

export function clearMessage() {
  showMessage('');
}

/** Shows the refusal (or a network failure) in #message; returns the error for chaining. */
export function report(err) {
  if (err instanceof Refusal) {
    showMessage(err.message);
  } else if (err && err.name !== 'AbortError') {
    showMessage(`network: ${err.message || err}`);
  }
  return err;
}

function basicHeader() {
  const raw = `${credentials.user}:${credentials.password}`;
  const bytes = new TextEncoder().encode(raw);
  let bin = '';
  bytes.forEach((b) => { bin += String.fromCharCode(b); });
  return `Basic ${btoa(bin)}`;
}

// The exact text of every number in an answer, by holder object and key, so a cell can show a number exactly as
// the API printed it (9.4422E7 stays 9.4422E7). Uses JSON.parse's source-text access where the browser has it.
const numberSources = new WeakMap();

function keepNumberSource(key, value, context) {
  if (typeof value === 'number' && context && typeof context.source === 'string') {
    let texts = numberSources.get(this);
    if (!texts) { texts = Object.create(null); numberSources.set(this, texts); }
    texts[key] = context.source;
  }
  return value;
}

/** The number's text as the API printed it, or undefined. */
export function numberSource(holder, key) {
  const texts = numberSources.get(holder);
  return texts ? texts[key] : undefined;
}

async function parse(res) {
  if (res.status === 204) return null;
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text, keepNumberSource);
  } catch (e) {
    return { error: 'bad_answer', detail: text.slice(0, 200) };
  }
}

async function once(method, url, body, signal) {
  const headers = { Accept: 'application/json' };
  const mutating = method !== 'GET';
  if (mutating && credentials) headers.Authorization = basicHeader();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    // 'omit': no cookies and no browser auth prompt on a 401 (fetch only prompts when credentials are
    // included); the page sends its own Authorization header and shows the refusal in #message instead.
    credentials: 'omit',
    cache: 'no-store',
    signal,
  });
  const data = await parse(res);
  return { res, data };
}

const sleep = (ms, signal) => new Promise((resolve, reject) => {
  const t = setTimeout(resolve, ms);
  if (signal) signal.addEventListener('abort', () => { clearTimeout(t); reject(new DOMException('aborted', 'AbortError')); });
});

/**
 * One API call. Resolves with the parsed JSON; rejects with a Refusal for a 4xx/5xx answer.
 * A 429 is retried after its Retry-After (at most 5 times) before it is reported.
 */
export async function call(method, url, { body, signal } = {}) {
  for (let attempt = 0; ; attempt++) {
    const { res, data } = await once(method, url, body, signal);
    if (res.ok) return data;
    if (res.status === 429 && attempt < 5) {
      const after = Number(res.headers.get('Retry-After'));
      await sleep((Number.isFinite(after) && after > 0 ? after : 1) * 1000, signal);
      continue;
    }
    const error = (data && data.error) || res.statusText || 'error';
    const detail = (data && data.detail) || '';
    throw new Refusal(res.status, error, detail);
  }
}

// Heavy reads (rows, diff) go through a queue: at most one in flight from this page, so that the page
// never trips the server's limit of 2 at once even while another tab or a script reads too.
const HEAVY_AT_ONCE = 1;
let heavyRunning = 0;
const heavyWaiting = [];

function heavyNext() {
  while (heavyRunning < HEAVY_AT_ONCE && heavyWaiting.length) {
    const job = heavyWaiting.shift();
    if (job.signal && job.signal.aborted) {
      job.reject(new DOMException('aborted', 'AbortError'));
      continue;
    }
    heavyRunning++;
    call('GET', job.url, { signal: job.signal })
      .then(job.resolve, job.reject)
      .finally(() => { heavyRunning--; heavyNext(); });
  }
}

export function heavy(url, signal) {
  return new Promise((resolve, reject) => {
    heavyWaiting.push({ url, signal, resolve, reject });
    heavyNext();
  });
}

export const get = (url, opts) => call('GET', url, opts);
export const post = (url, body) => call('POST', url, { body });
export const del = (url) => call('DELETE', url);

/** "/api/tables/{db}/{t}" for "db.t". */
export function tableUrl(name) {
  const i = name.indexOf('.');
  return `/api/tables/${encodeURIComponent(name.slice(0, i))}/${encodeURIComponent(name.slice(i + 1))}`;
}

/** Builds "path?k=v&k=v" from [key, value] pairs, skipping empty values. */
export function withQuery(path, pairs) {
  const q = new URLSearchParams();
  pairs.forEach(([k, v]) => { if (v !== undefined && v !== null && v !== '') q.append(k, String(v)); });
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
