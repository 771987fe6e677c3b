// The Experiments view (issue 15): an experiment runs in slices while the
// page answers, can be cancelled, is shared by a link that reproduces it,
// and any trial opens in the playground.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setUp, openPage, pressElement, screenshots } from './support.mjs';

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
  await pressElement(page, page.getByRole('button', { name: /Experiments/ }));
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

// Types `text` into the field labelled `label` and leaves it, as a person does.
async function type(page, label, text) {
  const field = page.getByLabel(label, { exact: true });
  await pressElement(page, field);
  await field.fill(text);
  await field.press('Tab');
}

const rows = (page) => page.locator('.experiment-table tbody tr').evaluateAll((all) => all.map((r) => r.dataset.line));

test('a learner sets the timeout lines, the cluster and the candidates; bad values are named; the link keeps them', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=2`);
  await pressElement(page, page.getByRole('button', { name: /Experiments/ }));
  assert.equal(await page.locator('.timeout-line').count(), 6, "the preset's six lines");
  for (const line of [6, 5, 4, 3]) await pressElement(page, page.getByRole('button', { name: `Remove line ${line}` }));
  assert.equal(await page.locator('.timeout-line').count(), 2);
  await type(page, 'Timeout line 1', '100-120');
  await pressElement(page, page.getByRole('button', { name: '+ Add line' }));
  const run = page.getByRole('button', { name: 'Run', exact: true });
  await pressElement(page, run);
  assert.match(await page.getByRole('alert').innerText(), /Election timeouts, line 3: type MIN-MAX/);
  await type(page, 'Timeout line 3', '50-100');
  await type(page, 'Servers', '7');
  await type(page, 'Eligible candidates', '9');
  await pressElement(page, run);
  assert.match(await page.getByRole('alert').innerText(), /Eligible candidates: "9" is not a whole number from 1 to 8/);
  await type(page, 'Eligible candidates', '3');
  await type(page, 'Trials per line', '12');
  await type(page, 'Disk write (ms)', '2-3');
  await type(page, 'Timer jitter (ms)', '0.5');
  await type(page, 'Latency (ms)', '1-2');
  await pressElement(page, run);
  await finished(page);
  assert.equal(await page.getByRole('alert').count(), 0, 'the message goes once the values are good');
  assert.deepEqual(await rows(page), ['100–120 ms', '150–151 ms', '50–100 ms']);
  await page.screenshot({ path: path.join(screenshots, 'experiments-form.png'), fullPage: true });
  const href = await page.getByRole('link', { name: 'Link to this experiment' }).getAttribute('href');
  assert.equal(href, '?experiment=figure16&timeouts=100-120%2C150-151%2C50-100&trials=12&latency=1-2&disk=2-3&jitter=0.5&nodes=7&eligible=3&seed=1');
  const first = await medians(page);
  const again = await openPage(shared.browser, `${shared.server.url}${href}`);
  await finished(again.page);
  assert.deepEqual(await medians(again.page), first, 'the link reruns the same experiment');
  const values = await again.page.locator('.experiment-form input').evaluateAll((all) => all.map((i) => i.value));
  assert.deepEqual(values, ['100-120', '150-151', '50-100', '12', '1-2', '2-3', '0.5', '7', '3', '1']);
  assert.deepEqual([...problems, ...again.problems], []);
  await Promise.all([page.close(), again.page.close()]);
});

test('an embed shows an experiment as a panel, in an iframe page and mounted by a host page', options, async () => {
  const query = 'embed=1&experiment=figure16-bottom&timeouts=12-24,25-50&trials=20';
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?${query}`);
  assert.equal(await page.locator('#raftlab').getAttribute('data-panels'), 'experiments');
  await finished(page);
  assert.deepEqual(await rows(page), ['12–24 ms', '25–50 ms']);
  assert.equal(await page.getByRole('button', { name: /Back to the cluster/ }).count(), 0);
  assert.equal(await page.locator('#raftlab').getAttribute('data-playing'), 'false', 'no cluster plays unseen');
  const worst = page.locator('.experiment-table tbody tr').first().getByRole('link', { name: 'worst' });
  assert.equal(await worst.getAttribute('target'), '_blank');
  assert.match(await worst.getAttribute('href'), /^\/(index\.html)?\?run=[^&]+&at=1$/);
  // autoplay=0 waits for Run.
  const waiting = await openPage(shared.browser, `${shared.server.url}?${query}&autoplay=0`);
  await waiting.page.getByRole('button', { name: 'Run', exact: true }).waitFor();
  assert.equal(await waiting.page.locator('.experiment-progress').count(), 0);

  // The JavaScript API: a host page mounts one beside a cluster.
  const host = await openPage(shared.browser, `${shared.server.url}blog-post.html`, undefined, '#crash section.embed');
  await host.page.evaluate(async () => {
    const { mount } = await import('./raftlab.js');
    const element = document.createElement('div');
    element.id = 'experiment';
    document.body.append(element);
    window.raftlabExperiment = mount('#experiment', {
      panels: ['experiments'], experiment: 'experiment=figure16&timeouts=150-155&trials=15', link: 'index.html',
    });
  });
  await host.page.waitForFunction(() => {
    const p = document.querySelector('#experiment .experiment-progress');
    return p && p.dataset.done === p.dataset.total;
  }, null, { timeout: 60_000 });
  assert.deepEqual(await host.page.locator('#experiment .experiment-table tbody tr').evaluateAll((all) => all.map((r) => r.dataset.line)), ['150–155 ms']);
  const message = await host.page.evaluate(async () => {
    const { mount } = await import('./raftlab.js');
    const element = document.createElement('div');
    document.body.append(element);
    try { mount(element, { experiment: 'figure99' }); return 'mounted'; } catch (e) { return e.message; }
  });
  assert.match(message, /figure99/);
  assert.deepEqual([...problems, ...waiting.problems, ...host.problems], []);
  await Promise.all([page.close(), waiting.page.close(), host.page.close()]);
});

test("a trial's inspector shows the delays in force and the messages a disk write holds", options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?experiment=figure16&timeouts=150-155&trials=5`);
  await finished(page);
  const median = await page.locator('.experiment-table tbody tr').first().getByRole('link', { name: 'median' }).getAttribute('href');
  const trial = await openPage(shared.browser, `${shared.server.url}${median}`);
  const candidate = trial.page.locator('svg.cluster [data-role="candidate"]');
  for (let i = 0; i < 20 && !(await candidate.count()); i++) {
    await pressElement(trial.page, trial.page.getByRole('button', { name: 'Step', exact: true }));
    await trial.page.waitForTimeout(50);
  }
  const id = await candidate.first().getAttribute('data-node-id');
  await pressElement(trial.page, candidate.first());
  const inspector = trial.page.locator(`[data-inspect-node="${id}"]`);
  await inspector.waitFor();
  assert.equal(await inspector.locator('dd[data-field="timer jitter"]').innerText(), 'up to 0.5 ms late');
  assert.equal(await inspector.locator('dd[data-field="disk writes"]').innerText(), '1–2 ms each');
  assert.match(await inspector.locator('dd[data-field="disk"]').innerText(), /^writing to disk until t=0\.\d{3} s, 4 messages held$/);
  await inspector.locator('dd[data-field="disk"]').scrollIntoViewIfNeeded();
  await trial.page.screenshot({ path: path.join(screenshots, 'inspector-delays.png') });
  assert.deepEqual([...problems, ...trial.problems], []);
  await Promise.all([page.close(), trial.page.close()]);
});
