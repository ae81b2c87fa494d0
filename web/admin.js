// The admin page: upload, replace and remove documents through the write endpoints of the API
// with the admin token. The token lives in sessionStorage of this tab only. No innerHTML: every
// text from the server is set with textContent.

import { KIND_LABELS, LEVEL_LABELS } from './labels.js';

const $ = (sel) => document.querySelector(sel);
const TOKEN_KEY = 'edusearch-admin-token';

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k in node) node[k] = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

function token() {
  return $('#token').value.trim();
}

/** Shows the answer of a change: what happened, or the server's Russian error message. */
function showResult(ok, lines) {
  const box = $('#result');
  box.className = ok ? 'result-ok' : 'result-error';
  box.replaceChildren(...lines.map((l) => el('p', { textContent: l })));
}

function describeChange(verb, r) {
  const lines = [`${verb}: ${r.doc_id} (${r.name}), записей: ${r.entries}`];
  if (r.removed_entries) lines.push(`Удалено записей прежней версии: ${r.removed_entries}`);
  if (r.entries === 0) lines.push('В документе не найдено ни одной рекомендации.');
  for (const w of r.warnings || []) lines.push(`Предупреждение: ${w}`);
  return lines;
}

/** Sends a change; answers the parsed JSON or throws an Error with the Russian message. */
async function send(method, path, file) {
  const init = { method, headers: { Authorization: `Bearer ${token()}` } };
  if (file) {
    const form = new FormData();
    form.append('file', file, file.name);
    init.body = form;
  }
  const resp = await fetch(path, init);
  const body = await resp.json().catch(() => ({}));
  if (!resp.ok) {
    const msg = body?.error?.message_ru || `Ошибка ${resp.status}`;
    throw new Error(msg);
  }
  return body;
}

async function run(label, action) {
  try {
    const lines = await action();
    showResult(true, lines);
  } catch (e) {
    showResult(false, [`${label}: ${e.message}`]);
  }
  await loadDocuments();
}

/** Documents per page of the list. */
const PAGE = 50;
/** Most documents the API skips (its `offset` limit): beyond, the words must narrow the list. */
const MAX_OFFSET = 10000;
/** The list shown: the words looked for, the filters (parameter → value) and the first document of the page. */
const listing = { q: '', filters: {}, offset: 0 };
/** The filter selects, each filled from its facet's counts. */
const FILTERS = ['#doc-level', '#doc-kind', '#doc-year', '#doc-region'];
const FILTER_LABELS = { level: LEVEL_LABELS, kind: KIND_LABELS };
let listController = null;

/** Loads the page of the list the words and offset ask for (an older load still running is dropped). */
async function loadDocuments() {
  if (listController) listController.abort();
  const controller = new AbortController();
  listController = controller;
  const params = new URLSearchParams({ limit: String(PAGE), offset: String(listing.offset) });
  if (listing.q) params.set('q', listing.q);
  for (const [param, value] of Object.entries(listing.filters)) if (value) params.set(param, value);
  let body;
  try {
    const resp = await fetch(`./api/documents?${params}`, { cache: 'no-store', signal: controller.signal });
    body = await resp.json().catch(() => ({}));
    if (!resp.ok) throw new Error(body?.error?.message_ru || `Ошибка ${resp.status}`);
  } catch (e) {
    if (e.name === 'AbortError') return;
    $('#doc-range').textContent = `Список документов недоступен: ${e.message}`;
    return;
  }
  const docs = body.documents || [];
  if (!docs.length && listing.offset > 0 && body.total > 0) {
    // The page emptied (documents removed): show the last page that has documents.
    listing.offset = Math.max(0, Math.floor((body.total - 1) / PAGE) * PAGE);
    return loadDocuments();
  }
  const rows = docs.map((d) => {
    const replaceInput = el('input', { type: 'file', className: 'replace-file', 'aria-label': `Файл для замены ${d.doc_id}` });
    replaceInput.addEventListener('change', () => {
      const file = replaceInput.files[0];
      if (!file) return;
      run('Замена не выполнена', async () => describeChange('Заменён', await send('PUT', `./api/documents/${encodeURIComponent(d.doc_id)}`, file)));
    });
    const remove = el('button', { type: 'button', className: 'btn remove', textContent: 'Удалить' });
    remove.addEventListener('click', () => {
      if (!window.confirm(`Удалить документ ${d.doc_id} из индекса и хранилища?`)) return;
      run('Удаление не выполнено', async () => {
        const r = await send('DELETE', `./api/documents/${encodeURIComponent(d.doc_id)}`);
        return [`Удалён: ${r.doc_id}, записей: ${r.removed_entries}`];
      });
    });
    const replaceLabel = el('label', { className: 'btn' }, 'Заменить… ', replaceInput);
    return el('tr', { dataset: { docId: d.doc_id } },
      el('td', { textContent: d.doc_id }),
      el('td', { textContent: d.title }),
      el('td', { textContent: String(d.entries) }),
      el('td', {}, replaceLabel, remove));
  });
  $('#documents tbody').replaceChildren(...rows);
  showRange(body, docs.length);
  showFilters(body.facets || {});
}

