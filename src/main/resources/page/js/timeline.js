// Timeline: the table's retained snapshots over commit time (total records as a line, each commit's delta as
// bars for APPEND and points for COMPACT/OVERWRITE, tags as vertical marks), polled every 2 s and updated in
// place; the same snapshots in an accessible table; the retention window from the table's options.
import { get, tableUrl, report } from './api.js';
import { $, el, clear, setState, timeEl, shortTime, number } from './dom.js';
import { tags as loadTags, refreshTags, onTagsChange, allSnapshots } from './table.js';
import { navigate } from './state.js';
import { uPlot, makeChart, utcTicks, compactNumber, ACCENT, APPEND, COMPACT, TAG } from './chart.js';

const POLL_MS = 2000;
const FULL_EVERY = 15; // every 15th poll reads the whole list again (drops expired snapshots)
const PAGE_ROWS = 100;

let current = null; // {table, meta, snapshots: [] newest first, tags: [], chart, timer, polls, shownRows, gen}

function tagsBySnapshot(tags) {
  const by = new Map();
  tags.forEach((t) => {
    if (!by.has(t.snapshot)) by.set(t.snapshot, []);
    by.get(t.snapshot).push(t.name);
  });
  return by;
}

// ---- retention ----------------------------------------------------------------------------------------------

function spaced(duration) {
  return String(duration).trim().replace(/^(\d+(?:\.\d+)?)\s*([a-z]+)$/i, '$1 $2');
}

function renderRetention() {
  const o = current.meta.options || {};
  const time = o['snapshot.time-retained'] || '1h';
  const min = o['snapshot.num-retained.min'] || '10';
  const max = o['snapshot.num-retained.max'];
  let text = `keeps snapshots for ${spaced(time)}, at least ${min}`;
  if (max && Number(max) < 2147483647) text += `, at most ${max}`;
  const p = $('retention');
  clear(p).append(text);
  const oldest = current.snapshots[current.snapshots.length - 1];
  if (oldest) {
    p.append(`; oldest retained: #${oldest.id} at `, timeEl(oldest.commitTime),
      ` (${current.snapshots.length} retained)`);
  } else {
    p.append('; no snapshot yet');
  }
}

// ---- chart --------------------------------------------------------------------------------------------------

function chartData() {
  const asc = current.snapshots.slice().reverse();
  current.chartIds = asc.map((s) => s.id); // the snapshot of each point, for a click
  const x = asc.map((s) => s.commitTimeMillis / 1000);
  const total = asc.map((s) => s.totalRecordCount);
  const append = asc.map((s) => (s.commitKind === 'APPEND' ? s.deltaRecordCount : null));
  const other = asc.map((s) => (s.commitKind !== 'APPEND' ? s.deltaRecordCount : null));
  return [x, total, append, other];
}

function drawTags(u) {
  if (!current) return;
  const byId = tagsBySnapshot(current.tags);
  if (!byId.size) return;
  const { ctx } = u;
  const { top, height } = u.bbox;
  ctx.save();
  ctx.strokeStyle = TAG;
  ctx.fillStyle = TAG;
  ctx.lineWidth = 1.5 * devicePixelRatio;
  ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
  ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
  for (const s of current.snapshots) {
    const names = byId.get(s.id);
    if (!names) continue;
    const x = Math.round(u.valToPos(s.commitTimeMillis / 1000, 'x', true));
    if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.fillText(names.join(', '), x + 3 * devicePixelRatio, top + 12 * devicePixelRatio);
  }
  ctx.restore();
}

// A click on the chart (not the end of a drag, which zooms) opens the table as it was at the snapshot under the
// cursor; the snapshot table below offers the same for the keyboard.
function openOnClick(u) {
  let downX = null;
  u.over.addEventListener('mousedown', (e) => { downX = e.clientX; });
  u.over.addEventListener('click', (e) => {
    const dragged = downX !== null && Math.abs(e.clientX - downX) > 3;
    downX = null;
    const i = u.cursor.idx;
    if (dragged || i === null || i === undefined || !current || !current.chartIds) return;
    const id = current.chartIds[i];
    if (id !== undefined) navigate({ view: 'rows', snapshot: String(id), timestamp: '', tag: '', page: 1 });
  });
}

