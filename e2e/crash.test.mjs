// When the wasm side dies (a trap such as running out of memory, which
// ends in `unreachable`), the reader gets the crash box on screen, not a
// dead page: a message, a Restart button that reloads, and a backdrop that
// keeps presses off the broken page behind it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setUp, openPage, screenshots, ring, pressElement } from './support.mjs';

const shared = setUp();
const options = { timeout: 120_000 };

test('an uncaught WebAssembly trap shows the crash box, which blocks the page and restarts it', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=3&speed=1`);
  await page.waitForSelector('svg.cluster [data-role="leader"]', { timeout: 20_000 });
  // Thrown from a task of its own, as a trap inside an animation frame or
  // an event handler reaches the window: uncaught.
  await page.evaluate(() => setTimeout(() => { throw new WebAssembly.RuntimeError('unreachable'); }));
  const box = page.locator('.crash[role="alert"]');
  await box.waitFor({ timeout: 5_000 });
  assert.match(await box.innerText(), /Something went wrong inside the playground/);
  const shown = await box.boundingBox();
  assert.ok(shown && shown.y >= 0 && shown.y + shown.height <= 800, `the box is on screen: ${JSON.stringify(shown)}`);
  await page.screenshot({ path: path.join(screenshots, 'crash-box.png') });

  // A press where a server is lands on the backdrop, not on the server.
  const server = await ring(page, 2).boundingBox();
  assert.ok(server, 'the ring is laid out');
  const under = await page.evaluate(
    ([x, y]) => document.elementFromPoint(x, y)?.className,
    [server.x + server.width / 2, server.y + server.height / 2],
  );
  assert.equal(under, 'crash-backdrop');
  assert.equal(await page.locator('.crash').count(), 1, 'one box however many errors');

  await pressElement(page, box.getByRole('button', { name: 'Restart' }));
  await page.waitForSelector('svg.cluster [data-role="leader"]', { timeout: 20_000 });
  assert.equal(await page.locator('.crash, .crash-backdrop').count(), 0, 'a fresh page after Restart');
  assert.deepEqual(
    problems.filter((p) => !p.includes('unreachable')),
    [],
    'no problem besides the trap itself',
  );
});
