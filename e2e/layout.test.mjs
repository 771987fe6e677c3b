// The layout holds (issue 13): the controls that act on the cluster are in
// reach of the ring without scrolling at 1280×800, the selected server's
// actions stay put when its inspector grows, the toolbar is one row of
// buttons that do not move as the run grows, a tapped server's actions are
// in view on a phone, a notice moves nothing, and selection, narration
// highlight, focus and role-change flash each have a colour of their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, openPage, ring, pause, select, leaderId } from './support.mjs';

const shared = setUp();

const options = { timeout: 60_000 };
const desktop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };

// A box in viewport coordinates, rounded, as [left, top, right, bottom].
const edges = (locator) => locator.evaluate((e) => {
  const r = e.getBoundingClientRect();
  return [r.left, r.top, r.right, r.bottom].map(Math.round);
});

async function assertInView(page, locator, what) {
  const [left, top, right, bottom] = await edges(locator);
  const { width, height } = page.viewportSize();
  assert.ok(left >= 0 && top >= 0 && right <= width && bottom <= height,
    `${what} is at ${[left, top, right, bottom]}, outside the ${width}×${height} viewport`);
}

const scrollY = (page) => page.evaluate(() => window.scrollY);

test('at 1280×800 Crash, the partition controls and Request are in view with a leader selected', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=7&speed=1`, desktop);
  const leader = await leaderId(page);
  await page.getByRole('button', { name: 'Request', exact: true }).click();
  await page.waitForTimeout(300);
  await pause(page);
  await select(page, leader);
  await page.locator('details[data-panel="network"] > summary').click();
  await page.waitForFunction(() => document.querySelector('details[data-panel="network"]').open);
  assert.equal(await scrollY(page), 0, 'nothing scrolled');
  await assertInView(page, page.locator('svg.cluster'), 'the ring');
  const menu = page.getByRole('group', { name: `Actions for S${leader}` });
  await assertInView(page, menu.getByRole('button', { name: 'Crash', exact: true }), 'Crash');
  await assertInView(page, page.getByRole('button', { name: 'Request', exact: true }), 'Request');
  const network = page.locator('details[data-panel="network"]');
  for (const name of ['Partition', 'Heal', ...[1, 2, 3, 4, 5].map((id) => `Side of S${id}`)]) {
    await assertInView(page, network.getByRole('button', { name, exact: true }), name);
  }
  await assertInView(page, page.getByRole('button', { name: 'Pause server', exact: true }), 'Pause server');
  await assertInView(page, page.getByRole('button', { name: 'Remove from cluster', exact: true }), 'Remove');
  assert.deepEqual(problems, []);
  await page.close();
});

test("the selected server's actions stay put when the inspector grows with a leader's progress table", options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=7&speed=1`, desktop);
  const leader = await leaderId(page);
  await pause(page);
  const follower = leader === '1' ? '2' : '1';
  const places = async (id) => {
    await select(page, id);
    await page.locator(`.inspector[data-inspect-node="${id}"]`).waitFor();
    return {
      crash: await edges(page.getByRole('group', { name: `Actions for S${id}` }).getByRole('button', { name: 'Crash', exact: true })),
      pause: await edges(page.getByRole('button', { name: 'Pause server', exact: true })),
      remove: await edges(page.getByRole('button', { name: 'Remove from cluster', exact: true })),
    };
  };
  const asFollower = await places(follower);
  const asLeader = await places(leader);
  assert.equal(await page.locator('.inspector table.progress').count(), 1, 'the leader has its progress table');
  assert.deepEqual(asLeader, asFollower);
  assert.deepEqual(problems, []);
  await page.close();
});

