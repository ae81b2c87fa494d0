// Suggestions under the search box, «Возможно, вы искали» and «Также искали», in headless Chromium.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { screenshot, serverAndBrowser, waitForSearch } from './helpers.mjs';

const fx = serverAndBrowser();

async function openPage() {
  const { context, page, watch } = await fx.open();
  await page.goto(`${fx.server.url}/`);
  return { context, page, watch };
}

function options(page) {
  return page.$$eval('#suggest-list [role=option]', (els) => els.map((e) => ({
    kind: e.dataset.kind, value: e.dataset.value, text: e.textContent, selected: e.getAttribute('aria-selected'),
  })));
}

describe('suggestions', () => {
  test('a half-typed word gets a keyboard-navigable drop-down', async () => {
    const { context, page, watch } = await openPage();
    await page.click('#q');
    await page.keyboard.type('настав', { delay: 20 });
    await page.waitForSelector('#suggest-list:not([hidden]) [role=option]');
    const q = page.locator('#q');
    assert.equal(await q.getAttribute('aria-expanded'), 'true');
    let opts = await options(page);
    assert.ok(opts.length >= 2, JSON.stringify(opts));
    const words = opts.filter((o) => o.kind === 'word');
    assert.ok(words.length >= 2 && words.every((o) => o.value.startsWith('настав')), JSON.stringify(opts));

    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    opts = await options(page);
    assert.equal(opts[1].selected, 'true');
    assert.equal(await q.getAttribute('aria-activedescendant'), 'suggest-opt-1');
    await page.keyboard.press('ArrowUp');
    opts = await options(page);
    assert.equal(opts[0].selected, 'true');
    await screenshot(page, 'suggest-1280');

    // Enter takes the highlighted completion and searches it; the focus stays in the box.
    const chosen = opts[0].value;
    const body = await waitForSearch(page, () => page.keyboard.press('Enter'),
      (u) => (u.searchParams.get('q') || '').trim() === chosen);
    assert.ok(body.total > 0);
    assert.equal((await q.inputValue()).trim(), chosen);
    assert.ok(await page.isHidden('#suggest-list'));
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q');

    // Escape closes the list without leaving the box.
    await page.keyboard.type('мол', { delay: 20 });
    await page.waitForSelector('#suggest-list:not([hidden]) [role=option]');
    await page.keyboard.press('Escape');
    assert.ok(await page.isHidden('#suggest-list'));
    assert.equal(await q.getAttribute('aria-expanded'), 'false');
    assert.deepEqual(watch.errors, []);
    await context.close();
  });

  test('a misspelt query offers the corrected one; expansions are named', async () => {
    const { context, page, watch } = await openPage();
    await waitForSearch(page, () => page.fill('#q', 'наставнечество '),
      (u) => u.searchParams.get('q') === 'наставнечество ');
    const link = page.locator('#query-notes .did-you-mean a');
    assert.match(await page.textContent('#query-notes'), /Возможно, вы искали:/);
    assert.equal(await link.textContent(), 'наставничество');
    const body = await waitForSearch(page, () => link.click(),
      (u) => u.searchParams.get('q') === 'наставничество');
    assert.ok(body.total > 0);
    assert.equal(await page.inputValue('#q'), 'наставничество');

    await waitForSearch(page, () => page.fill('#q', 'ВсОШ '), (u) => u.searchParams.get('q') === 'ВсОШ ');
    assert.match(await page.textContent('#query-notes .also-searched'),
      /Также искали: .*всероссийская олимпиада школьников/);
    assert.deepEqual(watch.errors, []);
    await context.close();
  });
});