function chartOptions() {
  return {
    title: '',
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    cursor: { drag: { x: true, y: false } },
    legend: { live: true },
    scales: { x: { time: true }, total: { auto: true }, delta: { auto: true } },
    axes: [
      { values: utcTicks, label: 'commit time (UTC)' },
      { scale: 'total', label: 'total records', values: (u, v) => v.map(compactNumber), size: 60 },
      { scale: 'delta', side: 1, label: 'delta', grid: { show: false }, values: (u, v) => v.map(compactNumber), size: 55 },
    ],
    series: [
      { label: 'time', value: (u, v) => (v === null ? '' : shortTime(v * 1000)) },
      { label: 'total records', scale: 'total', stroke: ACCENT, width: 2, points: { show: false } },
      {
        label: 'append Δ', scale: 'delta', stroke: APPEND, fill: 'rgba(79,154,102,0.45)', width: 1,
        paths: uPlot.paths.bars({ size: [0.6, 14] }), points: { show: false },
      },
      {
        label: 'compaction Δ', scale: 'delta', stroke: COMPACT, fill: COMPACT, width: 0,
        paths: () => null, points: { show: true, size: 9, stroke: COMPACT, fill: '#fff', width: 2 },
      },
    ],
    hooks: { draw: [drawTags], ready: [openOnClick] },
  };
}

function describeChart() {
  const s = current.snapshots;
  const box = $('timeline-chart');
  if (!s.length) {
    box.setAttribute('aria-label', `No snapshots of ${current.table} yet`);
    return;
  }
  const newest = s[0];
  const oldest = s[s.length - 1];
  const compactions = s.filter((x) => x.commitKind !== 'APPEND').length;
  const tagged = current.tags.map((t) => `${t.name} at #${t.snapshot}`);
  box.setAttribute('aria-label', `Snapshots of ${current.table} from #${oldest.id} (${shortTime(oldest.commitTime)}) `
    + `to #${newest.id} (${shortTime(newest.commitTime)}): total records ${number(oldest.totalRecordCount)} to `
    + `${number(newest.totalRecordCount)}; ${s.length} snapshots, ${compactions} compactions`
    + `${tagged.length ? `; tags: ${tagged.join(', ')}` : ''}. The table below lists them.`);
}

function renderChart() {
  const data = chartData();
  const box = $('timeline-chart');
  if (!current.chart) current.chart = makeChart(box, chartOptions(), data);
  else current.chart.setData(data);
  describeChart();
}

// ---- table --------------------------------------------------------------------------------------------------

function tagCell(td, names) {
  clear(td);
  (names || []).forEach((n) => td.append(el('span', { className: 'tagname' }, n)));
}

function snapshotRow(s, tagNames, fresh) {
  const open = el('button', { type: 'button', className: 'view-rows' }, 'rows');
  open.setAttribute('aria-label', `rows at snapshot ${s.id}`);
  open.addEventListener('click', () => navigate({ view: 'rows', snapshot: String(s.id), timestamp: '', tag: '', page: 1 }));
  const changes = el('button', { type: 'button', className: 'view-diff' }, 'changes');
  changes.setAttribute('aria-label', `changes made by snapshot ${s.id}`);
  changes.addEventListener('click', () => navigate({ view: 'diff', from: String(s.id - 1), to: String(s.id) }));
  if (s.id <= 1) changes.disabled = true;
  const delta = el('td', { className: 'delta num' }, s.deltaRecordCount > 0 ? `+${s.deltaRecordCount}` : String(s.deltaRecordCount));
  const tr = el('tr', { dataset: { snapshotId: s.id }, className: `${s.commitKind === 'APPEND' ? 'append' : 'compact'}${fresh ? ' new-row' : ''}` },
    el('td', { className: 'id num' }, String(s.id)),
    el('td', { className: 'time' }, timeEl(s.commitTime)),
    el('td', { className: 'kind' }, s.commitKind),
    el('td', { className: 'total num' }, number(s.totalRecordCount)),
    delta,
    el('td', { className: 'tags' }),
    el('td', { className: 'actions' }, open, ' ', changes));
  tagCell(tr.cells[5], tagNames);
  return tr;
}

