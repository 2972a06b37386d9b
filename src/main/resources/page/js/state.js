// URL state: the query string is the single source of truth for what is shown, so a view can be shared
// and a reload restores it. /?table=db.t&view=timeline|rows|diff|market|tags plus each view's own keys.

export const VIEWS = ['timeline', 'rows', 'diff', 'market', 'tags'];

// Which keys belong to which view (kept when that view is shown, dropped when another one is).
const VIEW_KEYS = {
  timeline: [],
  rows: ['snapshot', 'timestamp', 'tag', 'where', 'page'],
  diff: ['from', 'to'],
  market: ['key', 'column'],
  tags: [],
};

export function read() {
  const q = new URLSearchParams(location.search);
  const view = VIEWS.includes(q.get('view')) ? q.get('view') : 'timeline';
  return {
    table: q.get('table') || '',
    view,
    snapshot: q.get('snapshot') || '',
    timestamp: q.get('timestamp') || '',
    tag: q.get('tag') || '',
    where: q.getAll('where').filter(Boolean),
    page: Math.max(1, parseInt(q.get('page') || '1', 10) || 1),
    from: q.get('from') || '',
    to: q.get('to') || '',
    key: q.get('key') || '',
    column: q.get('column') || '',
  };
}

function toSearch(s) {
  const q = new URLSearchParams();
  if (s.table) {
    q.set('table', s.table);
    q.set('view', s.view || 'timeline');
    for (const k of VIEW_KEYS[s.view || 'timeline']) {
      const v = s[k];
      if (k === 'where') (v || []).forEach((w) => q.append('where', w));
      else if (k === 'page') { if (v && v > 1) q.set('page', String(v)); }
      else if (v) q.set(k, String(v));
    }
  }
  const text = q.toString();
  return text ? `?${text}` : location.pathname;
}

const listeners = [];

/** Calls listener(state) whenever the URL state changes (navigate or back/forward). */
export function subscribe(listener) {
  listeners.push(listener);
}

function emit() {
  const s = read();
  listeners.forEach((f) => f(s));
}

/**
 * Changes the URL state: `changes` are merged into the current state (view-specific keys of other views are
 * dropped). `replace` replaces the history entry instead of pushing one.
 */
export function navigate(changes, { replace = false } = {}) {
  const next = { ...read(), ...changes };
  const search = toSearch(next);
  const url = search.startsWith('?') ? `${location.pathname}${search}` : search;
  if (url === `${location.pathname}${location.search}`) { emit(); return; }
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  emit();
}

window.addEventListener('popstate', emit);
