// What the views share about the open table: its description (fields, keys, options) and its tags.
import { get, tableUrl } from './api.js';

const metaCache = new Map();
const tagCache = new Map();
const tagListeners = [];

/** GET /api/tables/{db}/{t}, once per table per page load. */
export function meta(table) {
  if (!metaCache.has(table)) {
    const p = get(tableUrl(table));
    p.catch(() => metaCache.delete(table));
    metaCache.set(table, p);
  }
  return metaCache.get(table);
}

/** The table's tags [{name, snapshot, commitTime}], cached until refreshTags. */
export function tags(table) {
  if (!tagCache.has(table)) {
    const p = get(`${tableUrl(table)}/tags`).then((a) => a.tags || []);
    p.catch(() => tagCache.delete(table));
    tagCache.set(table, p);
  }
  return tagCache.get(table);
}

/** Reads the tags again and tells every listener (timeline marks, the rows view's tag select, …). */
export async function refreshTags(table) {
  tagCache.delete(table);
  const list = await tags(table);
  tagListeners.forEach((f) => f(table, list));
  return list;
}

export function onTagsChange(listener) {
  tagListeners.push(listener);
}

const NUMERIC = /^(TINYINT|SMALLINT|INT|INTEGER|BIGINT|FLOAT|DOUBLE|DECIMAL|NUMERIC)\b/i;

export function numericFields(m) {
  return m.fields.filter((f) => NUMERIC.test(f.type));
}

export function isNumeric(field) {
  return NUMERIC.test(field.type);
}

/** Every retained snapshot, newest first (the API pages at 1000 at most; follows `next`). */
export async function allSnapshots(table, signal) {
  let url = `${tableUrl(table)}/snapshots?limit=1000`;
  const out = [];
  while (url) {
    const page = await get(url, { signal });
    out.push(...(page.snapshots || []));
    url = page.next && page.snapshots && page.snapshots.length ? page.next : null;
  }
  return out;
}