test('at 1280 px the toolbar is one row, and its buttons do not move as the run grows', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=7&speed=1`, desktop);
  const tops = () => page.locator('.controls').evaluate((bar) => [...bar.querySelectorAll('button, .file-button')]
    .map((b) => ({ name: b.getAttribute('aria-label') ?? b.textContent, top: b.getBoundingClientRect().top })));
  const all = await tops();
  assert.ok(all.length >= 11, `${all.length} toolbar buttons`);
  const first = all[0].top;
  for (const { name, top } of all) {
    assert.ok(Math.abs(top - first) <= 4, `${name} is at ${top}, the toolbar's first button at ${first}`);
  }
  const help = page.getByRole('button', { name: 'Keyboard shortcuts', exact: true });
  const before = await edges(help);
  const events = () => page.locator('#raftlab').getAttribute('data-events-processed').then(Number);
  const eventsBefore = await events();
  await page.waitForFunction((n) => Number(document.querySelector('#raftlab').dataset.eventsProcessed) >= 10 * Math.max(n, 10),
    eventsBefore, { timeout: 20_000 });
  assert.deepEqual(await edges(help), before, 'the ? button stays where it was');
  await pause(page);
  // The current event's bar sits in the row's padding, clear of its time.
  const current = page.locator('.event-log li.current');
  if (await current.count()) {
    const gap = await current.evaluate((li) => li.querySelector('.at').getBoundingClientRect().left - li.getBoundingClientRect().left);
    assert.ok(gap >= 6, `the current event's time starts ${gap}px from its row's edge`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test("at 390×844 a tapped server's actions are in view and its selection shows", options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=7&speed=1`, phone);
  await leaderId(page);
  await pause(page);
  for (const id of ['3', '1']) {
    const body = ring(page, id).locator('.body');
    await body.scrollIntoViewIfNeeded();
    const b = await body.boundingBox();
    await page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
    const menu = page.getByRole('group', { name: `Actions for S${id}` });
    await menu.waitFor();
    await assertInView(page, menu.getByRole('button', { name: 'Crash', exact: true }), `S${id}'s Crash`);
    assert.equal(await ring(page, id).getAttribute('aria-pressed'), 'true');
    const stroke = await ring(page, id).locator('.selection-ring').evaluate((c) => parseFloat(getComputedStyle(c).strokeWidth));
    assert.ok(stroke >= 4, `the selection ring is ${stroke}px wide`);
  }
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrollWidth <= phone.width, `the page is ${scrollWidth}px wide`);
  assert.deepEqual(problems, []);
  await page.close();
});

test("at 390×844 the action sheet can be put away and a tap brings it back", options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=7&speed=1`, phone);
  await leaderId(page);
  await pause(page);
  const menu = page.getByRole('group', { name: 'Actions for S2' });
  const tap = async (id) => {
    const body = ring(page, id).locator('.body');
    await body.scrollIntoViewIfNeeded();
    const b = await body.boundingBox();
    await page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
  };
  await tap('2');
  await menu.waitFor();
  const close = menu.getByRole('button', { name: 'Hide the actions', exact: true });
  await assertInView(page, close, 'the sheet\'s close button');
  const b = await close.boundingBox();
  await page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
  await menu.waitFor({ state: 'hidden' });
  await tap('2');
  await menu.waitFor();
  await assertInView(page, menu.getByRole('button', { name: 'Crash', exact: true }), 'Crash, back again');
  assert.deepEqual(problems, []);
  await page.close();
});

test('at 1280×800 the close button of the phone sheet is not shown', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=7&speed=1`, desktop);
  await pause(page);
  assert.equal(await page.getByRole('button', { name: 'Hide the actions', exact: true }).isVisible(), false);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a "Next election" that finds nothing shows a notice and moves nothing', options, async () => {
  for (const viewport of [desktop, phone]) {
    const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=7&speed=1`, viewport);
    await leaderId(page);
    await pause(page);
    const cluster = page.locator('svg.cluster');
    const before = await edges(cluster);
    const toolbar = await edges(page.locator('.controls'));
    await page.getByRole('button', { name: 'Next election', exact: true }).click();
    const alert = page.locator('[role="alert"]', { hasText: 'no election' });
    await alert.waitFor();
    assert.deepEqual(await edges(cluster), before, `the ring moved at ${viewport.width}px`);
    assert.deepEqual(await edges(page.locator('.controls')), toolbar, `the toolbar moved at ${viewport.width}px`);
    await page.locator('.toasts').getByRole('button', { name: 'Dismiss', exact: true }).click();
    await page.waitForFunction(() => document.querySelectorAll('[role="alert"]').length === 0);
    assert.deepEqual(await edges(cluster), before);
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('selection, highlight, focus and flash have colours of their own, light and dark', options, async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { page } = await openPage(shared.browser, `${shared.server.url}?seed=7&speed=1`, desktop);
    await page.emulateMedia({ colorScheme });
    await pause(page);
    await select(page, '2');
    const colours = await page.evaluate(() => {
      const style = getComputedStyle(document.documentElement);
      return Object.fromEntries(['--select', '--highlight', '--focus', '--flash-fill', '--flash']
        .map((name) => [name, style.getPropertyValue(name).trim()]));
    });
    assert.equal(new Set(Object.values(colours)).size, 5, `${colorScheme}: ${JSON.stringify(colours)}`);
    // Keyboard focus on a button is an outline in the focus colour.
    await page.getByRole('button', { name: 'Request', exact: true }).focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return { style: s.outlineStyle, colour: s.outlineColor };
    });
    const focus = await page.evaluate((c) => {
      const probe = document.createElement('span');
      probe.style.color = c;
      document.body.append(probe);
      const rgb = getComputedStyle(probe).color;
      probe.remove();
      return rgb;
    }, colours['--focus']);
    assert.equal(outline.style, 'solid');
    assert.equal(outline.colour, focus);
    await page.close();
  }
});
