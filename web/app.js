// edusearch search page: live search, facets, document view, URL state.
// Plain ES module, no dependencies. Text from the server is inserted with textContent;
// the only markup taken from the server is <mark> inside snippets, rebuilt as DOM nodes.

import { VOCABULARY } from './vocabulary.js';

const PAGE_SIZE = 20;
const DEBOUNCE_MS = 200;

/**
 * Facets of the API: key of their counts, the query parameter filtering by them (and its older
 * names, still read from URLs), title. All from `vocabulary.js`, which the server generates from
 * src/vocabulary.rs — labels are not copied here.
 */
const FACETS = VOCABULARY.map((f) => ({ key: f.key, param: f.param, aliases: f.aliases || [], title: f.label_ru }));
const FILTER_PARAMS = FACETS.map((f) => f.param);

/** Value → Russian label of a closed facet (roles for the addressee facet). */
function labelsOf(key) {
  const f = VOCABULARY.find((x) => x.key === key);
  return Object.fromEntries((f ? f.values : []).map((v) => [v.value, v.label_ru]));
}
const ROLE_LABELS = labelsOf('addressee');
const ROLE_ORDER = Object.keys(ROLE_LABELS);
const LEVEL_LABELS = labelsOf('level');
const KIND_LABELS = labelsOf('kind');
const TYPE_LABELS = labelsOf('entry_type');
const VALUE_LABELS = Object.fromEntries(FACETS.filter((f) => f.key !== 'addressee').map((f) => [f.param, labelsOf(f.key)]));
const PARAM_TITLES = Object.fromEntries(FACETS.map((f) => [f.param, f.title]));
const FACET_SHOWN = 8;
const ROLE_NAMES_SHOWN = 4;

const $ = (id) => document.getElementById(id);
const els = {
  form: $('search-form'), q: $('q'), progress: $('progress'), layout: $('layout'),
  filters: $('filters'), facets: $('facets'), reset: $('reset'), filtersClose: $('filters-close'),
  filtersToggle: $('filters-toggle'), filtersApply: $('filters-apply'), filtersCount: $('filters-count'), scrim: $('scrim'),
  resultsView: $('results-view'), summary: $('summary'), sort: $('sort'), chips: $('chips'),
  message: $('message'), results: $('results'), pager: $('pager'), exportCsv: $('export-csv'), notes: $('query-notes'),
  main: $('main'), docView: $('doc-view'), cmpView: $('cmp-view'), cmpBack: $('cmp-back'), cmpBody: $('cmp-body'), docBack: $('doc-back'), docBody: $('doc-body'),
};

import { attachSuggest } from './suggest.js';

// ---------------------------------------------------------------- state and URL

/** The whole page state; the URL is its serialisation. */
function emptyState() {
  const filters = {};
  for (const p of FILTER_PARAMS) filters[p] = [];
  return { q: '', filters, sort: '', page: 1, doc: '', entry: '', cmp: '', with: '' };
}

/** Reads the state from a query string. */
function stateFromSearch(search) {
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
function searchOfState(s) {
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
function apiParamsOfState(s) {
  const sp = new URLSearchParams();
  sp.set('q', s.q);
  for (const p of FILTER_PARAMS) for (const v of s.filters[p]) sp.append(p, v);
  if (s.sort) sp.set('sort', s.sort);
  sp.set('limit', String(PAGE_SIZE));
  sp.set('offset', String((s.page - 1) * PAGE_SIZE));
  return sp;
}

/** Address of the CSV download of every entry the state finds (no page: the export holds all). */
function exportHrefOfState(s) {
  const sp = apiParamsOfState(s);
  sp.delete('limit');
  sp.delete('offset');
  sp.set('format', 'csv');
  return `./api/search?${sp.toString()}`;
}

/** Entry ids are `doc_id/structural-path`. */
function docOfEntry(id) {
  const i = id.indexOf('/');
  return i > 0 ? id.slice(0, i) : '';
}

function unique(xs) {
  return [...new Set(xs)];
}

function cloneState(s) {
  return { ...s, filters: Object.fromEntries(FILTER_PARAMS.map((p) => [p, [...s.filters[p]]])) };
}

function activeFilterCount(s) {
  return FILTER_PARAMS.reduce((n, p) => n + s.filters[p].length, 0);
}

let state = stateFromSearch(location.search);
/** True while the current history entry was made by typing (typing replaces it, not pushes). */
let typingEntry = false;

/**
 * Moves to a new state: updates the URL (push, replace or nothing) and renders.
 * @param {object} next
 * @param {'push'|'replace'|'none'} mode
 */
function go(next, mode = 'push') {
  const url = `${location.pathname}${searchOfState(next)}`;
  if (mode === 'push' && url !== `${location.pathname}${location.search}`) {
    history.pushState(null, '', url);
  } else if (mode === 'replace') {
    history.replaceState(null, '', url);
  }
  state = next;
  render();
}

// ---------------------------------------------------------------- fetching

/** An error answered by the API (with its Russian message) or a network failure. */
class ApiFailure extends Error {
  constructor(messageRu, code, status) {
    super(messageRu);
    this.code = code;
    this.status = status;
  }
}

async function fetchJson(path, signal) {
  let resp;
  try {
    resp = await fetch(path, { signal, headers: { Accept: 'application/json' } });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiFailure('Сервер поиска недоступен. Проверьте подключение и повторите попытку.', 'network', 0);
  }
  let body = null;
  try {
    body = await resp.json();
  } catch {
    body = null;
  }
  if (!resp.ok || body === null) {
    const err = body && body.error;
    const msg = (err && (err.message_ru || err.message)) || `Ошибка сервера (HTTP ${resp.status}).`;
    throw new ApiFailure(msg, (err && err.code) || 'http', resp.status);
  }
  return body;
}

let searchController = null;
let lastSearchKey = null;
let lastResponse = null;
let progressTimer = 0;

function setLoading(on) {
  clearTimeout(progressTimer);
  els.results.setAttribute('aria-busy', on ? 'true' : 'false');
  if (on) {
    progressTimer = setTimeout(() => { els.progress.hidden = false; }, 120);
  } else {
    els.progress.hidden = true;
  }
}

/** Runs the search of the current state unless its answer is already shown. */
async function runSearch(force = false) {
  const params = apiParamsOfState(state);
  const key = params.toString();
  if (!force && key === lastSearchKey) return;
  lastSearchKey = key;
  if (searchController) searchController.abort();
  const controller = new AbortController();
  searchController = controller;
  setLoading(true);
  try {
    const resp = await fetchJson(`./api/search?${key}`, controller.signal);
    if (controller !== searchController) return;
    lastResponse = resp;
    renderResults(resp);
    renderFacets(resp.facets || {});
    els.results.dataset.key = key; // which search is shown (used by the browser tests)
  } catch (e) {
    if (e.name === 'AbortError' || controller !== searchController) return;
    lastSearchKey = null;
    renderError(e);
  } finally {
    if (controller === searchController) {
      setLoading(false);
      searchController = null;
    }
  }
}

// ---------------------------------------------------------------- helpers

/** Creates an element with attributes/properties and children (strings become text nodes). */
function h(tag, attrs = {}, ...children) {
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

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes the HTML entities of escaped text without parsing it as HTML. */
function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, name) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[name.toLowerCase()] ?? m;
  });
}

