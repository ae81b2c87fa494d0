// The search box: typing searches after a pause (replacing the history entry while typing),
// submitting searches at once. Whatever grows around the box (suggestions as you type, «также
// искали») belongs here; it changes the page only through `go`.

import { cloneState, go, nav, state } from './state.js';
import { els } from './dom.js';
import { attachSuggest } from './suggest.js';

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

/** Replaces the query text and searches it at once (a picked suggestion, «Возможно, вы искали»). */
export function setQuery(q) {
  clearTimeout(debounceTimer);
  els.q.value = q;
  nav.typing = false;
  go(searchingFor(q));
}

/** A suggestion picked in the drop-down: a word completes the query, an addressee or topic becomes a filter. */
function pickSuggestion(s) {
  if (s.kind === 'word') {
    // The completed word is whole: a space ends it.
    setQuery(`${s.value} `);
    return;
  }
  const param = s.kind === 'addressee' ? 'addressee' : 'topic';
  clearTimeout(debounceTimer);
  els.q.value = '';
  const next = searchingFor('');
  if (!next.filters[param].includes(s.value)) next.filters[param].push(s.value);
  nav.typing = false;
  go(next);
}

/** Wires the search box's input, form and suggestion drop-down. */
export function initSearchBox() {
  attachSuggest(els.q, pickSuggestion);
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
