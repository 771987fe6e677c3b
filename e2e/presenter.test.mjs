// Presenter mode on a 1920×1080 projector, driven as a lecturer does: the
// Present button pressed (mouse down, 100 ms, up) while the cluster plays,
// the type half as large again, the lecture panels (ring, logs, checkers)
// with one hidden and another shown, a server pressed while it plays, the
// hovered server glowing, and the keyboard alone (p, Space, ←/→). A link's
// `presenter=` opens it with the panels it names, and a narrated scenario's
// step is a large caption fixed to the bottom of the screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setUp, openPage, screenshots, ring, pressElement } from './support.mjs';

const shared = setUp();
const options = { timeout: 120_000 };
const projector = { width: 1920, height: 1080 };

const panelsShown = (page) =>
  page.$$eval('.presenter-panels > section[data-panel]', (s) => s.map((e) => e.dataset.panel));

// Is the element's box inside the viewport (all of it)?
async function onScreen(page, locator) {
  const box = await locator.boundingBox();
  const { width, height } = page.viewportSize();
  return box && box.x >= 0 && box.y >= 0 && box.x + box.width <= width + 1 && box.y + box.height <= height + 1;
}

test('the Present button makes a projector page of the lecture panels, driven by hand and by keys', options, async () => {
  const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=3&speed=1`, projector);
  const main = page.locator('#raftlab');
  assert.equal(await main.getAttribute('data-playing'), 'true');
  const clock = page.locator('.controls .clock');
  const before = (await clock.boundingBox()).height;

  await pressElement(page, page.getByRole('button', { name: 'Present' }));
  await page.waitForSelector('main.presenter');
  assert.equal(await page.getByRole('button', { name: 'Present' }).getAttribute('aria-pressed'), 'true');
  assert.equal(await main.getAttribute('data-playing'), 'true', 'presenting does not stop the run');
  assert.deepEqual(await panelsShown(page), ['cluster', 'log', 'checks']);
  const after = (await clock.boundingBox()).height;
  assert.ok(after >= before * 1.4, `type grows for the projector: ${before} → ${after} px`);
  assert.ok(await onScreen(page, page.locator('svg.cluster')), 'the whole ring is on the first screen');

  // A server pressed while it plays is selected (the zoomed page's
  // coordinates are where the hand is).
  await pressElement(page, ring(page, 2));
  assert.equal(await ring(page, 2).getAttribute('aria-pressed'), 'true', 'S2 selected by one press');

  // The hovered server glows.
  const body = ring(page, 4).locator('.body');
  const box = await body.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const glow = await body.evaluate((e) => getComputedStyle(e).filter);
  assert.match(glow, /drop-shadow/, 'the hovered server is highlighted');

  // Hide the logs; show the state diagram instead.
  await pressElement(page, page.getByRole('button', { name: 'Hide Logs' }));
  assert.deepEqual(await panelsShown(page), ['cluster', 'checks']);
  await page.getByRole('combobox', { name: 'Show a panel' }).selectOption('diagram');
  assert.deepEqual(await panelsShown(page), ['cluster', 'checks', 'diagram']);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(screenshots, 'presenter-1920.png') });

  // The keyboard alone: p leaves and comes back with the same panels,
  // Space pauses, → steps one event.
  await page.locator('h1').click();
  await page.keyboard.press('p');
  await page.waitForSelector('main:not(.presenter)');
  await page.keyboard.press('p');
  await page.waitForSelector('main.presenter');
  assert.deepEqual(await panelsShown(page), ['cluster', 'checks', 'diagram'], 'the panels chosen come back');
  await page.keyboard.press(' ');
  await page.waitForFunction(() => document.querySelector('#raftlab').dataset.playing === 'false');
  const at = Number(await main.getAttribute('data-position'));
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((a) => Number(document.querySelector('#raftlab').dataset.position) === a + 1, at);
  assert.deepEqual(problems, []);
});

test('a mission projected: its brief above, the ring still on the first screen', options, async () => {
  const url = `${shared.server.url}?mission=skip-prev-log-check&presenter=1`;
  const { page, problems } = await openPage(shared.browser, url, projector);
  await page.waitForSelector('main.presenter section.missions[data-mission="skip-prev-log-check"]');
  assert.ok(await onScreen(page, page.locator('section.missions')), 'the brief and checklist are in view');
  assert.ok(await onScreen(page, page.locator('svg.cluster')), 'so is the whole ring');
  assert.equal(await page.locator('.narration.idle').isVisible(), false, 'no scenario row while a mission is on');
  await page.screenshot({ path: path.join(screenshots, 'presenter-mission-1920.png') });
  assert.deepEqual(problems, []);
});

test('presenter= opens the named panels, and a scenario step is a large caption at the bottom', options, async () => {
  const url = `${shared.server.url}?seed=2&presenter=cluster,diagram,bogus`;
  const { page, problems } = await openPage(shared.browser, url, projector);
  await page.waitForSelector('main.presenter');
  assert.deepEqual(await panelsShown(page), ['cluster', 'diagram']);
  const notice = await page.locator('.toasts .notice').innerText();
  assert.match(notice, /presenter mode shows no panel "bogus"/);

  await page.getByRole('combobox', { name: 'Scenario' }).selectOption('split-vote');
  const bar = page.locator('.narration-bar');
  await bar.waitFor();
  assert.match(await bar.innerText(), /step 1 of/);
  const caption = await bar.boundingBox();
  assert.ok(Math.abs(caption.y + caption.height - projector.height) <= 2, `the caption sits on the bottom edge: ${JSON.stringify(caption)}`);
  const size = await page.locator('.narration-text').evaluate((e) => e.getBoundingClientRect().height);
  assert.ok(size > 0);
  const fontPx = await page.locator('.narration-text').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  assert.ok(fontPx >= 22, `the caption's type is large: ${fontPx}px before the page's zoom`);
  assert.ok(await onScreen(page, page.locator('svg.cluster')), 'the ring is on screen with the caption');
  const toast = await page.locator('.toasts .notice').boundingBox();
  assert.ok(toast.y + toast.height <= caption.y + 1, `the notice stands above the caption: ${JSON.stringify(toast)}`);
  const ringBox = await page.locator('svg.cluster').boundingBox();
  assert.ok(ringBox.y + ringBox.height <= caption.y + 1, `the caption covers none of the ring: ${JSON.stringify(ringBox)}`);

  // Next and back by keyboard.
  await page.locator('h1').click();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /step 2 of/.test(document.querySelector('.narration-bar').innerText));
  await page.screenshot({ path: path.join(screenshots, 'presenter-scenario-1920.png') });
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => /step 1 of/.test(document.querySelector('.narration-bar').innerText));
  assert.deepEqual(problems, []);
});