/**
 * Fills `el` with a server snippet: escaped text where only <mark>…</mark> is markup.
 * Built from text nodes and <mark> elements, so nothing else can become markup.
 */
function fillSnippet(el, html) {
  el.textContent = '';
  let mark = null;
  for (const part of String(html).split(/(<\/?mark>)/i)) {
    if (/^<mark>$/i.test(part)) {
      mark = h('mark');
      el.append(mark);
    } else if (/^<\/mark>$/i.test(part)) {
      mark = null;
    } else if (part) {
      (mark || el).append(document.createTextNode(decodeEntities(part)));
    }
  }
}

function plural(n, one, few, many) {
  const m10 = n % 10;
  const m100 = n % 100;
  if (m10 === 1 && m100 !== 11) return one;
  if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return few;
  return many;
}

const nf = new Intl.NumberFormat('ru-RU');
const dateFmt = new Intl.DateTimeFormat('ru-RU', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

function formatDate(iso) {
  if (!iso) return '';
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? String(iso) : dateFmt.format(d).replace(/\s?г\.$/, '');
}

function formatMs(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  return ms < 10 ? `${ms.toLocaleString('ru-RU', { maximumFractionDigits: 1 })} мс` : `${Math.round(ms)} мс`;
}

/** Human label of a filter value. */
function valueLabel(param, value) {
  if (param === 'addressee') return ROLE_LABELS[value] || value;
  const labels = VALUE_LABELS[param];
  return (labels && labels[value]) || value;
}

function roleLabel(role) {
  return ROLE_LABELS[role] || role;
}

/** Canonical addressee names of an entry, without repeats. */
function addresseeNames(entry) {
  return unique((entry.addressees || []).map((a) => a.canonical || a.raw).filter(Boolean));
}

function docMetaLine(e) {
  const place = e.municipality || e.region;
  return [KIND_LABELS[e.kind] || e.kind, LEVEL_LABELS[e.level] ? `${LEVEL_LABELS[e.level].toLowerCase()} уровень` : e.level,
    place, e.date ? formatDate(e.date) : e.year].filter(Boolean).join(' · ');
}

/** Link (href) that opens a document at an entry, keeping the search state. */
function entryHref(entryId, docId) {
  const s = cloneState(state);
  s.doc = docId || docOfEntry(entryId);
  s.entry = entryId || '';
  return `${location.pathname}${searchOfState(s)}`;
}

function isPlainClick(ev) {
  return ev.button === 0 && !ev.metaKey && !ev.ctrlKey && !ev.shiftKey && !ev.altKey;
}

// ---------------------------------------------------------------- results

/** «Возможно, вы искали: …» (a corrected query) and «Также искали: …» (thesaurus expansions). */
function renderNotes(resp) {
  els.notes.textContent = '';
  if (typeof resp.suggestion === 'string' && resp.suggestion && resp.suggestion !== state.q.trim()) {
    const target = { ...cloneState(state), q: resp.suggestion, page: 1 };
    els.notes.append(h('p', { class: 'did-you-mean' }, 'Возможно, вы искали: ',
      h('a', {
        href: `${location.pathname}${searchOfState(target)}`,
        class: 'did-you-mean-link',
        onclick: (ev) => {
          if (!isPlainClick(ev)) return;
          ev.preventDefault();
          setQuery(resp.suggestion);
        },
      }, resp.suggestion)));
  }
  const expanded = Array.isArray(resp.expanded) ? resp.expanded.filter((e) => typeof e === 'string') : [];
  if (expanded.length) {
    els.notes.append(h('p', { class: 'also-searched', text: `Также искали: ${expanded.join(', ')}` }));
  }
}

/** Replaces the query text and searches it. */
function setQuery(q) {
  clearTimeout(debounceTimer);
  els.q.value = q;
  const s = cloneState(state);
  s.q = q;
  s.page = 1;
  s.doc = '';
  s.entry = '';
  s.cmp = '';
  s.with = '';
  typingEntry = false;
  go(s);
}

function renderResults(resp) {
  renderNotes(resp);
  els.message.textContent = '';
  els.results.textContent = '';
  const total = Number(resp.total) || 0;
  const hits = Array.isArray(resp.hits) ? resp.hits : [];
  const browsing = !state.q.trim();
  const word = plural(total, 'запись', 'записи', 'записей');
  const verb = plural(total, 'Найдена', 'Найдено', 'Найдено');
  els.summary.textContent = '';
  els.summary.dataset.total = String(total);
  if (total > 0) {
    els.summary.append(
      browsing && !activeFilterCount(state) ? `Всего в базе ${nf.format(total)} ${word}` : `${verb} ${nf.format(total)} ${word}`,
      h('span', { class: 'took', text: resp.took_ms !== undefined ? ` · ${formatMs(resp.took_ms)}` : '' }),
    );
  } else {
    els.summary.append('Ничего не найдено');
  }
  els.filtersApply.textContent = total > 0 ? `Показать ${nf.format(total)} ${word}` : 'Ничего не найдено';
  els.exportCsv.hidden = total === 0;
  els.exportCsv.href = exportHrefOfState(state);
  if (total === 0 || hits.length === 0) {
    renderNothingFound(total);
  }
  hits.forEach((hit, i) => els.results.append(renderHit(hit, (state.page - 1) * PAGE_SIZE + i + 1)));
  renderPager(total);
}

function renderHit(hit, ordinal) {
  const typeClass = `badge badge-${hit.entry_type || 'other'}`;
  const text = h('p', { class: 'hit-text' });
  fillSnippet(text, hit.snippet || escapeForSnippet(hit.text || ''));
  const facts = h('dl', { class: 'hit-facts' });
  const names = addresseeNames(hit);
  if (names.length) facts.append(fact('Кому', names.join('; ')));
  if (hit.topic) facts.append(fact('Тема', hit.topic));
  if (hit.deadline || hit.deadline_text) {
    facts.append(fact('Срок', hit.deadline_text || formatDate(hit.deadline), hit.deadline ? formatDate(hit.deadline) : null));
  }
  if (hit.responsible && hit.responsible.length) facts.append(fact('Ответственные', hit.responsible.join(', ')));
  const link = h('a', {
    class: 'hit-doc-link',
    href: entryHref(hit.id, hit.doc_id),
    'data-entry': hit.id,
    onclick: (ev) => {
      if (!isPlainClick(ev)) return;
      ev.preventDefault();
      openEntry(hit.id, hit.doc_id);
    },
  }, hit.doc_title || hit.doc_id);
  return h('li', { class: 'hit', 'data-id': hit.id },
    h('article', { 'aria-label': `Результат ${ordinal}` },
      h('div', { class: 'hit-meta' },
        h('span', { class: typeClass, text: TYPE_LABELS[hit.entry_type] || hit.entry_type || '' }),
        h('span', { class: 'hit-docmeta', text: docMetaLine(hit) })),
      hit.context ? h('p', { class: 'hit-context', text: hit.context }) : null,
      text,
      facts.childElementCount ? facts : null,
      h('p', { class: 'hit-doc' },
        link,
        hit.number ? h('span', { class: 'hit-number', text: ` · п. ${hit.number}` }) : null),
      similarToggle(hit)));
}

function escapeForSnippet(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function fact(term, value, title) {
  return h('div', {}, h('dt', { text: term }), h('dd', { text: value, title: title || undefined }));
}

function renderNothingFound(total) {
  if (total > 0) {
    // Past the last page: offer the first one.
    els.message.append(h('div', { class: 'notice' },
      h('p', { text: 'На этой странице результатов нет.' }),
      h('button', { class: 'btn btn-secondary', type: 'button', onclick: () => go({ ...cloneState(state), page: 1 }) }, 'К первой странице')));
    return;
  }
  const notice = h('div', { class: 'notice', role: 'status' });
  notice.append(h('h2', { text: 'Ничего не найдено' }));
  const q = state.q.trim();
  const nFilters = activeFilterCount(state);
  let why = 'В базе пока нет ни одной записи.';
  if (q) why = `По запросу «${q}»${nFilters ? ' с выбранными фильтрами' : ''} записей нет.`;
  else if (nFilters) why = 'С выбранными фильтрами записей нет.';
  notice.append(h('p', { text: why }));
  if (nFilters) {
    notice.append(h('p', { text: 'Попробуйте убрать фильтр:' }));
    const list = h('ul', { class: 'notice-actions' });
    for (const p of FILTER_PARAMS) {
      for (const v of state.filters[p]) {
        list.append(h('li', {}, h('button', {
          type: 'button', class: 'btn btn-secondary', 'data-remove-param': p, 'data-remove-value': v,
          onclick: () => removeFilter(p, v),
        }, `✕ ${PARAM_TITLES[p]}: ${valueLabel(p, v)}`)));
      }
    }
    if (nFilters > 1) {
      list.append(h('li', {}, h('button', { type: 'button', class: 'btn btn-link', onclick: resetFilters }, 'Сбросить все фильтры')));
    }
    notice.append(list);
  } else if (q) {
    notice.append(h('p', { class: 'muted', text: 'Проверьте написание или используйте более общие слова. Фразу в кавычках можно заменить отдельными словами.' }));
  }
  els.message.append(notice);
}

function renderError(err) {
  els.exportCsv.hidden = true;
  els.results.textContent = '';
  els.pager.textContent = '';
  els.summary.textContent = '';
  delete els.summary.dataset.total;
  els.message.textContent = '';
  els.message.append(h('div', { class: 'notice notice-error', role: 'alert' },
    h('h2', { text: err.status && err.status < 500 ? 'Запрос не выполнен' : 'Ошибка сервера' }),
    h('p', { text: err.message || 'Неизвестная ошибка.' }),
    h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => runSearch(true) }, 'Повторить')));
}

