// Raftlab inside other pages: the compact iframe page (?embed=1) shows the
// chosen panels, links to the full page and fits small frames; the blog-post
// example mounts two instances through the JavaScript API beside an iframe,
// and all three run, pause, take the keyboard and are destroyed
// independently, also when dist/ is served under a sub-path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setUp, openPage, screenshots, dist } from './support.mjs';

const shared = setUp();
const options = { timeout: 40_000 };

const embedUrl = (query) => `${shared.server.url}index.html?embed=1&${query}`;

// The virtual clock of the compact page in `scope` (a page or a frame).
const clock = (scope, selector = '#raftlab') =>
  scope.locator(selector).getAttribute('data-now-us').then(Number);

// Waits until the clock under `selector` has moved past `after`.
async function clockPasses(scope, selector, after) {
  await scope.waitForFunction(
    ([s, a]) => Number(document.querySelector(s)?.dataset.nowUs) > a,
    [selector, after],
    { timeout: 10_000 },
  );
}

// Boxes of the toolbar and every panel, in page pixels.
const boxes = (page) => page.evaluate(() =>
  [...document.querySelectorAll('.embed-toolbar, .embed-panel')].map((e) => {
    const r = e.getBoundingClientRect();
    return { name: e.dataset.panel || 'toolbar', left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  }));

const overlaps = (a, b) =>
  a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;

test('the embed URL shows only the chosen panels and a link to the full page', options, async () => {
  const query = 'seed=4&nodes=3&speed=0.5&panels=cluster,diagram&extra=kept';
  const { page, problems } = await openPage(shared.browser, embedUrl(query), { width: 640, height: 420 });
  const panels = await page.locator('[data-panel]').evaluateAll((all) => all.map((p) => p.dataset.panel));
  assert.deepEqual(panels, ['cluster', 'diagram']);
  assert.equal(await page.locator('[data-node-id]').count(), 3);
  // Compact chrome only: no scrubber, no jumps, no side panels, no heading.
  assert.equal(await page.locator('.controls').count(), 0);
  assert.equal(await page.locator('h1').count(), 0);
  const toolbar = page.getByRole('toolbar', { name: 'Playback' });
  for (const name of ['Pause', 'Step']) {
    assert.equal(await toolbar.getByRole('button', { name, exact: true }).count(), 1, name);
  }
  assert.equal(await toolbar.getByRole('slider', { name: 'Speed' }).count(), 1);
  const link = page.getByRole('link', { name: 'Open in Raftlab', exact: true });
  assert.equal(await link.getAttribute('href'), '/index.html?seed=4&nodes=3&speed=0.5&extra=kept');
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.equal(await link.getAttribute('rel'), 'noopener');
  await clockPasses(page, '#raftlab', 0);
  await page.screenshot({ path: path.join(screenshots, 'embed-iframe.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the compact page fits 640×420 and 360×480 frames without overlap', options, async () => {
  for (const viewport of [{ width: 640, height: 420 }, { width: 360, height: 480 }]) {
    const { page } = await openPage(shared.browser, embedUrl('seed=2&panels=cluster,log,events'), viewport);
    const all = await boxes(page);
    assert.equal(all.length, 4, JSON.stringify(all));
    for (let i = 0; i < all.length; i++) {
      for (let j = i + 1; j < all.length; j++) {
        assert.ok(!overlaps(all[i], all[j]), `${viewport.width}: ${all[i].name} overlaps ${all[j].name}`);
      }
    }
    // Nothing wider than the frame; the page itself never scrolls (only the panels do).
    const sizes = await page.evaluate(() => ({
      width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight,
    }));
    assert.ok(sizes.width <= viewport.width, `${viewport.width}: ${sizes.width} px wide`);
    assert.ok(sizes.height <= viewport.height, `${viewport.width}: ${sizes.height} px tall`);
    // The toolbar and the ring are on screen.
    const ring = await page.locator('svg.cluster').boundingBox();
    assert.ok(ring && ring.width > 150 && ring.y + 50 < viewport.height, JSON.stringify(ring));
    await page.screenshot({ path: path.join(screenshots, `embed-${viewport.width}x${viewport.height}.png`) });
    await page.close();
  }
});

test('unknown panel names are one short notice and the rest works', options, async () => {
  const { page, problems } = await openPage(shared.browser, embedUrl('seed=1&panels=log,graph,cluster'));
  const panels = await page.locator('[data-panel]').evaluateAll((all) => all.map((p) => p.dataset.panel));
  assert.deepEqual(panels, ['log', 'cluster']);
  const notices = page.getByRole('alert');
  assert.equal(await notices.count(), 1);
  assert.match(await notices.innerText(), /unknown panel "graph"/);
  await clockPasses(page, '#raftlab', 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('an embed without a seed links to the full page with the seed it drew', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}index.html?embed=1&nodes=3&autoplay=0`);
  const href = await page.getByRole('link', { name: 'Open in Raftlab', exact: true }).getAttribute('href');
  assert.match(href, /^\/index\.html\?seed=\d+&nodes=3$/);
  assert.equal(new URL(page.url()).searchParams.get('seed'), new URL(href, page.url()).searchParams.get('seed'));
  assert.deepEqual(problems, []);
  await page.close();
});

test('autoplay=0 waits for Play', options, async () => {
  const { page, problems } = await openPage(shared.browser, embedUrl('seed=1&speed=1&autoplay=0'));
  assert.equal(await page.locator('#raftlab').getAttribute('data-playing'), 'false');
  await page.waitForTimeout(700);
  assert.equal(await clock(page), 0);
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await clockPasses(page, '#raftlab', 0);
  assert.deepEqual(problems, []);
  await page.close();
});

// The blog-post example: two mounted instances (#election, #crash) and an iframe.
const mounted = (name) => `#${name} section.embed`;

async function openBlogPost(url) {
  const opened = await openPage(shared.browser, url, { width: 1000, height: 900 }, `${mounted('crash')}`);
  await opened.page.waitForSelector(mounted('election'));
  const frame = opened.page.frameLocator('iframe.raftlab-frame');
  await frame.locator('#raftlab').waitFor();
  return { ...opened, frame };
}

// The three clocks: election, crash, iframe.
async function clocks(page, frame) {
  return [await clock(page, mounted('election')), await clock(page, mounted('crash')), await clock(frame)];
}

test('the blog post runs three independent clusters', options, async () => {
  const { page, frame, problems } = await openBlogPost(`${shared.server.url}blog-post.html`);
  for (const name of ['election', 'crash']) await clockPasses(page, mounted(name), 0);
  await frame.locator('#raftlab').evaluate((main) => new Promise((done) => {
    const check = () => (Number(main.dataset.nowUs) > 0 ? done() : setTimeout(check, 50));
    check();
  }));
  // What each shows: the panels it asked for, its own cluster size.
  const panels = (name) => page.locator(`#${name} [data-panel]`).evaluateAll((all) => all.map((p) => p.dataset.panel));
  assert.deepEqual(await panels('election'), ['cluster', 'diagram']);
  assert.deepEqual(await panels('crash'), ['cluster', 'log']);
  assert.equal(await frame.locator('[data-node-id]').count(), 3);
  assert.equal(await page.locator('#election [data-node-id]').count(), 5);
  // The recorded run crashes S2 at 0.7 s: seek there and look.
  await page.evaluate(() => window.raftlabExample.crash.seek(800));
  await page.waitForFunction((s) => document.querySelector(s).dataset.nowUs === '800000', mounted('crash'));
  assert.equal(await page.locator('#crash [data-node-id="2"]').getAttribute('data-alive'), 'false');
  assert.equal(await page.locator(mounted('crash')).getAttribute('data-playing'), 'false');
  await page.evaluate(() => window.raftlabExample.crash.play());
  // Pausing one (with its own button) leaves the others running.
  await page.locator('#election').getByRole('button', { name: 'Pause', exact: true }).click();
  const paused = await clocks(page, frame);
  await page.waitForTimeout(800);
  const later = await clocks(page, frame);
  assert.equal(later[0], paused[0], 'the paused one stays');
  assert.ok(later[1] > paused[1], 'the mounted one keeps going');
  assert.ok(later[2] > paused[2], 'the iframe keeps going');
  await page.screenshot({ path: path.join(screenshots, 'blog-post.png'), fullPage: true });
  // Its handle plays it again.
  await page.evaluate(() => window.raftlabExample.election.play());
  await clockPasses(page, mounted('election'), later[0]);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the blog post\'s <raft-lab> element starts once scrolled to, and plays on its own', options, async () => {
  const { page, problems } = await openBlogPost(`${shared.server.url}blog-post.html`);
  const inside = page.locator('#element section.embed');
  assert.equal(await inside.count(), 0, 'nothing of it before it nears the view');
  await page.locator('#element').scrollIntoViewIfNeeded();
  await inside.waitFor();
  assert.deepEqual(await page.locator('#element [data-panel]').evaluateAll((all) => all.map((p) => p.dataset.panel)),
    ['cluster', 'state']);
  assert.equal(await page.locator('#element [data-node-id]').count(), 3);
  const start = Number(await inside.getAttribute('data-now-us'));
  await page.waitForFunction((s) =>
    Number(document.getElementById('element').shadowRoot.querySelector('section.embed').dataset.nowUs) > s, start);
  assert.equal(await page.locator('#element').getAttribute('aria-label'), 'Raftlab: three servers and their key-value stores');
  // The recorded run's first put reaches every store.
  await page.locator('#element table.state-machine').getByText('x', { exact: true }).waitFor({ timeout: 20_000 });
  await page.locator('#element').screenshot({ path: path.join(screenshots, 'blog-post-element.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('destroy removes one instance and the others keep running', options, async () => {
  const { page, frame, problems } = await openBlogPost(`${shared.server.url}blog-post.html`);
  await clockPasses(page, mounted('crash'), 0);
  const destroyed = await page.evaluate(() => {
    const { crash } = window.raftlabExample;
    crash.destroy();
    let error = '';
    try {
      crash.play();
    } catch (e) {
      error = e.message;
    }
    return { destroyed: crash.destroyed, children: document.getElementById('crash').children.length, error };
  });
  assert.deepEqual(destroyed, { destroyed: true, children: 0, error: 'Raftlab: this instance was destroyed' });
  // Yew unmounts on its next turn: nothing of it is left after that either.
  await page.waitForTimeout(100);
  assert.equal(await page.locator('#crash *').count(), 0);
  const survivors = async () => [await clock(page, mounted('election')), await clock(frame)];
  const before = await survivors();
  await page.waitForTimeout(600);
  const after = await survivors();
  assert.ok(after[0] > before[0], 'the other mounted one keeps going');
  assert.ok(after[1] > before[1], 'the iframe keeps going');
  // The element can hold a new instance.
  await page.evaluate(async () => {
    const { mount } = await import('./raftlab.js');
    window.raftlabExample.again = mount('#crash', { seed: 5, nodes: 3, speed: 1 });
  });
  await clockPasses(page, mounted('crash'), 0);
  assert.equal(await page.locator('#crash [data-node-id]').count(), 3);
  assert.deepEqual(problems, []);
  await page.close();
});

// Counts what the page's scripts leave behind: listeners on the document and
// animation-frame requests (installed before any script of the page runs).
function watchLeftovers() {
  const listeners = [];
  const capture = (o) => (typeof o === 'boolean' ? o : Boolean(o && o.capture));
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (type, fn, o) {
    if (this === document) listeners.push({ type, fn, capture: capture(o) });
    return add.call(this, type, fn, o);
  };
  EventTarget.prototype.removeEventListener = function (type, fn, o) {
    if (this === document) {
      const i = listeners.findIndex((l) => l.type === type && l.fn === fn && l.capture === capture(o));
      if (i >= 0) listeners.splice(i, 1);
    }
    return remove.call(this, type, fn, o);
  };
  let frames = 0;
  const request = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) => {
    frames += 1;
    return request(callback);
  };
  window.leftovers = () => ({ listeners: listeners.map((l) => l.type).sort(), frames });
}

test('destroy stops the animation loop and removes every document listener', options, async () => {
  const page = await shared.browser.newPage({ viewport: { width: 1000, height: 900 } });
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.addInitScript(watchLeftovers);
  await page.goto(`${shared.server.url}blog-post.html`);
  for (const name of ['election', 'crash']) await clockPasses(page, mounted(name), 0);
  const perInstance = ['focusin', 'keydown', 'pointerdown', 'visibilitychange'];
  const running = await page.evaluate(() => window.leftovers());
  assert.deepEqual(running.listeners, perInstance.flatMap((type) => [type, type]));
  assert.ok(running.frames > 0);
  await page.evaluate(() => {
    window.raftlabExample.election.destroy();
    window.raftlabExample.crash.destroy();
  });
  await page.waitForTimeout(200);
  const settled = await page.evaluate(() => window.leftovers());
  assert.deepEqual(settled.listeners, [], 'no listener left on the document');
  await page.waitForTimeout(400);
  assert.equal((await page.evaluate(() => window.leftovers())).frames, settled.frames, 'no frame requested');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the full page still starts by itself', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}index.html?seed=1&speed=1`);
  assert.equal(await page.locator('h1').innerText(), 'Raftlab');
  assert.equal(await page.locator('.controls').count(), 1);
  assert.equal(await page.locator('.embed').count(), 0);
  await clockPasses(page, '#raftlab', 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the JavaScript API throws clear errors for bad arguments', options, async () => {
  const { page, problems } = await openBlogPost(`${shared.server.url}blog-post.html`);
  const errors = await page.evaluate(async () => {
    const { mount } = await import('./raftlab.js');
    const attempt = (f) => {
      try {
        f();
        return 'no error';
      } catch (e) {
        return `${e.constructor.name}: ${e.message}`;
      }
    };
    const spare = document.createElement('div');
    document.body.append(spare);
    const { election } = window.raftlabExample;
    return {
      selector: attempt(() => mount('#nowhere', {})),
      notElement: attempt(() => mount(42, {})),
      twice: attempt(() => mount('#election', {})),
      panel: attempt(() => mount(spare, { panels: ['cluster', 'graph'] })),
      typo: attempt(() => mount(spare, { panel: ['log'] })),
      nodes: attempt(() => mount(spare, { nodes: 12 })),
      array: attempt(() => mount(spare, [1])),
      seek: attempt(() => election.seek(-5)),
      load: attempt(() => election.load('1.@@@')),
      loadEmpty: attempt(() => election.load('')),
      loadNumber: attempt(() => election.load(123)),
      loadObject: attempt(() => election.load({})),
      seekHuge: attempt(() => election.seek(1e300)),
      longPanel: attempt(() => mount(spare, { panels: ['p'.repeat(1000000)] })),
      spareChildren: spare.children.length,
    };
  });
  assert.deepEqual(errors, {
    selector: 'Error: Raftlab mount: no element matches "#nowhere"',
    notElement: 'Error: Raftlab mount: the first argument must be a DOM element or a CSS selector',
    twice: 'Error: Raftlab mount: this element already holds a Raftlab instance; destroy() it first',
    panel: errors.panel.startsWith('Error: Raftlab mount: there is no panel "graph" (the panels are cluster,')
      ? errors.panel : 'a message naming the panel',
    typo: errors.typo.startsWith('Error: Raftlab mount: there is no option "panel"') ? errors.typo : 'a message naming the option',
    nodes: 'Error: Raftlab mount: nodes must be a whole number from 1 to 9, not the number 12',
    array: errors.array.startsWith('Error: Raftlab mount: options must be a plain object') ? errors.array : 'a plain-object message',
    seek: 'Error: Raftlab seek takes virtual milliseconds from 0 to 600000, not -5',
    load: errors.load.startsWith('Error: Raftlab load: the run is damaged') ? errors.load : 'the decode message',
    loadEmpty: 'Error: Raftlab load: the run is empty',
    loadNumber: 'Error: Raftlab load: takes the run as a string (its JSON, its link token or a share link), not a value of type number',
    loadObject: 'Error: Raftlab load: takes the run as a string (its JSON, its link token or a share link), not a value of type object',
    seekHuge: 'Error: Raftlab seek takes virtual milliseconds from 0 to 600000, not 1e300',
    longPanel: errors.longPanel.length < 300 && errors.longPanel.includes('(1000000 characters)')
      ? errors.longPanel : 'a message quoting the start of the name and its length',
    spareChildren: 0,
  });
  // A good load replaces the run, from its start: S2 is down at 0.8 s.
  const token = '1.FQJ7fQSgwh5AAwAAAAF4ATHg3CpwAALgxlveAQMAAAABeQEy4PtznwIBAg';
  await page.evaluate((t) => {
    const { election } = window.raftlabExample;
    election.pause();
    election.load(t);
  }, token);
  await page.waitForFunction((s) => document.querySelector(s).dataset.nowUs === '0', mounted('election'));
  assert.equal(await page.locator('#election [data-node-id="2"]').getAttribute('data-alive'), 'true');
  await page.evaluate(() => window.raftlabExample.election.seek(800));
  await page.waitForFunction((s) => document.querySelector(s).dataset.nowUs === '800000', mounted('election'));
  assert.equal(await page.locator('#election [data-node-id="2"]').getAttribute('data-alive'), 'false');
  assert.deepEqual(problems, []);
  await page.close();
});

test('shortcuts go to the instance last interacted with, and to none after the prose', options, async () => {
  const { page, problems } = await openBlogPost(`${shared.server.url}blog-post.html`);
  const playing = (name) => page.locator(mounted(name)).getAttribute('data-playing');
  await page.keyboard.press('k');
  assert.deepEqual([await playing('election'), await playing('crash')], ['true', 'true'], 'nobody took it');
  // A press inside #crash (on its log, not a button) gives it the keyboard.
  await page.locator('#crash [data-panel="log"] h2').click();
  await page.keyboard.press('k');
  await page.waitForFunction((s) => document.querySelector(s).dataset.playing === 'false', mounted('crash'));
  assert.equal(await playing('election'), 'true');
  // Then #election.
  await page.locator('#election [data-panel="diagram"] h2').click();
  await page.keyboard.press('k');
  await page.waitForFunction((s) => document.querySelector(s).dataset.playing === 'false', mounted('election'));
  assert.equal(await playing('crash'), 'false', 'untouched');
  // Clicking the prose leaves the keyboard to the page (Space scrolls again).
  await page.locator('article p').first().click();
  await page.keyboard.press('k');
  await page.waitForTimeout(200);
  assert.deepEqual([await playing('election'), await playing('crash')], ['false', 'false']);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the examples work with dist/ served under a sub-path', options, async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'raftlab-sub-'));
  cpSync(dist, path.join(root, 'sub', 'dist'), { recursive: true });
  const port = Number(process.env.E2E_PORT || 8765) + 1;
  const server = spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', String(port), '-d', root], { stdio: 'ignore' });
  try {
    const base = `http://127.0.0.1:${port}/sub/dist/`;
    for (let i = 0; i < 100; i++) {
      if (await fetch(base).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const { page, frame, problems } = await openBlogPost(`${base}blog-post.html`);
    for (const name of ['election', 'crash']) await clockPasses(page, mounted(name), 0);
    const link = frame.getByRole('link', { name: 'Open in Raftlab', exact: true });
    assert.equal(await link.getAttribute('href'), '/sub/dist/index.html?seed=9&nodes=3&speed=0.05');
    const mountedLink = page.locator('#election').getByRole('link', { name: 'Open in Raftlab', exact: true });
    const resolved = await mountedLink.evaluate((a) => a.href);
    assert.equal(resolved, `${base}index.html?seed=4&nodes=5&speed=0.05`);
    // The full page it opens runs there too.
    const full = await shared.browser.newPage();
    await full.goto(resolved);
    await full.waitForSelector('#raftlab header');
    // So do the <raft-lab> elements of the course-notes example.
    await full.goto(`${base}course-notes.html`);
    await full.locator('raft-lab').first().locator('section.embed').waitFor();
    await full.close();
    assert.deepEqual(problems, []);
    await page.close();
  } finally {
    server.kill();
    rmSync(root, { recursive: true, force: true });
  }
});

// docs/embed.md's resizing snippet, as written there.
function frameSizeSnippet() {
  const docs = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'embed.md'), 'utf8');
  const after = docs.split('<!-- frame-size snippet')[1];
  return after.split('```html\n')[1].split('```')[0];
}

test('with autosize=1 the iframe posts its height and the snippet from the docs sizes it', options, async () => {
  const snippet = frameSizeSnippet();
  assert.match(snippet, /raftlab-size/);
  const frames = ['autosize=1&', ''].map((extra, i) =>
    `<iframe id="f${i}" title="Raftlab" style="width: 640px; height: 200px; border: 0" src="index.html?embed=1&${extra}seed=4&nodes=3&panels=cluster,log"></iframe>`);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">${snippet}</head><body>${frames.join('')}</body></html>`;
  const page = await shared.browser.newPage({ viewport: { width: 1000, height: 900 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const messages = [];
  await page.exposeFunction('noteMessage', (data) => messages.push(data));
  await page.addInitScript(() => addEventListener('message', (e) => window.noteMessage(e.data)));
  await page.route(`${shared.server.url}frame-host.html`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
  await page.goto(`${shared.server.url}frame-host.html`);
  await page.waitForFunction(() => parseFloat(getComputedStyle(document.getElementById('f0')).height) > 200);
  await page.waitForTimeout(500);
  const sized = await page.locator('#f0').boundingBox();
  const frame = page.frameLocator('#f0');
  const inner = await frame.locator('html').evaluate((e) => ({ scroll: e.scrollHeight, client: e.clientHeight }));
  assert.ok(inner.scroll <= inner.client + 1, `nothing scrolls inside the sized frame: ${JSON.stringify(inner)}`);
  assert.ok(sized.height > 300, `the frame took the panels' height: ${sized.height}`);
  const last = messages.filter((m) => m?.type === 'raftlab-size').at(-1);
  assert.deepEqual(Object.keys(last).sort(), ['height', 'type', 'version']);
  assert.equal(last.version, 1);
  assert.equal(Math.round(sized.height), last.height);
  // Without autosize the frame keeps its height and its panels scroll.
  assert.equal((await page.locator('#f1').boundingBox()).height, 200);
  await page.screenshot({ path: path.join(screenshots, 'embed-autosize.png') });
  assert.deepEqual(problems, []);
  await page.close();
});
