// Tags and rollback: create and delete tags, roll back with a dry run first (the confirm button opens only
// after a dry run for the same target). All mutating calls carry the signed-in credentials.
import { post, del, tableUrl, report, clearMessage } from './api.js';
import { $, el, clear, setState, timeEl } from './dom.js';
import { refreshTags } from './table.js';
import { refresh as refreshOverview } from './overview.js';

let current = null; // {table, planned: target text of the last dry run}

function targetBody(text) {
  return /^\d+$/.test(text) ? { snapshot: Number(text) } : { tag: text };
}

function renderTags(tags) {
  const list = clear($('tag-list'));
  if (!tags.length) list.append(el('li', { className: 'muted' }, 'no tags yet'));
  tags.forEach((t) => {
    const remove = el('button', { type: 'button', className: 'tag-delete danger' }, 'Delete');
    remove.setAttribute('aria-label', `delete tag ${t.name}`);
    remove.addEventListener('click', () => deleteTag(t.name, remove));
    const use = el('button', { type: 'button', className: 'tag-rollback' }, 'Roll back to it…');
    use.addEventListener('click', () => {
      $('rollback-target').value = t.name;
      resetPlan();
      $('rollback-dry-run').focus();
    });
    list.append(el('li', { dataset: { tag: t.name } },
      el('span', { className: 'tagname' }, t.name),
      el('span', null, `snapshot #${t.snapshot}, committed `), timeEl(t.commitTime), remove, use));
  });
  setState(list, 'ready');
}

async function reload() {
  const list = $('tag-list');
  setState(list, 'loading');
  try {
    renderTags(await refreshTags(current.table));
  } catch (e) {
    setState(list, 'error');
    report(e);
  }
}

async function deleteTag(name, button) {
  button.disabled = true;
  try {
    await del(`${tableUrl(current.table)}/tags/${encodeURIComponent(name)}`);
    clearMessage();
  } catch (e) {
    report(e);
  }
  await reload();
  $('tag-name').focus();
}

async function createTag() {
  const name = $('tag-name').value.trim();
  const snap = $('tag-snapshot').value.trim();
  if (!name) { $('tag-name').focus(); return; }
  const body = { name };
  if (snap) body.snapshot = Number(snap);
  $('tag-create').disabled = true;
  try {
    await post(`${tableUrl(current.table)}/tags`, body);
    clearMessage();
    $('tag-name').value = '';
    $('tag-snapshot').value = '';
  } catch (e) {
    report(e);
  } finally {
    $('tag-create').disabled = false;
  }
  await reload();
}

function resetPlan() {
  current.planned = null;
  $('rollback-confirm').disabled = true;
  clear($('rollback-plan'));
  setState($('rollback-plan'), 'ready');
}

function renderPlan(answer, done) {
  const plan = clear($('rollback-plan'));
  const t = answer.target;
  const removes = answer.removesSnapshots || [];
  const tags = answer.removesTags || [];
  plan.append(el('p', null, el('strong', null, done ? 'Rolled back' : 'Dry run'),
    done ? ` to snapshot #${t.id}, committed ` : `: rolling back to snapshot #${t.id}, committed `, timeEl(t.commitTime),
    done ? ', removed:' : ', would remove:'));
  const ul = el('ul');
  ul.append(el('li', { className: 'removes-snapshots' }, removes.length
    ? `${removes.length} snapshot${removes.length === 1 ? '' : 's'}: ${rangeText(removes)}`
    : 'no snapshot'));
  ul.append(el('li', { className: 'removes-tags' }, tags.length ? `${tags.length} tag${tags.length === 1 ? '' : 's'}: ${tags.join(', ')}` : 'no tag'));
  plan.append(ul);
  if (!done) plan.append(el('p', { className: 'muted' }, 'Nothing has changed yet. "Roll back" does it (the sync job must be stopped).'));
  plan.dataset.done = String(Boolean(answer.done));
  plan.dataset.removesSnapshots = removes.join(',');
}

function rangeText(ids) {
  const sorted = ids.slice().sort((a, b) => a - b);
  const parts = [];
  let start = sorted[0];
  let prev = sorted[0];
  for (const id of sorted.slice(1).concat([null])) {
    if (id !== null && id === prev + 1) { prev = id; continue; }
    parts.push(start === prev ? `#${start}` : `#${start}–#${prev}`);
    start = id;
    prev = id;
  }
  return parts.join(', ');
}

async function dryRun() {
  const target = $('rollback-target').value.trim();
  if (!target) { $('rollback-target').focus(); return; }
  resetPlan();
  const plan = $('rollback-plan');
  setState(plan, 'loading');
  plan.textContent = `asking what a rollback to ${target} would remove…`;
  try {
    const answer = await post(`${tableUrl(current.table)}/rollback`, { ...targetBody(target), dryRun: true });
    renderPlan(answer, false);
    current.planned = target;
    $('rollback-confirm').disabled = false;
    setState(plan, 'ready');
    clearMessage();
  } catch (e) {
    clear(plan);
    setState(plan, 'error');
    report(e);
  }
}

async function confirmRollback() {
  const target = $('rollback-target').value.trim();
  if (!current.planned || current.planned !== target) { resetPlan(); return; }
  const plan = $('rollback-plan');
  $('rollback-confirm').disabled = true;
  setState(plan, 'loading');
  try {
    const answer = await post(`${tableUrl(current.table)}/rollback`, { ...targetBody(target), dryRun: false });
    renderPlan(answer, true);
    current.planned = null;
    setState(plan, 'ready');
    clearMessage();
    refreshOverview();
    await reload();
  } catch (e) {
    setState(plan, 'error');
    $('rollback-confirm').disabled = false;
    report(e);
  }
}

export function init() {
  $('tag-form').addEventListener('submit', (e) => { e.preventDefault(); if (current) createTag(); });
  $('rollback-form').addEventListener('submit', (e) => { e.preventDefault(); if (current) dryRun(); });
  $('rollback-confirm').addEventListener('click', () => { if (current) confirmRollback(); });
  $('rollback-target').addEventListener('input', () => {
    if (current && current.planned !== $('rollback-target').value.trim()) {
      $('rollback-confirm').disabled = true;
    } else if (current && current.planned) {
      $('rollback-confirm').disabled = false;
    }
  });
}

export function show(s) {
  if (!current || current.table !== s.table) {
    current = { table: s.table, planned: null };
    $('rollback-target').value = '';
    resetPlan();
  }
  reload();
}

export function hide() {}
