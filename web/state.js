// The page state and its URL: parsing, serialising, moving to a new state (`go`).

import { FACETS, FILTER_PARAMS } from './labels.js';

export const PAGE_SIZE = 20;

/** The whole page state; the URL is its serialisation. */
function emptyState() {
  const filters = {};
  for (const p of FILTER_PARAMS) filters[p] = [];
  return { q: '', filters, sort: '', page: 1, doc: '', entry: '', cmp: '', with: '' };
}

/** Reads the state from a query string. */
export function stateFromSearch(search) {
  const sp = new URLSearchParams(search);
  const s = emptyState();
  s.q = sp.get('q') || '';
  for (const f of FACETS) {
    const given = [f.param, ...f.aliases].flatMap((name) => sp.getAll(name));
    s.filters[f.param] = unique(given.filter((v) => v !== ''));
  }
  s.sort = ['date', 'deadline'].includes(sp.get('sort')) ? sp.get('sort') : '';
  const page = parseInt(sp.get('page') || '1', 10);
  s.page = Number.isFinite(page) && page > 0 && page < 600 ? page : 1;
  s.entry = sp.get('entry') || '';
  s.doc = sp.get('doc') || docOfEntry(s.entry);
  s.cmp = sp.get('cmp') || '';
  s.with = s.cmp ? sp.get('with') || '' : '';
  return s;
}

/** Query string of the state (what goes into the address bar). */
export function searchOfState(s) {
  const sp = new URLSearchParams();
  if (s.q) sp.set('q', s.q);
  for (const p of FILTER_PARAMS) for (const v of s.filters[p]) sp.append(p, v);
  if (s.sort) sp.set('sort', s.sort);
  if (s.page > 1) sp.set('page', String(s.page));
  if (s.doc) sp.set('doc', s.doc);
  if (s.entry) sp.set('entry', s.entry);
  if (s.cmp) sp.set('cmp', s.cmp);
  if (s.cmp && s.with) sp.set('with', s.with);
  const str = sp.toString();
  return str ? `?${str}` : '';
}

/** Parameters of `/api/search` for the state. */
export function apiParamsOfState(s) {
  const sp = new URLSearchParams();
  sp.set('q', s.q);
  for (const p of FILTER_PARAMS) for (const v of s.filters[p]) sp.append(p, v);
  if (s.sort) sp.set('sort', s.sort);
  sp.set('limit', String(PAGE_SIZE));
  sp.set('offset', String((s.page - 1) * PAGE_SIZE));
  return sp;
}

/** Address of the CSV download of every entry the state finds (no page: the export holds all). */
export function exportHrefOfState(s) {
  const sp = apiParamsOfState(s);
  sp.delete('limit');
  sp.delete('offset');
  sp.set('format', 'csv');
  return `./api/search?${sp.toString()}`;
}

/** Entry ids are `doc_id/structural-path`. */
export function docOfEntry(id) {
  const i = id.indexOf('/');
  return i > 0 ? id.slice(0, i) : '';
}

export function unique(xs) {
  return [...new Set(xs)];
}

export function cloneState(s) {
  return { ...s, filters: Object.fromEntries(FILTER_PARAMS.map((p) => [p, [...s.filters[p]]])) };
}

export function activeFilterCount(s) {
  return FILTER_PARAMS.reduce((n, p) => n + s.filters[p].length, 0);
}

export let state = stateFromSearch(location.search);
/** `typing`: true while the current history entry was made by typing (typing replaces it, not pushes). */
export const nav = { typing: false };

/** What draws the page for the current state (set once by main.js, so that no view imports main). */
let renderer = () => {};

/** Sets what `go` calls after changing the state. */
export function onStateChange(fn) {
  renderer = fn;
}

/** Replaces the state without touching the URL (after the browser moved in its history). */
export function setState(next) {
  state = next;
}

/**
 * Moves to a new state: updates the URL (push, replace or nothing) and renders.
 * @param {object} next
 * @param {'push'|'replace'|'none'} mode
 */
export function go(next, mode = 'push') {
  const url = `${location.pathname}${searchOfState(next)}`;
  if (mode === 'push' && url !== `${location.pathname}${location.search}`) {
    history.pushState(null, '', url);
  } else if (mode === 'replace') {
    history.replaceState(null, '', url);
  }
  state = next;
  renderer();
}

/** Link (href) that opens a document at an entry, keeping the search state. */
export function entryHref(entryId, docId) {
  const s = cloneState(state);
  s.doc = docId || docOfEntry(entryId);
  s.entry = entryId || '';
  return `${location.pathname}${searchOfState(s)}`;
}
