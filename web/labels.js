// Labels of facets and their values, all from the generated vocabulary.js (src/vocabulary.rs);
// none is copied here.

import { VOCABULARY } from './vocabulary.js';

/**
 * Facets of the API: key of their counts, the query parameter filtering by them (and its older
 * names, still read from URLs), title. All from `vocabulary.js`, which the server generates from
 * src/vocabulary.rs — labels are not copied here.
 */
export const FACETS = VOCABULARY.map((f) => ({ key: f.key, param: f.param, aliases: f.aliases || [], title: f.label_ru }));
export const FILTER_PARAMS = FACETS.map((f) => f.param);

/** Value → Russian label of a closed facet (roles for the addressee facet). */
function labelsOf(key) {
  const f = VOCABULARY.find((x) => x.key === key);
  return Object.fromEntries((f ? f.values : []).map((v) => [v.value, v.label_ru]));
}
export const ROLE_LABELS = labelsOf('addressee');
export const ROLE_ORDER = Object.keys(ROLE_LABELS);
export const LEVEL_LABELS = labelsOf('level');
export const KIND_LABELS = labelsOf('kind');
export const TYPE_LABELS = labelsOf('entry_type');
export const VALUE_LABELS = Object.fromEntries(FACETS.filter((f) => f.key !== 'addressee').map((f) => [f.param, labelsOf(f.key)]));
export const PARAM_TITLES = Object.fromEntries(FACETS.map((f) => [f.param, f.title]));
export const FACET_SHOWN = 8;
export const ROLE_NAMES_SHOWN = 4;
/** Human label of a filter value. */
export function valueLabel(param, value) {
  if (param === 'addressee') return ROLE_LABELS[value] || value;
  const labels = VALUE_LABELS[param];
  return (labels && labels[value]) || value;
}

export function roleLabel(role) {
  return ROLE_LABELS[role] || role;
}
