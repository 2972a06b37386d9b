// uPlot wrappers shared by the timeline and the market chart: sizing to the container, live resizing.
import uPlot from '/ui/lib/uplot/uPlot.esm.js';

export { uPlot };

export const ACCENT = '#1f5fbf';
export const APPEND = '#4f9a66';
export const COMPACT = '#c27c0e';
export const TAG = '#7a3fb0';

function heightFor(width) {
  return Math.max(180, Math.min(300, Math.round(width * 0.3)));
}

/** Creates a chart in `container` (emptied first) and keeps it as wide as the container. */
export function makeChart(container, opts, data) {
  while (container.firstChild) container.removeChild(container.firstChild);
  const width = Math.max(240, container.clientWidth || 600);
  const u = new uPlot({ ...opts, width, height: heightFor(width) }, data, container);
  const ro = new ResizeObserver(() => {
    const w = Math.max(240, container.clientWidth);
    if (w && Math.abs(w - u.width) > 2) u.setSize({ width: w, height: heightFor(w) });
  });
  ro.observe(container);
  const destroy = u.destroy.bind(u);
  u.destroy = () => { ro.disconnect(); destroy(); };
  return u;
}

/** Axis values as short UTC times ("21:50:43") for an x scale in seconds. */
export function utcTicks(u, splits) {
  const span = splits.length > 1 ? splits[splits.length - 1] - splits[0] : 0;
  return splits.map((s) => {
    const iso = new Date(s * 1000).toISOString();
    return span > 86400 * 2 ? iso.slice(5, 10) : span > 3600 * 6 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 19);
  });
}

export function compactNumber(n) {
  if (n === null || n === undefined) return '';
  const a = Math.abs(n);
  if (a >= 1e9) return `${+(n / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${+(n / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(n / 1e3).toPrecision(3)}k`;
  return `${+Number(n).toPrecision(4)}`;
}
