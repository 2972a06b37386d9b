// What changed between two points (snapshot ids or tags): +I green, -D red, an update as its -U/+U pair with
// the changed cells of the +U marked td.changed; counts in #diff-summary.
import { heavy, get, tableUrl, withQuery, report, clearMessage } from './api.js';
import { $, el, clear, setState, cellText, timeEl } from './dom.js';
import { tags as loadTags } from './table.js';
import { navigate } from './state.js';

const LIMIT = 1000;
const KIND_NAMES = { '+I': 'insert', '-U': 'update (before)', '+U': 'update (after)', '-D': 'delete' };
let controller = null;

function pkText(m, row) {
  return m.primaryKeys.map((k) => cellText(row, k)).join('\u0000');
}

function render(m, answer) {
  const table = $('diff-table');
  clear(table.tHead).append(el('tr', null,
    el('th', { scope: 'col' }, 'kind'),
    ...m.fields.map((f) => el('th', { scope: 'col', title: f.type }, f.name))));
  const body = clear(table.tBodies[0]);
  const counts = { '+I': 0, '-U': 0, '+U': 0, '-D': 0 };
  let before = null; // the -U row waiting for its +U
  for (const c of answer.changes || []) {
    counts[c.kind] = (counts[c.kind] || 0) + 1;
    const pair = c.kind === '+U' && before && pkText(m, before) === pkText(m, c.row) ? before : null;
    const tr = el('tr', { dataset: { kind: c.kind } },
      el('th', { scope: 'row', className: 'kind', title: KIND_NAMES[c.kind] || c.kind }, c.kind));
    for (const f of m.fields) {
      const td = el('td', null, cellText(c.row, f.name));
      if (pair && cellText(pair, f.name) !== cellText(c.row, f.name)) {
        td.className = 'changed';
        td.title = `was ${cellText(pair, f.name) || '(null)'}`;
      }
      tr.append(td);
    }
    if (pair) {
      // strike through the old values in the -U row just above
      const prev = body.lastElementChild;
      m.fields.forEach((f, i) => { if (tr.cells[i + 1].className === 'changed') prev.cells[i + 1].classList.add('was'); });
    }
    body.append(tr);
    before = c.kind === '-U' ? c.row : null;
  }
  const summary = clear($('diff-summary'));
  const updates = Math.max(counts['+U'], counts['-U']);
  summary.append(
    `From #${answer.from.id} (`, timeEl(answer.from.commitTime), `) to #${answer.to.id} (`, timeEl(answer.to.commitTime), '): ',
    el('span', { className: 'ins count-inserts' }, `${counts['+I']} inserts`), ' · ',
    el('span', { className: 'upd count-updates' }, `${updates} updates`), ' · ',
    el('span', { className: 'del count-deletes' }, `${counts['-D']} deletes`),
    answer.truncated ? ` (the first ${(answer.changes || []).length} changes only)` : '');
  summary.dataset.inserts = String(counts['+I']);
  summary.dataset.updates = String(updates);
  summary.dataset.deletes = String(counts['-D']);
}

async function load(s, m) {
  if (controller) controller.abort();
  controller = new AbortController();
  const mine = controller;
  const table = $('diff-table');
  setState(table, 'loading');
  $('diff-summary').textContent = `comparing ${s.from} with ${s.to}…`;
  try {
    const answer = await heavy(withQuery(`${tableUrl(s.table)}/diff`, [['from', s.from], ['to', s.to], ['limit', LIMIT]]), mine.signal);
    if (mine.signal.aborted) return;
    render(m, answer);
    setState(table, 'ready');
    clearMessage();
  } catch (e) {
    if (e.name === 'AbortError') return;
    setState(table, 'error');
    $('diff-summary').textContent = `Could not compare ${s.from} with ${s.to}.`;
    report(e);
  }
}

async function suggest(s) {
  // The points offered in the inputs' list: tags, and the newest snapshots.
  const list = clear($('diff-points'));
  try {
    const [tags, page] = await Promise.all([loadTags(s.table).catch(() => []), get(`${tableUrl(s.table)}/snapshots?limit=30`)]);
    tags.forEach((t) => list.append(el('option', { value: t.name }, `tag, snapshot #${t.snapshot}`)));
    (page.snapshots || []).forEach((x) => list.append(el('option', { value: String(x.id) }, `${x.commitKind} ${x.commitTime}`)));
    const snaps = page.snapshots || [];
    if (!s.from && !s.to && snaps.length >= 2 && !$('diff-from').value && !$('diff-to').value) {
      $('diff-to').value = String(snaps[0].id);
      $('diff-from').value = String(snaps[Math.min(5, snaps.length - 1)].id);
    }
  } catch (e) {
    // suggestions only
  }
}

export function init() {
  $('diff-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const from = $('diff-from').value.trim();
    const to = $('diff-to').value.trim();
    if (!from) { $('diff-from').focus(); return; }
    if (!to) { $('diff-to').focus(); return; }
    navigate({ view: 'diff', from, to });
  });
}

export function show(s, m) {
  $('diff-from').value = s.from;
  $('diff-to').value = s.to;
  suggest(s);
  if (s.from && s.to) {
    load(s, m);
  } else {
    clear($('diff-table').tHead);
    clear($('diff-table').tBodies[0]);
    $('diff-summary').textContent = 'Choose two points (snapshot ids or tags) and compare.';
    setState($('diff-table'), 'ready');
  }
}

export function hide() {
  if (controller) controller.abort();
}
