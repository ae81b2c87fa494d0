// The admin page (/admin) served by `edusearch serve` with an admin token, driven in headless
// Chromium: upload a real document, see it searchable, replace it, remove it; a wrong token is
// refused with the server's Russian message.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { REPO, screenshot, serverAndBrowser } from './helpers.mjs';

const TOKEN = 'e2e-admin-token-0123456789abcdef';
const FIXTURES = join(REPO, 'tests', 'fixtures', 'real');
const FIRST = '01_stavropolskiy_prikaz_2009.txt';
const SECOND = '05_rostovskaya_postanovlenie_2012.txt';

const fx = serverAndBrowser({ env: { EDUSEARCH_ADMIN_TOKEN: TOKEN } });

function file(name, as = name) {
  return { name: as, mimeType: 'text/plain', buffer: readFileSync(join(FIXTURES, name)) };
}

/** Doc ids of the hits of a search through the API. */
async function hitDocs(q) {
  const r = await fetch(`${fx.server.url}/api/search?q=${encodeURIComponent(q)}&limit=100`);
  assert.equal(r.status, 200);
  return (await r.json()).hits.map((h) => h.doc_id);
}

function goldQuote(name) {
  const gold = JSON.parse(readFileSync(join(FIXTURES, 'gold.json'), 'utf8'));
  return gold.documents.find((d) => d.file === name).entries[0].quote;
}

async function waitResult(page, cls) {
  await page.waitForSelector(`#result.${cls}`);
  return page.textContent('#result');
}

describe('admin page', () => {
  test('uploads, replaces and removes a document with the token', async () => {
    const { context, page, watch } = await fx.open(1100, 900);
    await page.goto(`${fx.server.url}/admin`);
    await page.waitForSelector('#documents tbody tr');
    assert.equal(await page.locator('#documents tbody tr').count(), 5, 'the five seeds');

    // A wrong token: refused, with the server's Russian message; nothing changes.
    await page.fill('#token', 'wrong-token-0123456789');
    await page.setInputFiles('#upload-file', file(FIRST, 'prikaz_stavropol.txt'));
    await page.click('#upload');
    const refused = await waitResult(page, 'result-error');
    assert.match(refused, /Неверный токен администратора/);

    // The right token: uploaded, counted, listed and searchable.
    await page.fill('#token', TOKEN);
    await page.click('#upload');
    const uploaded = await waitResult(page, 'result-ok');
    assert.match(uploaded, /Загружен: prikaz_stavropol \(prikaz_stavropol\.txt\), записей: 5/);
    await page.waitForSelector('#documents tr[data-doc-id="prikaz_stavropol"]');
    assert.ok((await hitDocs(goldQuote(FIRST))).includes('prikaz_stavropol'));
    assert.match(await page.textContent('#doc-range'), /^Документы 1–6 из 6$/);

    // Words narrow the list (here a part of the id, any case); clearing them brings all back.
    await page.fill('#doc-q', 'Prikaz_Stav');
    await page.waitForFunction(() => document.querySelectorAll('#documents tbody tr').length === 1);
    assert.equal(await page.getAttribute('#documents tbody tr', 'data-doc-id'), 'prikaz_stavropol');
    assert.match(await page.textContent('#doc-range'), /^Документы 1–1 из 1 \(всего в индексе: 6\)$/);
    await page.fill('#doc-q', '');
    await page.waitForFunction(() => document.querySelectorAll('#documents tbody tr').length === 6);

    // A filter lists the documents of its value; its select shows every value with its count.
    const all = await (await fetch(`${fx.server.url}/api/documents`)).json();
    const regional = all.documents.filter((d) => d.level === 'regional').map((d) => d.doc_id).sort();
    assert.ok(regional.length > 0 && regional.length < 6);
    const levelOptions = await page.$$eval('#doc-level option', (os) => os.map((o) => o.value).filter(Boolean).sort());
    assert.deepEqual(levelOptions, [...new Set(all.documents.map((d) => d.level))].sort());
    await page.selectOption('#doc-level', 'regional');
    await page.waitForFunction((n) => document.querySelectorAll('#documents tbody tr').length === n, regional.length);
    const shown = await page.$$eval('#documents tbody tr', (rows) => rows.map((r) => r.dataset.docId).sort());
    assert.deepEqual(shown, regional);
    assert.match(await page.textContent('#doc-range'), new RegExp(`из ${regional.length} \\(всего в индексе: 6\\)$`));
    await page.selectOption('#doc-level', '');
    await page.waitForFunction(() => document.querySelectorAll('#documents tbody tr').length === 6);
    await screenshot(page, 'admin-uploaded');

    // Replace through the row's file input: the old text is gone, the new one searchable.
    await page.setInputFiles('#documents tr[data-doc-id="prikaz_stavropol"] .replace-file', file(SECOND));
    await page.waitForFunction(() => /Заменён/.test(document.querySelector('#result').textContent));
    assert.match(await page.textContent('#result'), /Удалено записей прежней версии: 5/);
    assert.ok(!(await hitDocs(goldQuote(FIRST))).includes('prikaz_stavropol'));
    assert.ok((await hitDocs(goldQuote(SECOND))).includes('prikaz_stavropol'));

    // Remove (after confirming).
    page.once('dialog', (dialog) => dialog.accept());
    await page.click('#documents tr[data-doc-id="prikaz_stavropol"] .remove');
    await page.waitForFunction(() => /Удалён: prikaz_stavropol/.test(document.querySelector('#result').textContent));
    await page.waitForFunction(() => !document.querySelector('#documents tr[data-doc-id="prikaz_stavropol"]'));
    assert.ok(!(await hitDocs(goldQuote(SECOND))).includes('prikaz_stavropol'));

    assert.deepEqual(watch.errors, [], 'uncaught errors in the page');
    assert.deepEqual(watch.foreign, [], 'requests to non-localhost hosts');
    await context.close();
  });
});
