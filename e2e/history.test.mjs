// The history panel draws the client operations as bars and explains the
// checker's verdict: for a linearizable run each bar carries its place in
// the order found; for a run broken by stale leader reads (the explorer's
// shrunk seed 54) the operations no order explains are marked and listed,
// and pressing one moves the playback to its answer. Presses are a
// person's: mouse down, 100 ms, up, at the element's coordinates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setUp, openPage, screenshots } from './support.mjs';

const shared = setUp();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const options = { timeout: 300_000 };

async function press(page, locator) {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  assert.ok(box, 'laid out');
  await page.mouse.move(box.x + Math.min(20, box.width / 2), box.y + box.height / 2);
  await page.mouse.down();
  await page.waitForTimeout(100);
  await page.mouse.up();
}

async function openHistory(page) {
  await press(page, page.locator('details[data-panel="history"] > summary'));
  await page.waitForSelector('details[data-panel="history"] .history-bar');
}

test('a linearizable run shows each operation in the order the checker found', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=3&speed=1`);
  await page.waitForSelector('svg.cluster [data-role="leader"]', { timeout: 20_000 });
  for (let i = 0; i < 3; i++) {
    await press(page, page.getByRole('button', { name: 'Request', exact: true }));
    await page.waitForTimeout(400);
  }
  await openHistory(page);
  await page.waitForFunction(() => document.querySelectorAll('.history-bar[data-place]:not([data-place=""])').length >= 3);
  const places = await page.locator('.history-bar').evaluateAll((bars) => bars.map((b) => b.dataset.place));
  assert.ok(places.filter(Boolean).length >= 3, places.join(','));
  assert.match(await page.locator('details[data-panel="history"] > summary').textContent(), /linearizable/);
  assert.equal(await page.locator('.history-bar.culprit').count(), 0);
  // Still playing: a press on the first bar moves the playback to its
  // answer, even though the axis grows under the pointer.
  assert.equal(await page.locator('#raftlab').getAttribute('data-playing'), 'true');
  const first = page.locator('.history-bar').first();
  const title = await first.getAttribute('title');
  const answered = Number(title.match(/answered at ([0-9.]+) s/)[1]);
  await press(page, first);
  await page.waitForFunction(() => document.querySelector('#raftlab').dataset.playing === 'false');
  const now = Number(await page.locator('#raftlab').getAttribute('data-now-us')) / 1e6;
  assert.ok(Math.abs(now - answered) < 0.001, `now ${now} s, answered at ${answered} s`);
  assert.deepEqual(problems, []);
});

test('a broken run marks and lists the operations no order explains', options, async () => {
  const { stdout } = await promisify(execFile)('cargo', [
    'run', '-q', '-p', 'raftlab-cli', '--', 'replay', '--seed', '54',
    '--bug', 'stale_leader_reads', '--shrink', '--page', shared.server.url,
  ], { cwd: root, maxBuffer: 64 * 1024 * 1024 }).catch((failed) => failed);
  const link = stdout.split('\n').filter((l) => l.startsWith('open it: ')).at(-1).slice('open it: '.length);
  for (const [width, height] of [[1280, 800], [390, 844]]) {
    const { page, problems } = await openPage(shared.browser, link, { width, height });
    await openHistory(page);
    assert.match(await page.locator('details[data-panel="history"] > summary').textContent(), /not linearizable/);
    const culprits = page.locator('.history-bar.culprit');
    assert.ok(await culprits.count() >= 2, 'culprits are drawn');
    const listed = page.locator('.history-culprits li');
    // Every operation to blame is listed, drawn in the window or not.
    const count = await listed.count();
    assert.ok(count >= await culprits.count(), `${count} listed`);
    const panel = page.locator('details[data-panel="history"]');
    await panel.scrollIntoViewIfNeeded();
    await panel.screenshot({ path: path.join(screenshots, `history-broken-${width}.png`) });
    // A drawn culprit is inside the viewport, not only in the DOM.
    await culprits.first().scrollIntoViewIfNeeded();
    const box = await culprits.first().boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= height && box.x >= 0 && box.x + box.width <= width,
      `culprit at ${JSON.stringify(box)}`);
    // Pressing the first listed one moves the playback back to its answer.
    const before = Number(await page.locator('#raftlab').getAttribute('data-now-us'));
    await press(page, listed.first().locator('button'));
    await page.waitForFunction((t) => Number(document.querySelector('#raftlab').dataset.nowUs) < t, before);
    assert.equal(await page.locator('#raftlab').getAttribute('data-playing'), 'false');
    assert.deepEqual(problems, []);
    await page.close();
  }
});
