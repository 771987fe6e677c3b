// Missions through the page, pressed as a person presses (mouse down,
// 100 ms, up): pick "Split the vote", crash S5 and time out S1 and S2
// while paused, play, and the page pauses at the step that met the goal,
// ticks the checklist and offers to replay it; the Share link taken there
// opens the same step in a fresh page. A predict mission asks before it
// plays on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { setUp, openPage, screenshots, ring, pressElement } from './support.mjs';

const shared = setUp();
const options = { timeout: 180_000 };

async function pick(page, id) {
  await page.getByRole('combobox', { name: 'Mission' }).selectOption(id);
  await page.waitForSelector(`section.missions[data-mission="${id}"]`);
}

async function act(page, node, label) {
  await pressElement(page, ring(page, node));
  const menu = page.getByRole('group', { name: `Actions for S${node}` });
  await menu.waitFor();
  await pressElement(page, menu.getByRole('button', { name: label, exact: true }));
}

test('a learner splits the vote with presses and the solution link reproduces it', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=1&speed=1`);
  await pick(page, 'split-vote');
  assert.equal(await page.locator('#raftlab').getAttribute('data-playing'), 'false', 'a mission starts paused');
  await act(page, 5, 'Crash');
  await act(page, 1, 'Timeout');
  await act(page, 2, 'Timeout');
  await pressElement(page, page.getByRole('button', { name: 'Play', exact: true }));
  await page.waitForSelector('section.missions[data-solved="true"]', { timeout: 20_000 });
  await page.waitForFunction(() => document.querySelector('#raftlab').dataset.playing === 'false');
  const outcome = page.locator('.mission-outcome.solved');
  const text = await outcome.innerText();
  const [, event] = text.match(/Mission solved at event (\d+)/) ?? [];
  assert.ok(event, text);
  assert.equal(await page.locator('.mission-goal li.held').count(), 1);
  const box = await outcome.boundingBox();
  await outcome.scrollIntoViewIfNeeded();
  assert.ok(box, 'the outcome is laid out');
  await page.screenshot({ path: path.join(screenshots, 'mission-solved.png') });

  // The progress file lists the mission with a link to the solution.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    pressElement(page, page.getByRole('button', { name: 'Export progress (1 solved)' })),
  ]);
  assert.equal(download.suggestedFilename(), 'raftlab-missions.json');
  const progress = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.equal(progress.format, 'raftlab-mission-progress');
  assert.deepEqual(progress.solved.map((m) => m.id), ['split-vote']);
  assert.match(progress.solved[0].solution, /^http:\/\/.*\?run=1\..*&mission=split-vote/);
  assert.match(progress.solved[0].solution, new RegExp(`&at=${event}&`));

  // Move away, then back to the solution.
  await pressElement(page, page.getByRole('button', { name: 'Play', exact: true }));
  await page.waitForTimeout(500);
  await pressElement(page, page.getByRole('button', { name: 'Replay my solution' }));
  const at = await page.locator('#raftlab').getAttribute('data-position');
  assert.equal(at, event, 'back at the step that met the goal');

  // The share link at that step opens it in a fresh page.
  await pressElement(page, page.getByRole('button', { name: 'Share', exact: true }));
  const link = await page.locator('input[aria-label="Share link"]').inputValue();
  assert.match(link, /run=/);
  const fresh = await openPage(shared.browser, link);
  await fresh.page.waitForFunction(
    (e) => document.querySelector('#raftlab').dataset.position === e,
    event,
  );
  const candidates = await fresh.page.locator('svg.cluster [data-role="candidate"]').count();
  assert.ok(candidates >= 2, `the split vote is on screen (${candidates} candidates)`);
  // The mission panel comes with it, solved at that event.
  await fresh.page.waitForSelector('section.missions[data-mission="split-vote"][data-solved="true"]');
  assert.match(await fresh.page.locator('.mission-outcome.solved').innerText(), new RegExp(`at event ${event}\\b`));
  assert.deepEqual(problems, []);
  assert.deepEqual(fresh.problems, []);
});

test('a learner breaks Log Matching with the bug switch on, and the checker is the judge', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=1&speed=1`);
  await pick(page, 'skip-prev-log-check');
  // S3 holds an entry 2 no one else has; a new leader S1 appends after its
  // own entry 2, and with the check skipped S3 takes it.
  await act(page, 1, 'Timeout');
  await pressElement(page, page.getByRole('button', { name: 'Play', exact: true }));
  await page.waitForSelector('section.missions[data-solved="true"]', { timeout: 20_000 });
  const check = page.locator('.checks [data-property="Log Matching"]');
  assert.equal(await check.getAttribute('data-status'), 'violated', 'the checker caught it');
  const text = await page.locator('.mission-outcome.solved').innerText();
  const [, event] = text.match(/Mission solved at event (\d+)/) ?? [];
  assert.ok(event, text);
  await pressElement(page, page.getByRole('button', { name: 'Share', exact: true }));
  const link = await page.locator('input[aria-label="Share link"]').inputValue();
  assert.match(link, /&mission=skip-prev-log-check/);
  const fresh = await openPage(shared.browser, link);
  await fresh.page.waitForSelector('section.missions[data-mission="skip-prev-log-check"][data-solved="true"]');
  assert.equal(await fresh.page.locator('#raftlab').getAttribute('data-position'), event);
  assert.equal(await fresh.page.locator('.checks [data-property="Log Matching"]').getAttribute('data-status'), 'violated');
  assert.deepEqual(problems, []);
  assert.deepEqual(fresh.problems, []);
});