function renderPager(total) {
  els.pager.textContent = '';
  const pages = Math.ceil(total / PAGE_SIZE);
  if (pages <= 1) return;
  const cur = Math.min(state.page, pages);
  const list = h('ul');
  const link = (page, label, extra = {}) => {
    const s = { ...cloneState(state), page };
    return h('a', {
      href: `${location.pathname}${searchOfState(s)}`,
      class: 'pager-link',
      onclick: (ev) => {
        if (!isPlainClick(ev)) return;
        ev.preventDefault();
        go(s);
        els.results.focus({ preventScroll: true });
        els.resultsView.scrollIntoView({ block: 'start' });
      },
      ...extra,
    }, label);
  };
  if (cur > 1) list.append(h('li', {}, link(cur - 1, '← Назад', { rel: 'prev', 'aria-label': 'Предыдущая страница' })));
  const shown = new Set([1, pages, cur - 1, cur, cur + 1].filter((p) => p >= 1 && p <= pages));
  let prev = 0;
  for (const p of [...shown].sort((a, b) => a - b)) {
    if (p - prev > 1) list.append(h('li', { class: 'pager-gap', 'aria-hidden': 'true', text: '…' }));
    list.append(h('li', {}, p === cur
      ? h('span', { class: 'pager-current', 'aria-current': 'page', text: String(p) })
      : link(p, String(p), { 'aria-label': `Страница ${p}` })));
    prev = p;
  }
  if (cur < pages) list.append(h('li', {}, link(cur + 1, 'Далее →', { rel: 'next', 'aria-label': 'Следующая страница' })));
  els.pager.append(list);
}

// ---------------------------------------------------------------- facets and chips

const expandedGroups = new Set();

/** Facet values as a map value → count, plus the selected values that have no count. */
function facetValues(list) {
  const m = new Map();
  for (const fc of Array.isArray(list) ? list : []) {
    if (fc && fc.value !== undefined) m.set(String(fc.value), Number(fc.count) || 0);
  }
  return m;
}

function renderFacets(facets) {
  const focused = document.activeElement && document.activeElement.dataset
    ? document.activeElement.dataset.key : null;
  els.facets.textContent = '';
  for (const f of FACETS) {
    const group = f.key === 'addressee' ? addresseeGroup(facets.addressee) : plainGroup(f, facets[f.key]);
    if (group) els.facets.append(group);
  }
  if (!els.facets.childElementCount) {
    els.facets.append(h('p', { class: 'muted', text: 'Нет значений для фильтрации.' }));
  }
  if (focused) {
    const again = els.facets.querySelector(`[data-key="${CSS.escape(focused)}"]`);
    if (again) again.focus();
  }
}

function checkbox(param, value, label, count, extraClass = '') {
  const key = `${param}\u0001${value}`;
  const checked = state.filters[param].includes(value);
  const input = h('input', {
    type: 'checkbox', checked, 'data-key': key, 'data-param': param, 'data-value': value, 'data-count': String(count),
    onchange: () => toggleFilter(param, value),
  });
  return h('label', { class: `facet-option ${extraClass}${count === 0 && !checked ? ' is-empty' : ''}` },
    input,
    h('span', { class: 'facet-label', text: label, title: label.length > 60 ? label : undefined }),
    h('span', { class: 'facet-count', text: count === null ? '' : nf.format(count), 'aria-label': count === null ? undefined : `${count} ${plural(count, 'запись', 'записи', 'записей')}` }));
}

function plainGroup(f, list) {
  const counts = facetValues(list);
  for (const v of state.filters[f.param]) if (!counts.has(v)) counts.set(v, 0);
  if (!counts.size) return null;
  let values = [...counts.entries()];
  if (f.key === 'year') values.sort((a, b) => Number(b[0]) - Number(a[0]));
  else if (f.key === 'topic' || f.key === 'region') values.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'ru'));
  else {
    const order = Object.keys(VALUE_LABELS[f.param] || {});
    values.sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
  }
  return facetFieldset(f, values.map(([v, c]) => checkbox(f.param, v, valueLabel(f.param, v), c)));
}

