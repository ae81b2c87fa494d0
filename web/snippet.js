// Server snippets: text escaped by the server where only <mark>…</mark> is markup. Read as plain
// pieces of text (each marked or not) without ever parsing them as HTML. Shared by the page (imported)
// and the widget (the server writes this file into /widget.js at its snippet marker, dropping
// the `export` keywords), so there is one copy.

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes the HTML entities of escaped text without parsing it as HTML. */
export function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, name) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[name.toLowerCase()] ?? m;
  });
}

/** An escaped snippet as pieces of plain text, each marked or not. */
export function snippetParts(html) {
  const parts = [];
  let marked = false;
  for (const piece of String(html).split(/(<\/?mark>)/i)) {
    if (/^<mark>$/i.test(piece)) marked = true;
    else if (/^<\/mark>$/i.test(piece)) marked = false;
    else if (piece) parts.push({ text: decodeEntities(piece), marked });
  }
  return parts;
}