test('a predict mission stops to ask and judges the answer by what happens', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=1&speed=1`);
  await pick(page, 'predict-who-wins');
  const question = page.getByRole('group', { name: 'Question' });
  await question.waitFor();
  const choices = question.getByRole('button');
  assert.ok((await choices.count()) >= 2);
  await pressElement(page, page.getByRole('button', { name: 'Play', exact: true }));
  await page.waitForFunction(() => document.querySelector('#raftlab').dataset.playing === 'false', null, { timeout: 20_000 });
  assert.match(await page.locator('[role="status"], [aria-live]').allInnerTexts().then((t) => t.join(' ')), /./);
  // S2: only its log is up to date enough for a majority.
  await pressElement(page, choices.nth(1));
  assert.equal(await choices.nth(1).getAttribute('aria-pressed'), 'true');
  await pressElement(page, page.getByRole('button', { name: 'Play', exact: true }));
  await page.waitForSelector('.mission-outcome.solved', { timeout: 30_000 });
  await page.screenshot({ path: path.join(screenshots, 'mission-predict.png') });
  // The share link carries the answer: a fresh page shows it solved.
  await pressElement(page, page.getByRole('button', { name: 'Share', exact: true }));
  const link = await page.locator('input[aria-label="Share link"]').inputValue();
  assert.match(link, /&mission=predict-who-wins&answer=1/);
  const fresh = await openPage(shared.browser, link);
  await fresh.page.waitForSelector('section.missions[data-mission="predict-who-wins"][data-solved="true"]');
  assert.deepEqual(problems, []);
  assert.deepEqual(fresh.problems, []);
});

test('a course links to a mission by its id and the page opens it at its start', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?mission=split-vote`);
  await page.waitForSelector('section.missions[data-mission="split-vote"]');
  assert.equal(await page.locator('section.missions').getAttribute('data-solved'), 'false');
  assert.equal(await page.locator('#raftlab').getAttribute('data-playing'), 'false');
  assert.equal(await page.locator('#raftlab').getAttribute('data-position'), '0');
  // Its tools are crash and timeout: the controls of the others are dimmed.
  await pressElement(page, ring(page, 1));
  const opacity = (name) => page.getByRole('group', { name: 'Actions for S1' })
    .getByRole('button', { name, exact: true })
    .evaluate((e) => Number(getComputedStyle(e).opacity));
  assert.equal(await opacity('Crash'), 1);
  assert.equal(await opacity('Timeout'), 1);
  assert.ok(await opacity('Make leader') < 0.5, 'a tool the mission does not give is dimmed');
  assert.ok(await opacity('Put') < 0.5);
  const request = await page.locator('.controls button[aria-label="Request"]')
    .evaluate((e) => Number(getComputedStyle(e).opacity));
  assert.ok(request < 0.5, 'the toolbar request is dimmed too');
  assert.deepEqual(problems, []);
});

test('a bug switch names the mission that shows it, and pressing it loads that mission', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=1&speed=1`);
  // Once a leader is elected the panels above stop growing, so the summary
  // stays where the hand goes.
  await page.waitForSelector('svg.cluster [data-role="leader"]', { timeout: 20_000 });
  await pressElement(page, page.locator('details[data-panel="config"] > summary'));
  const link = page.locator('details[data-panel="config"] .bug-shown-by button', { hasText: 'Mission: Bug: applying before committing' });
  await pressElement(page, link);
  await page.waitForSelector('section.missions[data-mission="apply-before-commit"]');
  assert.equal(await page.locator('#raftlab').getAttribute('data-playing'), 'false');
  assert.deepEqual(problems, []);
});
