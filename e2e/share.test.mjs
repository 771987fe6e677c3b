// Share links, export and import in the built page: a shared link opens on
// exactly what was on screen (every server's role, term, commit index and
// log, the selection, the open panel, the instant); a damaged link is a
// message over the default cluster; a damaged file changes nothing; an
// exported file imports back, from the Import field or dropped on the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setUp, openPage, screenshots, ring, pause, select, leaderId } from './support.mjs';

const shared = setUp();

const options = { timeout: 60_000 };
const main = (page, name) => page.locator('#raftlab').getAttribute(name);

// Everything a link must reproduce, as one comparable value.
const onScreen = (page) => page.evaluate(() => {
  const root = document.querySelector('#raftlab');
  return {
    position: root.dataset.position,
    now: root.dataset.nowUs,
    playing: root.dataset.playing,
    servers: [...document.querySelectorAll('svg.cluster [data-node-id]')].map((n) => ({
      id: n.dataset.nodeId,
      role: n.dataset.role,
      term: n.dataset.term,
      commit: n.dataset.commitIndex,
      alive: n.dataset.alive,
      selected: n.getAttribute('aria-pressed'),
    })),
    logs: [...document.querySelectorAll('tr[data-log-node]')].map((row) => ({
      node: row.dataset.logNode,
      cells: [...row.querySelectorAll('td')].map((cell) => `${cell.className}|${cell.textContent}`),
    })),
    open: [...document.querySelectorAll('details[data-panel]')].filter((d) => d.open).map((d) => d.dataset.panel),
    scrubberEnd: document.querySelector('input[aria-label="Time"]').max,
    speed: document.querySelector('input[aria-label="Speed"]').getAttribute('aria-valuetext'),
    alerts: [...document.querySelectorAll('[role="alert"]')].map((a) => a.textContent),
  };
});

// Moves the scrubber the way a drag does: set the value, fire `input`.
async function scrubTo(page, ms) {
  await page.getByRole('slider', { name: 'Time' }).evaluate((input, value) => {
    input.value = String(value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, ms);
}

async function shareLink(page) {
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const popover = page.getByRole('dialog', { name: 'Share link' });
  await popover.waitFor();
  return { popover, url: await popover.getByRole('textbox', { name: 'Share link' }).inputValue() };
}

async function exported(page) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export', exact: true }).click(),
  ]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
}

test('a shared link opens on exactly what was on screen, paused', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=1&speed=1`);
  const old = await leaderId(page);
  await pause(page);
  await select(page, old);
  await page.getByRole('group', { name: `Actions for S${old}` }).getByRole('button', { name: 'Crash', exact: true }).click();
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await page.waitForFunction(
    (id) => [...document.querySelectorAll('svg.cluster [data-role="leader"][data-alive="true"]')]
      .some((n) => n.dataset.nodeId !== id),
    old,
    { timeout: 10_000 },
  );
  await page.waitForTimeout(300);
  await pause(page);
  // Back a little: the link must carry the inputs after the instant too.
  const nowMs = Math.floor(Number(await main(page, 'data-now-us')) / 1000);
  await scrubTo(page, nowMs - 150);
  await page.waitForFunction((ms) => Number(document.querySelector('#raftlab').dataset.nowUs) <= ms * 1000, nowMs - 150);
  const other = old === '2' ? '3' : '2';
  await select(page, other);
  await page.locator('details[data-panel="network"] > summary').click();
  await page.waitForFunction(() => document.querySelector('details[data-panel="network"]').open);
  const before = await onScreen(page);
  assert.deepEqual(before.open, ['network']);

  const { popover, url } = await shareLink(page);
  assert.ok(url.startsWith(`${shared.server.url}?run=1.`), url);
  assert.match(url, new RegExp(`&at=${before.position}&`));
  assert.match(url, new RegExp(`&sel=${other}&open=network&speed=1$`));
  assert.ok(url.length < 2_000, `${url.length} characters`);
  await popover.getByRole('button', { name: 'Copy', exact: true }).waitFor();
  await page.waitForFunction(() => !document.querySelector('.share-status').textContent.startsWith('Copying'));
  await page.screenshot({ path: path.join(screenshots, 'share.png'), clip: { x: 0, y: 0, width: 1280, height: 420 } });
  await page.setViewportSize({ width: 360, height: 740 });
  await page.screenshot({ path: path.join(screenshots, 'share-narrow.png') });
  await page.setViewportSize({ width: 1280, height: 800 });

  const opened = await openPage(shared.browser, url);
  await opened.page.waitForFunction(() => document.querySelector('#raftlab').dataset.playing === 'false');
  const after = await onScreen(opened.page);
  assert.deepEqual(after, before);
  assert.equal(after.servers.find((s) => s.id === old).alive, 'false');
  assert.equal(after.servers.find((s) => s.id === other).selected, 'true');
  // Playing on from both reaches the same cluster: the future is the same.
  for (const p of [page, opened.page]) {
    await scrubTo(p, Number(before.scrubberEnd));
    await p.waitForFunction((end) => Number(document.querySelector('#raftlab').dataset.nowUs) >= end * 1000 - 1000, Number(before.scrubberEnd));
  }
  assert.deepEqual(await onScreen(opened.page), await onScreen(page));
  assert.deepEqual(problems, []);
  assert.deepEqual(opened.problems, []);
  await opened.page.close();
  await page.close();
});

test('a malformed or truncated link is a message over the default cluster, with no page error', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=3&speed=1`);
  await page.waitForTimeout(200);
  await pause(page);
  const { url } = await shareLink(page);
  await page.close();
  const token = new URL(url).searchParams.get('run');
  const broken = [
    ['?run=this-is-not-a-run', 'this is not a Raftlab run'],
    [`?run=${token.slice(0, Math.floor(token.length * 0.6))}`, 'the run is cut short'],
    [`?run=9${token.slice(1)}`, 'saved by a newer Raftlab'],
  ];
  for (const [query, reason] of broken) {
    const opened = await openPage(shared.browser, `${shared.server.url}${query}`);
    const alert = opened.page.getByRole('alert');
    await alert.waitFor();
    const text = await alert.textContent();
    assert.ok(text.startsWith('This link could not be opened: '), text);
    assert.ok(text.includes(reason), `${query}: ${text}`);
    assert.equal(await opened.page.locator('svg.cluster [data-node-id]').count(), 5);
    assert.equal(await main(opened.page, 'data-playing'), 'true', 'the default cluster runs');
    assert.deepEqual(opened.problems, []);
    await opened.page.close();
  }
  assert.deepEqual(problems, []);
});

