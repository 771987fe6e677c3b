// A failure the explorer shrank opens in the page at the violation: the CLI
// shrinks seed 0 with votes granted without the log check, prints a link,
// and the page opened from it shows Leader Completeness violated, paused,
// with the step the link names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setUp, openPage, screenshots } from './support.mjs';

const shared = setUp();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

test('a shrunk failure opens in the page at its violation', { timeout: 300_000 }, async () => {
  // The replay exits 1 (the seed fails), which rejects: its output is the same.
  const { stdout } = await promisify(execFile)('cargo', [
    'run', '-q', '-p', 'raftlab-cli', '--', 'replay', '--seed', '0',
    '--bug', 'vote_without_log_check', '--shrink', '--page', shared.server.url,
  ], { cwd: root, maxBuffer: 64 * 1024 * 1024 }).catch((failed) => failed);
  assert.ok(stdout, 'the CLI printed its run');
  const shrunk = stdout.match(/^shrunk: (\d+) of (\d+) commands/m);
  assert.ok(shrunk, stdout.slice(-2000));
  assert.ok(Number(shrunk[1]) <= 10 && Number(shrunk[1]) < Number(shrunk[2]), shrunk[0]);
  const link = stdout.split('\n').filter((line) => line.startsWith('open it: ')).at(-1).slice('open it: '.length);
  const position = new URL(link).searchParams.get('at');
  const { page, problems } = await openPage(shared.browser, link);
  await page.waitForFunction((at) => document.querySelector('#raftlab').dataset.position === at, position);
  const check = page.locator('.checks [data-property="Leader Completeness"]');
  await check.waitFor();
  assert.equal(await check.getAttribute('data-status'), 'violated');
  assert.equal(await page.locator('#raftlab').getAttribute('data-playing'), 'false');
  const box = await check.boundingBox();
  await page.screenshot({ path: path.join(screenshots, 'shrunk-violation.png') });
  assert.ok(box, 'the verdict is laid out');
  assert.deepEqual(problems, []);
});
