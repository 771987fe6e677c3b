// The Experiments view (issue 15): an experiment runs in slices while the
// page answers, can be cancelled, is shared by a link that reproduces it,
// and any trial opens in the playground.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, openPage } from './support.mjs';

const shared = setUp();
const options = { timeout: 120_000 };

const progress = (page) => page.locator('.experiment-progress').evaluate((p) => ({
  done: Number(p.dataset.done), total: Number(p.dataset.total), text: p.textContent,
}));
const finished = (page) => page.waitForFunction(() => {
  const p = document.querySelector('.experiment-progress');
  return p && p.dataset.done === p.dataset.total;
}, null, { timeout: 60_000 });
const medians = (page) => page.locator('.experiment-table tbody tr').evaluateAll((rows) =>
  rows.map((r) => [r.dataset.line, r.querySelector('[data-median-us]').dataset.medianUs]));

test('opened from the page, an experiment runs to the end and draws every line', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=3`);
  await page.getByRole('button', { name: /Experiments/ }).click();
  await page.getByLabel('Trials per line').fill('40');
  await page.getByLabel('Trials per line').press('Tab');
  const run = await page.getByRole('button', { name: 'Run', exact: true }).boundingBox();
  await page.mouse.move(run.x + run.width / 2, run.y + run.height / 2);
  await page.mouse.down();
  await page.waitForTimeout(100);
  await page.mouse.up();
  await finished(page);
  const { done, total } = await progress(page);
  assert.equal(done, 40 * 6);
  assert.equal(total, 40 * 6);
  assert.equal(await page.locator('.experiment-table tbody tr').count(), 6);
  assert.equal(await page.locator('svg .cdf-line').count(), 6);
  // The cluster's shortcuts do not act behind the view.
  await page.keyboard.press('Space');
  assert.equal(await page.locator('#raftlab').getAttribute('data-playing'), 'false');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a running experiment answers a press and can be cancelled part-way', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?experiment=figure16`);
  await page.waitForFunction(() => Number(document.querySelector('.experiment-progress')?.dataset.done) > 0);
  const cancel = await page.getByRole('button', { name: 'Cancel', exact: true }).boundingBox();
  await page.mouse.move(cancel.x + cancel.width / 2, cancel.y + cancel.height / 2);
  await page.mouse.down();
  await page.waitForTimeout(100);
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector('.experiment-progress').textContent.includes('Cancelled'));
  const stopped = await progress(page);
  assert.ok(stopped.done < stopped.total, `${stopped.done} of ${stopped.total}`);
  await page.waitForTimeout(300);
  assert.equal((await progress(page)).done, stopped.done, 'no trial runs after Cancel');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the link to an experiment reproduces its results, and a trial opens in the playground', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?experiment=figure16-bottom&trials=30&seed=7`);
  await finished(page);
  const first = await medians(page);
  const href = await page.getByRole('link', { name: 'Link to this experiment' }).getAttribute('href');
  assert.equal(href, '?experiment=figure16-bottom&trials=30&seed=7');
  const again = await openPage(shared.browser, `${shared.server.url}${href}`);
  await finished(again.page);
  assert.deepEqual(await medians(again.page), first, 'the same seed gives the same medians');
  const worst = await again.page.locator('.experiment-table tbody tr').first().getByRole('link', { name: 'worst' }).getAttribute('href');
  const trial = await openPage(shared.browser, `${shared.server.url}${worst}`);
  await trial.page.waitForSelector('svg.cluster [data-node-id="1"]');
  assert.equal(await trial.page.locator('svg.cluster [data-node-id="1"]').getAttribute('data-alive'), 'false', 'the leader is down');
  assert.equal(await trial.page.locator('#raftlab').getAttribute('data-playing'), 'false');
  assert.deepEqual([...problems, ...again.problems, ...trial.problems], []);
  await Promise.all([page.close(), again.page.close(), trial.page.close()]);
});
