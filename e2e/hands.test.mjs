// The page in a person's hands, while it plays: real presses (the button
// down, ~100 ms, up, at the element's coordinates), touch taps on a phone,
// the keyboard alone, and reduced motion. No test pauses first and none
// uses locator.click(), which retries until it lands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setUp, screenshots } from './support.mjs';

const shared = setUp();
const options = { timeout: 90_000 };
const PRESSES = 20;

async function open(url, contextOptions = {}) {
  const context = await shared.browser.newContext({ viewport: { width: 1280, height: 800 }, ...contextOptions });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.goto(url);
  await page.waitForSelector('#raftlab');
  return { context, page, problems };
}

// Where an element's centre is right now (it may move on the next frame).
const centre = (page, selector) => page.evaluate((selector) => {
  const element = document.querySelector(selector);
  if (!element) return null;
  const r = element.getBoundingClientRect();
  return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
}, selector);

// What was under the pointer when its button went down, as the page saw it.
const recordPresses = (page) => page.evaluate(() => {
  document.addEventListener('pointerdown', (e) => {
    window.pressedAt = {
      row: e.target.closest?.('li[data-position]')?.dataset.position,
      message: e.target.closest?.('[data-msg-id]')?.dataset.msgId,
    };
  }, true);
});

async function press(page, point) {
  await page.mouse.move(point.x, point.y);
  await page.mouse.down();
  await page.waitForTimeout(100);
  await page.mouse.up();
}

const playing = (page) => page.locator('#raftlab').getAttribute('data-playing');
const pressed = (page, id) => page.locator(`svg.cluster [data-node-id="${id}"]`).getAttribute('aria-pressed');

async function pressServersWhilePlaying(speed) {
  const { context, page, problems } = await open(`${shared.server.url}?seed=4&speed=${speed}`);
  await page.waitForTimeout(500);
  let selected = 0;
  for (let i = 0; i < PRESSES; i++) {
    const id = String(2 + (i % 4));
    await press(page, await centre(page, `svg.cluster [data-node-id="${id}"] circle.body`));
    await page.waitForTimeout(50);
    if ((await pressed(page, id)) === 'true') selected++;
  }
  assert.equal(await playing(page), 'true', 'it played throughout');
  assert.equal(selected, PRESSES, `${selected} of ${PRESSES} presses selected their server at ${speed}×`);
  assert.deepEqual(problems, []);
  await context.close();
}

test('20 of 20 presses on servers select them while it plays at 1×', options, () => pressServersWhilePlaying(1));
test('20 of 20 presses on servers select them while it plays at 10×', options, () => pressServersWhilePlaying(10));

