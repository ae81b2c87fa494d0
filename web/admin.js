// The admin page: upload, replace and remove documents through the write endpoints of the API
// with the admin token. The token lives in sessionStorage of this tab only. No innerHTML: every
// text from the server is set with textContent.

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

async function loadDocuments() {
  const tbody = $('#documents tbody');
  const resp = await fetch('./api/documents', { cache: 'no-store' });
  const body = await resp.json().catch(() => ({ documents: [] }));
  const rows = (body.documents || []).map((d) => {
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
  tbody.replaceChildren(...rows);
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
  loadDocuments();
}

init();
