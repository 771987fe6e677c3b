// The built playground (dist/) as a user meets it: it loads, elects a leader,
// replaces a crashed leader, commits requests, survives bad URLs, and pauses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setUp, openPage, screenshots } from './support.mjs';

const shared = setUp();

const realTime = () => `${shared.server.url}?seed=1&speed=1`;
const options = { timeout: 30_000 };

test('the page loads with five servers, no errors and no foreign requests', options, async () => {
  const { page, problems } = await openPage(shared.browser, realTime());
  assert.equal(await page.locator('[data-node-id]').count(), 5);
  await page.waitForTimeout(500);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a leader is elected', options, async () => {
  const { page } = await openPage(shared.browser, realTime());
  await page.waitForSelector('[data-role="leader"]', { timeout: 5_000 });
  assert.equal(await page.locator('[data-role="leader"]').count(), 1);
  await page.close();
});

test('crashing the leader through the page elects a new leader in a higher term', options, async () => {
  const { page, problems } = await openPage(shared.browser, realTime());
  const leader = page.locator('[data-role="leader"]');
  await leader.waitFor({ timeout: 5_000 });
  const oldId = await leader.getAttribute('data-node-id');
  const oldTerm = Number(await leader.getAttribute('data-term'));
  // The ring redraws every frame, so the click is dispatched on the server's
  // element itself rather than at screen coordinates that may be mid-redraw.
  await page.locator(`[data-node-id="${oldId}"]`).dispatchEvent('click');
  // The menu follows the selection once the page has re-rendered.
  const menu = page.locator(`[aria-label="Actions for S${oldId}"]`);
  await menu.getByRole('button', { name: 'Crash', exact: true }).click({ force: true });
  await page.waitForFunction(
    ([id, term]) => [...document.querySelectorAll('[data-role="leader"][data-alive="true"]')]
      .some((n) => n.dataset.nodeId !== id && Number(n.dataset.term) > term),
    [oldId, oldTerm],
    { timeout: 10_000 },
  ).catch(async (e) => {
    const states = await page.evaluate(() => [...document.querySelectorAll('[data-node-id]')]
      .map((n) => `${n.dataset.nodeId}:${n.dataset.role}:${n.dataset.term}:${n.dataset.alive}`).join(' '));
    throw new Error(`${e.message}; crashed ${oldId} (term ${oldTerm}); servers now ${states}`);
  });
  assert.equal(await page.locator(`[data-node-id="${oldId}"]`).getAttribute('data-alive'), 'false');
  await page.screenshot({ path: path.join(screenshots, 'after-crash.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('client requests are committed', options, async () => {
  const { page } = await openPage(shared.browser, realTime());
  await page.waitForSelector('[data-role="leader"]', { timeout: 5_000 });
  const request = page.getByRole('button', { name: 'Request', exact: true });
  for (let i = 0; i < 3; i++) await request.click();
  // The leader's no-op entry, then the three requests.
  await page.waitForFunction(
    () => [...document.querySelectorAll('[data-role="leader"]')].some((n) => Number(n.dataset.commitIndex) >= 4),
    null,
    { timeout: 8_000 },
  );
  // Every live server learns the commit from the leader's next heartbeat.
  await page.waitForFunction(
    () => [...document.querySelectorAll('[data-node-id]')].every((n) => Number(n.dataset.commitIndex) >= 4),
    null,
    { timeout: 5_000 },
  );
  await page.screenshot({ path: path.join(screenshots, 'committed.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(screenshots, 'committed-phone.png'), fullPage: true });
  await page.close();
});

test('an invalid URL shows a message and falls back to the default cluster', options, async () => {
  const { page } = await openPage(shared.browser, `${shared.server.url}?nodes=42&seed=abc&speed=-1`);
  assert.ok(await page.locator('[role="alert"]').first().isVisible());
  assert.match(await page.locator('[role="alert"]').first().innerText(), /nodes|seed|speed/);
  assert.equal(await page.locator('[data-node-id]').count(), 5);
  await page.close();
});

test('pause stops virtual time and step processes one event', options, async () => {
  const { page } = await openPage(shared.browser, `${realTime()}&nodes=3`);
  assert.equal(await page.locator('[data-node-id]').count(), 3);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const events = () => page.locator('#raftlab').getAttribute('data-events-processed');
  const before = await events();
  await page.waitForTimeout(400);
  assert.equal(await events(), before);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await page.waitForFunction((b) => document.querySelector('#raftlab').dataset.eventsProcessed !== b, before);
  assert.equal(Number(await events()), Number(before) + 1);
  assert.equal(await page.getByRole('button', { name: 'Play', exact: true }).count(), 1);
  await page.close();
});

test('the whole page at 1280×800 and 390×844, light and dark, with nothing overlapping', options, async () => {
  for (const colorScheme of ['light', 'dark']) {
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=7&speed=1`, viewport);
      await page.emulateMedia({ colorScheme });
      await page.locator('svg.cluster [data-role="leader"]').waitFor({ timeout: 5_000 });
      await page.getByRole('button', { name: 'Request', exact: true }).click();
      await page.waitForTimeout(400);
      await page.getByRole('button', { name: 'Pause', exact: true }).click();
      // The first screen's panels sit side by side (or stacked) without overlapping.
      const boxes = await page.evaluate(() => [...document.querySelectorAll('.workspace > .panel')]
        .map((p) => { const r = p.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }));
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i], boxes[j]];
          const overlap = a[0] < b[2] - 1 && b[0] < a[2] - 1 && a[1] < b[3] - 1 && b[1] < a[3] - 1;
          assert.ok(!overlap, `panels ${i} and ${j} overlap at ${viewport.width}px: ${a} / ${b}`);
        }
      }
      // Nothing is wider than the screen except the scrollers built for it.
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scrollWidth <= viewport.width, `the page is ${scrollWidth}px wide at ${viewport.width}px`);
      // The first screen, then each panel below it scrolled into view (they
      // are only rendered once in sight: content-visibility).
      const name = `page-${colorScheme}-${viewport.width}`;
      await page.screenshot({ path: path.join(screenshots, `${name}.png`) });
      for (const panel of ['logs', 'state', 'spacetime']) {
        const section = page.locator(`.${panel}-panel`);
        await section.scrollIntoViewIfNeeded();
        await page.waitForTimeout(100);
        await section.screenshot({ path: path.join(screenshots, `${name}-${panel}.png`) });
      }
      assert.deepEqual(problems, []);
      await page.close();
    }
  }
});
