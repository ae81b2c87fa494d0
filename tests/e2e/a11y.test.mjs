// Accessibility and layout stability of the page and the widget: axe-core (every rule it runs by
// default, WCAG 2.1 A/AA and best practices) finds no violation in any view, and results arriving
// do not shift the page (cumulative layout shift below 0.1). The snippet reader shared by the page
// and the widget keeps hostile server text as text.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';

import { decodeEntities, snippetParts } from '../../web/snippet.js';
import { serverAndBrowser, waitForSearch } from './helpers.mjs';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const QUERY = 'наставничество';

const fx = serverAndBrowser();

/** Runs axe-core in the page; fails with every violation (rule, impact, nodes) listed. */
async function assertNoViolations(page, what) {
  await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      rule: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
    }));
  });
  assert.deepEqual(violations, [], `axe-core violations in ${what}:\n${JSON.stringify(violations, null, 2)}`);
  // axe only lists this for review: a name on an element without a role (a plain span or div) is
  // not announced reliably (WCAG 4.1.2), so the page gives none.
  const named = await page.$$eval('span[aria-label]:not([role]), div[aria-label]:not([role])',
    (nodes) => nodes.map((n) => `${n.nodeName.toLowerCase()}.${n.className}: ${n.getAttribute('aria-label')}`));
  assert.deepEqual(named, [], `aria-label on elements without a role in ${what}`);
}

