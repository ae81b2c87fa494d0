// Filters: facet groups with counts, chips of the chosen filters, the filters drawer on narrow screens.

import { activeFilterCount, cloneState, go, state, nav } from './state.js';
import { FACETS, FACET_SHOWN, FILTER_PARAMS, PARAM_TITLES, ROLE_LABELS, ROLE_NAMES_SHOWN, ROLE_ORDER, VALUE_LABELS, roleLabel, valueLabel } from './labels.js';
import { els, h } from './dom.js';
import { lastResponse } from './results.js';
import { nf, plural } from './format.js';

const expandedGroups = new Set();

/** Facet values as a map value → count, plus the selected values that have no count. */
function facetValues(list) {
  const m = new Map();
  for (const fc of Array.isArray(list) ? list : []) {
    if (fc && fc.value !== undefined) m.set(String(fc.value), Number(fc.count) || 0);
  }
  return m;
}

export function renderFacets(facets) {
  const focused = document.activeElement && document.activeElement.dataset
    ? document.activeElement.dataset.key : null;
  els.facets.textContent = '';
  for (const f of FACETS) {
    const group = f.key === 'addressee' ? addresseeGroup(facets.addressee) : plainGroup(f, facets[f.key]);
    if (group) els.facets.append(group);
  }
  if (!els.facets.childElementCount) {
    els.facets.append(h('p', { class: 'muted', text: 'Нет значений для фильтрации.' }));
  }
  if (focused) {
    const again = els.facets.querySelector(`[data-key="${CSS.escape(focused)}"]`);
    if (again) again.focus();
  }
}

export function checkbox(param, value, label, count, extraClass = '') {
  const key = `${param}\u0001${value}`;
  const checked = state.filters[param].includes(value);
  const input = h('input', {
    type: 'checkbox', checked, 'data-key': key, 'data-param': param, 'data-value': value, 'data-count': String(count),
    onchange: () => toggleFilter(param, value),
  });
  return h('label', { class: `facet-option ${extraClass}${count === 0 && !checked ? ' is-empty' : ''}` },
    input,
    h('span', { class: 'facet-label', text: label, title: label.length > 60 ? label : undefined }),
    // The count is read out with its noun (hidden from sight), not through an aria-label on a span.
    h('span', { class: 'facet-count' }, count === null ? '' : nf.format(count),
      count === null ? null : h('span', { class: 'visually-hidden', text: ` ${plural(count, 'запись', 'записи', 'записей')}` })));
}

function plainGroup(f, list) {
  const counts = facetValues(list);
  for (const v of state.filters[f.param]) if (!counts.has(v)) counts.set(v, 0);
  if (!counts.size) return null;
  let values = [...counts.entries()];
  if (f.key === 'year') values.sort((a, b) => Number(b[0]) - Number(a[0]));
  else if (f.key === 'topic' || f.key === 'region') values.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'ru'));
  else {
    const order = Object.keys(VALUE_LABELS[f.param] || {});
    values.sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
  }
  return facetFieldset(f, values.map(([v, c]) => checkbox(f.param, v, valueLabel(f.param, v), c)));
}

function facetFieldset(f, options) {
  const id = `facet-${f.key}`;
  const expanded = expandedGroups.has(f.key);
  const list = h('div', { class: 'facet-options', id: `${id}-options` });
  options.forEach((opt, i) => {
    if (!expanded && i >= FACET_SHOWN && !opt.querySelector('input:checked')) opt.hidden = true;
    list.append(opt);
  });
  const hiddenCount = options.filter((o) => o.hidden).length;
  const fs = h('fieldset', { class: 'facet', id }, h('legend', { text: f.title }), list);
  if (hiddenCount || (expanded && options.length > FACET_SHOWN)) {
    fs.append(h('button', {
      type: 'button', class: 'btn btn-link facet-more', 'aria-controls': `${id}-options`, 'aria-expanded': String(expanded),
      'data-key': `more\u0001${f.key}`,
      onclick: () => {
        if (expandedGroups.has(f.key)) expandedGroups.delete(f.key); else expandedGroups.add(f.key);
        if (lastResponse) renderFacets(lastResponse.facets || {});
      },
    }, expanded ? 'Свернуть' : `Показать все (${options.length})`));
  }
  return fs;
}