/** Makes the tbody show the newest `shownRows` snapshots, reusing rows already there (focus stays put). */
function renderTable(markNew) {
  const table = $('snapshot-list');
  const body = table.tBodies[0];
  const byTag = tagsBySnapshot(current.tags);
  const want = current.snapshots.slice(0, current.shownRows);
  const existing = new Map();
  for (const tr of Array.from(body.rows)) existing.set(Number(tr.dataset.snapshotId), tr);
  let before = body.firstChild;
  for (const s of want) {
    let tr = existing.get(s.id);
    if (tr) {
      existing.delete(s.id);
      tagCell(tr.cells[5], byTag.get(s.id));
    } else {
      tr = snapshotRow(s, byTag.get(s.id), markNew);
    }
    if (tr !== before) body.insertBefore(tr, before);
    else before = before.nextSibling;
    before = tr.nextSibling;
  }
  existing.forEach((tr) => tr.remove());
  const more = $('snapshots-more');
  more.hidden = current.snapshots.length <= current.shownRows;
  more.textContent = `Older snapshots (${current.snapshots.length - current.shownRows} more)`;
  setState(table, 'ready');
}

// ---- loading and polling ------------------------------------------------------------------------------------

/**
 * Adds the polled snapshots not seen yet. Answers null when the history was rewritten under us (a rollback:
 * a known id with another commit time, or the newest id went down), so that the caller reads it all again.
 */
function merge(newer) {
  const known = new Map(current.snapshots.map((s) => [s.id, s.commitTimeMillis]));
  const newestKnown = current.snapshots.length ? current.snapshots[0].id : 0;
  if (newer.length && newer[0].id < newestKnown) return null;
  if (newer.some((s) => known.has(s.id) && known.get(s.id) !== s.commitTimeMillis)) return null;
  const fresh = newer.filter((s) => !known.has(s.id));
  if (!fresh.length) return false;
  current.snapshots = fresh.concat(current.snapshots).sort((a, b) => b.id - a.id);
  return true;
}

async function poll(gen) {
  if (!current || current.gen !== gen || current.polling || document.hidden) return;
  current.polling = true;
  current.polls += 1;
  try {
    let merged = false;
    if (current.polls % FULL_EVERY !== 0) {
      const page = await get(`${tableUrl(current.table)}/snapshots?limit=20`);
      if (!current || current.gen !== gen) return;
      merged = merge(page.snapshots || []);
    }
    let rewritten = false;
    if (current.polls % FULL_EVERY === 0 || merged === null) {
      const all = await allSnapshots(current.table);
      if (!current || current.gen !== gen) return;
      const before = current.snapshots;
      rewritten = merged === null;
      merged = all.length !== before.length || (all[0] && all[0].id) !== (before[0] && before[0].id);
      current.snapshots = all;
      if (rewritten) {
        clear($('snapshot-list').tBodies[0]); // the same ids may now stand for other snapshots
        await refreshTags(current.table).catch(() => {});
      }
    }
    if (merged || rewritten) {
      renderChart();
      renderTable(!rewritten);
      renderRetention();
    }
  } catch (e) {
    report(e);
  } finally {
    if (current && current.gen === gen) current.polling = false;
  }
}

async function load(s, m) {
  const gen = (current ? current.gen : 0) + 1;
  stopPolling();
  if (current && current.chart) current.chart.destroy();
  current = { table: s.table, meta: m, snapshots: [], tags: [], chart: null, timer: null, polls: 0, polling: false, shownRows: PAGE_ROWS, gen };
  const table = $('snapshot-list');
  setState(table, 'loading');
  clear(table.tBodies[0]);
  clear($('timeline-chart'));
  $('retention').textContent = '';
  try {
    const [snaps, tags] = await Promise.all([allSnapshots(s.table), loadTags(s.table).catch(() => [])]);
    if (!current || current.gen !== gen) return;
    current.snapshots = snaps;
    current.tags = tags;
    renderChart();
    renderTable(false);
    renderRetention();
  } catch (e) {
    setState(table, 'error');
    report(e);
  }
  if (current && current.gen === gen) current.timer = setInterval(() => poll(gen), POLL_MS);
}

function stopPolling() {
  if (current && current.timer) clearInterval(current.timer);
  if (current) current.timer = null;
}

export function init() {
  $('snapshots-more').addEventListener('click', () => {
    if (!current) return;
    current.shownRows += 200;
    renderTable(false);
  });
  onTagsChange((table, list) => {
    if (!current || current.table !== table) return;
    current.tags = list;
    if (current.chart) current.chart.redraw(false);
    describeChart();
    renderTable(false);
  });
}

export function show(s, m) {
  if (current && current.table === s.table && current.timer) {
    current.chart && current.chart.setSize({ width: Math.max(240, $('timeline-chart').clientWidth), height: current.chart.height });
    return;
  }
  load(s, m);
}

export function hide() {
  stopPolling();
}