function facetFieldset(f, options) {
  const id = `facet-${f.key}`;
  const expanded = expandedGroups.has(f.key);
  const list = h('div', { class: 'facet-options', id: `${id}-options` });
  options.forEach((opt, i) => {
    if (!expanded && i >= FACET_SHOWN && !opt.querySelector('input:checked')) opt.hidden = true;
    list.append(opt);
  });
  const hiddenCount = options.filter((o) => o.hidden).length;
  const fs = h('fieldset', { class: 'facet', id }, h('legend', { text: f.title }), list);
  if (hiddenCount || (expanded && options.length > FACET_SHOWN)) {
    fs.append(h('button', {
      type: 'button', class: 'btn btn-link facet-more', 'aria-controls': `${id}-options`, 'aria-expanded': String(expanded),
      'data-key': `more\u0001${f.key}`,
      onclick: () => {
        if (expandedGroups.has(f.key)) expandedGroups.delete(f.key); else expandedGroups.add(f.key);
        if (lastResponse) renderFacets(lastResponse.facets || {});
      },
    }, expanded ? 'Свернуть' : `Показать все (${options.length})`));
  }
  return fs;
}

/** Addressee facet: roles (Russian labels), each with its canonical names beneath. */
function addresseeGroup(list) {
  const roles = new Map();
  const ensure = (role) => {
    if (!roles.has(role)) roles.set(role, { count: 0, names: new Map() });
    return roles.get(role);
  };
  for (const [value, count] of facetValues(list)) {
    const parts = value.replace(/^\//, '').split('/');
    const role = parts[0];
    if (!role) continue;
    if (parts.length === 1) ensure(role).count = count;
    else ensure(role).names.set(parts.slice(1).join('/'), count);
  }
  const selected = state.filters.addressee;
  const knownNames = new Set([...roles.values()].flatMap((r) => [...r.names.keys()]));
  for (const v of selected) if (ROLE_LABELS[v]) ensure(v);
  if (!roles.size && !selected.length) return null;
  const f = FACETS[0];
  const options = [];
  const sortedRoles = [...roles.keys()].sort((a, b) => rank(a) - rank(b));
  for (const role of sortedRoles) {
    const r = roles.get(role);
    const box = h('div', { class: 'facet-role' }, checkbox('addressee', role, roleLabel(role), r.count, 'facet-role-option'));
    const names = [...r.names.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'ru'));
    if (names.length) {
      const groupKey = `addressee:${role}`;
      const open = expandedGroups.has(groupKey);
      const subId = `facet-names-${role}`;
      const sub = h('div', { class: 'facet-names', id: subId, role: 'group', 'aria-label': roleLabel(role) });
      names.forEach(([name, count], i) => {
        const opt = checkbox('addressee', name, name, count, 'facet-name-option');
        if (!open && i >= ROLE_NAMES_SHOWN && !selected.includes(name)) opt.hidden = true;
        sub.append(opt);
      });
      if (names.length > ROLE_NAMES_SHOWN) {
        sub.append(h('button', {
          type: 'button', class: 'btn btn-link facet-more', 'aria-controls': subId, 'aria-expanded': String(open),
          'data-key': `more\u0001${groupKey}`,
          onclick: () => {
            if (open) expandedGroups.delete(groupKey); else expandedGroups.add(groupKey);
            if (lastResponse) renderFacets(lastResponse.facets || {});
          },
        }, open ? 'Свернуть' : `Ещё ${names.length - ROLE_NAMES_SHOWN}`));
      }
      box.append(sub);
    }
    options.push(box);
  }
  // Selected canonical names no longer in the counts stay visible so they can be unticked.
  const orphans = selected.filter((v) => !ROLE_LABELS[v] && !knownNames.has(v));
  for (const name of orphans) options.push(h('div', { class: 'facet-role' }, checkbox('addressee', name, name, 0, 'facet-name-option')));
  return facetFieldset(f, options);
}

function rank(role) {
  const i = ROLE_ORDER.indexOf(role);
  return i < 0 ? ROLE_ORDER.length : i;
}

function renderChips() {
  els.chips.textContent = '';
  const n = activeFilterCount(state);
  els.filtersCount.textContent = n ? ` · ${n}` : '';
  els.reset.hidden = n === 0;
  if (!n) {
    els.chips.hidden = true;
    return;
  }
  els.chips.hidden = false;
  for (const p of FILTER_PARAMS) {
    for (const v of state.filters[p]) {
      els.chips.append(h('li', { class: 'chip' },
        h('span', { class: 'chip-label' }, h('span', { class: 'chip-facet', text: `${PARAM_TITLES[p]}: ` }), valueLabel(p, v)),
        h('button', {
          type: 'button', class: 'chip-remove', 'aria-label': `Убрать фильтр «${PARAM_TITLES[p]}: ${valueLabel(p, v)}»`,
          onclick: () => removeFilter(p, v),
        }, '✕')));
    }
  }
  if (n > 1) {
    els.chips.append(h('li', {}, h('button', { type: 'button', class: 'btn btn-link', onclick: resetFilters }, 'Сбросить')));
  }
}

function toggleFilter(param, value) {
  const s = cloneState(state);
  const list = s.filters[param];
  const i = list.indexOf(value);
  if (i >= 0) list.splice(i, 1); else list.push(value);
  s.page = 1;
  typingEntry = false;
  go(s);
}

function removeFilter(param, value) {
  const s = cloneState(state);
  s.filters[param] = s.filters[param].filter((v) => v !== value);
  s.page = 1;
  typingEntry = false;
  go(s);
  els.q.focus();
}

function resetFilters() {
  const s = cloneState(state);
  for (const p of FILTER_PARAMS) s.filters[p] = [];
  s.page = 1;
  typingEntry = false;
  go(s);
  els.q.focus();
}

// ---------------------------------------------------------------- document view

let docController = null;
let shownDoc = null; // { id, data } of the document in the view
let resultsScroll = 0;
let returnFocusTo = null;

function openEntry(entryId, docId) {
  resultsScroll = window.scrollY;
  returnFocusTo = entryId;
  const s = cloneState(state);
  s.doc = docId || docOfEntry(entryId);
  s.entry = entryId;
  s.cmp = '';
  s.with = '';
  typingEntry = false;
  go(s);
}

function closeDocument() {
  const s = cloneState(state);
  s.doc = '';
  s.entry = '';
  s.cmp = '';
  s.with = '';
  typingEntry = false;
  go(s);
}

/** Normalises the document answer (metadata, outline of sections → blocks → entries). */
function normaliseDocument(resp) {
  const meta = resp.document || resp.meta || resp.metadata || resp;
  const entries = Array.isArray(resp.entries) ? resp.entries : [];
  const byId = new Map(entries.map((e) => [e.id, e]));
  const used = new Set();
  const take = (x) => {
    const e = typeof x === 'string' ? byId.get(x) : x && (byId.get(x.id) || x);
    if (e && e.id !== undefined) used.add(e.id);
    return e && e.text !== undefined ? e : null;
  };
  const outline = Array.isArray(resp.outline) ? resp.outline : Array.isArray(resp.sections) ? resp.sections : null;
  let sections = [];
  if (outline) {
    sections = outline.map((s) => {
      const blocks = (s.blocks || s.addressee_blocks || []).map((b) => ({
        title: b.title ?? b.block_title ?? b.lead ?? b.heading ?? null,
        addressees: b.addressees || [],
        entries: (b.entries || b.entry_ids || []).map(take).filter(Boolean),
      }));
      const loose = (s.entries || s.entry_ids || []).map(take).filter(Boolean);
      if (loose.length) blocks.unshift({ title: null, addressees: [], entries: loose });
      return { title: s.title ?? s.heading ?? s.section ?? null, topic: s.topic ?? null, blocks };
    });
  }
  const rest = entries.filter((e) => !used.has(e.id));
  if (rest.length) sections = sections.concat(groupBySection(rest));
  return { meta, sections, count: entries.length };
}

