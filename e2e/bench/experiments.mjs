// The Experiments view's speed: opens `?experiment=PRESET` (figure16 by
// default: 6 lines, 5,100 trials), which runs at once, and reports the wall
// time until the last trial, the long tasks (> 50 ms) seen meanwhile and the
// longest. Nothing is asserted: it measures.
// Usage: node bench/experiments.mjs [preset]   (after make dist)
import { launch, startServer } from '../support.mjs';
const preset = process.argv[2] || 'figure16';
const server = await startServer();
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const problems = [];
page.on('pageerror', (e) => problems.push(e.message));
page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
await page.addInitScript(() => {
  window.__long = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: 'longtask', buffered: true });
});
const t0 = Date.now();
await page.goto(`${server.url}?experiment=${preset}`);
await page.waitForSelector('.experiment-progress');
await page.waitForFunction(() => { const p = document.querySelector('.experiment-progress'); return p && p.dataset.done === p.dataset.total; }, null, { timeout: 120000 });
const wallMs = Date.now() - t0;
const facts = await page.evaluate(() => ({
  longTasks: window.__long,
  longestMs: Math.max(0, ...window.__long.map(([, d]) => d)),
  trials: Number(document.querySelector('.experiment-progress').dataset.total),
}));
console.log(JSON.stringify({ preset, wallMsIncludingLoad: wallMs, ...facts, problems }));
await browser.close();
server.stop();
