// Time travel in the built page: the scrubber, step back, jumps, the event
// log and the space-time diagram, and the keyboard shortcuts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setUp, openPage, screenshots } from './support.mjs';

const shared = setUp();

const options = { timeout: 40_000 };
const main = (page, name) => page.locator('#raftlab').getAttribute(name);
const servers = (page) => page.evaluate(() => [...document.querySelectorAll('svg.cluster [data-node-id]')]
  .map((n) => `${n.dataset.nodeId}:${n.dataset.role}:${n.dataset.term}:${n.dataset.alive}`).join(' '));

// Moves the scrubber the way a drag does: set the value, fire `input`.
async function scrubTo(page, ms) {
  await page.getByRole('slider', { name: 'Time' }).evaluate((input, value) => {
    input.value = String(value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, ms);
}

async function pause(page) {
  const pauseButton = page.getByRole('button', { name: 'Pause', exact: true });
  if (await pauseButton.count()) await pauseButton.click();
  await page.waitForFunction(() => document.querySelector('#raftlab').dataset.playing === 'false');
}

test('scrubbing back shows the cluster as it was before the leader crashed', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=1&speed=1`);
  const leader = page.locator('svg.cluster [data-role="leader"]');
  await leader.waitFor({ timeout: 5_000 });
  await pause(page);
  const oldId = await leader.getAttribute('data-node-id');
  const oldTerm = await leader.getAttribute('data-term');
  const beforeCrash = await servers(page);
  const crashedAtMs = Math.floor(Number(await main(page, 'data-now-us')) / 1000);
  await page.locator(`[data-node-id="${oldId}"]`).dispatchEvent('click');
  await page.getByRole('group', { name: `Actions for S${oldId}` })
    .getByRole('button', { name: 'Crash', exact: true }).click();
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await page.waitForFunction(
    ([id, term]) => [...document.querySelectorAll('svg.cluster [data-role="leader"][data-alive="true"]')]
      .some((n) => n.dataset.nodeId !== id && Number(n.dataset.term) > Number(term)),
    [oldId, oldTerm],
    { timeout: 10_000 },
  );
  await pause(page);
  // Back to the instant of the crash command minus a millisecond: the old leader leads again.
  await scrubTo(page, crashedAtMs - 1);
  await page.waitForFunction(
    (id) => document.querySelector(`svg.cluster [data-node-id="${id}"]`)?.dataset.role === 'leader',
    oldId,
  );
  assert.equal(await page.locator(`svg.cluster [data-node-id="${oldId}"]`).getAttribute('data-alive'), 'true');
  assert.equal(await page.locator(`svg.cluster [data-node-id="${oldId}"]`).getAttribute('data-term'), oldTerm);
  assert.equal((await servers(page)).split(' ').length, beforeCrash.split(' ').length);
  await page.screenshot({ path: path.join(screenshots, 'scrubbed-back.png') });
  // And forward again to the end: the crash is still in the recorded future.
  const endMs = await page.getByRole('slider', { name: 'Time' }).getAttribute('max');
  await scrubTo(page, Number(endMs));
  await page.waitForFunction(
    (id) => document.querySelector(`svg.cluster [data-node-id="${id}"]`)?.dataset.alive === 'false',
    oldId,
  );
  assert.deepEqual(problems, []);
  await page.close();
});

test('step back undoes exactly one event and the next-election jump lands on a new leader', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=4&speed=1`);
  await page.waitForTimeout(300);
  await pause(page);
  const events = async () => Number(await main(page, 'data-events-processed'));
  const position = async () => Number(await main(page, 'data-position'));
  const at = await position();
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await page.waitForFunction((p) => Number(document.querySelector('#raftlab').dataset.position) === p + 1, at);
  await page.getByRole('button', { name: 'Step back', exact: true }).click();
  await page.waitForFunction((p) => Number(document.querySelector('#raftlab').dataset.position) === p, at);
  await scrubTo(page, 0);
  await page.waitForFunction(() => Number(document.querySelector('#raftlab').dataset.position) === 0);
  assert.equal(await events(), 0);
  assert.equal(await page.locator('svg.cluster [data-role="leader"]').count(), 0);
  await page.getByRole('button', { name: 'Next election', exact: true }).click();
  await page.waitForFunction(() => document.querySelectorAll('svg.cluster [data-role="leader"]').length === 1);
  assert.equal(await main(page, 'data-playing'), 'false');
  // The event log's newest entry is the step that elected it.
  const newest = page.locator('.event-log li').first();
  assert.match(await newest.innerText(), /receives votes from majority of servers → leader/);
  assert.equal(await newest.getAttribute('data-position'), await main(page, 'data-position'));
  assert.deepEqual(problems, []);
  await page.close();
});

test('clicking an event in the log moves the playback there', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=2&speed=1`);
  await page.locator('svg.cluster [data-role="leader"]').waitFor({ timeout: 5_000 });
  await pause(page);
  const entry = page.locator('.event-log li').nth(10);
  const target = await entry.getAttribute('data-position');
  await entry.getByRole('button').click();
  await page.waitForFunction((p) => document.querySelector('#raftlab').dataset.position === p, target);
  assert.equal(await page.locator('.event-log li.current').getAttribute('data-position'), target);
  // The space-time diagram drew the messages of that stretch as arrows.
  const diagram = page.locator('.spacetime canvas');
  assert.ok(Number(await diagram.getAttribute('data-arrows')) > 5);
  assert.ok(Number(await diagram.getAttribute('data-role-marks')) >= 1);
  await page.screenshot({ path: path.join(screenshots, 'event-log-seek.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('keyboard shortcuts play, step and open the help overlay', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=3&speed=1`);
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelector('#raftlab').dataset.playing === 'false');
  const at = Number(await main(page, 'data-position'));
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((p) => Number(document.querySelector('#raftlab').dataset.position) === p + 1, at);
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction((p) => Number(document.querySelector('#raftlab').dataset.position) === p, at);
  await page.keyboard.press('3');
  await page.getByRole('group', { name: 'Actions for S3' }).waitFor();
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /step one event back/);
  await page.screenshot({ path: path.join(screenshots, 'help-overlay.png') });
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await page.keyboard.press('k');
  await page.waitForFunction(() => document.querySelector('#raftlab').dataset.playing === 'true');
  assert.deepEqual(problems, []);
  await page.close();
});