/** Starts summing layout shifts (all of them, also those right after input) in the page. */
function observeLayoutShifts(page) {
  return page.addInitScript(() => {
    window.__cls = 0;
    window.__shifts = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.__cls += e.value;
        window.__shifts.push({ value: e.value, sources: (e.sources || []).map((s) => s.node?.nodeName + (s.node?.id ? `#${s.node.id}` : s.node?.className ? `.${s.node.className}` : '')) });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
}

/** The layout shift summed so far, once the browser has delivered its entries. */
async function layoutShift(page) {
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
  return page.evaluate(() => ({ cls: window.__cls, shifts: window.__shifts }));
}

/** Contrast ratio of two `rgb(r, g, b)` colours (WCAG relative luminance). */
function contrast(a, b) {
  const lum = (css) => {
    const [r, g, bl] = css.match(/\d+(\.\d+)?/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Border colour of a field and the background it sits on (the first opaque one up the tree). */
function fieldColours(el) {
  const border = getComputedStyle(el).borderTopColor;
  let node = el.parentElement;
  let background = 'rgb(255, 255, 255)';
  while (node) {
    const bg = getComputedStyle(node).backgroundColor;
    if (bg && bg !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(bg)) { background = bg; break; }
    node = node.parentElement || node.getRootNode().host || null;
  }
  return { border, background };
}

describe('accessibility', () => {
  test('axe-core finds no violation: empty page, results, open document, comparison', async () => {
    const { context, page } = await fx.open();
    await page.goto(`${fx.server.url}/`);
    await page.locator('#q').waitFor();
    await assertNoViolations(page, 'the empty page');

    const body = await waitForSearch(page, () => page.fill('#q', QUERY), (u) => u.searchParams.get('q') === QUERY);
    assert.ok(body.total > 20, 'enough hits for a pager');
    await page.locator('#pager a[rel=next]').waitFor();
    await assertNoViolations(page, 'the results');

    const hit = body.hits[0];
    await page.locator(`#results a[data-entry="${hit.id}"]`).click();
    await page.locator('#doc-view .doc-entry.is-current').waitFor();
    await page.locator('#cmp-with:not([disabled])').waitFor();
    await assertNoViolations(page, 'the document view');

    await page.click('.cmp-form button[type=submit]');
    await page.locator('#cmp-view #cmp-matched').waitFor();
    await assertNoViolations(page, 'the comparison view');
    await context.close();
  });

  test('axe-core finds no violation in the widget embed example, with hits shown', async () => {
    const { context, page } = await fx.open();
    await page.goto(`${fx.server.url}/embed-example.html`);
    await page.waitForFunction(() => Boolean(customElements.get('edusearch-box')));
    await assertNoViolations(page, 'the embed example');
    const resp = page.waitForResponse((r) => r.url().includes('/api/search?'));
    await page.locator('edusearch-box input').fill(QUERY);
    const hits = (await (await resp).json()).hits.length;
    assert.ok(hits > 0);
    await page.waitForFunction((n) => document.querySelector('edusearch-box')?.shadowRoot?.querySelectorAll('li').length === n, hits);
    await assertNoViolations(page, 'the widget with hits');
    await context.close();
  });

  test('input and select borders contrast at least 3:1 with what surrounds them (WCAG 1.4.11)', async () => {
    const { context, page } = await fx.open();
    await page.goto(`${fx.server.url}/`);
    for (const sel of ['#q', '#sort']) {
      const { border, background } = await page.locator(sel).evaluate(fieldColours);
      assert.ok(contrast(border, background) >= 3, `${sel}: border ${border} on ${background}`);
    }
    await page.goto(`${fx.server.url}/embed-example.html`);
    await page.waitForFunction(() => Boolean(customElements.get('edusearch-box')));
    const widget = await page.locator('edusearch-box input').evaluate(fieldColours);
    assert.ok(contrast(widget.border, widget.background) >= 3, `widget input: ${JSON.stringify(widget)}`);
    await context.close();
  });

  test('pager links are named by their visible text (WCAG 2.5.3)', async () => {
    const { context, page } = await fx.open();
    await waitForSearch(page, () => page.goto(`${fx.server.url}/?q=${encodeURIComponent(QUERY)}&page=2`));
    for (const a of await page.locator('#pager a').all()) {
      const visible = (await a.textContent()).trim();
      const label = await a.getAttribute('aria-label');
      assert.ok(label === null || label.includes(visible), `«${visible}» is named «${label}»`);
    }
    await context.close();
  });
});

/** The footer starts below the fold and stays there: it never jumps in view as results arrive. */
function assertFooterStill(shifts) {
  const moved = shifts.filter((s) => s.sources.some((name) => name.startsWith('FOOTER')));
  assert.deepEqual(moved, [], 'the footer shifted in view');
}

describe('layout stability', () => {
  for (const [how, width, height] of [['desktop', 1280, 900], ['narrow', 360, 740]]) {
    test(`results arriving shift the ${how} page by less than 0.1 CLS (URL and typing)`, async () => {
      const { context, page } = await fx.open(width, height);
      await observeLayoutShifts(page);
      await waitForSearch(page, () => page.goto(`${fx.server.url}/?q=${encodeURIComponent(QUERY)}`));
      const loaded = await layoutShift(page);
      assert.ok(loaded.cls < 0.1, `CLS ${loaded.cls} on opening a search URL: ${JSON.stringify(loaded.shifts)}`);
      assertFooterStill(loaded.shifts);

      await page.goto(`${fx.server.url}/`);
      await page.locator('#q').waitFor();
      await waitForSearch(page, () => page.fill('#q', QUERY), (u) => u.searchParams.get('q') === QUERY);
      const typed = await layoutShift(page);
      assert.ok(typed.cls < 0.1, `CLS ${typed.cls} when results arrive while typing: ${JSON.stringify(typed.shifts)}`);
      assertFooterStill(typed.shifts);
      await context.close();
    });
  }
});

describe('snippet reader shared by the page and the widget', () => {
  test('hostile snippets stay text; only <mark> is kept, as a flag', () => {
    const cases = [
      ['<script>alert(1)</script>', [{ text: '<script>alert(1)</script>', marked: false }]],
      ['&lt;script&gt;alert(1)&lt;/script&gt;', [{ text: '<script>alert(1)</script>', marked: false }]],
      ['"><img src=x onerror=alert(1)>', [{ text: '"><img src=x onerror=alert(1)>', marked: false }]],
      ['&quot;&gt;&lt;img onerror=x&gt; <mark>школа</mark>', [
        { text: '"><img onerror=x> ', marked: false }, { text: 'школа', marked: true }]],
      ['&amp;amp; &amp;lt;b&amp;gt;', [{ text: '&amp; &lt;b&gt;', marked: false }]],
      ['<MARK>a</MARK><mark onclick=x>b</mark>', [{ text: 'a', marked: true }, { text: '<mark onclick=x>b', marked: false }]],
      ['&#0; &#x110000; &#1080;&#x439; &nosuch;', [{ text: '&#0; &#x110000; ий &nosuch;', marked: false }]],
    ];
    for (const [input, expected] of cases) assert.deepEqual(snippetParts(input), expected, input);
    assert.equal(decodeEntities('&apos;&nbsp;'), "'\u00a0");
  });

  test('the widget is served with the same reader, as plain script', async () => {
    const widget = await (await fetch(`${fx.server.url}/widget.js`)).text();
    const module = await (await fetch(`${fx.server.url}/snippet.js`)).text();
    const inlined = module.split('\n').map((l) => l.replace(/^export /, '')).join('\n');
    assert.ok(widget.includes(inlined.trimEnd()), 'widget.js holds snippet.js as served');
    assert.ok(!/^(import|export) /m.test(widget));
  });
});
