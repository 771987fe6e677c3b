// The <raft-lab> custom element on host pages of its own (served beside
// dist/ so that raft-lab.js resolves as it would on a blog): nothing is
// fetched before it nears the viewport, five elements compile the module
// once, attributes reload it, its methods drive it, its events tell the
// page about leaders and violations, it pauses out of view and plays on
// when back, starts paused under prefers-reduced-motion, keeps the host's
// bare-element rules out, takes the keys once pressed, and names a bad
// attribute. The course-notes example is looked at in a screenshot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { setUp, screenshots, pressElement } from './support.mjs';

const shared = setUp();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const options = { timeout: 120_000 };

// A host page: `body` inside a bare document that loads the element.
function host(body, style = '') {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="module" src="raft-lab.js"></script><style>body { margin: 0; font: 16px serif; } ${style}</style></head>
<body>${body}</body></html>`;
}

// Opens `html` as `name` beside dist/, counting the .wasm requests.
async function openHost(name, html, contextOptions = {}) {
  const context = await shared.browser.newContext({ viewport: { width: 1000, height: 700 }, ...contextOptions });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const wasm = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(r.url()); });
  await page.route(`${shared.server.url}${name}`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: html }));
  await page.goto(`${shared.server.url}${name}`);
  await page.waitForFunction(() => customElements.get('raft-lab') !== undefined);
  return { context, page, problems, wasm };
}

// An element's instance section (inside its shadow root).
const section = (page, id) => page.locator(`#${id} section.embed`);
const data = (page, id, name) => section(page, id).getAttribute(`data-${name}`);

// The events an element dispatched, recorded in the page.
async function record(page, id) {
  await page.evaluate((id) => {
    window.seen ??= {};
    const events = (window.seen[id] = []);
    const element = document.getElementById(id);
    for (const type of ['raftlab-ready', 'raftlab-leader', 'raftlab-violation', 'raftlab-error', 'raftlab-step']) {
      element.addEventListener(type, (e) => events.push({ type, detail: e.detail ?? null }));
    }
  }, id);
}
const seen = (page, id) => page.evaluate((id) => window.seen[id], id);

test('nothing loads before an element nears the view; five elements compile the module once', options, async () => {
  const spacer = '<div style="height: 2400px">Prose above the clusters.</div>';
  const elements = [1, 2, 3, 4, 5].map((n) => `<raft-lab id="e${n}" seed="${n}" nodes="3" panels="cluster" autoplay></raft-lab>`).join('');
  const { context, page, problems, wasm } = await openHost('lazy-host.html', host(`${spacer}${elements}`));
  await record(page, 'e1');
  await page.waitForTimeout(1_500);
  assert.deepEqual(wasm, [], 'no WebAssembly fetched while the elements are far below');
  assert.equal(await page.locator('raft-lab section.embed').count(), 0);
  // Not drawn yet, each keeps an 8:5 box, so the page will not jump.
  const waiting = await page.locator('#e1').boundingBox();
  assert.ok(Math.abs(waiting.height - (waiting.width * 5) / 8) < 2, `an 8:5 box: ${JSON.stringify(waiting)}`);

  await page.locator('#e1').scrollIntoViewIfNeeded();
  await section(page, 'e1').waitFor();
  await page.waitForFunction(() => document.getElementById('e1').hasAttribute('data-ready'));
  const drawn = await page.locator('#e1').boundingBox();
  const inner = await section(page, 'e1').boundingBox();
  assert.ok(Math.abs(drawn.height - inner.height) < 2, `drawn, it is its panels' height: ${drawn.height} and ${inner.height}`);
  // Each loads as it comes near the view (each keeps its box till then).
  for (const n of [2, 3, 4, 5]) {
    await page.locator(`#e${n}`).scrollIntoViewIfNeeded();
    await section(page, `e${n}`).waitFor();
  }
  await page.waitForFunction(() => document.querySelectorAll('raft-lab').length === 5
    && [...document.querySelectorAll('raft-lab')].every((e) => e.shadowRoot.querySelector('section.embed')));
  assert.equal(wasm.length, 1, `the module is fetched once for five elements: ${wasm}`);
  assert.deepEqual((await seen(page, 'e1')).map((e) => e.type).slice(0, 1), ['raftlab-ready']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('attributes reload the instance, methods drive it, and events report leaders and violations', options, async () => {
  const { context, page, problems } = await openHost('attributes-host.html',
    host('<raft-lab id="lab" seed="4" panels="cluster,log" speed="1" autoplay></raft-lab>'));
  await record(page, 'lab');
  await section(page, 'lab').waitFor();
  assert.equal(await page.locator('#lab svg.cluster [data-node-id]').count(), 5);
  // A leader is elected: the event says which and in which term.
  await page.waitForFunction(() => window.seen.lab.some((e) => e.type === 'raftlab-leader' && e.detail.leader !== null),
    null, { timeout: 15_000 });
  const elected = (await seen(page, 'lab')).find((e) => e.type === 'raftlab-leader' && e.detail.leader !== null);
  assert.ok(elected.detail.leader >= 1 && elected.detail.leader <= 5 && elected.detail.term >= 1, JSON.stringify(elected));
  assert.equal(String(elected.detail.leader), await data(page, 'lab', 'leader'));

  // The methods mirror the handle's.
  await page.evaluate(() => document.getElementById('lab').pause());
  await page.waitForFunction(() => document.getElementById('lab').playing === false);
  await page.evaluate(() => document.getElementById('lab').seek(800));
  await page.waitForFunction(() => document.querySelector('#lab').shadowRoot.querySelector('section.embed').dataset.nowUs === '800000');

  // Changing attributes reloads the instance with them, once for two set
  // together.
  const readies = async () => (await seen(page, 'lab')).filter((e) => e.type === 'raftlab-ready').length;
  const before = await readies();
  await page.evaluate(() => {
    const lab = document.getElementById('lab');
    lab.setAttribute('nodes', '3');
    lab.setAttribute('speed', '0.5');
  });
  await page.waitForFunction(() => document.querySelector('#lab').shadowRoot.querySelectorAll('svg.cluster [data-node-id]').length === 3);
  assert.equal(await readies(), before + 1, 'one reload');
  assert.match(await page.locator('#lab .embed-toolbar').innerText(), /1\/2×/, 'at the new speed');

  // A run that cannot be read: the message is shown in the element.
  await page.evaluate(() => document.getElementById('lab').setAttribute('run', 'not a run'));
  await page.waitForFunction(() => window.seen.lab.some((e) => e.type === 'raftlab-error'));
  const failure = (await seen(page, 'lab')).find((e) => e.type === 'raftlab-error');
  assert.match(failure.detail.message, /^Raftlab mount: /);
  assert.match(await page.locator('#lab [role="alert"]').innerText(), /Raftlab mount: /);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a run that breaks safety fires raftlab-violation when playback reaches it', { timeout: 300_000 }, async () => {
  // The explorer's shrunk failure (as e2e/shrink.test.mjs): votes granted
  // without the log check lose a committed entry.
  const { stdout } = await promisify(execFile)('cargo', [
    'run', '-q', '-p', 'raftlab-cli', '--', 'replay', '--seed', '0',
    '--bug', 'vote_without_log_check', '--shrink', '--page', shared.server.url,
  ], { cwd: root, maxBuffer: 64 * 1024 * 1024 }).catch((failed) => failed);
  const link = stdout.split('\n').filter((line) => line.startsWith('open it: ')).at(-1).slice('open it: '.length);
  const run = new URL(link).searchParams.get('run');
  const { context, page, problems } = await openHost('violation-host.html',
    host(`<raft-lab id="lab" run="${run}" panels="cluster" speed="10" autoplay></raft-lab>`));
  await record(page, 'lab');
  await page.waitForFunction(() => window.seen.lab.some((e) => e.type === 'raftlab-violation'), null, { timeout: 60_000 });
  const violation = (await seen(page, 'lab')).find((e) => e.type === 'raftlab-violation');
  assert.ok(violation.detail.violations >= 1, JSON.stringify(violation));
  assert.deepEqual(problems, []);
  await context.close();
});

test('a narrated scenario in an element: Next and Back by presses and keys, each step an event', options, async () => {
  const { context, page, problems } = await openHost('story-host.html',
    host('<raft-lab id="story" scenario="figure-8" step="1" panels="cluster,log"></raft-lab>'));
  await record(page, 'story');
  const inside = section(page, 'story');
  await inside.waitFor();
  const text = page.locator('#story .embed-narration .narration-text');
  await page.waitForFunction(() => document.getElementById('story').shadowRoot
    .querySelector('section.embed')?.dataset.step === '1');
  const steps = Number(await data(page, 'story', 'steps'));
  assert.ok(steps >= 8, `figure-8 has ${steps} steps`);
  assert.match(await text.innerText(), new RegExp(`step 2 of ${steps}`));
  assert.equal(await data(page, 'story', 'playing'), 'false', 'a scenario waits at its step');
  await pressElement(page, page.locator('#story').getByRole('button', { name: 'Next', exact: true }));
  const lastStep = () => window.seen.story.filter((e) => e.type === 'raftlab-step').at(-1)?.detail?.step;
  await page.waitForFunction(`(${lastStep})() === 2`);
  assert.match(await text.innerText(), new RegExp(`step 3 of ${steps}`));
  // The keys, once the element holds the reader's attention (it was pressed).
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(`(${lastStep})() === 1`);
  const events = (await seen(page, 'story')).filter((e) => e.type === 'raftlab-step').map((e) => e.detail);
  // (The first step's event may come before the page listens: it loads fast.)
  assert.deepEqual(events.slice(-2), [2, 1].map((step) => ({ scenario: 'figure-8', step, steps })));
  await page.locator('#story').screenshot({ path: path.join(screenshots, 'element-scenario.png') });
  // Keyboard only: Enter on the focused Next moves on, and the focus stays
  // on it (inside the element) through the renders that follow.
  await page.locator('#story').getByRole('button', { name: 'Next', exact: true }).focus();
  for (const step of [2, 3]) {
    await page.keyboard.press('Enter');
    await page.waitForFunction(`(${lastStep})() === ${step}`);
    assert.equal(await page.evaluate(() => document.getElementById('story').shadowRoot.activeElement?.getAttribute('aria-label')),
      'Next', 'the focus stays on Next');
  }
  // A scenario the library does not have is named, inside the element.
  await page.evaluate(() => document.getElementById('story').setAttribute('scenario', 'figure-9'));
  await page.locator('#story p.error').waitFor();
  assert.match(await page.locator('#story p.error').innerText(), /there is no scenario "figure-9" \(the scenarios are .*figure-8/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a narrated scenario in an iframe opens at its step and waits for Next', options, async () => {
  const page = await shared.browser.newPage({ viewport: { width: 640, height: 480 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${shared.server.url}index.html?embed=1&scenario=leader-failover&step=2&panels=cluster`);
  const narration = page.locator('.embed-narration');
  await narration.waitFor();
  assert.equal(await page.locator('#raftlab').getAttribute('data-step'), '2');
  assert.equal(await page.locator('#raftlab').getAttribute('data-playing'), 'false');
  await pressElement(page, narration.getByRole('button', { name: 'Next', exact: true }));
  await page.waitForFunction(() => document.getElementById('raftlab').dataset.step === '3');
  // While it plays, a press on Next (mouse down, 100 ms, up) takes the next
  // step and pauses there, with the step's text on screen.
  await pressElement(page, page.getByRole('button', { name: 'Play', exact: true }));
  await page.waitForFunction(() => document.getElementById('raftlab').dataset.playing === 'true');
  await page.waitForTimeout(300);
  await pressElement(page, narration.getByRole('button', { name: 'Next', exact: true }));
  await page.waitForFunction(() => document.getElementById('raftlab').dataset.step === '4');
  assert.equal(await page.locator('#raftlab').getAttribute('data-playing'), 'false');
  const shown = await narration.locator('.narration-text').boundingBox();
  assert.ok(shown.y >= 0 && shown.y + shown.height <= 480, `the step's text is on screen: ${JSON.stringify(shown)}`);
  await page.screenshot({ path: path.join(screenshots, 'embed-scenario-frame.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a bad attribute is one message naming it, inside the element', options, async () => {
  const { context, page, problems } = await openHost('bad-host.html',
    host('<raft-lab id="bad" nodes="12"></raft-lab><raft-lab id="good" nodes="3" panels="cluster"></raft-lab>'));
  await page.locator('#bad [role="alert"]').waitFor();
  assert.match(await page.locator('#bad [role="alert"]').innerText(), /nodes/);
  await section(page, 'good').waitFor();
  assert.equal(await data(page, 'good', 'playing'), 'false', 'without autoplay it waits');
  assert.deepEqual(problems, []);
  await context.close();
});

test('out of view it pauses and plays on when back; reduced motion starts it paused', options, async () => {
  const below = '<div style="height: 2400px"></div>';
  const { context, page, problems } = await openHost('scroll-host.html',
    host(`<raft-lab id="lab" seed="4" nodes="3" panels="cluster" speed="1" autoplay></raft-lab>${below}`));
  await section(page, 'lab').waitFor();
  assert.equal(await data(page, 'lab', 'playing'), 'true');
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForFunction(() => document.getElementById('lab').playing === false);
  const parked = await data(page, 'lab', 'now-us');
  await page.waitForTimeout(500);
  assert.equal(await data(page, 'lab', 'now-us'), parked, 'the clock stands still out of view');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForFunction(() => document.getElementById('lab').playing === true);
  assert.deepEqual(problems, []);
  await context.close();

  const calm = await openHost('calm-host.html',
    host('<raft-lab id="lab" seed="4" nodes="3" panels="cluster" autoplay></raft-lab>'), { reducedMotion: 'reduce' });
  await section(calm.page, 'lab').waitFor();
  await calm.page.waitForTimeout(500);
  assert.equal(await data(calm.page, 'lab', 'playing'), 'false', 'reduced motion: it waits for Play');
  assert.deepEqual(calm.problems, []);
  await calm.context.close();
});

test("the host page's bare-element rules change nothing inside, and a press gives it the keys", options, async () => {
  const body = '<p><input id="notes" aria-label="Notes"></p><raft-lab id="lab" seed="4" nodes="3" panels="cluster" speed="0.5" autoplay></raft-lab>';
  const looks = async (page) => page.evaluate(() => {
    const root = document.getElementById('lab').shadowRoot;
    const button = root.querySelector('button');
    const circle = root.querySelector('svg.cluster circle');
    const b = getComputedStyle(button);
    return {
      button: [b.display, b.paddingLeft, b.borderTopStyle, b.fontFamily, b.cursor],
      circle: getComputedStyle(circle).fill,
      text: getComputedStyle(root.querySelector('section.embed')).fontFamily,
    };
  });
  const plain = await openHost('plain-host.html', host(body));
  await section(plain.page, 'lab').waitFor();
  const expected = await looks(plain.page);
  await plain.context.close();

  const hostile = 'svg, circle { fill: red !important; } button { all: unset; } * { font-family: "Comic Sans MS", cursive; }';
  const { context, page, problems } = await openHost('hostile-host.html', host(body, hostile));
  await section(page, 'lab').waitFor();
  assert.deepEqual(await looks(page), expected, 'the same look with or without the host page rules');

  // Pressed, then left for the page's field: keys typed there stay
  // there. Pressed again, k (play/pause) pauses the element.
  await pressElement(page, page.locator('#lab svg.cluster [data-node-id="1"]'));
  await page.locator('#notes').click();
  await page.keyboard.type('k k');
  assert.equal(await page.locator('#notes').inputValue(), 'k k');
  assert.equal(await data(page, 'lab', 'playing'), 'true', 'typing elsewhere does not reach it');
  await pressElement(page, page.locator('#lab svg.cluster [data-node-id="2"]'));
  await page.keyboard.press('k');
  await page.waitForFunction(() => document.getElementById('lab').playing === false);
  await page.screenshot({ path: path.join(screenshots, 'element-hostile-host.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('with scripts off the element shows what it holds; the module says its version', options, async () => {
  const off = await openHostNoScript();
  assert.match(await off.page.locator('raft-lab').first().innerText(), /With scripts on, a live cluster/);
  await off.context.close();
  const { context, page, problems } = await openHost('version-host.html', host('<raft-lab id="lab" nodes="3" panels="cluster"><p>fallback</p></raft-lab>'));
  await section(page, 'lab').waitFor();
  const version = await page.evaluate(() => customElements.get('raft-lab').version);
  assert.match(version, /^\d+\.\d+\.\d+$/);
  assert.equal(await page.evaluate(async (url) => (await import(url)).version, `${shared.server.url}raftlab.js`), version);
  assert.equal(await page.locator('#lab').evaluate((e) => e.querySelector('p').checkVisibility()), false,
    'the fallback is hidden once the element runs');
  assert.deepEqual(problems, []);
  await context.close();
});

// The course-notes example in a context with JavaScript off.
async function openHostNoScript() {
  const context = await shared.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${shared.server.url}course-notes.html`);
  return { context, page };
}

test('the course-notes example: a static page of <raft-lab> elements', options, async () => {
  const context = await shared.browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`${shared.server.url}course-notes.html`);
  const first = page.locator('raft-lab').first();
  await first.scrollIntoViewIfNeeded();
  await first.locator('section.embed').waitFor();
  await page.locator('raft-lab').nth(1).scrollIntoViewIfNeeded();
  await page.locator('raft-lab').nth(1).locator('section.embed').waitFor();
  assert.ok(await page.locator('raft-lab').nth(1).locator('svg.cluster [data-node-id]').count() >= 3);
  await page.screenshot({ path: path.join(screenshots, 'course-notes.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});
