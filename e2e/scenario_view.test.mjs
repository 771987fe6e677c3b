// Every narration step shows what it points at: for every bundled scenario
// and every step, on a laptop (1280×800) and a phone (390×844), once the
// step opens (Next pressed with the mouse or with →), each highlighted
// thing (ringed log cells, messages on the ring, the state diagram's arrow;
// not ringed servers, which the page does not scroll to)
// lies inside the window, below the sticky narration bar and, for a log
// cell, clear of the log table's sticky server column; and the step's text
// is inside the window too. The sweeps run with reduced motion (instant
// scrolls); figure-8 steps 1, 4 and 8 are checked again with smooth
// scrolling and photographed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setUp, openPage, screenshots } from './support.mjs';

const shared = setUp();
const options = { timeout: 120_000 };
const laptop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };

async function load(page, id) {
  await page.getByRole('combobox', { name: 'Scenario' }).selectOption(id);
  await page.waitForFunction((s) => document.querySelector('.narration')?.dataset.scenario === s
    && document.querySelector('.narration').dataset.step === '0', id, { timeout: 20_000 });
}

// Next as a reader presses it: a real mouse press on the button, or → on
// the keyboard (alternately, from step 2 on; the focus is then on Next).
async function next(page, to, keyboard) {
  if (keyboard) {
    await page.keyboard.press('ArrowRight');
  } else {
    const box = await page.getByRole('button', { name: 'Next', exact: true }).boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  }
  await page.waitForFunction((k) => document.querySelector('.narration').dataset.step === String(k), to);
}

// Waits until neither the page nor any scroller has moved for three frames.
const settle = (page) => page.evaluate(() => new Promise((done) => {
  const where = () => [scrollX, scrollY, ...[...document.querySelectorAll('.log-scroll')].map((s) => s.scrollLeft)].join();
  let last = where();
  let still = 0;
  let frames = 0;
  const tick = () => {
    const now = where();
    still = now === last ? still + 1 : 0;
    last = now;
    frames += 1;
    if (still >= 3 || frames > 300) done();
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}));

// What is out of sight at this step, in words (empty when all is in view),
// and how many highlighted things there are.
const outOfView = (page) => page.evaluate(() => {
  const slack = 0.5;
  const box = (r) => `${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)}`;
  const inWindow = (r) => r.top >= -slack && r.left >= -slack
    && r.bottom <= innerHeight + slack && r.right <= innerWidth + slack;
  const problems = [];
  const text = document.querySelector('.narration-text').getBoundingClientRect();
  if (!inWindow(text)) problems.push(`the step text at ${box(text)}`);
  const bar = document.querySelector('.narration-bar').getBoundingClientRect();
  // Ringed servers count when a step rings nothing else (the ring is at the
  // top; with log cells ringed far below, both would not fit one screen).
  let all = [...document.querySelectorAll('.cell.highlighted, svg.cluster .msg.highlighted, .diagram .edge.highlighted')];
  if (all.length === 0) all = [...document.querySelectorAll('svg.cluster .node.highlighted')];
  for (const element of all) {
    const r = element.getBoundingClientRect();
    const what = `${element.getAttribute('class')} at ${box(r)}`;
    if (r.width === 0 && r.height === 0) problems.push(`${what}: not drawn`);
    else if (!inWindow(r)) problems.push(`${what}: outside the ${innerWidth}×${innerHeight} window`);
    else if (r.top < bar.bottom - slack) problems.push(`${what}: under the narration bar (its bottom at ${Math.round(bar.bottom)})`);
    const scroller = element.closest('.log-scroll');
    if (scroller) {
      const frame = scroller.getBoundingClientRect();
      const column = scroller.querySelector('th.server').getBoundingClientRect();
      if (r.left < column.right - slack || r.right > frame.right + slack) {
        problems.push(`${what}: scrolled out of the log table (${Math.round(column.right)}–${Math.round(frame.right)} shows)`);
      }
    }
  }
  return { count: all.length, problems };
});

const scenarioIds = (page) => page.evaluate(() => [...document.querySelectorAll('select[aria-label="Scenario"] option')]
  .map((o) => o.value).filter(Boolean));

// Opens every step of `ids` at `viewport`; returns the steps checked, how
// many highlighted things were seen, and every problem found.
async function sweep(viewport, pick = (ids) => ids) {
  const { page, problems: pageProblems } = await openPage(shared.browser, `${shared.server.url}?seed=1`, viewport);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const ids = pick(await scenarioIds(page));
  const found = [];
  let steps = 0;
  let highlights = 0;
  for (const id of ids) {
    await load(page, id);
    const total = await page.locator('.narration-steps li').count();
    for (let i = 0; i < total; i++) {
      if (i > 0) await next(page, i, i % 2 === 0);
      await settle(page);
      const { count, problems } = await outOfView(page);
      steps += 1;
      highlights += count;
      for (const p of problems) found.push(`${id} step ${i + 1}: ${p}`);
    }
  }
  assert.deepEqual(pageProblems, []);
  await page.close();
  return { ids, steps, highlights, found };
}

test('every step of every scenario shows its highlights and its text at 1280×800', options, async (t) => {
  const { ids, steps, highlights, found } = await sweep(laptop);
  t.diagnostic(`${ids.length} scenarios, ${steps} steps, ${highlights} highlighted things, ${found.length} out of view`);
  assert.ok(ids.length >= 20, `${ids.length} scenarios offered`);
  assert.deepEqual(found, []);
});

test('every step of every scenario shows its highlights and its text at 390×844', options, async (t) => {
  const { ids, steps, highlights, found } = await sweep(phone);
  t.diagnostic(`${ids.length} scenarios, ${steps} steps, ${highlights} highlighted things, ${found.length} out of view`);
  assert.deepEqual(found, []);
});

test('figure-8 steps 1, 4 and 8 scroll smoothly to their cells, photographed at both sizes', options, async () => {
  for (const [name, viewport] of [['laptop', laptop], ['phone', phone]]) {
    const { page, problems } = await openPage(shared.browser, `${shared.server.url}?seed=1`, viewport);
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await load(page, 'figure-8');
    for (let i = 0; i < 8; i++) {
      if (i > 0) await next(page, i, i % 2 === 0);
      if (![0, 3, 7].includes(i)) continue;
      await settle(page);
      const { count, problems: out } = await outOfView(page);
      assert.ok(count > 0, `figure-8 step ${i + 1} rings something`);
      assert.deepEqual(out, [], `figure-8 step ${i + 1} at ${name}`);
      assert.ok(await page.evaluate(() => scrollY) > 0, 'the page scrolled down to the logs');
      await page.screenshot({ path: path.join(screenshots, `scenario-view-figure-8-step-${i + 1}-${name}.png`) });
    }
    assert.deepEqual(problems, []);
    await page.close();
  }
});