/** Outline built from entries alone: consecutive entries of one section, then of one addressee list. */
function groupBySection(entries) {
  const sections = [];
  for (const e of entries) {
    let s = sections[sections.length - 1];
    if (!s || s.title !== (e.section ?? null)) {
      s = { title: e.section ?? null, topic: e.topic ?? null, blocks: [] };
      sections.push(s);
    }
    const key = addresseeNames(e).join('; ');
    let b = s.blocks[s.blocks.length - 1];
    if (!b || b.key !== key) {
      b = { key, title: key ? `Кому: ${key}` : null, addressees: [], entries: [] };
      s.blocks.push(b);
    }
    b.entries.push(e);
  }
  return sections;
}

async function showDocument() {
  const docId = state.doc;
  els.layout.classList.add('is-doc');
  els.resultsView.hidden = true;
  els.docView.hidden = false;
  els.docBack.href = `${location.pathname}${searchOfState({ ...cloneState(state), doc: '', entry: '' })}`;
  if (shownDoc && shownDoc.id === docId) {
    highlightEntry();
    return;
  }
  if (docController) docController.abort();
  const controller = new AbortController();
  docController = controller;
  els.docBody.textContent = '';
  els.docBody.append(h('p', { class: 'muted doc-loading', text: 'Загрузка документа…' }));
  try {
    const resp = await fetchJson(`./api/documents/${encodeURIComponent(docId)}`, controller.signal);
    if (controller !== docController) return;
    shownDoc = { id: docId, data: normaliseDocument(resp) };
    renderDocument(shownDoc.data);
    highlightEntry();
  } catch (e) {
    if (e.name === 'AbortError' || controller !== docController) return;
    els.docBody.textContent = '';
    els.docBody.append(h('div', { class: 'notice notice-error', role: 'alert' },
      h('h2', { text: 'Документ не открыт' }), h('p', { text: e.message })));
  }
}

function hideDocument() {
  if (!els.docView.hidden) {
    if (docController) docController.abort();
    els.docView.hidden = true;
  }
  if (!els.resultsView.hidden) return;
  els.layout.classList.remove('is-doc');
  els.resultsView.hidden = false;
  window.scrollTo(0, resultsScroll);
  if (returnFocusTo) {
    const link = els.results.querySelector(`a[data-entry="${CSS.escape(returnFocusTo)}"]`);
    if (link) link.focus({ preventScroll: true });
    returnFocusTo = null;
  }
}

function renderDocument(doc) {
  const m = doc.meta || {};
  els.docBody.textContent = '';
  const place = [m.municipality, m.region].filter(Boolean).join(', ');
  const facts = h('dl', { class: 'doc-facts' });
  if (m.kind) facts.append(fact('Вид', KIND_LABELS[m.kind] || m.kind));
  if (m.level) facts.append(fact(PARAM_TITLES.level, LEVEL_LABELS[m.level] || m.level));
  if (place) facts.append(fact('Территория', place));
  if (m.date || m.year) facts.append(fact('Дата', m.date ? formatDate(m.date) : String(m.year)));
  if (m.number) facts.append(fact('Номер', `№ ${m.number}`));
  facts.append(fact('Записей', nf.format(doc.count)));
  els.docBody.append(h('header', { class: 'doc-head' },
    h('p', { class: 'doc-kicker', text: KIND_LABELS[m.kind] || 'Документ' }),
    h('h1', { id: 'doc-title', text: m.title || m.doc_id || state.doc }),
    facts,
    compareForm(m)));

  const named = doc.sections.filter((s) => s.title);
  if (named.length > 1) {
    const toc = h('ol', {});
    doc.sections.forEach((s, i) => {
      if (s.title) {
        toc.append(h('li', {}, h('a', {
          href: `#doc-s${i}`,
          onclick: (ev) => {
            ev.preventDefault();
            const target = document.getElementById(`doc-s${i}`);
            if (target) { target.scrollIntoView({ block: 'start' }); target.focus({ preventScroll: true }); }
          },
        }, s.title)));
      }
    });
    els.docBody.append(h('details', { class: 'doc-toc' }, h('summary', {}, `Содержание (${named.length})`), toc));
  }

  doc.sections.forEach((s, i) => {
    const sec = h('section', { class: 'doc-section', id: `doc-s${i}`, tabindex: '-1' });
    if (s.title) sec.append(h('h2', { text: s.title }));
    if (s.topic && s.topic !== s.title && !(s.title || '').includes(s.topic)) {
      sec.append(h('p', { class: 'doc-topic' }, h('span', { class: 'muted', text: 'Тема: ' }), s.topic));
    }
    for (const b of s.blocks) {
      const block = h('div', { class: 'doc-block' });
      if (b.title) block.append(h('h3', { class: 'doc-block-title', text: b.title }));
      else if (b.addressees && b.addressees.length) {
        const names = b.addressees.map((a) => (typeof a === 'string' ? a : a.canonical || a.raw));
        block.append(h('h3', { class: 'doc-block-title', text: `Кому: ${unique(names.filter(Boolean)).join('; ')}` }));
      }
      const list = h('ol', { class: 'doc-entries' });
      for (const e of b.entries) list.append(renderDocEntry(e, Boolean(b.title)));
      block.append(list);
      sec.append(block);
    }
    els.docBody.append(sec);
  });
}

function renderDocEntry(e, blockNamesAddressees) {
  const facts = h('dl', { class: 'hit-facts' });
  const names = addresseeNames(e);
  if (names.length && !blockNamesAddressees) facts.append(fact('Кому', names.join('; ')));
  if (e.deadline || e.deadline_text) facts.append(fact('Срок', e.deadline_text || formatDate(e.deadline)));
  if (e.responsible && e.responsible.length) facts.append(fact('Ответственные', e.responsible.join(', ')));
  return h('li', { class: `doc-entry doc-entry-${e.entry_type || 'other'}`, id: `entry-${e.id}`, 'data-id': e.id, tabindex: '-1' },
    h('span', { class: 'doc-entry-number', text: e.number || '' }),
    h('div', { class: 'doc-entry-body' },
      e.context ? h('p', { class: 'hit-context', text: e.context }) : null,
      entryText(e),
      facts.childElementCount ? facts : null,
      e.entry_type && e.entry_type !== 'recommendation'
        ? h('span', { class: `badge badge-${e.entry_type}`, text: TYPE_LABELS[e.entry_type] || e.entry_type }) : null));
}

