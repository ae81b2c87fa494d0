// DOM helpers of the page: its fixed elements, an element builder, snippets as DOM nodes.
// Text from the server is inserted with textContent; the only markup taken from the server is
// <mark> inside snippets, rebuilt as DOM nodes.

import { snippetParts } from './snippet.js';

const $ = (id) => document.getElementById(id);
export const els = {
  form: $('search-form'), q: $('q'), progress: $('progress'), layout: $('layout'),
  filters: $('filters'), facets: $('facets'), reset: $('reset'), filtersClose: $('filters-close'),
  filtersToggle: $('filters-toggle'), filtersApply: $('filters-apply'), filtersCount: $('filters-count'), scrim: $('scrim'),
  resultsView: $('results-view'), summary: $('summary'), sort: $('sort'), chips: $('chips'),
  message: $('message'), results: $('results'), pager: $('pager'), exportCsv: $('export-csv'), notes: $('query-notes'),
  main: $('main'), docView: $('doc-view'), cmpView: $('cmp-view'), cmpBack: $('cmp-back'), cmpBody: $('cmp-body'), docBack: $('doc-back'), docBody: $('doc-body'),
};

/** Creates an element with attributes/properties and children (strings become text nodes). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/**
 * Fills `el` with a server snippet: escaped text where only <mark>…</mark> is markup.
 * Built from text nodes and <mark> elements, so nothing else can become markup.
 */
export function fillSnippet(el, html) {
  el.textContent = '';
  for (const p of snippetParts(html)) el.append(p.marked ? h('mark', { text: p.text }) : document.createTextNode(p.text));
}

export function isPlainClick(ev) {
  return ev.button === 0 && !ev.metaKey && !ev.ctrlKey && !ev.shiftKey && !ev.altKey;
}
