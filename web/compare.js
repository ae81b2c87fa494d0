// Comparison view: two documents aligned entry by entry (identical, edited, related), with word diffs.

import { cloneState, docOfEntry, entryHref, go, searchOfState, state, nav } from './state.js';
import { LEVEL_LABELS } from './labels.js';
import { els, h, isPlainClick } from './dom.js';
import { fetchJson } from './api.js';
import { fact } from './results.js';
import { rank } from './facets.js';
import { openEntry } from './document.js';

const RELATION_LABELS = { identical: 'Совпадает', edited: 'Изменено', related: 'Близко по смыслу' };
/** Documents offered at most in the picker (the API's page limit); more are found by words. */
const PICKER_LIMIT = 100;

/** Documents of the list `params` asks for (words, filters). */
async function findDocuments(params, signal) {
  const query = new URLSearchParams({ ...params, limit: String(PICKER_LIMIT) });
  const r = await fetchJson(`./api/documents?${query}`, signal);
  return Array.isArray(r.documents) ? r.documents : [];
}

/** The list's line of document `docId` (title, level, year), found by its id; null if unknown. */
async function documentMeta(docId, signal) {
  try {
    const docs = await findDocuments({ q: docId }, signal);
    return docs.find((d) => d.doc_id === docId) || null;
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    return null;
  }
}

/**
 * Documents to offer for comparison with `meta`, or those with the words typed. A municipal act
 * is typically compared with the regional one it follows: documents of its region and year
 * first, then of its region, then of its year, then any (each list a page of the API's).
 */
async function candidates(meta, words, signal) {
  if (words) return findDocuments({ q: words }, signal);
  const region = meta.region ? { region: meta.region } : null;
  const year = meta.year ? { year: String(meta.year) } : null;
  const asked = [region && year && { ...region, ...year }, region, year, {}].filter(Boolean);
  const lists = await Promise.all(asked.map((params) => findDocuments(params, signal)));
  const seen = new Set();
  return lists.flat().filter((d) => !seen.has(d.doc_id) && seen.add(d.doc_id));
}

/** «Сравнить с документом …» in the document head: picks the other document of a comparison. */
export function compareForm(meta) {
  const docId = meta.doc_id || state.doc;
  const find = h('input', {
    id: 'cmp-find', type: 'search', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'Найти документ по названию или месту', 'aria-label': 'Найти документ для сравнения',
  });
  const select = h('select', { id: 'cmp-with', disabled: true, 'aria-label': 'Документ для сравнения' },
    h('option', { value: '', text: 'Загрузка списка…' }));
  const button = h('button', { type: 'submit', class: 'btn btn-secondary', disabled: true }, 'Сравнить');
  const form = h('form', {
    class: 'cmp-form',
    onsubmit: (ev) => {
      ev.preventDefault();
      if (!select.value) return;
      go({ ...cloneState(state), cmp: docId, with: select.value });
    },
  },
  h('label', { for: 'cmp-find', text: 'Сравнить формулировки с документом' }),
  h('div', { class: 'cmp-form-row' }, find, select, button));

  let loading = null;
  const fill = (words) => {
    if (loading) loading.abort();
    const controller = new AbortController();
    loading = controller;
    candidates(meta, words, controller.signal).then((docs) => {
      const others = docs.filter((d) => d.doc_id !== docId);
      select.textContent = '';
      if (!others.length) {
        select.append(h('option', { value: '', text: words ? 'Документов с такими словами нет' : 'Других документов нет' }));
        select.disabled = true;
        button.disabled = true;
        return;
      }
      // Typically a municipal act is compared with the regional one it follows: the other level
      // of the same region and year first.
      const rank = (d) => (d.region === meta.region ? 0 : 4) + (d.level !== meta.level ? 0 : 2)
        + (d.year === meta.year ? 0 : 1);
      others.sort((a, b) => rank(a) - rank(b));
      for (const d of others) {
        const label = [d.title, [LEVEL_LABELS[d.level], d.year].filter(Boolean).join(', ')].filter(Boolean).join(' — ');
        select.append(h('option', { value: d.doc_id, text: label }));
      }
      select.disabled = false;
      button.disabled = false;
    }).catch((e) => {
      if (e.name === 'AbortError') return;
      select.textContent = '';
      select.append(h('option', { value: '', text: 'Список документов недоступен' }));
    });
  };
  let typing = null;
  find.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => fill(find.value.trim()), 200);
  });
  fill('');
  return form;
}

let cmpController = null;
let shownComparison = '';

export function closeComparison() {
  const s = cloneState(state);
  s.cmp = '';
  s.with = '';
  nav.typing = false;
  go(s);
}

export function hideComparison() {
  if (els.cmpView.hidden) return;
  if (cmpController) cmpController.abort();
  els.cmpView.hidden = true;
}

export async function showComparison() {
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
    const [alignment, ...docs] = await Promise.all([
      fetchJson(`./api/align?${params}`, controller.signal),
      documentMeta(state.cmp, controller.signal),
      documentMeta(state.with, controller.signal),
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

export function percent(x) {
  return `${Math.round((Number(x) || 0) * 100)} %`;
}

function renderComparison(al, docs, signal) {
  const byId = new Map(docs.filter(Boolean).map((d) => [d.doc_id, d]));
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
export function diffText(tokens, own) {
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
