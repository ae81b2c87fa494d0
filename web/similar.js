// «Похожие формулировки»: entries of other documents worded like a hit, with a word diff.

import { entryHref } from './state.js';
import { LEVEL_LABELS } from './labels.js';
import { h, isPlainClick } from './dom.js';
import { fetchJson } from './api.js';
import { openEntry } from './document.js';
import { diffText, percent } from './compare.js';

/** Path of an entry's API resource (ids hold `/`, which the API takes as is). */
function entryPath(id) {
  return id.split('/').map(encodeURIComponent).join('/');
}

/** «Похожие формулировки»: a button on a hit that shows entries of other documents worded alike. */
export function similarToggle(hit) {
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