test('a damaged file changes nothing; an exported file imports back', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=5&speed=1`);
  await leaderId(page);
  await page.getByRole('button', { name: 'Request', exact: true }).click();
  await page.waitForTimeout(300);
  await pause(page);
  const before = await onScreen(page);
  const importField = page.getByLabel('Import', { exact: true });
  await importField.setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"format": "raftlab-run", "version": 1, "seed": "5", "inputs": ['),
  });
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.equal(
    await alert.textContent(),
    'The file "broken.json" could not be opened: the run is cut short (was it copied or saved whole?).',
  );
  const { alerts, ...unchanged } = await onScreen(page);
  const { alerts: none, ...was } = before;
  assert.deepEqual(unchanged, was, 'the run stays as it was');
  assert.deepEqual(none, []);

  const file = await exported(page);
  assert.equal(file.name, 'raftlab-seed-5.json');
  const run = JSON.parse(file.text);
  assert.equal(run.format, 'raftlab-run');
  assert.equal(run.inputs.length, 1);

  const other = await openPage(shared.browser, `${shared.server.url}?seed=8&nodes=3&speed=1`);
  await other.page.getByLabel('Import', { exact: true }).setInputFiles({
    name: file.name, mimeType: 'application/json', buffer: Buffer.from(file.text),
  });
  await other.page.waitForFunction(() => document.querySelector('svg.cluster [data-node-id="5"]'));
  await other.page.waitForFunction(() => document.querySelector('#raftlab').dataset.playing === 'false');
  const last = run.inputs[run.inputs.length - 1];
  assert.equal(await main(other.page, 'data-position'), String(last.after_event + run.inputs.length), 'at its last input');
  assert.equal(await main(other.page, 'data-now-us'), String(last.at));
  assert.ok((await other.page.locator('.meta').textContent()).startsWith('seed 5 '));
  assert.equal((await exported(other.page)).text, file.text, 'the same run');
  assert.deepEqual(other.problems, []);
  await other.page.close();
  assert.deepEqual(problems, []);
  await page.close();
});

test('a file dragged over the page shows the drop target; dropped, it opens', options, async () => {
  const source = await openPage(shared.browser, `${shared.server.url}?seed=6&speed=1`);
  await leaderId(source.page);
  await pause(source.page);
  const file = await exported(source.page);
  await source.page.close();

  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=2&nodes=3&speed=1`);
  const transfer = await page.evaluateHandle((text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
    return data;
  }, file.text);
  await page.dispatchEvent('.cluster-panel', 'dragenter', { dataTransfer: transfer });
  await page.dispatchEvent('.cluster-panel', 'dragover', { dataTransfer: transfer });
  const target = page.locator('.drop-target');
  await target.waitFor();
  assert.equal(await target.textContent(), 'Drop a run file to open it');
  await page.screenshot({ path: path.join(screenshots, 'drop-target.png') });
  await page.dispatchEvent('.cluster-panel', 'drop', { dataTransfer: transfer });
  await target.waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.querySelector('.meta').textContent.startsWith('seed 6 '));
  assert.equal(await page.locator('svg.cluster [data-node-id]').count(), 5);
  assert.equal(await page.getByRole('alert').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});
