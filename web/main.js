// edusearch search page, entry module: draws the view of the current state and wires page-wide
// events (sort, filters drawer, Escape, «/», history). Views: results.js, facets.js, document.js,
// compare.js, similar.js; the search box: searchbox.js; the state and its URL: state.js.

import { cloneState, go, nav, onStateChange, setState, state, stateFromSearch } from './state.js';
import { initSearchBox } from './searchbox.js';
import { els, isPlainClick } from './dom.js';
import { runSearch } from './results.js';
import { drawerOpen, renderChips, resetFilters, setDrawer } from './facets.js';
import { closeDocument, hideDocument, showDocument } from './document.js';
import { closeComparison, hideComparison, showComparison } from './compare.js';

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

els.sort.addEventListener('change', () => {
  nav.typing = false;
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
  nav.typing = false;
  setState(stateFromSearch(location.search));
  els.q.value = state.q;
  render();
});

onStateChange(render);
initSearchBox();
els.q.value = state.q;
render();
if (!state.doc) els.q.focus({ preventScroll: true });
