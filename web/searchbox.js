// The search box: typing searches after a pause (replacing the history entry while typing),
// submitting searches at once. Whatever grows around the box (suggestions as you type, «также
// искали») belongs here; it changes the page only through `go`.

import { cloneState, go, nav, state } from './state.js';
import { els } from './dom.js';

const DEBOUNCE_MS = 200;
let debounceTimer = 0;

/** The state searching for `q` from its first page, with no document or comparison open. */
function searchingFor(q) {
  const s = cloneState(state);
  s.q = q;
  s.page = 1;
  s.doc = '';
  s.entry = '';
  s.cmp = '';
  s.with = '';
  return s;
}

/** Wires the search box's input and form. */
export function initSearchBox() {
  els.q.addEventListener('input', () => {
    clearTimeout(debounceTimer);
    debounceTimer = setTimeout(() => {
      const mode = nav.typing ? 'replace' : 'push';
      nav.typing = true;
      go(searchingFor(els.q.value), mode);
    }, DEBOUNCE_MS);
  });

  els.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearTimeout(debounceTimer);
    const mode = nav.typing ? 'replace' : 'push';
    nav.typing = false;
    go(searchingFor(els.q.value), mode);
  });
}