/** Addressee facet: roles (Russian labels), each with its canonical names beneath. */
function addresseeGroup(list) {
  const roles = new Map();
  const ensure = (role) => {
    if (!roles.has(role)) roles.set(role, { count: 0, names: new Map() });
    return roles.get(role);
  };
  for (const [value, count] of facetValues(list)) {
    const parts = value.replace(/^\//, '').split('/');
    const role = parts[0];
    if (!role) continue;
    if (parts.length === 1) ensure(role).count = count;
    else ensure(role).names.set(parts.slice(1).join('/'), count);
  }
  const selected = state.filters.addressee;
  const knownNames = new Set([...roles.values()].flatMap((r) => [...r.names.keys()]));
  for (const v of selected) if (ROLE_LABELS[v]) ensure(v);
  if (!roles.size && !selected.length) return null;
  const f = FACETS[0];
  const options = [];
  const sortedRoles = [...roles.keys()].sort((a, b) => rank(a) - rank(b));
  for (const role of sortedRoles) {
    const r = roles.get(role);
    const box = h('div', { class: 'facet-role' }, checkbox('addressee', role, roleLabel(role), r.count, 'facet-role-option'));
    const names = [...r.names.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'ru'));
    if (names.length) {
      const groupKey = `addressee:${role}`;
      const open = expandedGroups.has(groupKey);
      const subId = `facet-names-${role}`;
      const sub = h('div', { class: 'facet-names', id: subId, role: 'group', 'aria-label': roleLabel(role) });
      names.forEach(([name, count], i) => {
        const opt = checkbox('addressee', name, name, count, 'facet-name-option');
        if (!open && i >= ROLE_NAMES_SHOWN && !selected.includes(name)) opt.hidden = true;
        sub.append(opt);
      });
      if (names.length > ROLE_NAMES_SHOWN) {
        sub.append(h('button', {
          type: 'button', class: 'btn btn-link facet-more', 'aria-controls': subId, 'aria-expanded': String(open),
          'data-key': `more\u0001${groupKey}`,
          onclick: () => {
            if (open) expandedGroups.delete(groupKey); else expandedGroups.add(groupKey);
            if (lastResponse) renderFacets(lastResponse.facets || {});
          },
        }, open ? 'Свернуть' : `Ещё ${names.length - ROLE_NAMES_SHOWN}`));
      }
      box.append(sub);
    }
    options.push(box);
  }
  // Selected canonical names no longer in the counts stay visible so they can be unticked.
  const orphans = selected.filter((v) => !ROLE_LABELS[v] && !knownNames.has(v));
  for (const name of orphans) options.push(h('div', { class: 'facet-role' }, checkbox('addressee', name, name, 0, 'facet-name-option')));
  return facetFieldset(f, options);
}

export function rank(role) {
  const i = ROLE_ORDER.indexOf(role);
  return i < 0 ? ROLE_ORDER.length : i;
}

export function renderChips() {
  els.chips.textContent = '';
  const n = activeFilterCount(state);
  els.filtersCount.textContent = n ? ` · ${n}` : '';
  els.reset.hidden = n === 0;
  if (!n) {
    els.chips.hidden = true;
    return;
  }
  els.chips.hidden = false;
  for (const p of FILTER_PARAMS) {
    for (const v of state.filters[p]) {
      els.chips.append(h('li', { class: 'chip' },
        h('span', { class: 'chip-label' }, h('span', { class: 'chip-facet', text: `${PARAM_TITLES[p]}: ` }), valueLabel(p, v)),
        h('button', {
          type: 'button', class: 'chip-remove', 'aria-label': `Убрать фильтр «${PARAM_TITLES[p]}: ${valueLabel(p, v)}»`,
          onclick: () => removeFilter(p, v),
        }, '✕')));
    }
  }
  if (n > 1) {
    els.chips.append(h('li', {}, h('button', { type: 'button', class: 'btn btn-link', onclick: resetFilters }, 'Сбросить')));
  }
}

function toggleFilter(param, value) {
  const s = cloneState(state);
  const list = s.filters[param];
  const i = list.indexOf(value);
  if (i >= 0) list.splice(i, 1); else list.push(value);
  s.page = 1;
  nav.typing = false;
  go(s);
}

export function removeFilter(param, value) {
  const s = cloneState(state);
  s.filters[param] = s.filters[param].filter((v) => v !== value);
  s.page = 1;
  nav.typing = false;
  go(s);
  els.q.focus();
}

export function resetFilters() {
  const s = cloneState(state);
  for (const p of FILTER_PARAMS) s.filters[p] = [];
  s.page = 1;
  nav.typing = false;
  go(s);
  els.q.focus();
}

export function setDrawer(open) {
  els.filters.classList.toggle('is-open', open);
  els.scrim.hidden = !open;
  els.filtersToggle.setAttribute('aria-expanded', String(open));
  document.body.classList.toggle('drawer-open', open);
  // While the drawer is open, the rest of the page is out of the tab order.
  for (const el of [document.querySelector('.skip-link'), document.querySelector('.topbar'), els.main, document.querySelector('.footer')]) {
    if (el) el.inert = open;
  }
  if (open) els.filters.focus();
  else if (document.activeElement && els.filters.contains(document.activeElement)) els.filtersToggle.focus();
}

export function drawerOpen() {
  return els.filters.classList.contains('is-open');
}