/** The text of a document entry; the entry found by the search keeps the marks of its snippet. */
function entryText(e) {
  const p = h('p', { class: 'doc-entry-text' });
  const hit = lastResponse && Array.isArray(lastResponse.hits) ? lastResponse.hits.find((x) => x.id === e.id) : null;
  if (hit && hit.snippet && decodeEntities(hit.snippet.replace(/<\/?mark>/gi, '')) === e.text) fillSnippet(p, hit.snippet);
  else p.textContent = e.text;
  return p;
}

function highlightEntry() {
  for (const old of els.docBody.querySelectorAll('.doc-entry.is-current')) {
    old.classList.remove('is-current');
    old.removeAttribute('aria-current');
  }
  const target = state.entry ? els.docBody.querySelector(`[data-id="${CSS.escape(state.entry)}"]`) : null;
  if (target) {
    target.classList.add('is-current');
    target.setAttribute('aria-current', 'true');
    target.scrollIntoView({ block: 'center' });
    target.focus({ preventScroll: true });
  } else {
    window.scrollTo(0, 0);
    const title = document.getElementById('doc-title');
    if (title) { title.tabIndex = -1; title.focus({ preventScroll: true }); }
  }
}

// ---------------------------------------------------------------- filters drawer (narrow screens)

function setDrawer(open) {
  els.filters.classList.toggle('is-open', open);
  els.scrim.hidden = !open;
  els.filtersToggle.setAttribute('aria-expanded', String(open));
  document.body.classList.toggle('drawer-open', open);
  // While the drawer is open, the rest of the page is out of the tab order.
  for (const el of [document.querySelector('.skip-link'), document.querySelector('.topbar'), els.main, document.querySelector('.footer')]) {
    if (el) el.inert = open;
  }
  if (open) els.filters.focus();
  else if (document.activeElement && els.filters.contains(document.activeElement)) els.filtersToggle.focus();
}

function drawerOpen() {
  return els.filters.classList.contains('is-open');
}

// ---------------------------------------------------------------- rendering and events

function render() {
  if (els.q.value !== state.q && document.activeElement !== els.q) els.q.value = state.q;
  els.sort.value = state.sort;
  renderChips();
  document.title = state.q ? `${state.q} — edusearch` : 'edusearch — поиск по рекомендациям документов об образовании';
  runSearch();
  if (state.cmp && state.with) {
    showComparison();
  } else {
    hideComparison();
    if (state.doc) showDocument(); else hideDocument();
  }
}

let debounceTimer = 0;

attachSuggest(els.q, (s) => {
  if (s.kind === 'word') {
    // The completed word is whole: a space ends it.
    setQuery(`${s.value} `);
    return;
  }
  const param = s.kind === 'addressee' ? 'addressee' : 'topic';
  clearTimeout(debounceTimer);
  els.q.value = '';
  const next = cloneState(state);
  next.q = '';
  if (!next.filters[param].includes(s.value)) next.filters[param].push(s.value);
  next.page = 1;
  typingEntry = false;
  go(next);
});

els.q.addEventListener('input', () => {
  clearTimeout(debounceTimer);
  debounceTimer = setTimeout(() => {
    const s = cloneState(state);
    s.q = els.q.value;
    s.page = 1;
    s.doc = '';
    s.entry = '';
    s.cmp = '';
    s.with = '';
    const mode = typingEntry ? 'replace' : 'push';
    typingEntry = true;
    go(s, mode);
  }, DEBOUNCE_MS);
});

els.form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  clearTimeout(debounceTimer);
  const s = cloneState(state);
  s.q = els.q.value;
  s.page = 1;
  s.doc = '';
  s.entry = '';
  s.cmp = '';
  s.with = '';
  const mode = typingEntry ? 'replace' : 'push';
  typingEntry = false;
  go(s, mode);
});

els.sort.addEventListener('change', () => {
  typingEntry = false;
  go({ ...cloneState(state), sort: els.sort.value, page: 1 });
});

els.reset.addEventListener('click', resetFilters);
els.filtersToggle.addEventListener('click', () => setDrawer(!drawerOpen()));
els.filtersClose.addEventListener('click', () => setDrawer(false));
els.filtersApply.addEventListener('click', () => {
  setDrawer(false);
  els.results.focus({ preventScroll: true });
});
els.scrim.addEventListener('click', () => setDrawer(false));
els.cmpBack.addEventListener('click', (ev) => {
  if (!isPlainClick(ev)) return;
  ev.preventDefault();
  closeComparison();
});
els.docBack.addEventListener('click', (ev) => {
  if (!isPlainClick(ev)) return;
  ev.preventDefault();
  closeDocument();
});

document.addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape') {
    if (drawerOpen()) {
      setDrawer(false);
      ev.preventDefault();
    } else if (state.cmp) {
      closeComparison();
      ev.preventDefault();
    } else if (state.doc) {
      closeDocument();
      ev.preventDefault();
    }
  } else if (ev.key === '/' && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
    const t = ev.target;
    const editable = t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
    if (!editable) {
      ev.preventDefault();
      els.q.focus();
      els.q.select();
    }
  }
});

window.addEventListener('popstate', () => {
  typingEntry = false;
  state = stateFromSearch(location.search);
  els.q.value = state.q;
  render();
});


// ---------------------------------------------------------------- comparison of two documents

const RELATION_LABELS = { identical: 'Совпадает', edited: 'Изменено', related: 'Близко по смыслу' };
let documentList = null; // Promise of /api/documents

function loadDocuments() {
  if (!documentList) {
    documentList = fetchJson('./api/documents').then((r) => (Array.isArray(r.documents) ? r.documents : []))
      .catch((e) => { documentList = null; throw e; });
  }
  return documentList;
}

/** «Сравнить с документом …» in the document head: picks the other document of a comparison. */
function compareForm(meta) {
  const docId = meta.doc_id || state.doc;
  const select = h('select', { id: 'cmp-with', disabled: true }, h('option', { value: '', text: 'Загрузка списка…' }));
  const button = h('button', { type: 'submit', class: 'btn btn-secondary', disabled: true }, 'Сравнить');
  const form = h('form', {
    class: 'cmp-form',
    onsubmit: (ev) => {
      ev.preventDefault();
      if (!select.value) return;
      go({ ...cloneState(state), cmp: docId, with: select.value });
    },
  },
  h('label', { for: 'cmp-with', text: 'Сравнить формулировки с документом' }),
  h('div', { class: 'cmp-form-row' }, select, button));
  loadDocuments().then((docs) => {
    const others = docs.filter((d) => d.doc_id !== docId);
    select.textContent = '';
    if (!others.length) {
      select.append(h('option', { value: '', text: 'Других документов нет' }));
      return;
    }
    // Typically a municipal act is compared with the regional one it follows: same year first.
    const rank = (d) => (d.level !== meta.level ? 0 : 2) + (d.year === meta.year ? 0 : 1);
    others.sort((a, b) => rank(a) - rank(b));
    for (const d of others) {
      const label = [d.title, [LEVEL_LABELS[d.level], d.year].filter(Boolean).join(', ')].filter(Boolean).join(' — ');
      select.append(h('option', { value: d.doc_id, text: label }));
    }
    select.disabled = false;
    button.disabled = false;
  }).catch(() => {
    select.textContent = '';
    select.append(h('option', { value: '', text: 'Список документов недоступен' }));
  });
  return form;
}

