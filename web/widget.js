// <edusearch-box>: the edusearch search box for other sites.
//
//   <script src="https://HOST/widget.js" defer></script>
//   <edusearch-box endpoint="https://HOST" level="regional" placeholder="Поиск…" limit="5"></edusearch-box>
//
// Attributes fixing filters: level, kind, region, addressee, year, topic, type (comma-separated for several).
// `endpoint` defaults to the origin this script was loaded from. Everything renders inside Shadow DOM;
// hits open the edusearch page in a new tab. Server text is inserted as text; only <mark> in snippets
// becomes markup, rebuilt node by node.
//
// Why one self-contained classic script, not the page's ES modules: a host site embeds it with one
// <script> tag, from another origin, possibly without `type="module"`, and must not fetch a dozen
// files or depend on the page's paths. So nothing is imported: the server writes in what is shared —
// the filter vocabulary (src/vocabulary.rs) and the snippet reader (web/snippet.js) — when it serves
// this file; no helper is copied by hand.
(() => {
  'use strict';

  if (typeof window === 'undefined' || !window.customElements || customElements.get('edusearch-box')) return;

  const SCRIPT_ORIGIN = (() => {
    try {
      return document.currentScript ? new URL(document.currentScript.src).origin : '';
    } catch {
      return '';
    }
  })();

  const FILTER_ATTRS = ['level', 'kind', 'region', 'addressee', 'year', 'topic', 'type'];
  const DEBOUNCE_MS = 200;
  // The filter vocabulary (src/vocabulary.rs), written in by the server when it serves this file, so
  // that the widget stays one self-contained file without copying labels.
  const VOCABULARY = [/* vocabulary */];
  const entryTypes = VOCABULARY.find((f) => f.key === 'entry_type');
  const TYPE_LABELS = Object.fromEntries((entryTypes ? entryTypes.values : []).map((v) => [v.value, v.label_ru]));

  const STYLE = `
:host {
  all: initial;
  display: block;
  contain: content;
  --es-accent: #1d4f91;
}
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
/* Typography is set here, not on :host: the host page's rules for the element itself would win there. */
.box {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", "DejaVu Sans", Arial, sans-serif;
  font-size: 15px;
  font-style: normal;
  font-weight: 400;
  line-height: 1.45;
  letter-spacing: normal;
  text-transform: none;
  color: #1c2331;
  text-align: left;
  background: #fff;
  border: 1px solid #d5dbe5;
  border-radius: 8px;
  padding: 12px;
  max-width: 100%;
}
.title { margin: 0 0 8px; font-size: 13px; font-weight: 600; color: #5b6577; letter-spacing: .02em; }
form { display: flex; gap: 6px; margin: 0; }
input {
  flex: 1 1 auto; min-width: 0; font: inherit; font-size: 15px; color: #1c2331;
  padding: 8px 10px; border: 1px solid #767f8f; border-radius: 6px; background: #fff; margin: 0;
  -webkit-appearance: none; appearance: none; box-shadow: none; height: auto; width: auto;
}
button {
  font: inherit; font-size: 14px; color: #fff; background: var(--es-accent);
  border: 0; border-radius: 6px; padding: 8px 12px; cursor: pointer; margin: 0;
}
input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid #2a6fdb; outline-offset: 1px; }
.status { margin: 8px 0 0; font-size: 13px; color: #5b6577; min-height: 1em; }
.status.error { color: #a4262c; }
ol { list-style: none; margin: 6px 0 0; padding: 0; }
li { border-top: 1px solid #eceff4; padding: 8px 0; }
li:first-child { border-top: 0; }
a { color: var(--es-accent); text-decoration: none; display: block; border-radius: 4px; }
a:hover .text { text-decoration: underline; text-decoration-color: #9fb3d3; }
.text {
  display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 4; line-clamp: 4; overflow: hidden;
  color: #1c2331; font-size: 14.5px;
}
.meta { display: block; margin-top: 2px; font-size: 12.5px; color: #5b6577; }
mark { background: #fff0b3; color: inherit; padding: 0 1px; border-radius: 2px; }
.more { display: inline-block; margin-top: 6px; font-size: 13.5px; text-decoration: underline; }
.brand { margin-top: 8px; font-size: 11.5px; color: #5b6577; text-align: right; }
`;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === 'text') node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }

  /* snippet.js */

  /** Text nodes and <mark> elements from an escaped snippet; nothing else becomes markup.
   * Long text before the first match is cut so the match shows in the few lines displayed. */
  function fillSnippet(target, html, lead = 60) {
    const parts = snippetParts(html);
    const first = parts.findIndex((p) => p.marked);
    if (first > 0) {
      const before = parts.slice(0, first).map((p) => p.text).join('');
      if (before.length > lead + 20) {
        const cut = before.slice(before.length - lead);
        const space = cut.indexOf(' ');
        parts.splice(0, first, { text: `…${space >= 0 ? cut.slice(space) : cut}`, marked: false });
      }
    }
    for (const p of parts) {
      if (p.marked) {
        const mark = document.createElement('mark');
        mark.textContent = p.text;
        target.append(mark);
      } else {
        target.append(document.createTextNode(p.text));
      }
    }
  }

  function plural(n, one, few, many) {
    const m10 = n % 10;
    const m100 = n % 100;
    if (m10 === 1 && m100 !== 11) return one;
    if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return few;
    return many;
  }

  class EdusearchBox extends HTMLElement {
    static get observedAttributes() {
      return ['endpoint', 'placeholder', 'limit', 'heading', ...FILTER_ATTRS];
    }

    constructor() {
      super();
      this.root = this.attachShadow({ mode: 'open' });
      this.timer = 0;
      this.controller = null;
      this.build();
    }

    build() {
      const id = `es-q-${Math.random().toString(36).slice(2, 8)}`;
      this.input = el('input', { id, type: 'search', autocomplete: 'off', spellcheck: 'false', part: 'input' });
      this.label = el('label', { class: 'title', for: id, text: 'Поиск по рекомендациям' });
      this.form = el('form', { role: 'search' }, this.input, el('button', { type: 'submit', text: 'Найти', part: 'button' }));
      this.status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
      this.list = el('ol', { 'aria-label': 'Результаты поиска' });
      this.more = el('p', {});
      const box = el('div', { class: 'box', part: 'box' },
        this.label, this.form, this.status, this.list, this.more,
        el('div', { class: 'brand', text: 'edusearch' }));
      this.root.append(el('style', { text: STYLE }), box);
      this.input.addEventListener('input', () => {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.search(), DEBOUNCE_MS);
      });
      this.form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        clearTimeout(this.timer);
        this.search();
      });
      this.input.addEventListener('keydown', (ev) => {
        if (ev.key === 'Escape' && this.input.value) {
          this.input.value = '';
          this.clear();
        }
      });
      this.applyAttributes();
    }

    attributeChangedCallback() {
      if (this.input) this.applyAttributes();
    }

    disconnectedCallback() {
      clearTimeout(this.timer);
      if (this.controller) this.controller.abort();
    }

    applyAttributes() {
      this.input.placeholder = this.getAttribute('placeholder') || 'Например: наставничество';
      this.label.textContent = this.getAttribute('heading') || 'Поиск по рекомендациям';
    }

    get endpoint() {
      const raw = (this.getAttribute('endpoint') || SCRIPT_ORIGIN || location.origin).trim();
      return raw.replace(/\/+$/, '');
    }

    get limit() {
      const n = parseInt(this.getAttribute('limit') || '5', 10);
      return Number.isFinite(n) ? Math.min(Math.max(n, 1), 20) : 5;
    }

    /** The fixed filters as query parameters (attribute values may list several, comma-separated). */
    filterParams() {
      const sp = new URLSearchParams();
      for (const name of FILTER_ATTRS) {
        const v = this.getAttribute(name);
        if (!v) continue;
        const values = name === 'topic' || name === 'addressee' || name === 'region' ? [v] : v.split(',');
        for (const x of values) if (x.trim()) sp.append(name, x.trim());
      }
      return sp;
    }

    pageUrl(extra) {
      const sp = this.filterParams();
      for (const [k, v] of Object.entries(extra)) if (v) sp.set(k, v);
      return `${this.endpoint}/?${sp.toString()}`;
    }

    clear() {
      if (this.controller) this.controller.abort();
      this.list.textContent = '';
      this.more.textContent = '';
      this.status.textContent = '';
      this.status.classList.remove('error');
    }

    async search() {
      const q = this.input.value.trim();
      if (!q) {
        this.clear();
        return;
      }
      if (this.controller) this.controller.abort();
      const controller = new AbortController();
      this.controller = controller;
      const sp = this.filterParams();
      sp.set('q', q);
      sp.set('limit', String(this.limit));
      // The widget shows hits only: no facet counts to compute or send.
      sp.set('facets', 'false');
      this.status.classList.remove('error');
      this.status.textContent = 'Поиск…';
      let body;
      try {
        const resp = await fetch(`${this.endpoint}/api/search?${sp.toString()}`, {
          signal: controller.signal, headers: { Accept: 'application/json' }, credentials: 'omit',
        });
        body = await resp.json().catch(() => null);
        if (!resp.ok || !body) {
          const err = body && body.error;
          throw new Error((err && (err.message_ru || err.message)) || `Ошибка сервера (HTTP ${resp.status}).`);
        }
      } catch (e) {
        if (e.name === 'AbortError') return;
        if (controller !== this.controller) return;
        this.list.textContent = '';
        this.more.textContent = '';
        this.status.classList.add('error');
        this.status.textContent = e instanceof TypeError ? 'Сервер поиска недоступен.' : e.message;
        return;
      }
      if (controller !== this.controller) return;
      this.render(q, body);
    }

    render(q, body) {
      const total = Number(body.total) || 0;
      const hits = Array.isArray(body.hits) ? body.hits : [];
      this.list.textContent = '';
      this.more.textContent = '';
      this.status.textContent = total
        ? `Найдено ${total} ${plural(total, 'запись', 'записи', 'записей')}`
        : `По запросу «${q}» ничего не найдено.`;
      for (const hit of hits) {
        const text = el('span', { class: 'text' });
        fillSnippet(text, hit.snippet || '');
        const meta = [hit.doc_title, hit.year, hit.number ? `п. ${hit.number}` : null, TYPE_LABELS[hit.entry_type]]
          .filter(Boolean).join(' · ');
        const link = el('a', {
          href: this.pageUrl({ q, entry: hit.id }), target: '_blank', rel: 'noopener', part: 'hit',
        }, text, el('span', { class: 'meta', text: meta }));
        this.list.append(el('li', {}, link));
      }
      if (total > hits.length) {
        this.more.append(el('a', {
          class: 'more', href: this.pageUrl({ q }), target: '_blank', rel: 'noopener',
          text: `Все результаты (${total}) на edusearch →`,
        }));
      }
    }
  }

  customElements.define('edusearch-box', EdusearchBox);
})();
