// The colour theme: `theme=light|dark|auto` on the page and the frame, the
// `theme` option of mount() and the <raft-lab> attribute. A forced theme
// holds against the system's setting; auto follows the system, also when it
// changes while the page is open; a wrong value is named. Looked at in
// screenshots: the full page forced dark on a light system, forced light
// on a dark one, and printed (its panels without its controls).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setUp, screenshots } from './support.mjs';

const shared = setUp();
const options = { timeout: 90_000 };
const DARK_BG = 'rgb(18, 21, 27)';
const LIGHT_BG = 'rgb(245, 246, 248)';

// A page of `address` in a context whose system asks for `colorScheme`.
async function open(address, colorScheme) {
  const context = await shared.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${shared.server.url}${address}`);
  return { context, page, errors };
}

// The theme on the page's root and the background the reader sees.
const looks = (page, selector = 'html') => page.evaluate((selector) => {
  const root = document.querySelector(selector);
  return { theme: root.dataset.theme, background: getComputedStyle(document.body).backgroundColor };
}, selector);

test('a forced theme holds against the system; auto follows it, also as it changes', options, async () => {
  const dark = await open('?seed=4&theme=dark', 'light');
  await dark.page.waitForSelector('svg.cluster [data-role="leader"]', { timeout: 20_000 });
  assert.deepEqual(await looks(dark.page), { theme: 'dark', background: DARK_BG });
  await dark.page.screenshot({ path: path.join(screenshots, 'theme-dark-on-light-system.png') });
  assert.deepEqual(dark.errors, []);
  await dark.context.close();

  const light = await open('?seed=4&theme=light', 'dark');
  await light.page.waitForSelector('svg.cluster [data-role="leader"]', { timeout: 20_000 });
  assert.deepEqual(await looks(light.page), { theme: 'light', background: LIGHT_BG });
  await light.page.screenshot({ path: path.join(screenshots, 'theme-light-on-dark-system.png') });
  // Forced, it stays when the system changes.
  await light.page.emulateMedia({ colorScheme: 'light' });
  await light.page.emulateMedia({ colorScheme: 'dark' });
  assert.equal((await looks(light.page)).theme, 'light');
  await light.context.close();

  const auto = await open('?embed=1&seed=4&autoplay=0', 'dark');
  await auto.page.waitForSelector('.raftlab.embed');
  assert.deepEqual(await looks(auto.page), { theme: 'dark', background: DARK_BG });
  await auto.page.emulateMedia({ colorScheme: 'light' });
  await auto.page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
  assert.equal((await looks(auto.page)).background, LIGHT_BG);
  assert.deepEqual(auto.errors, []);
  await auto.context.close();
});

test('a bad theme in the address is a notice, and the system decides', options, async () => {
  const { context, page } = await open('?seed=4&theme=purple', 'dark');
  await page.waitForSelector('#raftlab');
  await page.getByText('theme="purple" must be light, dark or auto; following the system').waitFor();
  assert.equal((await looks(page)).theme, 'dark');
  await context.close();
});

test('mount() and <raft-lab> take a theme, and name a wrong one', options, async () => {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<link rel="stylesheet" href="raftlab.css"><script type="module" src="raft-lab.js"></script></head>
<body><div id="mounted"></div><raft-lab id="element" seed="3" nodes="3" theme="dark"></raft-lab></body></html>`;
  const context = await shared.browser.newContext({ viewport: { width: 1000, height: 1400 }, colorScheme: 'light' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route(`${shared.server.url}theme-host.html`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
  await page.goto(`${shared.server.url}theme-host.html`);
  const outcome = await page.evaluate(async () => {
    const { default: init, mount } = await import('./raftlab.js');
    await init();
    mount('#mounted', { seed: 2, nodes: 3, theme: 'dark', autoplay: false });
    let refused = null;
    try {
      mount(document.body.appendChild(document.createElement('div')), { theme: true });
    } catch (error) {
      refused = error.message;
    }
    return { refused };
  });
  assert.equal(outcome.refused, 'Raftlab mount: theme must be "light", "dark" or "auto", not the boolean true');
  const container = page.locator('#mounted > .raftlab-embed');
  assert.equal(await container.getAttribute('data-theme'), 'dark');
  await page.waitForFunction(() => getComputedStyle(document.querySelector('#mounted > .raftlab-embed section.embed')).backgroundColor !== '');
  const inside = page.locator('#element .raftlab-embed');
  await inside.waitFor();
  assert.equal(await inside.getAttribute('data-theme'), 'dark');
  await page.evaluate(() => document.getElementById('element').setAttribute('theme', 'light'));
  await page.waitForFunction(() =>
    document.getElementById('element').shadowRoot?.querySelector('.raftlab-embed')?.dataset.theme === 'light');
  assert.deepEqual(errors, []);
  await context.close();
});

test('printed, the page shows its panels and none of its controls', options, async () => {
  const { context, page, errors } = await open('?seed=4&speed=1', 'light');
  await page.waitForSelector('svg.cluster [data-role="leader"]', { timeout: 20_000 });
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.controls').isVisible(), false, 'no toolbar on paper');
  assert.equal(await page.getByRole('button', { name: 'Crash', exact: true }).isVisible(), false, 'no action buttons');
  assert.equal(await page.locator('svg.cluster').isVisible(), true, 'the ring is printed');
  await page.screenshot({ path: path.join(screenshots, 'print.png') });
  assert.deepEqual(errors, []);
  await context.close();
});