let cmpController = null;
let shownComparison = '';

function closeComparison() {
  const s = cloneState(state);
  s.cmp = '';
  s.with = '';
  typingEntry = false;
  go(s);
}

function hideComparison() {
  if (els.cmpView.hidden) return;
  if (cmpController) cmpController.abort();
  els.cmpView.hidden = true;
}

async function showComparison() {
  const key = `${state.cmp}\u0001${state.with}`;
  els.layout.classList.add('is-doc');
  els.resultsView.hidden = true;
  els.docView.hidden = true;
  els.cmpView.hidden = false;
  const back = { ...cloneState(state), cmp: '', with: '' };
  els.cmpBack.href = `${location.pathname}${searchOfState(back)}`;
  els.cmpBack.textContent = back.doc ? '← К документу' : '← К результатам';
  if (shownComparison === key) return;
  if (cmpController) cmpController.abort();
  const controller = new AbortController();
  cmpController = controller;
  els.cmpBody.textContent = '';
  els.cmpBody.append(h('p', { class: 'muted doc-loading', text: 'Сопоставление документов…' }));
  window.scrollTo(0, 0);
  try {
    const params = new URLSearchParams({ from: state.cmp, to: state.with });
    const [alignment, docs] = await Promise.all([
      fetchJson(`./api/align?${params}`, controller.signal),
      loadDocuments().catch(() => []),
    ]);
    if (controller !== cmpController) return;
    shownComparison = key;
    renderComparison(alignment, docs, controller.signal);
  } catch (e) {
    if (e.name === 'AbortError' || controller !== cmpController) return;
    els.cmpBody.textContent = '';
    els.cmpBody.append(h('div', { class: 'notice notice-error', role: 'alert' },
      h('h2', { text: 'Сравнение не выполнено' }), h('p', { text: e.message })));
  }
}

function percent(x) {
  return `${Math.round((Number(x) || 0) * 100)} %`;
}

function renderComparison(al, docs, signal) {
  const byId = new Map(docs.map((d) => [d.doc_id, d]));
  const from = byId.get(al.from_doc) || { doc_id: al.from_doc, title: al.from_doc };
  const to = byId.get(al.to_doc) || { doc_id: al.to_doc, title: al.to_doc };
  const pairs = Array.isArray(al.pairs) ? al.pairs : [];
  const matched = pairs.filter((p) => p.to);
  const added = pairs.filter((p) => !p.to);
  const notAdopted = Array.isArray(al.unmatched_to) ? al.unmatched_to : [];
  const count = (rel) => matched.filter((p) => p.relation === rel).length;
  const docLabel = (d) => [d.title, [LEVEL_LABELS[d.level], d.year].filter(Boolean).join(', ')].filter(Boolean).join(' — ');

  els.cmpBody.textContent = '';
  const stats = h('dl', { class: 'cmp-stats' },
    fact('Совпадает', String(count('identical'))),
    fact('Изменено', String(count('edited'))),
    fact('Близко по смыслу', String(count('related'))),
    fact('Добавлено в первом', String(added.length)),
    fact('Не перенесено из второго', String(notAdopted.length)));
  els.cmpBody.append(h('header', { class: 'doc-head' },
    h('p', { class: 'doc-kicker', text: 'Сравнение документов' }),
    h('h1', { id: 'cmp-title', tabindex: '-1' },
      h('span', { class: 'cmp-doc cmp-doc-from' }, h('span', { class: 'cmp-doc-label', text: 'Первый документ' }), docLabel(from)),
      h('span', { class: 'cmp-doc cmp-doc-to' }, h('span', { class: 'cmp-doc-label', text: 'Второй документ' }), docLabel(to))),
    stats,
    h('p', { class: 'cmp-legend' },
      h('span', { class: 'diff-del', text: 'только в первом' }), ' ',
      h('span', { class: 'diff-ins', text: 'только во втором' }),
      h('span', { class: 'muted', text: ' — слова, которыми различаются пары.' }))));

  const pairList = h('ol', { class: 'cmp-pairs' });
  const diffJobs = [];
  for (const p of matched) {
    const left = h('div', { class: 'cmp-side cmp-side-from' });
    const right = h('div', { class: 'cmp-side cmp-side-to' });
    left.append(entryRefLine(p.from), h('p', { class: 'cmp-text', text: p.from.text }));
    right.append(entryRefLine(p.to, p.to.topic === p.from.topic), h('p', { class: 'cmp-text', text: p.to.text }));
    for (const extra of p.also || []) {
      right.append(h('p', { class: 'cmp-also-label muted', text: 'Объединено с:' }), entryRefLine(extra),
        h('p', { class: 'cmp-text', text: extra.text }));
    }
    const rel = p.relation || 'related';
    const relText = rel === 'edited' && p.changed !== null && p.changed !== undefined
      ? `${RELATION_LABELS[rel]} · ${percent(p.changed)} слов` : RELATION_LABELS[rel] || rel;
    pairList.append(h('li', { class: `cmp-pair cmp-${rel}`, 'data-from': p.from.id, 'data-to': p.to.id },
      h('p', { class: 'cmp-relation' }, h('span', { class: `badge badge-rel-${rel}`, text: relText }),
        h('span', { class: 'muted', text: ` сходство ${percent(p.score)}` })),
      h('div', { class: 'cmp-sides' }, left, right)));
    if (rel !== 'identical' && !(p.also && p.also.length)) diffJobs.push({ p, left, right });
  }
  pairList.classList.add('hide-identical');
  const identical = count('identical');
  const showIdentical = h('label', { class: 'cmp-toggle' },
    h('input', {
      type: 'checkbox', id: 'cmp-show-identical',
      onchange: (ev) => pairList.classList.toggle('hide-identical', !ev.target.checked),
    }),
    ` Показывать совпадающие пары (${identical})`);
  const group = cmpGroup('cmp-matched', `Пары формулировок (${matched.length})`, pairList);
  if (identical) group.insertBefore(showIdentical, pairList);
  els.cmpBody.append(group);

  const addedList = h('ol', { class: 'cmp-singles' });
  for (const p of added) addedList.append(singleEntry(p.from));
  els.cmpBody.append(cmpGroup('cmp-added', `Есть только в первом документе (${added.length})`, addedList,
    'Пункты, которым во втором документе нет соответствия: добавлены на местах.'));
  const missingList = h('ol', { class: 'cmp-singles' });
  for (const e of notAdopted) missingList.append(singleEntry(e));
  els.cmpBody.append(cmpGroup('cmp-not-adopted', `Не перенесено из второго документа (${notAdopted.length})`, missingList,
    'Пункты второго документа, которых нет в первом.'));
  const title = document.getElementById('cmp-title');
  if (title) title.focus({ preventScroll: true });
  runDiffs(diffJobs, signal);
}

