// Narrated scenarios in the built page: step forward through one and back
// again, and the DOM at each step is exactly what it was on the way
// forward; leave the script, play freely, come back to the same state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setUp, openPage, screenshots } from './support.mjs';

const shared = setUp();
const options = { timeout: 90_000 };

// What a learner sees of the cluster: every server's role, term, commit
// index and liveness, and every log row's cells.
const snapshot = (page) => page.evaluate(() => {
  const servers = [...document.querySelectorAll('svg.cluster [data-node-id]')]
    .map((n) => `${n.dataset.nodeId}:${n.dataset.role}:${n.dataset.term}:${n.dataset.commitIndex}:${n.dataset.alive}`);
  const logs = [...document.querySelectorAll('[data-log-node]')]
    .map((row) => `${row.dataset.logNode}|${[...row.querySelectorAll('td')].map((c) => c.textContent.trim()).join(',')}`);
  return { servers, logs, now: document.querySelector('#raftlab').dataset.nowUs };
});

const step = (page) => page.locator('.narration').getAttribute('data-step');

async function load(page, id) {
  await page.getByRole('combobox', { name: 'Scenario' }).selectOption(id);
  await page.waitForFunction((s) => document.querySelector('.narration')?.dataset.scenario === s
    && document.querySelector('.narration').dataset.step === '0', id, { timeout: 20_000 });
}

// Waits for step `n`, then for the smooth scroll to that step's highlights
// to end: the sticky narration bar moves with the page until it sticks, and
// a press while it moves lands where Next was, as it would for a person.
async function waitStep(page, n) {
  try {
    await page.waitForFunction((k) => document.querySelector('.narration')?.dataset.step === String(k), n);
  } catch (error) {
    const at = await page.evaluate(() => document.querySelector('.narration')?.dataset.step);
    throw new Error(`step ${n} never came (the narration is at step ${at}): ${error.message}`);
  }
  await page.evaluate(() => new Promise((resolve) => {
    let last = window.scrollY;
    let calm = 0;
    const frame = () => {
      if (window.scrollY === last) calm += 1;
      else { calm = 0; last = window.scrollY; }
      if (calm >= 3) resolve();
      else requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }));
}

for (const id of ['replication-step-by-step', 'figure-8', 'leader-failover']) {
  test(`${id}: Next through every step, then Back returns to each exactly`, options, async () => {
    const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=1`);
    await load(page, id);
    assert.equal(await page.locator('#raftlab').getAttribute('data-playing'), 'false');
    const total = await page.locator('.narration-steps li').count();
    assert.ok(total >= 3, `${id} has ${total} steps`);
    const seen = [await snapshot(page)];
    const texts = [await page.locator('.narration-text').innerText()];
    for (let i = 1; i < total; i++) {
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      await waitStep(page, i);
      seen.push(await snapshot(page));
      texts.push(await page.locator('.narration-text').innerText());
    }
    assert.equal(await page.getByRole('button', { name: 'Next', exact: true }).isDisabled(), true);
    assert.equal(new Set(texts).size, total, 'every step has its own text');
    await page.screenshot({ path: path.join(screenshots, `scenario-${id}-last.png`) });
    for (let i = total - 2; i >= 0; i--) {
      // Back by button and by the keyboard, alternately.
      if (i % 2) await page.getByRole('button', { name: 'Back', exact: true }).click();
      else {
        await page.locator('.narration-text').click();
        await page.keyboard.press('ArrowLeft');
      }
      await waitStep(page, i);
      assert.deepEqual(await snapshot(page), seen[i], `step ${i + 1} of ${id} looks as it did`);
    }
    // The step list jumps straight to any step.
    await page.locator('.narration-steps summary').click();
    await page.getByRole('button', { name: `Go to step ${total}`, exact: true }).click();
    await waitStep(page, total - 1);
    assert.deepEqual(await snapshot(page), seen[total - 1]);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('leaving the script to play freely, then coming back, restores the step', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=1&speed=1`);
  await load(page, 'leader-failover');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await waitStep(page, 1);
  const before = await snapshot(page);
  await page.getByRole('button', { name: 'Leave the script', exact: true }).click();
  await waitStep(page, 'none');
  // Free play: crash every server there is, and let time run.
  const ids = await page.evaluate(() => [...document.querySelectorAll('svg.cluster [data-node-id]')].map((n) => n.dataset.nodeId));
  for (const id of ids) {
    await page.locator(`svg.cluster [data-node-id="${id}"]`).dispatchEvent('click');
    const crash = page.getByRole('group', { name: `Actions for S${id}` }).getByRole('button', { name: 'Crash', exact: true });
    if (await crash.isEnabled()) await crash.click();
  }
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await page.waitForTimeout(300);
  assert.notDeepEqual(await snapshot(page), before);
  await page.getByRole('button', { name: 'Back to the script', exact: true }).click();
  await waitStep(page, 1);
  assert.deepEqual(await snapshot(page), before);
  assert.equal(await page.locator('#raftlab').getAttribute('data-playing'), 'false');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a share link made during a scenario opens the same step of it', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=1`);
  await load(page, 'figure-8');
  for (let i = 1; i <= 3; i++) {
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await waitStep(page, i);
  }
  const here = await snapshot(page);
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const url = await page.getByRole('dialog', { name: 'Share link' })
    .getByRole('textbox', { name: 'Share link' }).inputValue();
  assert.match(url, /&scenario=figure-8&step=3/);
  const opened = await openPage(shared.browser, url);
  await opened.page.waitForFunction(() => document.querySelector('.narration')?.dataset.step === '3', null, { timeout: 20_000 });
  assert.equal(await opened.page.locator('.narration').getAttribute('data-scenario'), 'figure-8');
  assert.deepEqual(await snapshot(opened.page), here);
  assert.deepEqual([...problems, ...opened.problems], []);
  await opened.page.close();
  await page.close();
});