/** Fills each filter select with its facet's values and counts, keeping the value chosen. */
function showFilters(facets) {
  for (const sel of FILTERS) {
    const select = $(sel);
    const param = select.dataset.param;
    const chosen = listing.filters[param] || '';
    const labels = FILTER_LABELS[param] || {};
    const counts = facets[param] || [];
    const options = counts.map((c) => el('option', { value: c.value, textContent: `${labels[c.value] || c.value} (${c.count})` }));
    if (chosen && !counts.some((c) => c.value === chosen)) options.unshift(el('option', { value: chosen, textContent: `${labels[chosen] || chosen} (0)` }));
    select.replaceChildren(el('option', { value: '', textContent: 'все' }), ...options);
    select.value = chosen;
  }
}

/** «Документы 51–100 из 1 234» (and how many the index holds when words or filters narrow the list). */
function showRange(body, shown) {
  const n = (x) => Number(x).toLocaleString('ru-RU');
  const total = body.total ?? 0;
  let text;
  const narrowed = listing.q || Object.values(listing.filters).some(Boolean);
  if (!total) text = narrowed ? 'Таких документов нет.' : 'В индексе нет документов.';
  else text = `Документы ${n(listing.offset + 1)}–${n(listing.offset + shown)} из ${n(total)}`;
  if (narrowed && body.held !== undefined) text += ` (всего в индексе: ${n(body.held)})`;
  $('#doc-range').textContent = text;
  $('#doc-prev').disabled = listing.offset === 0;
  const beyond = listing.offset + PAGE > MAX_OFFSET;
  $('#doc-next').disabled = listing.offset + shown >= total || beyond;
  if (beyond && listing.offset + shown < total) $('#doc-range').textContent += '. Дальше — уточните слова поиска.';
}

function init() {
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) $('#token').value = saved;
  $('#token').addEventListener('input', () => sessionStorage.setItem(TOKEN_KEY, token()));
  $('#upload-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const file = $('#upload-file').files[0];
    if (!file) return;
    run('Загрузка не выполнена', async () => describeChange('Загружен', await send('POST', './api/documents', file)));
  });
  let typing = null;
  $('#doc-q').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      listing.q = $('#doc-q').value.trim();
      listing.offset = 0;
      loadDocuments();
    }, 200);
  });
  $('#doc-find').addEventListener('submit', (ev) => ev.preventDefault());
  for (const sel of FILTERS) {
    const select = $(sel);
    select.addEventListener('change', () => {
      listing.filters[select.dataset.param] = select.value;
      listing.offset = 0;
      loadDocuments();
    });
  }
  $('#doc-prev').addEventListener('click', () => {
    listing.offset = Math.max(0, listing.offset - PAGE);
    loadDocuments();
  });
  $('#doc-next').addEventListener('click', () => {
    listing.offset += PAGE;
    loadDocuments();
  });
  loadDocuments();
}

init();