test('a press on an event row goes to the event that was under the pointer, while rows arrive', options, async () => {
  const { context, page, problems } = await open(`${shared.server.url}?seed=4&speed=1`);
  await page.waitForSelector('.event-log li[data-position]');
  await recordPresses(page);
  let landed = 0;
  const tries = 10;
  for (let i = 0; i < tries; i++) {
    // A press on a row goes back there, paused: play on before the next.
    if ((await playing(page)) === 'false') await page.keyboard.press('k');
    await page.waitForTimeout(300);
    const row = `.event-log li[data-position]:nth-child(${3 + (i % 5)})`;
    await press(page, await centre(page, row));
    await page.waitForTimeout(50);
    const target = await page.evaluate(() => window.pressedAt.row);
    if ((await page.locator('#raftlab').getAttribute('data-position')) === target) landed++;
  }
  assert.equal(landed, tries, `${landed} of ${tries} presses went to the row pressed`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a press on a message in flight inspects that message, while it flies', options, async () => {
  // Once a leader sends heartbeats, at 1/120× a message crosses the ring in
  // about a second: it is moving, and a person can aim at it.
  const { context, page, problems } = await open(`${shared.server.url}?seed=4`);
  await page.waitForSelector('svg.cluster [data-role="leader"]', { timeout: 20_000 });
  await page.keyboard.press('[');
  await page.keyboard.press('[');
  await recordPresses(page);
  // Messages fly on while the press is on its way, so some presses land
  // beside them: those select nothing, and are not counted.
  let landed = 0;
  let inspected = 0;
  for (let tries = 0; landed < 10 && tries < 40; tries++) {
    await page.waitForSelector('svg.cluster [data-msg-id]');
    const point = await centre(page, 'svg.cluster [data-msg-id] .hit');
    if (!point) continue;
    await page.evaluate(() => { window.pressedAt = {}; });
    await press(page, point);
    await page.waitForTimeout(50);
    const target = await page.evaluate(() => window.pressedAt.message);
    if (!target) continue;
    landed++;
    if (await page.locator(`[data-inspect-msg="${target}"]`).count() === 1) inspected++;
  }
  assert.equal(await playing(page), 'true', 'selecting a message does not stop the run');
  assert.equal(landed, 10, 'ten presses landed on a message');
  assert.equal(inspected, landed, `${inspected} of ${landed} presses inspected the message pressed`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('20 of 20 taps on a 390 px phone select the server tapped, while it plays', options, async () => {
  const { context, page, problems } = await open(`${shared.server.url}?seed=4&speed=1`, {
    viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true,
  });
  await page.waitForTimeout(500);
  let selected = 0;
  for (let i = 0; i < PRESSES; i++) {
    const id = String(2 + (i % 4));
    const point = await centre(page, `svg.cluster [data-node-id="${id}"] circle.body`);
    await page.touchscreen.tap(point.x, point.y);
    await page.waitForTimeout(80);
    if ((await pressed(page, id)) === 'true') selected++;
  }
  assert.equal(selected, PRESSES, `${selected} of ${PRESSES} taps selected their server`);
  await page.screenshot({ path: path.join(screenshots, 'phone-tapped.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('the keyboard reaches the ring in a few Tabs while it plays, and focus stays for 5 s', options, async () => {
  const { context, page, problems } = await open(`${shared.server.url}?seed=4&speed=1`);
  await page.getByRole('button', { name: 'Pause', exact: true }).focus();
  let tabs = 0;
  while (tabs < 60) {
    await page.keyboard.press('Tab');
    tabs++;
    if (await page.evaluate(() => document.activeElement?.dataset.nodeId !== undefined)) break;
  }
  const focused = await page.evaluate(() => document.activeElement?.dataset.nodeId);
  assert.ok(focused, `a server took the focus after ${tabs} Tabs`);
  await page.keyboard.press('ArrowRight');
  const moved = await page.evaluate(() => document.activeElement?.dataset.nodeId);
  assert.notEqual(moved, focused, 'an arrow key moves to the next server');
  // The selection is drawn on the next render: wait for it (a second,
  // not the 5 s below).
  await page.waitForFunction(
    (id) => document.querySelector(`svg.cluster [data-node-id="${id}"]`)?.getAttribute('aria-pressed') === 'true',
    moved,
    { timeout: 1_000 },
  ).catch(() => {});
  assert.equal(await pressed(page, moved), 'true', 'and selects it');
  await page.waitForTimeout(5_000);
  assert.equal(await playing(page), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.nodeId), moved, 'the focus stayed on it');
  assert.deepEqual(problems, []);
  await context.close();
});

test('keyboard only: select, crash, restart, step, partition and drive a scenario', options, async () => {
  const { context, page, problems } = await open(`${shared.server.url}?seed=4&speed=1`);
  // The page draws a key's effect on its next render: wait for it (a
  // wrong effect, such as another server crashing, still fails).
  const server = (id, name, value) => page.waitForFunction(
    ([id, name, value]) => document.querySelector(`svg.cluster [data-node-id="${id}"]`)?.getAttribute(name) === value,
    [id, name, value],
    { timeout: 5_000 },
  );
  await page.keyboard.press('2');
  await server('2', 'aria-pressed', 'true');
  await page.keyboard.press('x');
  await server('2', 'data-alive', 'false');
  assert.equal(await page.locator('svg.cluster [data-alive="false"]').count(), 1, 'x crashed S2 and only S2');
  await page.keyboard.press('s');
  await server('2', 'data-alive', 'true');
  await page.keyboard.press('k');
  await page.waitForFunction(() => document.querySelector('#raftlab').dataset.playing === 'false');
  const before = Number(await page.locator('#raftlab').getAttribute('data-position'));
  await page.keyboard.press('.');
  await page.waitForFunction((before) => Number(document.querySelector('#raftlab').dataset.position) === before + 1, before, { timeout: 5_000 });
  // The network panel: its summary, then the side toggles and Partition, by Tab and Enter.
  await page.locator('details[data-panel="network"] summary').focus();
  await page.keyboard.press('Enter');
  const sideOf = page.getByRole('button', { name: 'Side of S1', exact: true });
  await sideOf.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Partition', exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('svg.cluster .partition-side');
  // A scenario: the picker takes arrow keys; then → is the next step.
  await page.locator('select[aria-label="Scenario"]').focus();
  await page.keyboard.press('ArrowDown');
  await page.waitForSelector('[data-scenario]');
  await page.locator('body').focus();
  await page.evaluate(() => document.activeElement?.blur());
  const step = () => page.locator('[data-scenario]').getAttribute('data-step');
  const first = await step();
  await page.keyboard.press('ArrowRight');
  assert.equal(Number(await step()), Number(first) + 1, '→ opens the next step');
  assert.deepEqual(problems, []);
  await context.close();
});

test('reduced motion starts paused, says so, and messages do not fly', options, async () => {
  // At the default 1/30× a message is in flight for many frames.
  const { context, page, problems } = await open(`${shared.server.url}?seed=4`, { reducedMotion: 'reduce' });
  assert.equal(await playing(page), 'false', 'it starts paused');
  assert.equal(await page.locator('#raftlab').getAttribute('data-reduced-motion'), 'true');
  assert.equal(await page.getByLabel('Reduce motion').isChecked(), true, 'the switch says so');
  await page.keyboard.press('k');
  // Watch one message over the frames it stays (a busy machine may give it
  // few): it appears and goes, but never moves.
  let transforms = [];
  for (let tries = 0; transforms.length < 2 && tries < 20; tries++) {
    await page.waitForSelector('svg.cluster [data-msg-id]');
    transforms = await page.evaluate(async () => {
      const m = document.querySelector('svg.cluster [data-msg-id]')?.parentElement;
      const seen = [];
      for (let i = 0; m && i < 5; i++) {
        if (m.isConnected) seen.push(m.getAttribute('transform'));
        await new Promise((r) => requestAnimationFrame(() => r()));
      }
      return seen;
    });
  }
  assert.ok(transforms.length >= 2, 'the message was there for a few frames');
  assert.equal(new Set(transforms).size, 1, `a message keeps its place: ${transforms.join(' | ')}`);
  await page.screenshot({ path: path.join(screenshots, 'reduced-motion.png') });
  await page.getByLabel('Reduce motion').uncheck();
  assert.equal(await page.locator('#raftlab').getAttribute('data-reduced-motion'), 'false');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the first minute: a fresh page shows a candidate within a second of frames', options, async () => {
  // The default speed (1/30×), no seed: what a new visitor opens.
  const { context, page, problems } = await open(shared.server.url);
  assert.equal(await playing(page), 'true');
  const frames = await page.evaluate(() => new Promise((done) => {
    let count = 0;
    const tick = () => {
      count += 1;
      if (document.querySelector('svg.cluster [data-role="candidate"], svg.cluster [data-role="leader"]') || count > 600) done(count);
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }));
  // 60 frames are a second at 60 Hz; a slow machine gives longer frames,
  // which cover more virtual time, so fewer are needed there.
  assert.ok(frames <= 60, `the first candidate appeared after ${frames} frames`);
  const now = Number(await page.locator('#raftlab').getAttribute('data-now-us'));
  assert.ok(now > 0, 'the playhead starts after the quiet start');
  // The scrubber still reaches back to 0.
  assert.equal(await page.getByRole('slider', { name: 'Time' }).getAttribute('min'), '0');
  assert.deepEqual(problems, []);
  await context.close();
});
