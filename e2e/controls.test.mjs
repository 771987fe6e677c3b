// Every control group of the page, as a learner uses it: partitions and
// heals, one-way cuts, a bug switch caught by the checker panel, dropping
// a message in flight, the client form, a live configuration change,
// pausing a server and growing the cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setUp, openPage, screenshots, ring, pause, select, leaderId } from './support.mjs';

const shared = setUp();

const options = { timeout: 60_000 };
const state = (page, name) => page.locator('#raftlab').getAttribute(name);

async function play(page) {
  await page.getByRole('button', { name: 'Play', exact: true }).click();
}

async function openPanel(page, name) {
  const details = page.locator(`details[data-panel="${name}"]`);
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  return details;
}

test('a partition cuts the leader off; the majority elects another; heal leaves one leader', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=1&speed=1`);
  const old = await leaderId(page);
  const oldTerm = Number(await ring(page, old).getAttribute('data-term'));
  await pause(page);
  const network = await openPanel(page, 'network');
  const partner = old === '1' ? '2' : '1';
  await network.getByRole('button', { name: `Side of S${old}`, exact: true }).click();
  await network.getByRole('button', { name: `Side of S${partner}`, exact: true }).click();
  await network.getByRole('button', { name: 'Partition', exact: true }).click();
  assert.equal(await page.locator('svg.cluster .partition-side').count(), 2, 'the two sides are shaded');
  assert.equal(await page.locator('svg.cluster .cut-link').count(), 0, 'no crossing lines for a clean partition');
  await play(page);
  await page.waitForFunction(
    ([id, term]) => [...document.querySelectorAll('svg.cluster [data-role="leader"]')]
      .some((n) => n.dataset.nodeId !== id && Number(n.dataset.term) > term),
    [old, oldTerm],
    { timeout: 10_000 },
  );
  // The old leader has not heard: it still thinks it leads its old term.
  assert.equal(await ring(page, old).getAttribute('data-role'), 'leader');
  await page.screenshot({ path: path.join(screenshots, 'partitioned.png') });
  await pause(page);
  await network.getByRole('button', { name: 'Heal', exact: true }).click();
  assert.equal(await page.locator('svg.cluster .partition-side').count(), 0);
  await play(page);
  await page.waitForFunction(
    () => document.querySelectorAll('svg.cluster [data-role="leader"]').length === 1
      && new Set([...document.querySelectorAll('svg.cluster [data-node-id]')].map((n) => n.dataset.term)).size === 1,
    null,
    { timeout: 10_000 },
  );
  assert.notEqual(await ring(page, old).getAttribute('data-role'), 'leader');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a bug switch plus its scenario shows a violation on the checker panel and pauses there', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=1&nodes=3&speed=1`);
  await pause(page);
  // A new run (another seed) of the basic algorithm (no no-op), with
  // servers that never time out by themselves and forget their vote when
  // they restart.
  const config = await openPanel(page, 'config');
  await config.getByLabel('Seed', { exact: true }).fill('11');
  await config.getByRole('checkbox', { name: 'No-op on election' }).uncheck();
  await config.getByLabel('Election timeout min').fill('60000');
  await config.getByLabel('Election timeout max').fill('90000');
  await config.getByRole('checkbox', { name: 'Forget the vote on restart (two votes in one term)' }).check();
  await config.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('#raftlab').dataset.position === '0');
  // S1 and S3 cannot hear each other.
  const network = await openPanel(page, 'network');
  for (const [from, to] of [['1', '3'], ['3', '1']]) {
    await network.getByLabel('Cut from').selectOption(from);
    await network.getByLabel('Cut to').selectOption(to);
    await network.getByRole('button', { name: 'Cut link', exact: true }).click();
  }
  const actOn = async (id, name) => {
    await select(page, id);
    await page.getByRole('group', { name: `Actions for S${id}` }).getByRole('button', { name, exact: true }).click();
  };
  const runFor = async (ms) => {
    const until = Number(await state(page, 'data-now-us')) + ms * 1000;
    await play(page);
    await page.waitForFunction((t) => Number(document.querySelector('#raftlab').dataset.nowUs) >= t
      || document.querySelector('#raftlab').dataset.playing === 'false', until);
    await pause(page);
  };
  await actOn('1', 'Timeout');
  await runFor(200);
  assert.equal(await ring(page, '1').getAttribute('data-role'), 'leader');
  await actOn('2', 'Crash');
  await actOn('2', 'Restart');
  await actOn('3', 'Timeout');
  await play(page);
  // The checker stops the playback where Election Safety breaks.
  const electionSafety = page.locator('.checks [data-property="Election Safety"]');
  await page.waitForFunction(
    () => document.querySelector('.checks [data-property="Election Safety"]')?.dataset.status === 'violated',
    null,
    { timeout: 10_000 },
  );
  assert.equal(await state(page, 'data-playing'), 'false');
  assert.match(await electionSafety.innerText(), /S1 and S3 were both leader in term 1/);
  assert.equal(await page.locator('svg.cluster [data-role="leader"]').count(), 2);
  assert.equal(await page.locator('.checks [data-property="Log Matching"]').getAttribute('data-status'), 'holds');
  await page.screenshot({ path: path.join(screenshots, 'violation.png') });
  // Back before it: the panel says it holds again, and the jump finds it.
  await page.getByRole('button', { name: 'Step back', exact: true }).click();
  await page.waitForFunction(
    () => document.querySelector('.checks [data-property="Election Safety"]').dataset.status === 'holds',
  );
  await page.getByRole('button', { name: 'Next violation', exact: true }).click();
  await page.waitForFunction(
    () => document.querySelector('.checks [data-property="Election Safety"]').dataset.status === 'violated',
  );
  assert.deepEqual(problems, []);
  await page.close();
});

