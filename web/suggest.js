// Drop-down of suggestions under the search box (`GET /api/suggest?q=`), keyboard navigable:
// the WAI-ARIA combobox pattern (↓/↑ move, Enter picks, Escape closes; focus stays in the box).
// Text from the server is inserted with textContent only.

const DEBOUNCE_MS = 120;
const KIND_LABELS = { word: '', addressee: 'адресат', topic: 'тема' };

/**
 * Attaches the drop-down to `input` (inside a positioned container).
 * `onPick(suggestion)` is called with `{kind, text, value, count}` when one is chosen.
 */
export function attachSuggest(input, onPick) {
  const list = document.createElement('ul');
  list.id = 'suggest-list';
  list.className = 'suggest';
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'Подсказки');
  list.hidden = true;
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', list.id);
  input.insertAdjacentElement('afterend', list);

  let items = [];
  let active = -1;
  let controller = null;
  let timer = 0;

  function close() {
    list.hidden = true;
    list.textContent = '';
    items = [];
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  function setActive(i) {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i >= 0) input.setAttribute('aria-activedescendant', `suggest-opt-${i}`);
    else input.removeAttribute('aria-activedescendant');
  }

  function pick(i) {
    const s = items[i];
    close();
    if (s) onPick(s);
  }

  function render(suggestions) {
    list.textContent = '';
    items = suggestions;
    active = -1;
    if (!items.length || document.activeElement !== input) {
      close();
      return;
    }
    items.forEach((s, i) => {
      const li = document.createElement('li');
      li.id = `suggest-opt-${i}`;
      li.className = `suggest-option suggest-${s.kind}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.dataset.kind = s.kind;
      li.dataset.value = s.value;
      const text = document.createElement('span');
      text.className = 'suggest-text';
      text.textContent = s.text;
      li.append(text);
      if (KIND_LABELS[s.kind]) {
        const kind = document.createElement('span');
        kind.className = 'suggest-kind';
        kind.textContent = KIND_LABELS[s.kind];
        li.append(kind);
      }
      li.addEventListener('mousedown', (ev) => ev.preventDefault()); // keep the focus in the box
      li.addEventListener('click', () => pick(i));
      list.append(li);
    });
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  async function load() {
    const q = input.value;
    if (controller) controller.abort();
    if (q.trim().length < 2) {
      close();
      return;
    }
    controller = new AbortController();
    const mine = controller;
    try {
      const resp = await fetch(`./api/suggest?q=${encodeURIComponent(q)}`, {
        signal: mine.signal, headers: { Accept: 'application/json' },
      });
      const body = resp.ok ? await resp.json() : null;
      if (mine !== controller || input.value !== q) return;
      render(body && Array.isArray(body.suggestions) ? body.suggestions : []);
    } catch {
      if (mine === controller) close();
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(load, DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (ev) => {
    if (list.hidden || !items.length) {
      if (ev.key === 'ArrowDown' && input.value.trim().length >= 2) load();
      return;
    }
    if (ev.key === 'ArrowDown') {
      ev.preventDefault();
      setActive((active + 1) % items.length);
    } else if (ev.key === 'ArrowUp') {
      ev.preventDefault();
      setActive(active <= 0 ? items.length - 1 : active - 1);
    } else if (ev.key === 'Enter' && active >= 0) {
      ev.preventDefault();
      pick(active);
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      ev.stopPropagation(); // only the list closes, not the document view behind it
      close();
    } else if (ev.key === 'Enter') {
      close();
    }
  });
  input.addEventListener('blur', () => {
    clearTimeout(timer);
    close();
  });
  return { close };
}
