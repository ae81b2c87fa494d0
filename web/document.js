// Document view: one document grouped by section, opened at an entry, with focus returned on close.

import { cloneState, docOfEntry, go, searchOfState, state, nav, unique } from './state.js';
import { KIND_LABELS, LEVEL_LABELS, PARAM_TITLES, TYPE_LABELS } from './labels.js';
import { els, fillSnippet, h } from './dom.js';
import { fetchJson } from './api.js';
import { fact, lastResponse } from './results.js';
import { decodeEntities } from './snippet.js';
import { addresseeNames, formatDate, nf } from './format.js';
import { compareForm } from './compare.js';

let docController = null;
let shownDoc = null; // { id, data } of the document in the view
let resultsScroll = 0;
let returnFocusTo = null;

export function openEntry(entryId, docId) {
  resultsScroll = window.scrollY;
  returnFocusTo = entryId;
  const s = cloneState(state);
  s.doc = docId || docOfEntry(entryId);
  s.entry = entryId;
  s.cmp = '';
  s.with = '';
  nav.typing = false;
  go(s);
}

export function closeDocument() {
  const s = cloneState(state);
  s.doc = '';
  s.entry = '';
  s.cmp = '';
  s.with = '';
  nav.typing = false;
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

export async function showDocument() {
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

export function hideDocument() {
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