test('a message in flight can be inspected, dropped and duplicated by clicking it', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=2&speed=1`);
  await leaderId(page);
  await pause(page);
  const messages = page.locator('svg.cluster [data-msg-id]');
  for (let i = 0; i < 200 && (await messages.count()) < 2; i++) {
    await page.getByRole('button', { name: 'Step', exact: true }).click();
  }
  const first = messages.first();
  const id = await first.getAttribute('data-msg-id');
  await first.dispatchEvent('click');
  const inspector = page.locator(`.inspector[data-inspect-msg="${id}"]`);
  await inspector.waitFor();
  assert.match(await inspector.innerText(), /term/);
  await inspector.getByRole('button', { name: 'Drop message', exact: true }).click();
  await page.waitForFunction(
    (m) => document.querySelector(`svg.cluster [data-msg-id="${m}"]`)?.dataset.msgDoomed === 'true', id);
  const second = await messages.nth(1).getAttribute('data-msg-id');
  await page.locator(`svg.cluster [data-msg-id="${second}"]`).dispatchEvent('click');
  await page.locator(`.inspector[data-inspect-msg="${second}"]`)
    .getByRole('button', { name: 'Duplicate message', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('svg.cluster [data-msg-duplicate="true"]') !== null);
  await page.screenshot({ path: path.join(screenshots, 'message-dropped.png') });
  // It flies on, and where it would have arrived the network drops it.
  for (let i = 0; i < 200 && (await page.locator(`svg.cluster [data-msg-id="${id}"]`).count()); i++) {
    await page.getByRole('button', { name: 'Step', exact: true }).click();
  }
  assert.match(await page.locator('.event-log li').first().innerText(), /the network drops/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the client form writes a key every server then holds', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=3&speed=1`);
  await leaderId(page);
  const client = await openPanel(page, 'client');
  await client.getByLabel('Operation', { exact: true }).selectOption({ label: 'put' });
  await client.getByLabel('Key', { exact: true }).fill('colour');
  await client.getByLabel('Value', { exact: true }).fill('blue');
  await client.getByRole('button', { name: 'Send', exact: true }).click();
  await page.waitForFunction(() => {
    const row = [...document.querySelectorAll('table.state-machine tbody tr')]
      .find((r) => r.querySelector('th')?.textContent.trim() === 'colour');
    return row && [...row.querySelectorAll('td')].every((c) => c.textContent.includes('blue'));
  }, null, { timeout: 10_000 });
  assert.deepEqual(problems, []);
  await page.close();
});

test('switching PreVote on mid-run keeps the run and makes a forced timeout a pre-candidate', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=4&speed=1`);
  const leader = await leaderId(page);
  await pause(page);
  const events = Number(await state(page, 'data-events-processed'));
  const config = await openPanel(page, 'config');
  await config.getByRole('checkbox', { name: 'PreVote' }).check();
  await config.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.waitForFunction((e) => Number(document.querySelector('#raftlab').dataset.eventsProcessed) === e, events);
  assert.match(await page.locator('.event-log li').first().innerText(), /you: configure/);
  const follower = leader === '1' ? '2' : '1';
  await select(page, follower);
  await page.getByRole('group', { name: `Actions for S${follower}` }).getByRole('button', { name: 'Timeout', exact: true }).click();
  await page.waitForFunction((id) => document.querySelector(`svg.cluster [data-node-id="${id}"]`).dataset.role === 'pre-candidate', follower);
  // The leader is still in charge: the others heard from it, so they refuse the pre-vote.
  assert.equal(await ring(page, leader).getAttribute('data-role'), 'leader');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a paused server falls behind and catches up; a new server joins the cluster', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=5&speed=1`);
  const leader = await leaderId(page);
  const follower = leader === '3' ? '4' : '3';
  await select(page, follower);
  await page.getByRole('button', { name: 'Pause server', exact: true }).click();
  await page.waitForFunction((id) => document.querySelector(`svg.cluster [data-node-id="${id}"]`).classList.contains('paused'), follower);
  await page.getByRole('button', { name: 'Request', exact: true }).click();
  await page.waitForFunction((id) => {
    const nodes = [...document.querySelectorAll('svg.cluster [data-node-id]')];
    const behind = nodes.find((n) => n.dataset.nodeId === id);
    return nodes.some((n) => Number(n.dataset.commitIndex) >= 2) && Number(behind.dataset.commitIndex) < 2;
  }, follower, { timeout: 10_000 });
  await page.getByRole('button', { name: 'Resume server', exact: true }).click();
  await page.waitForFunction((id) => Number(document.querySelector(`svg.cluster [data-node-id="${id}"]`).dataset.commitIndex) >= 2, follower, { timeout: 10_000 });
  await page.getByRole('button', { name: 'Add server', exact: true }).click();
  await page.waitForFunction(() => document.querySelectorAll('svg.cluster [data-node-id]').length === 6, null, { timeout: 10_000 });
  // Once it has caught up it is a voter in the leader's configuration.
  await select(page, leader);
  await page.waitForFunction(() => /S6/.test(document.querySelector('.inspector [data-field="voters"]')?.textContent ?? ''), null, { timeout: 15_000 });
  await page.screenshot({ path: path.join(screenshots, 'six-servers.png') });
  assert.deepEqual(problems, []);
  await page.close();
});
