// The table as it was: rows at a snapshot, a timestamp or a tag, filtered on any column (the API's `where`),
// 50 a page (the API's `offset`). Everything is in the URL: table, point, filters, page.
import { heavy, tableUrl, withQuery, report, clearMessage } from './api.js';
import { $, el, clear, setState, cellText, timeEl } from './dom.js';
import { tags as loadTags, onTagsChange } from './table.js';
import { navigate, read } from './state.js';

const PAGE_SIZE = 50;
let current = null; // {table, meta, where: [], controller, answeredSnapshot}

function fillTagSelect(tags, selected) {
  const sel = $('point-tag');
  clear(sel).append(el('option', { value: '' }, ''));
  tags.forEach((t) => sel.append(el('option', { value: t.name }, `${t.name} (#${t.snapshot})`)));
  if (selected && !tags.some((t) => t.name === selected)) sel.append(el('option', { value: selected }, selected));
  sel.value = selected || '';
}

function fillColumns(m) {
  const sel = $('where-column');
  const keep = sel.value;
  clear(sel);
  m.fields.forEach((f) => sel.append(el('option', { value: f.name }, `${f.name} (${f.type.toLowerCase()})`)));
  if (keep && m.fields.some((f) => f.name === keep)) sel.value = keep;
}

function renderWhereList() {
  const list = clear($('where-list'));
  current.where.forEach((w, i) => {
    const sep = w.indexOf(':');
    const text = `${w.slice(0, sep)} = ${w.slice(sep + 1)}`;
    const remove = el('button', { type: 'button', className: 'where-remove' }, '×');
    remove.setAttribute('aria-label', `remove filter ${text}`);
    remove.addEventListener('click', () => {
      current.where.splice(i, 1);
      apply();
      $('where-value').focus();
    });
    list.append(el('li', { dataset: { where: w } }, el('span', null, text), remove));
  });
}

/** The point the form names: {snapshot|timestamp|tag}; the last edited field wins (the others are cleared). */
function formPoint() {
  return {
    snapshot: $('point-snapshot').value.trim(),
    timestamp: $('point-timestamp').value.trim(),
    tag: $('point-tag').value,
  };
}

function apply() {
  navigate({ view: 'rows', ...formPoint(), where: current.where.slice(), page: 1 });
}

function renderHead(m) {
  const head = clear($('rows-table').tHead);
  head.append(el('tr', null, ...m.fields.map((f) => el('th', { scope: 'col', title: f.type }, f.name))));
}

function renderRows(m, rows) {
  const body = clear($('rows-table').tBodies[0]);
  rows.forEach((r) => {
    body.append(el('tr', null, ...m.fields.map((f) => {
      const td = el('td', null, cellText(r, f.name));
      if (typeof r[f.name] === 'number') td.className = 'num';
      return td;
    })));
  });
}

function describePoint(s) {
  if (s.snapshot) return `snapshot #${s.snapshot}`;
  if (s.timestamp) return `timestamp ${s.timestamp}`;
  if (s.tag) return `tag ${s.tag}`;
  return 'the latest snapshot';
}

async function load(s, m) {
  if (current.controller) current.controller.abort();
  const controller = new AbortController();
  current.controller = controller;
  const table = $('rows-table');
  setState(table, 'loading');
  const info = $('rows-snapshot');
  info.textContent = `reading ${describePoint(s)}…`;
  $('rows-page').textContent = `page ${s.page}`;
  $('rows-prev').disabled = true;
  $('rows-next').disabled = true;
  const url = withQuery(`${tableUrl(s.table)}/rows`, [
    ['snapshot', s.snapshot], ['timestamp', s.snapshot ? '' : s.timestamp], ['tag', s.snapshot || s.timestamp ? '' : s.tag],
    ...s.where.map((w) => ['where', w]),
    ['limit', PAGE_SIZE], ['offset', (s.page - 1) * PAGE_SIZE],
  ]);
  try {
    const answer = await heavy(url, controller.signal);
    if (controller.signal.aborted) return;
    renderHead(m);
    renderRows(m, answer.rows || []);
    const snap = answer.snapshot;
    current.answeredSnapshot = snap ? snap.id : null;
    clear(info);
    if (snap) {
      info.dataset.snapshotId = String(snap.id);
      const n = (answer.rows || []).length;
      const first = (s.page - 1) * PAGE_SIZE;
      info.append(`Snapshot #${snap.id}, committed `, timeEl(snap.commitTime),
        `${s.snapshot ? '' : ` (${describePoint(s)})`}: ${n ? `rows ${first + 1}–${first + n}` : 'no rows'}${answer.truncated ? ', more follow' : ''}`
        + `${s.where.length ? `, where ${s.where.join(' and ')}` : ''}.`);
    } else {
      delete info.dataset.snapshotId;
      info.textContent = 'The table has no snapshot yet.';
    }
    $('rows-prev').disabled = s.page <= 1;
    $('rows-next').disabled = !answer.truncated;
    setState(table, 'ready');
    clearMessage();
  } catch (e) {
    if (e.name === 'AbortError') return;
    setState(table, 'error');
    info.textContent = `Could not read ${describePoint(s)}.`;
    $('rows-prev').disabled = s.page <= 1;
    report(e);
  }
}

function gotoPage(delta) {
  const s = read();
  const next = Math.max(1, s.page + delta);
  // Pin the snapshot the first page was read at, so that later pages come from the same one.
  const pin = !s.snapshot && !s.timestamp && !s.tag && current.answeredSnapshot ? { snapshot: String(current.answeredSnapshot) } : {};
  navigate({ ...pin, page: next });
}

export function init() {
  $('rows-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (current) apply();
  });
  // One point at a time: editing one clears the other two.
  const fields = ['point-snapshot', 'point-timestamp', 'point-tag'];
  fields.forEach((id) => {
    $(id).addEventListener('input', () => {
      if (!$(id).value) return;
      fields.filter((o) => o !== id).forEach((o) => { $(o).value = ''; });
    });
  });
  $('where-add').addEventListener('click', () => {
    if (!current) return;
    const col = $('where-column').value;
    const value = $('where-value').value;
    if (!col || value === '') { $('where-value').focus(); return; }
    current.where.push(`${col}:${value}`);
    $('where-value').value = '';
    apply();
  });
  $('where-value').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); $('where-add').click(); }
  });
  $('rows-prev').addEventListener('click', () => gotoPage(-1));
  $('rows-next').addEventListener('click', () => gotoPage(1));
  onTagsChange((table, list) => {
    if (current && current.table === table) fillTagSelect(list, $('point-tag').value);
  });
}

export function show(s, m) {
  if (!current || current.table !== s.table) {
    current = { table: s.table, meta: m, where: [], controller: null, answeredSnapshot: null };
    fillColumns(m);
    renderHead(m);
    clear($('rows-table').tBodies[0]);
  }
  current.where = s.where.slice();
  $('point-snapshot').value = s.snapshot;
  $('point-timestamp').value = s.snapshot ? '' : s.timestamp;
  fillTagSelect([], s.snapshot || s.timestamp ? '' : s.tag);
  loadTags(s.table).then((list) => fillTagSelect(list, s.snapshot || s.timestamp ? '' : s.tag)).catch(() => {});
  renderWhereList();
  load(s, m);
}

export function hide() {
  if (current && current.controller) current.controller.abort();
}
