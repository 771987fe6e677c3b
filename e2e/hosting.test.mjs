// docs/hosting.md as a site owner follows it: a copy of dist/ under the
// sub-path /raftlab/ of a static host, the full page opened from there
// (its service worker scoped to the sub-path), and a page elsewhere on the
// site that embeds it with the guide's two snippets, as written; then every
// html block of docs/embed.md, each on a page of its own, as written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import os from 'node:os';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launch, dist, screenshots, startServer } from './support.mjs';

const options = { timeout: 120_000 };
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = {};

// The html blocks of `text`.
const htmlBlocks = (text) => text.split('```html\n').slice(1).map((block) => block.split('```')[0]);

// The html blocks after the guide's "hosting snippets" marker.
function snippets() {
  const guide = readFileSync(path.join(root, 'docs', 'hosting.md'), 'utf8');
  return htmlBlocks(guide.split('<!-- hosting snippets')[1]).slice(0, 2);
}

// A page of the site holding `body`.
const sitePage = (body) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<link rel="icon" href="data:,"><title>Notes</title></head><body>${body}</body></html>`;

before(async () => {
  shared.folder = mkdtempSync(path.join(os.tmpdir(), 'raftlab-site-'));
  mkdirSync(path.join(shared.folder, 'raftlab'));
  cpSync(dist, path.join(shared.folder, 'raftlab'), { recursive: true });
  const [frame, element] = snippets();
  writeFileSync(path.join(shared.folder, 'notes.html'), sitePage(`<h1>Notes on Raft</h1>\n${frame}\n${element}`));
  const embedGuide = readFileSync(path.join(root, 'docs', 'embed.md'), 'utf8');
  shared.embedBlocks = htmlBlocks(embedGuide);
  shared.embedBlocks.forEach((block, i) => writeFileSync(path.join(shared.folder, `embed-snippet-${i}.html`), sitePage(block)));
  shared.server = await startServer(shared.folder, 2);
  shared.browser = await launch();
});

after(async () => {
  await shared.browser?.close();
  shared.server?.stop();
  if (shared.folder) rmSync(shared.folder, { recursive: true, force: true });
});

test('the full page works under the sub-path, its worker scoped there', options, async () => {
  const context = await shared.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const response = await page.goto(`${shared.server.url}raftlab/?seed=3`);
  assert.equal(response.status(), 200);
  await page.waitForSelector('svg.cluster [data-role="leader"]', { timeout: 20_000 });
  const scope = await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.scope));
  assert.equal(scope, `${shared.server.url}raftlab/`);
  const wasm = await fetch(`${shared.server.url}raftlab/${readFileSync(path.join(dist, 'index.html'), 'utf8').match(/raftlab-web-[0-9a-f]+_bg\.wasm/)[0]}`);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the guide\'s iframe and element snippets embed the hosted copy', options, async () => {
  const [frame, element] = snippets();
  assert.match(frame, /<iframe src="\/raftlab\/index\.html\?embed=1/);
  assert.match(element, /src="\/raftlab\/raft-lab\.js"/);
  const context = await shared.browser.newContext({ viewport: { width: 1000, height: 1400 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${shared.server.url}notes.html`);
  await page.frameLocator('iframe').locator('.raftlab.embed svg.cluster [data-role="leader"]').waitFor();
  await page.locator('raft-lab section.embed svg.cluster [data-node-id]').first().waitFor();
  assert.equal(await page.locator('raft-lab section.embed svg.cluster [data-node-id]').count(), 3);
  await page.screenshot({ path: path.join(screenshots, 'hosting-snippets.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('every html block of docs/embed.md works on a page of the site, as written', options, async () => {
  assert.ok(shared.embedBlocks.length >= 4, `${shared.embedBlocks.length} blocks`);
  for (const [i, block] of shared.embedBlocks.entries()) {
    const context = await shared.browser.newContext({ viewport: { width: 1000, height: 1000 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`${shared.server.url}embed-snippet-${i}.html`);
    if (block.includes('<iframe')) {
      await page.frameLocator('iframe').locator('.raftlab.embed svg.cluster [data-node-id]').first().waitFor();
    }
    if (block.includes('<raft-lab')) {
      await page.locator('raft-lab section.embed svg.cluster [data-node-id]').first().waitFor();
    }
    if (block.includes('mount(')) {
      const mounts = (block.match(/mount\(/g) ?? []).length;
      await page.waitForFunction((n) => document.querySelectorAll('.raftlab-embed section.embed').length === n, mounts);
    }
    if (block.includes('addEventListener("message"')) {
      // The sizing script alone: it runs and waits for a frame's message.
      await page.waitForLoadState('load');
    }
    assert.deepEqual(errors, [], `block ${i} of docs/embed.md:\n${block}`);
    await context.close();
  }
});
