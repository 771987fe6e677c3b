// The hosted playground after one visit: its service worker (web/sw.js)
// caches dist/, so with the network gone the page reloads and plays, under
// any query string; an `embed=1` frame registers nothing; and a new build
// is offered as a notice whose Reload, pressed, starts it. Served from a
// copy of dist/ on a port of its own (http on 127.0.0.1 is a secure
// context), so the update test can change the build under the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import os from 'node:os';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { launch, dist, pressElement, screenshots, startServer } from './support.mjs';

const options = { timeout: 120_000 };
const shared = {};

before(async () => {
  shared.folder = mkdtempSync(path.join(os.tmpdir(), 'raftlab-offline-'));
  cpSync(dist, shared.folder, { recursive: true });
  shared.server = await startServer(shared.folder, 1);
  shared.browser = await launch();
});

after(async () => {
  await shared.browser?.close();
  shared.server?.stop();
  if (shared.folder) rmSync(shared.folder, { recursive: true, force: true });
});

// A fresh browser context (its own service workers and caches) on `address`.
async function visit(address) {
  const context = await shared.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(address);
  await page.waitForSelector('#raftlab');
  return { context, page, errors };
}

const controlled = (page) => page.waitForFunction(() => navigator.serviceWorker.controller !== null);

test('after one visit the playground reloads and plays offline, under any query string', options, async () => {
  const { context, page, errors } = await visit(`${shared.server.url}?seed=3`);
  await controlled(page);
  await context.setOffline(true);
  // (A file the worker did not cache, so the network is asked.)
  assert.equal(await page.evaluate(() => fetch(`./nothing-${Date.now()}`).then(() => 'online', () => 'offline')), 'offline',
    'the network is gone for the page');
  await page.reload();
  await page.waitForSelector('svg.cluster [data-role="leader"]', { timeout: 20_000 });
  await page.goto(`${shared.server.url}?seed=11&nodes=3&speed=2`);
  await page.waitForSelector('svg.cluster [data-role="leader"]', { timeout: 20_000 });
  assert.equal(await page.locator('svg.cluster [data-node-id]').count(), 3, 'the query string still counts offline');
  await page.screenshot({ path: path.join(screenshots, 'offline-reload.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('an embed=1 frame registers no service worker', options, async () => {
  const { context, page, errors } = await visit(`${shared.server.url}?embed=1&seed=2`);
  await page.waitForTimeout(1_000);
  assert.equal(await page.evaluate(() => navigator.serviceWorker.getRegistrations().then((r) => r.length)), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a new build is offered as a notice, and its Reload starts it', options, async () => {
  const { context, page, errors } = await visit(shared.server.url);
  await controlled(page);
  const first = await page.evaluate(() => navigator.serviceWorker.controller.scriptURL);
  assert.equal(await page.locator('.update-notice').count(), 0, 'no notice while the build is the same');
  // A new build: the worker's bytes change (its version with them).
  const worker = path.join(shared.folder, 'sw.js');
  const before = readFileSync(worker, 'utf8');
  writeFileSync(worker, before.replace(/const VERSION = "([0-9a-f]+)"/, 'const VERSION = "$1-next"'));
  await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
  const notice = page.locator('.update-notice');
  await notice.waitFor({ state: 'visible' });
  assert.match(await notice.innerText(), /new version of Raftlab is ready/);
  await page.screenshot({ path: path.join(screenshots, 'offline-update-notice.png') });
  const reloaded = page.waitForEvent('load');
  await pressElement(page, notice.getByRole('button', { name: 'Reload' }));
  await reloaded;
  await page.waitForSelector('#raftlab');
  await controlled(page);
  const version = await page.evaluate(async () => {
    const cache = (await caches.keys()).filter((name) => name.startsWith('raftlab-'));
    return cache;
  });
  assert.equal(version.length, 1, `one cache is left: ${version}`);
  assert.match(version[0], /-next$/, 'the cache is the new build\'s');
  assert.equal(await page.locator('.update-notice').count(), 0);
  assert.equal(await page.evaluate(() => navigator.serviceWorker.controller.scriptURL), first);
  writeFileSync(worker, before);
  assert.deepEqual(errors, []);
  await context.close();
});
