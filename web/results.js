// Results view: runs the search of the current state, draws hits, the summary, nothing-found and
// error messages, and the pager.

import { cloneState, PAGE_SIZE, activeFilterCount, apiParamsOfState, entryHref, exportHrefOfState, go, searchOfState, state } from './state.js';
import { FILTER_PARAMS, PARAM_TITLES, TYPE_LABELS, valueLabel } from './labels.js';
import { els, fillSnippet, h, isPlainClick } from './dom.js';
import { fetchJson } from './api.js';
import { addresseeNames, docMetaLine, formatDate, formatMs, nf, plural } from './format.js';
import { removeFilter, renderFacets, resetFilters } from './facets.js';
import { openEntry } from './document.js';
import { similarToggle } from './similar.js';
import { setQuery } from './searchbox.js';

let searchController = null;
let lastSearchKey = null;
export let lastResponse = null;
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
export async function runSearch(force = false) {
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

export function fact(term, value, title) {
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
  if (cur > 1) list.append(h('li', {}, link(cur - 1, '← Назад', { rel: 'prev' })));
  const shown = new Set([1, pages, cur - 1, cur, cur + 1].filter((p) => p >= 1 && p <= pages));
  let prev = 0;
  for (const p of [...shown].sort((a, b) => a - b)) {
    if (p - prev > 1) list.append(h('li', { class: 'pager-gap', 'aria-hidden': 'true', text: '…' }));
    list.append(h('li', {}, p === cur
      ? h('span', { class: 'pager-current', 'aria-current': 'page', text: String(p) })
      : link(p, String(p), { 'aria-label': `Страница ${p}` })));
    prev = p;
  }
  if (cur < pages) list.append(h('li', {}, link(cur + 1, 'Далее →', { rel: 'next' })));
  els.pager.append(list);
}
