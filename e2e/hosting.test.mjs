// docs/hosting.md as a site owner follows it: a copy of dist/ under the
// sub-path /raftlab/ of a static host, the full page opened from there
// (its service worker scoped to the sub-path), and a page elsewhere on the
// site that embeds it with the guide's two snippets, as written; then every
// html block of docs/embed.md, each on a page of its own, as written; and
// the guide's nginx block, run by nginx as written (its /srv replaced), and
// its GitHub Pages steps, run against a local bare repository.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import os from 'node:os';
import { chmodSync, cpSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { spawn, execFileSync } from 'node:child_process';
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
  // Readable by nginx's workers, which run as another user.
  chmodSync(shared.folder, 0o755);
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

// The guide's nginx block, run by nginx in a server of its own on loopback.
async function startNginx(site, port) {
  const guide = readFileSync(path.join(root, 'docs', 'hosting.md'), 'utf8');
  const block = guide.split('<!-- nginx snippet')[1].split('```nginx\n')[1].split('```')[0];
  assert.match(block, /root \/srv;/);
  const prefix = mkdtempSync(path.join(os.tmpdir(), 'raftlab-nginx-'));
  const conf = `daemon off; worker_processes 1; pid ${prefix}/nginx.pid; error_log ${prefix}/error.log;
events {}
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy; fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;
  server {
    listen 127.0.0.1:${port};
${block.replace('root /srv;', `root ${site};`)}
  }
}
`;
  writeFileSync(path.join(prefix, 'nginx.conf'), conf);
  const nginx = spawn('/usr/sbin/nginx', ['-p', prefix, '-c', path.join(prefix, 'nginx.conf')], { stdio: 'inherit' });
  const url = `http://127.0.0.1:${port}/raftlab/`;
  for (let i = 0; i < 100 && !(await fetch(url).then((r) => r.ok, () => false)); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop: () => { nginx.kill(); rmSync(prefix, { recursive: true, force: true }); } };
}

test('nginx with the guide\'s block serves the copy as the guide says', options, async () => {
  const server = await startNginx(shared.folder, Number(process.env.E2E_PORT || 8765) + 3);
  try {
    const page = await fetch(server.url);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('cache-control'), 'no-cache', 'the page is revalidated');
    const wasmName = readFileSync(path.join(dist, 'index.html'), 'utf8').match(/raftlab-web-[0-9a-f]+_bg\.wasm/)[0];
    const wasm = await fetch(`${server.url}${wasmName}`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    assert.equal(wasm.headers.get('content-encoding'), 'gzip', 'the .gz copy is sent');
    assert.equal(wasm.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const stable = await fetch(`${server.url}raftlab.js`);
    assert.equal(stable.headers.get('cache-control'), 'no-cache', 'a stable name is revalidated');
    const context = await shared.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const tab = await context.newPage();
    const errors = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.goto(`${server.url}?seed=5`);
    await tab.waitForSelector('svg.cluster [data-role="leader"]', { timeout: 20_000 });
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    server.stop();
  }
});

test('the guide\'s GitHub Pages steps publish dist/ as the gh-pages branch', options, async () => {
  const guide = readFileSync(path.join(root, 'docs', 'hosting.md'), 'utf8');
  const block = guide.split('## GitHub Pages')[1].split('```sh\n')[1].split('```')[0];
  assert.match(block, /^make dist$/m);
  // Everything but `make dist` (dist/ is already built), in a clone of a
  // repository whose origin is a bare one on disk.
  const steps = block.split('\n').filter((line) => line.trim() !== '' && line.trim() !== 'make dist').join('\n');
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'raftlab-pages-'));
  const env = { ...process.env, GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@localhost',
    GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@localhost' };
  const run = (cwd, command, ...args) => execFileSync(command, args, { cwd, env, stdio: 'pipe' }).toString();
  try {
    run(scratch, 'git', 'init', '-q', '--bare', 'origin.git');
    run(scratch, 'git', 'init', '-q', 'site');
    const site = path.join(scratch, 'site');
    run(site, 'git', 'commit', '-q', '--allow-empty', '-m', 'start');
    run(site, 'git', 'remote', 'add', 'origin', path.join(scratch, 'origin.git'));
    cpSync(dist, path.join(site, 'dist'), { recursive: true });
    run(site, 'bash', '-e', '-c', steps);
    const published = run(scratch, 'git', '--git-dir', 'origin.git', 'ls-tree', '-r', '--name-only', 'gh-pages').split('\n');
    for (const name of ['index.html', '.nojekyll', 'sw.js', 'raftlab.js', 'raft-lab.js']) {
      assert.ok(published.includes(name), `${name} is published: ${published.join(' ')}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
