// Shared fixtures of the browser tests: the real edusearch server, a static server on another
// port, headless Debian Chromium through playwright-core (never a downloaded browser).

import { spawn } from 'node:child_process';
import { after, before } from 'node:test';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '..', '..');
export const WEB_DIR = join(REPO, 'web');
export const SCREENSHOTS = join(HERE, 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic',
  '--disable-dev-shm-usage',
];

/** Path of the edusearch binary: $EDUSEARCH_BIN or the debug build in the cargo target dir. */
export function edusearchBin() {
  if (process.env.EDUSEARCH_BIN) return process.env.EDUSEARCH_BIN;
  const target = process.env.CARGO_TARGET_DIR || join(REPO, 'target');
  return join(target, 'debug', 'edusearch');
}

/** A TCP port that was free a moment ago. */
export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createNetServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `edusearch --index <tmp> serve --addr 127.0.0.1:<port>` (it builds the seed index itself)
 * and waits until /healthz answers 200. `env` adds environment variables (e.g. the admin token).
 * @returns {Promise<{url: string, stop: () => Promise<void>, log: () => string}>}
 */
export async function startServer({ env = {} } = {}) {
  const bin = edusearchBin();
  if (!existsSync(bin)) {
    throw new Error(`edusearch binary not found at ${bin}: run \`cargo build\` or set EDUSEARCH_BIN`);
  }
  const indexDir = mkdtempSync(join(tmpdir(), 'edusearch-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(bin, ['--index', join(indexDir, 'index'), 'serve', '--addr', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, EDUSEARCH_LOG: process.env.EDUSEARCH_LOG || 'warn', ...env },
  });
  const collect = (chunk) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });

  const deadline = Date.now() + 180_000;
  for (;;) {
    if (exited) {
      rmSync(indexDir, { recursive: true, force: true });
      throw new Error(`edusearch serve exited early (${JSON.stringify(exited)}):\n${output}`);
    }
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(indexDir, { recursive: true, force: true });
      throw new Error(`edusearch serve did not become ready in 180 s:\n${output}`);
    }
    await sleep(150);
  }

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      for (let i = 0; i < 50 && !exited; i += 1) await sleep(100);
      if (!exited) child.kill('SIGKILL');
    }
    rmSync(indexDir, { recursive: true, force: true });
  };
  return { url, stop, log: () => output };
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** A static file server for `dir` on another port: the "other site" that embeds the widget. */
export async function startStaticServer(dir) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = resolve(dir, `.${path}`);
    if (!file.startsWith(resolve(dir)) || !existsSync(file)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((ok) => server.close(() => ok())) };
}

/**
 * The fixture of a test file: registers `before`/`after` hooks that start the edusearch server
 * (with `env`), a static server of `web/` when `site` is set, and Chromium, and stop them again.
 * The returned object holds `server`, `site` and `browser` once the hooks ran, and opens pages.
 */
export function serverAndBrowser({ env = {}, site = false } = {}) {
  const fx = {
    server: null,
    site: null,
    browser: null,
    /** A fresh browser context and page at `width`×`height` px, with request and error watching. */
    async open(width = 1280, height = 900) {
      const context = await fx.browser.newContext({ viewport: { width, height }, locale: 'ru-RU' });
      const watch = watchPage(context);
      const page = await context.newPage();
      return { context, page, watch };
    },
  };
  before(async () => {
    fx.server = await startServer({ env });
    if (site) fx.site = await startStaticServer(WEB_DIR);
    fx.browser = await launchBrowser();
  });
  after(async () => {
    if (fx.browser) await fx.browser.close();
    if (fx.site) await fx.site.stop();
    if (fx.server) await fx.server.stop();
  });
  return fx;
}

/** Headless Debian Chromium. */
export function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: apt-get install -y chromium chromium-driver`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Records every request a page (and its popups) makes to a host other than localhost,
 * and every uncaught page error.
 */
export function watchPage(context) {
  const foreign = [];
  const errors = [];
  const attach = (page) => {
    page.on('pageerror', (e) => errors.push(e.message));
  };
  context.on('request', (req) => {
    const u = new URL(req.url());
    if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return;
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) foreign.push(req.url());
  });
  context.on('page', attach);
  for (const p of context.pages()) attach(p);
  return { foreign, errors };
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** Total number of hits the page reports (data-total of the summary line). */
export async function pageTotal(page) {
  const v = await page.getAttribute('#summary', 'data-total');
  return v === null ? null : Number(v);
}

/**
 * Performs `action` and waits until the page has rendered the answer of the search it triggers
 * (the first /api/search request whose URL matches `predicate`). Returns the JSON answer.
 */
export async function waitForSearch(page, action, predicate = () => true) {
  const resp = page.waitForResponse((r) => r.url().includes('/api/search?') && predicate(new URL(r.url())));
  await action();
  const r = await resp;
  const key = new URL(r.url()).search.slice(1);
  const body = await r.json();
  if (r.ok()) {
    await page.waitForFunction((k) => document.querySelector('#results')?.dataset.key === k, key);
  }
  return body;
}
