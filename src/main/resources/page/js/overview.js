// Overview: every table with its latest snapshot, records and freshness; the sync job with stop/start.
import { get, post, tableUrl, report, clearMessage } from './api.js';
import { $, el, clear, setState, timeEl, duration, number } from './dom.js';
import { navigate, read } from './state.js';

const POLL_MS = 5000;
let timer = null;
let busy = false;

function tableLink(name) {
  const a = el('a', { href: `/?table=${encodeURIComponent(name)}&view=timeline`, className: 'table-link' }, name);
  a.addEventListener('click', (e) => {
    if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate({ table: name, view: 'timeline' });
  });
  return a;
}

function freshnessCell(info) {
  const td = el('td', { className: 'freshness num' });
  if (info && info.freshnessMillis !== null && info.freshnessMillis !== undefined) {
    // Negative when the exchange stamped events ahead of this machine's clock (a replay, a skewed clock).
    td.textContent = info.freshnessMillis < 0 ? `${duration(-info.freshnessMillis)} ahead` : duration(info.freshnessMillis);
    td.title = `${info.freshnessMillis} ms: the last data commit's time minus the newest exchange timestamp it committed`;
    if (info.freshnessMillis > 60_000) td.classList.add('stale');
  } else {
    td.textContent = '–';
    td.title = 'no snapshot yet';
  }
  return td;
}

async function latestRecords(name) {
  try {
    const page = await get(`${tableUrl(name)}/snapshots?limit=1`);
    const s = page.snapshots && page.snapshots[0];
    return s ? s.totalRecordCount : null;
  } catch (e) {
    return null;
  }
}

function renderSync(sync) {
  const state = $('sync-state');
  state.textContent = sync.state;
  state.dataset.value = sync.state;
  setState(state, 'ready');
  const bits = [];
  if (sync.lastCheckpoint && sync.lastCheckpoint.completedAt) {
    bits.push(`last checkpoint ${sync.lastCheckpoint.id} at ${new Date(sync.lastCheckpoint.completedAt).toISOString().slice(11, 19)}Z`);
  }
  if (sync.resumedFrom) bits.push(`started ${sync.resumedFrom}`);
  if (sync.lastFailure) bits.push(`last failure: ${typeof sync.lastFailure === 'string' ? sync.lastFailure : JSON.stringify(sync.lastFailure)}`);
  $('sync-detail').textContent = bits.length ? `(${bits.join('; ')})` : '';
  $('sync-stop').disabled = sync.state !== 'RUNNING';
  $('sync-start').disabled = sync.state === 'RUNNING';
}

export async function refresh() {
  if (busy) return;
  busy = true;
  const table = $('overview');
  try {
    const [list, sync] = await Promise.all([get('/api/tables'), get('/api/sync').catch(() => null)]);
    const tables = list.tables || [];
    const records = await Promise.all(tables.map((t) => latestRecords(`${t.database}.${t.table}`)));
    const body = clear(table.tBodies[0]);
    tables.forEach((t, i) => {
      const name = `${t.database}.${t.table}`;
      const info = sync && sync.tables ? sync.tables[name] : null;
      const snap = t.latestSnapshot;
      body.append(el('tr', { dataset: { table: name } },
        el('th', { scope: 'row' }, tableLink(name)),
        el('td', { className: 'snapshot num' }, snap ? String(snap.id) : '–'),
        el('td', { className: 'records num' }, records[i] === null ? '–' : number(records[i])),
        freshnessCell(info),
        el('td', { className: 'commit' }, snap ? timeEl(snap.commitTime) : '–')));
    });
    markCurrent(read().table);
    setState(table, 'ready');
    if (sync) renderSync(sync);
  } catch (e) {
    setState(table, 'error');
    report(e);
  } finally {
    busy = false;
  }
}

/** Marks the open table's row (aria-current on its link). */
export function markCurrent(name) {
  for (const tr of $('overview').tBodies[0].rows) {
    const link = tr.querySelector('a');
    const here = tr.dataset.table === name;
    tr.classList.toggle('current', here);
    if (link) {
      if (here) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  }
}

async function syncAction(action, button) {
  const other = action === 'stop' ? $('sync-start') : $('sync-stop');
  button.disabled = true;
  other.disabled = true;
  $('sync-state').textContent = action === 'stop' ? 'stopping…' : 'starting…';
  try {
    await post(`/api/sync/${action}`);
    clearMessage();
  } catch (e) {
    report(e);
  }
  await refresh();
}

export function init() {
  setState($('sync-state'), 'loading');
  $('sync-stop').addEventListener('click', (e) => syncAction('stop', e.currentTarget));
  $('sync-start').addEventListener('click', (e) => syncAction('start', e.currentTarget));
  refresh();
  timer = setInterval(() => { if (!document.hidden) refresh(); }, POLL_MS);
}

export function stop() {
  clearInterval(timer);
}
