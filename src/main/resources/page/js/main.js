// The page's entry: sign-in, overview, and the open table's views switched by tabs and driven by the URL.
import * as state from './state.js';
import * as signin from './signin.js';
import * as overview from './overview.js';
import * as timeline from './timeline.js';
import * as rows from './rows.js';
import * as diff from './diff.js';
import * as market from './market.js';
import * as tagsView from './tags.js';
import { meta } from './table.js';
import { report } from './api.js';
import { $ } from './dom.js';

const views = { timeline, rows, diff, market, tags: tagsView };
let shown = null; // {table, view}
// The last URL state of each view, so that switching tabs comes back to what was there.
const remembered = {};

function selectTab(view) {
  for (const name of state.VIEWS) {
    const tab = $(`tab-${name}`);
    const selected = name === view;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
    $(`view-${name}`).hidden = !selected;
  }
}

async function render(s) {
  overview.markCurrent(s.table);
  const section = $('table-section');
  if (!s.table) {
    if (shown) views[shown.view].hide();
    shown = null;
    section.hidden = true;
    document.title = 'tickerlake · time travel';
    return;
  }
  section.hidden = false;
  $('table-heading').textContent = s.table;
  document.title = `${s.table} · ${s.view} · tickerlake`;
  selectTab(s.view);
  if (shown && (shown.view !== s.view || shown.table !== s.table)) views[shown.view].hide();
  shown = { table: s.table, view: s.view };
  remembered[`${s.table}/${s.view}`] = s;
  let m;
  try {
    m = await meta(s.table);
  } catch (e) {
    report(e);
    return;
  }
  if (!shown || shown.table !== s.table || shown.view !== s.view) return; // moved on meanwhile
  $('table-info').textContent = `primary key: ${m.primaryKeys.join(', ')}`
    + (m.partitionKeys && m.partitionKeys.length ? ` · partitioned by ${m.partitionKeys.join(', ')}` : '')
    + ` · ${m.fields.length} columns`;
  views[s.view].show(s, m);
}

function openView(view, focus) {
  const s = state.read();
  const back = remembered[`${s.table}/${view}`];
  state.navigate(back ? { ...back, view } : { view });
  if (focus) $(`tab-${view}`).focus();
}

function initTabs() {
  const names = state.VIEWS;
  names.forEach((name, i) => {
    const tab = $(`tab-${name}`);
    tab.addEventListener('click', () => openView(name, false));
    tab.addEventListener('keydown', (e) => {
      let j = null;
      if (e.key === 'ArrowRight') j = (i + 1) % names.length;
      else if (e.key === 'ArrowLeft') j = (i - 1 + names.length) % names.length;
      else if (e.key === 'Home') j = 0;
      else if (e.key === 'End') j = names.length - 1;
      if (j === null) return;
      e.preventDefault();
      openView(names[j], true);
    });
  });
}

signin.init();
overview.init();
initTabs();
Object.values(views).forEach((v) => v.init());
state.subscribe(render);
render(state.read());
