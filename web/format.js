// Russian formatting: plurals, numbers, dates, durations, a document's metadata line.

import { unique } from './state.js';
import { KIND_LABELS, LEVEL_LABELS } from './labels.js';

export function plural(n, one, few, many) {
  const m10 = n % 10;
  const m100 = n % 100;
  if (m10 === 1 && m100 !== 11) return one;
  if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return few;
  return many;
}

export const nf = new Intl.NumberFormat('ru-RU');
const dateFmt = new Intl.DateTimeFormat('ru-RU', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

export function formatDate(iso) {
  if (!iso) return '';
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? String(iso) : dateFmt.format(d).replace(/\s?г\.$/, '');
}

export function formatMs(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  return ms < 10 ? `${ms.toLocaleString('ru-RU', { maximumFractionDigits: 1 })} мс` : `${Math.round(ms)} мс`;
}

/** Canonical addressee names of an entry, without repeats. */
export function addresseeNames(entry) {
  return unique((entry.addressees || []).map((a) => a.canonical || a.raw).filter(Boolean));
}

export function docMetaLine(e) {
  const place = e.municipality || e.region;
  return [KIND_LABELS[e.kind] || e.kind, LEVEL_LABELS[e.level] ? `${LEVEL_LABELS[e.level].toLowerCase()} уровень` : e.level,
    place, e.date ? formatDate(e.date) : e.year].filter(Boolean).join(' · ');
}
