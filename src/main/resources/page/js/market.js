// One market through time: a numeric column of one key (the first primary-key column, e.g. market=KRW-BTC)
// across up to 40 retained snapshots sampled evenly, read one after the other (rows requests are limited).
import { heavy, tableUrl, withQuery, report, clearMessage } from './api.js';
import { $, el, clear, setState, timeEl, shortTime, cellText } from './dom.js';
import { numericFields, allSnapshots } from './table.js';
import { navigate } from './state.js';
import { uPlot, makeChart, utcTicks, compactNumber, ACCENT } from './chart.js';

const SAMPLES = 40;
let run = null; // {controller, chart}
let keysFor = null;

/** Up to n items of list spread evenly, first and last included, in list order. */
export function sample(list, n) {
  if (list.length <= n) return list.slice();
  const out = [];
  for (let i = 0; i < n; i++) out.push(list[Math.round((i * (list.length - 1)) / (n - 1))]);
  return out.filter((x, i) => i === 0 || x !== out[i - 1]);
}

function fillColumns(m, selected) {
  const sel = clear($('market-column'));
  const nums = numericFields(m);
  nums.forEach((f) => sel.append(el('option', { value: f.name }, f.name)));
  const fallback = nums.find((f) => f.name === 'price') || nums[0];
  sel.value = selected && nums.some((f) => f.name === selected) ? selected : (fallback ? fallback.name : '');
}

async function suggestKeys(s, m) {
  if (keysFor === s.table) return;
  keysFor = s.table;
  const list = clear($('market-keys'));
  try {
    const key = m.primaryKeys[0];
    const answer = await heavy(withQuery(`${tableUrl(s.table)}/rows`, [['limit', 500]]));
    const seen = new Set((answer.rows || []).map((r) => cellText(r, key)));
    Array.from(seen).sort().forEach((v) => list.append(el('option', { value: v })));
  } catch (e) {
    keysFor = null; // suggestions only
  }
}

function chartOptions(column) {
  return {
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    legend: { live: true },
    scales: { x: { time: true } },
    axes: [
      { values: utcTicks, label: 'commit time (UTC)' },
      { label: column, values: (u, v) => v.map(compactNumber), size: 65 },
    ],
    series: [
      { label: 'time', value: (u, v) => (v === null ? '' : shortTime(v * 1000)) },
      { label: column, stroke: ACCENT, width: 2, points: { show: true, size: 5, fill: ACCENT } },
    ],
  };
}

function stopRun() {
  if (run && run.controller) run.controller.abort();
}

async function draw(s, m) {
  stopRun();
  if (run && run.chart) run.chart.destroy();
  const controller = new AbortController();
  run = { controller, chart: null };
  const mine = run;
  const keyColumn = m.primaryKeys[0];
  const table = $('market-table');
  const body = clear(table.tBodies[0]);
  const progress = $('market-progress');
  const box = $('market-chart');
  clear(box);
  setState(table, 'loading');
  table.tHead.rows[0].cells[2].textContent = s.column;
  table.caption.textContent = `${s.column} of ${keyColumn} = ${s.key} at each sampled snapshot`;
  const points = []; // [{snapshot, value}] oldest first
  try {
    progress.textContent = 'listing the retained snapshots…';
    const snaps = (await allSnapshots(s.table, controller.signal)).slice().reverse();
    const chosen = sample(snaps, SAMPLES);
    let missing = 0;
    for (let i = 0; i < chosen.length; i++) {
      if (controller.signal.aborted) return;
      const snap = chosen[i];
      progress.textContent = `reading snapshot ${i + 1} of ${chosen.length} (#${snap.id})…`;
      try {
        const answer = await heavy(withQuery(`${tableUrl(s.table)}/rows`, [
          ['snapshot', snap.id], ['where', `${keyColumn}:${s.key}`], ['limit', 1]]), controller.signal);
        const row = (answer.rows || [])[0];
        const value = row ? row[s.column] : null;
        points.push({ snap, value: typeof value === 'number' ? value : (value === null || value === undefined ? null : Number(value)), text: row ? cellText(row, s.column) : '' });
        body.append(el('tr', { dataset: { snapshotId: snap.id } },
          el('td', { className: 'num' }, String(snap.id)),
          el('td', null, timeEl(snap.commitTime)),
          el('td', { className: 'num', title: row ? cellText(row, s.column) : '' },
            row ? (typeof row[s.column] === 'number' ? row[s.column].toLocaleString('en-US', { maximumFractionDigits: 8 }) : cellText(row, s.column)) : '(no row)')));
      } catch (e) {
        if (e.name === 'AbortError') return;
        if (e.status === 404) { missing += 1; continue; } // expired meanwhile
        throw e;
      }
    }
    const data = [points.map((p) => p.snap.commitTimeMillis / 1000), points.map((p) => p.value)];
    mine.chart = makeChart(box, chartOptions(s.column), data);
    const values = points.filter((p) => p.value !== null);
    const lo = values.length ? Math.min(...values.map((p) => p.value)) : null;
    const hi = values.length ? Math.max(...values.map((p) => p.value)) : null;
    box.setAttribute('aria-label', values.length
      ? `${s.column} of ${s.key} over ${points.length} snapshots from #${points[0].snap.id} to #${points[points.length - 1].snap.id}: `
        + `first ${values[0].text}, last ${values[values.length - 1].text}, low ${lo}, high ${hi}. The table below lists the values.`
      : `No value of ${s.column} for ${s.key} in the sampled snapshots.`);
    progress.textContent = `${points.length} snapshots read (of ${snaps.length} retained${missing ? `, ${missing} expired meanwhile` : ''}); `
      + `${values.length ? `${values.length} with a row for ${s.key}` : `no row for ${s.key}`}.`;
    setState(table, 'ready');
    clearMessage();
  } catch (e) {
    if (e.name === 'AbortError') return;
    setState(table, 'error');
    progress.textContent = 'stopped by an error.';
    report(e);
  }
}

export function init() {
  $('market-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const key = $('market-key').value.trim();
    if (!key) { $('market-key').focus(); return; }
    navigate({ view: 'market', key, column: $('market-column').value });
  });
}

export function show(s, m) {
  $('market-key-label').textContent = `${m.primaryKeys[0]} (key)`;
  fillColumns(m, s.column);
  $('market-key').value = s.key;
  if (s.key) {
    const column = $('market-column').value;
    draw({ ...s, column }, m).then(() => suggestKeys(s, m));
  } else {
    stopRun();
    clear($('market-table').tBodies[0]);
    clear($('market-chart'));
    $('market-progress').textContent = `Choose a ${m.primaryKeys[0]} and a numeric column, then draw.`;
    setState($('market-table'), 'ready');
    suggestKeys(s, m);
  }
}

export function hide() {
  stopRun();
}
