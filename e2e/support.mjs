// Shared by the end-to-end tests: a static server for dist/ on loopback and
// Debian's Chromium driven by playwright-core.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';

const here = path.dirname(fileURLToPath(import.meta.url));
export const dist = process.env.E2E_DIST || path.resolve(here, '..', 'dist');
export const screenshots = path.resolve(here, 'screenshots');
mkdirSync(screenshots, { recursive: true });

// A static server for `folder` (dist/ unless told) on loopback at `port`
// (E2E_PORT, 8765 unless set, plus `offset`: a test file serving a folder
// of its own takes a port of its own).
export async function startServer(folder = dist, offset = 0) {
  const port = Number(process.env.E2E_PORT || 8765) + offset;
  // Something already answering there would be served instead of dist/.
  const taken = await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false);
  if (taken) throw new Error(`port ${port} is already in use: stop what serves it, or set E2E_PORT`);
  const server = spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', String(port), '-d', folder], {
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    try {
      const response = await fetch(url);
      if (response.ok) return { url, stop: () => server.kill() };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill();
  throw new Error(`the static server on ${url} never answered`);
}

export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
    ],
  });
}

// A page that records console errors and any request leaving 127.0.0.1,
// opened once `ready` (a selector in the top document) is there.
export async function openPage(browser, url, viewport = { width: 1280, height: 800 }, ready = '#raftlab') {
  const page = await browser.newPage({ viewport });
  // No action may hang until the test's own timeout: fail with a clear step.
  page.setDefaultTimeout(10_000);
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    const host = new URL(r.url()).hostname;
    if (host !== '127.0.0.1') problems.push(`request to another host: ${r.url()}`);
  });
  page.on('requestfailed', (r) => problems.push(`failed request: ${r.url()}`));
  await page.goto(url);
  await page.waitForSelector(ready);
  return { page, problems };
}

// One static server and one browser for a test file: started before its
// first test, stopped after its last. Read `.server` and `.browser` inside tests.
export function setUp() {
  const shared = {};
  before(async () => {
    shared.server = await startServer();
    shared.browser = await launch();
  });
  after(async () => {
    await shared.browser?.close();
    shared.server?.stop();
  });
  return shared;
}

// Page helpers the test files share: a server on the ring, pausing,
// selecting a server, waiting for a leader.
export const ring = (page, id) => page.locator(`svg.cluster [data-node-id="${id}"]`);

export async function pause(page) {
  const button = page.getByRole('button', { name: 'Pause', exact: true });
  if (await button.count()) await button.click();
  await page.waitForFunction(() => document.querySelector('#raftlab').dataset.playing === 'false');
}

export async function select(page, id) {
  await ring(page, id).dispatchEvent('click');
  await page.getByRole('group', { name: `Actions for S${id}` }).waitFor();
}

export async function leaderId(page) {
  const leader = page.locator('svg.cluster [data-role="leader"][data-alive="true"]');
  await leader.first().waitFor({ timeout: 10_000 });
  return leader.first().getAttribute('data-node-id');
}

// Presses an element as a person does: the mouse down at its centre, about
// 100 ms, and up (not `locator.click()`, which skips what a hand does).
export async function pressElement(page, locator) {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  if (!box) throw new Error(`nothing to press: ${locator}`);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.waitForTimeout(100);
  await page.mouse.up();
}
