// Small DOM helpers: elements are built with createElement/textContent only (values come from the lake).
import { numberSource } from './api.js';

export const $ = (id) => document.getElementById(id);

/** el('td', {className: 'x', title: 't', dataset: {a: 1}}, 'text', child, …) */
export function el(tag, props, ...children) {
  const e = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || v === null) continue;
      if (k === 'dataset') Object.entries(v).forEach(([dk, dv]) => { e.dataset[dk] = String(dv); });
      else if (k === 'attrs') Object.entries(v).forEach(([ak, av]) => e.setAttribute(ak, String(av)));
      else if (k === 'on') Object.entries(v).forEach(([ev, f]) => e.addEventListener(ev, f));
      else e[k] = v;
    }
  }
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function setState(node, state) {
  node.dataset.state = state;
  node.setAttribute('aria-busy', state === 'loading' ? 'true' : 'false');
}

/**
 * row[col] as the contract wants it in a cell: numbers exactly as the API's JSON printed them, strings as is,
 * null as empty.
 */
export function cellText(row, col) {
  const v = row[col];
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numberSource(row, col) ?? JSON.stringify(v);
  return JSON.stringify(v);
}

/** Short UTC ISO ("2026-12-07 10:04:05Z"); the exact value goes in the title. */
export function shortTime(millisOrIso) {
  if (millisOrIso === null || millisOrIso === undefined || millisOrIso === '') return '';
  const d = new Date(millisOrIso);
  if (Number.isNaN(d.getTime())) return String(millisOrIso);
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function exactTime(millisOrIso) {
  const d = new Date(millisOrIso);
  return Number.isNaN(d.getTime()) ? String(millisOrIso) : d.toISOString();
}

/** A <time> element with the short form shown and the exact value in title/datetime. */
export function timeEl(millisOrIso) {
  if (millisOrIso === null || millisOrIso === undefined || millisOrIso === '') return el('span', null, '');
  const exact = exactTime(millisOrIso);
  return el('time', { dateTime: exact, title: exact }, shortTime(millisOrIso));
}

/** "3.2 s", "4 min", "2 h 5 min" */
export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export const number = (n) => (n === null || n === undefined ? '' : Number(n).toLocaleString('en-US'));
