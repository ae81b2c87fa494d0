// The <edusearch-box> widget on a page of another origin (a static server on another port).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { screenshot, serverAndBrowser } from './helpers.mjs';

const QUERY = 'наставничество';

const fx = serverAndBrowser({ site: true });

/** Opens the example host page at `width` px and waits for the widget to be defined. */
async function openHost(width, extra = '') {
  const { context, page, watch } = await fx.open(width, 800);
  await page.goto(`${fx.site.url}/embed-example.html?endpoint=${encodeURIComponent(fx.server.url)}${extra}`);
  await page.waitForFunction(() => Boolean(customElements.get('edusearch-box')));
  return { context, page, watch };
}

/** Types into the widget and waits for its answer; returns the JSON the widget received. */
async function widgetSearch(page, q) {
  const resp = page.waitForResponse((r) => r.url().startsWith(fx.server.url) && r.url().includes('/api/search?')
    && new URL(r.url()).searchParams.get('q') === q);
  await page.locator('edusearch-box input').fill(q);
  const r = await resp;
  const body = await r.json();
  await page.waitForFunction((n) => {
    const root = document.querySelector('edusearch-box')?.shadowRoot;
    return root && root.querySelectorAll('li').length === n && root.querySelector('.status').textContent !== 'Поиск…';
  }, body.hits.length);
  return { body, request: new URL(r.url()) };
}

describe('widget', () => {
  test('the example page served by edusearch on any port searches its own origin', async () => {
    const context = await fx.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
    const page = await context.newPage();
    await page.goto(`${fx.server.url}/embed-example.html`);
    await page.waitForFunction(() => Boolean(customElements.get('edusearch-box')));
    const { body, request } = await widgetSearch(page, QUERY);
    assert.ok(body.total > 0);
    assert.equal(request.origin, new URL(fx.server.url).origin);
    assert.match(await page.locator('#snippet').textContent(), new RegExp(`endpoint="${fx.server.url}"`));
    await context.close();
  });

  test('searches the edusearch server from another origin, inside Shadow DOM', async () => {
    const { context, page, watch } = await openHost(1280);
    assert.notEqual(new URL(page.url()).origin, new URL(fx.server.url).origin, 'the host page is another origin');
    const { body, request } = await widgetSearch(page, QUERY);
    assert.ok(body.total > 0);
    assert.equal(request.searchParams.get('limit'), '5');
    // Rendered inside the shadow root, not in the host document.
    assert.equal(await page.evaluate(() => document.querySelectorAll('mark').length), 0, 'nothing leaks into the host DOM');
    const marks = page.locator('edusearch-box mark');
    assert.ok(await marks.count() > 0, 'snippets have <mark> in the shadow root');
    assert.equal(await page.locator('edusearch-box li').count(), Math.min(5, body.hits.length));

    // The host's CSS does not reach inside, and the widget's CSS does not reach outside.
    const inner = await page.locator('edusearch-box input').evaluate((el) => {
      const cs = getComputedStyle(el);
      return { border: cs.borderTopStyle, transform: cs.textTransform, font: cs.fontFamily };
    });
    assert.notEqual(inner.border, 'dashed');
    assert.equal(inner.transform, 'none');
    assert.ok(!/Georgia/.test(inner.font), `widget font: ${inner.font}`);
    const markBg = await marks.first().evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.notEqual(markBg, 'rgb(0, 255, 0)', 'host mark style does not apply');
    const hostLi = await page.locator('article li').first().evaluate((el) => getComputedStyle(el).listStyleType);
    assert.equal(hostLi, 'upper-roman', 'host list style is untouched');

    // A hit opens the edusearch page, at the entry, in a new tab.
    const link = page.locator('edusearch-box li a').first();
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.match(await link.getAttribute('rel'), /noopener/);
    const href = new URL(await link.getAttribute('href'));
    assert.equal(href.origin, new URL(fx.server.url).origin);
    assert.equal(href.searchParams.get('entry'), body.hits[0].id);
    await screenshot(page, 'widget-1280');
    const [popup] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await popup.waitForLoadState();
    const current = popup.locator('#doc-view .doc-entry.is-current');
    await current.waitFor();
    assert.equal(await current.getAttribute('data-id'), body.hits[0].id);
    assert.equal(await popup.evaluate(() => window.opener), null, 'no opener for the new tab');

    assert.deepEqual(watch.foreign, [], 'requests to non-localhost hosts');
    assert.deepEqual(watch.errors, [], 'uncaught errors');
    await context.close();
  });

  test('attributes fix filters', async () => {
    const open = await openHost(1280);
    const free = await widgetSearch(open.page, QUERY);
    const years = [...new Set(free.body.hits.map((h) => h.year).filter(Boolean))];
    await open.context.close();
    assert.ok(years.length > 0);

    const { context, page, watch } = await openHost(1280, `&year=${years[0]}&level=municipal`);
    const { body, request } = await widgetSearch(page, QUERY);
    assert.deepEqual(request.searchParams.getAll('year'), [String(years[0])]);
    assert.deepEqual(request.searchParams.getAll('level'), ['municipal']);
    assert.ok(body.total <= free.body.total);
    assert.ok(body.hits.every((h) => h.year === years[0] && h.level === 'municipal'));
    if (body.hits.length) {
      const href = new URL(await page.locator('edusearch-box li a').first().getAttribute('href'));
      assert.deepEqual(href.searchParams.getAll('level'), ['municipal'], 'the page opens with the same filters');
    }
    assert.deepEqual(watch.foreign, []);
    assert.deepEqual(watch.errors, []);
    await context.close();
  });

  test('at 360 px the widget fits the host page', async () => {
    const { context, page, watch } = await openHost(360);
    await widgetSearch(page, QUERY);
    await page.locator('edusearch-box').scrollIntoViewIfNeeded();
    const fits = await page.evaluate(() => {
      const box = document.querySelector('edusearch-box').getBoundingClientRect();
      return box.right <= window.innerWidth && document.documentElement.scrollWidth <= window.innerWidth;
    });
    assert.ok(fits, 'no horizontal overflow');
    await screenshot(page, 'widget-360');
    assert.deepEqual(watch.foreign, []);
    assert.deepEqual(watch.errors, []);
    await context.close();
  });
});
