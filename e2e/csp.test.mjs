// The page under its Content-Security-Policy (web/csp.mjs, applied by make
// dist), and user data that looks like markup: a person sends a request
// whose key and value are HTML with handlers, shares the run, and the link
// is opened in a fresh page. The policy must hold without one violation
// while the page plays, opens its panels, shares and exports, and the
// hostile text must show as text (in the log table, the state machine and
// the event log) and never run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setUp, openPage, pressElement, screenshots } from './support.mjs';

const shared = setUp();
const options = { timeout: 60_000 };

const KEY = '<svg/onload=window.__pwned=1>';
const VALUE = '<img src=x onerror="window.__pwned=2">';

// Records every policy violation the page reports, from its first script.
async function watchPolicy(page) {
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
}

async function openWatched(url) {
  const { page, problems } = await openPage(shared.browser, 'about:blank', undefined, 'body');
  await watchPolicy(page);
  await page.goto(url);
  await page.waitForSelector('svg.cluster [data-role="leader"]', { timeout: 20_000 });
  return { page, problems };
}

async function typeInto(page, label, text) {
  const field = page.getByLabel(label, { exact: true });
  await pressElement(page, field);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

test('the page runs under its policy and shows hostile keys and values as text, shared or not', options, async () => {
  const { page, problems } = await openWatched(`${shared.server.url}?seed=2&speed=1`);
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline script is left');

  await pressElement(page, page.locator('details[data-panel="client"] > summary'));
  await typeInto(page, 'Key', KEY);
  await typeInto(page, 'Value', VALUE);
  await pressElement(page, page.getByRole('button', { name: 'Send', exact: true }));
  // Committed and applied: the state machine shows the key as text.
  await page.getByText(KEY, { exact: false }).first().waitFor({ timeout: 10_000 });
  for (const panel of ['network', 'config']) {
    await pressElement(page, page.locator(`details[data-panel="${panel}"] > summary`));
  }
  await pressElement(page, page.getByRole('button', { name: 'Share', exact: true }));
  const popover = page.getByRole('dialog', { name: 'Share link' });
  const url = await popover.getByRole('textbox', { name: 'Share link' }).inputValue();
  const download = page.waitForEvent('download');
  await pressElement(page, page.getByRole('button', { name: 'Export', exact: true }));
  await download;

  const opened = await openWatched(url);
  await opened.page.getByText(KEY, { exact: false }).first().waitFor({ timeout: 10_000 });
  await pressElement(opened.page, opened.page.getByRole('button', { name: 'Play', exact: true }));
  await opened.page.waitForTimeout(1_500);
  const shown = opened.page.locator('table.state-machine').getByText(KEY, { exact: false }).first();
  await shown.scrollIntoViewIfNeeded();
  await opened.page.screenshot({ path: path.join(screenshots, 'hostile-key.png') });

  for (const { page: p, problems: seen } of [{ page, problems }, opened]) {
    assert.equal(await p.evaluate(() => window.__pwned), undefined, 'no handler of the text ran');
    assert.equal(await p.locator('#raftlab img, #raftlab svg svg[onload]').count(), 0, 'no element was made of the text');
    assert.deepEqual(await p.evaluate(() => window.__violations), []);
    assert.deepEqual(seen, []);
  }
  await opened.page.close();
  await page.close();
});