function cmpGroup(id, title, list, note) {
  return h('section', { class: 'doc-section cmp-group', id, 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h`, text: title }),
    note ? h('p', { class: 'muted cmp-note', text: note }) : null,
    list.childElementCount ? list : h('p', { class: 'muted', text: 'Нет.' }));
}

function entryRefLine(e, hideTopic = false) {
  return h('p', { class: 'cmp-ref' },
    h('a', {
      href: entryHref(e.id, docOfEntry(e.id)),
      onclick: (ev) => {
        if (!isPlainClick(ev)) return;
        ev.preventDefault();
        openEntry(e.id, docOfEntry(e.id));
      },
    }, e.number ? `п. ${e.number}` : 'в документе'),
    e.topic && !hideTopic ? h('span', { class: 'muted', text: ` · ${e.topic}` }) : null);
}

function singleEntry(e) {
  return h('li', { class: 'cmp-single', 'data-id': e.id }, entryRefLine(e), h('p', { class: 'cmp-text', text: e.text }));
}

/** Fetches the word diffs of the pairs (a few at a time) and shows them in both columns. */
async function runDiffs(jobs, signal) {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length && !signal.aborted) {
      const job = jobs[next];
      next += 1;
      try {
        const params = new URLSearchParams({ a: job.p.from.id, b: job.p.to.id });
        const cmp = await fetchJson(`./api/compare?${params}`, signal);
        const tokens = cmp && cmp.diff && Array.isArray(cmp.diff.tokens) ? cmp.diff.tokens : null;
        if (tokens) {
          job.left.querySelector('.cmp-text').replaceWith(diffText(tokens, 'delete'));
          job.right.querySelector('.cmp-text').replaceWith(diffText(tokens, 'insert'));
        }
      } catch (e) {
        if (e.name === 'AbortError') return;
        // The plain texts stay; the pair is still readable without the highlighting.
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

/** One side of a diff: equal words plus the words only this side has (`own`: 'delete' or 'insert'),
 * consecutive ones highlighted together. */
function diffText(tokens, own) {
  const p = h('p', { class: 'cmp-text cmp-diff' });
  let run = '';
  const flush = () => {
    if (!run) return;
    // The words are highlighted, the space after them is not.
    const [, words, space] = /^(.*?)(\s*)$/s.exec(run);
    p.append(h(own === 'delete' ? 'del' : 'ins', { class: own === 'delete' ? 'diff-del' : 'diff-ins', text: words }));
    if (space) p.append(document.createTextNode(space));
    run = '';
  };
  for (const t of tokens) {
    if (t.op === own) {
      run += t.text;
    } else if (t.op === 'equal') {
      flush();
      p.append(document.createTextNode(t.text));
    }
  }
  flush();
  return p;
}

// ---------------------------------------------------------------- similar wording

/** Path of an entry's API resource (ids hold `/`, which the API takes as is). */
function entryPath(id) {
  return id.split('/').map(encodeURIComponent).join('/');
}

/** «Похожие формулировки»: a button on a hit that shows entries of other documents worded alike. */
function similarToggle(hit) {
  const panelId = `similar-${hit.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const panel = h('div', { class: 'similar', id: panelId, hidden: true });
  let loaded = false;
  const button = h('button', {
    type: 'button', class: 'btn btn-link similar-toggle', 'aria-expanded': 'false', 'aria-controls': panelId,
    onclick: async () => {
      const open = button.getAttribute('aria-expanded') !== 'true';
      button.setAttribute('aria-expanded', String(open));
      panel.hidden = !open;
      if (open && !loaded) {
        loaded = true;
        await loadSimilar(hit, panel);
      }
    },
  }, 'Похожие формулировки');
  return h('div', { class: 'hit-actions' }, button, panel);
}

async function loadSimilar(hit, panel) {
  panel.textContent = '';
  panel.append(h('p', { class: 'muted', text: 'Поиск похожих формулировок…' }));
  let resp;
  try {
    resp = await fetchJson(`./api/entries/${entryPath(hit.id)}/similar?limit=5`);
  } catch (e) {
    panel.textContent = '';
    panel.append(h('p', { class: 'similar-error', role: 'alert', text: e.message }));
    return;
  }
  const list = Array.isArray(resp.similar) ? resp.similar : [];
  panel.textContent = '';
  if (!list.length) {
    panel.append(h('p', { class: 'muted', text: 'В других документах похожих формулировок не найдено.' }));
    return;
  }
  panel.append(h('h3', { class: 'similar-title', text: 'Похожие формулировки в других документах' }));
  const ol = h('ol', { class: 'similar-list' });
  for (const sim of list) ol.append(similarItem(hit, sim));
  panel.append(ol);
}

function similarItem(hit, sim) {
  const diffBox = h('div', { class: 'similar-diff', hidden: true });
  let diffLoaded = false;
  const compare = h('button', {
    type: 'button', class: 'btn btn-link', 'aria-expanded': 'false',
    onclick: async () => {
      const open = compare.getAttribute('aria-expanded') !== 'true';
      compare.setAttribute('aria-expanded', String(open));
      diffBox.hidden = !open;
      if (!open || diffLoaded) return;
      diffLoaded = true;
      diffBox.append(h('p', { class: 'muted', text: 'Сравнение…' }));
      try {
        const cmp = await fetchJson(`./api/compare?${new URLSearchParams({ a: hit.id, b: sim.id })}`);
        const tokens = cmp && cmp.diff && Array.isArray(cmp.diff.tokens) ? cmp.diff.tokens : [];
        diffBox.textContent = '';
        diffBox.append(
          h('div', { class: 'cmp-sides' },
            h('div', { class: 'cmp-side cmp-side-from' }, h('p', { class: 'cmp-ref muted', text: 'Найденная запись' }), diffText(tokens, 'delete')),
            h('div', { class: 'cmp-side cmp-side-to' }, h('p', { class: 'cmp-ref muted', text: 'Похожая запись' }), diffText(tokens, 'insert'))));
      } catch (e) {
        diffBox.textContent = '';
        diffBox.append(h('p', { class: 'similar-error', role: 'alert', text: e.message }));
      }
    },
  }, 'Сравнить по словам');
  const meta = [sim.doc_title, LEVEL_LABELS[sim.level], sim.year, sim.number ? `п. ${sim.number}` : null].filter(Boolean).join(' · ');
  return h('li', { class: 'similar-item', 'data-id': sim.id },
    h('p', { class: 'similar-head' },
      h('span', { class: 'similar-score', title: 'Сходство формулировок (0–100 %)', text: percent(sim.score) }),
      h('a', {
        href: entryHref(sim.id, sim.doc_id),
        onclick: (ev) => {
          if (!isPlainClick(ev)) return;
          ev.preventDefault();
          openEntry(sim.id, sim.doc_id);
        },
      }, meta || sim.id)),
    h('p', { class: 'similar-text', text: sim.text || '' }),
    h('p', { class: 'similar-actions' }, compare),
    diffBox);
}

// ---------------------------------------------------------------- start

els.q.value = state.q;
render();
if (!state.doc) els.q.focus({ preventScroll: true });
