// A long run of the playground: `nodes` servers with a workload of simulated
// clients at `ops` operations a second, played at `speed` for `minutes` of
// wall time in Debian's Chromium. Every minute it prints the module's wasm
// memory, the frames per second over the last 10 s, the long tasks (> 50 ms)
// seen so far and the longest, the virtual clock and how far the scrubber's
// end is from it, and the machine's one-minute load average (other work
// on the machine moves the frame rate). Nothing is asserted: it measures.
// Usage: node bench/long-run.mjs [minutes] [speed] [ops-per-second] [nodes] [extra query]
//        (after make dist; `make bench-long` runs 30 minutes at 10x, 20 ops/s, 9 servers)
import { loadavg } from 'node:os';
import { startServer, launch } from '../support.mjs';

const minutes = Number(process.argv[2] || 30);
const speed = Number(process.argv[3] || 10);
const rate = String(process.argv[4] || 20);
const nodes = Number(process.argv[5] || 9);
const extra = process.argv[6] || '';

const server = await startServer();
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
await page.addInitScript(() => {
  const facts = { frames: [], longTasks: [] };
  window.__longRun = facts;
  const tick = (t) => {
    facts.frames.push(t);
    if (facts.frames.length > 2000) facts.frames.splice(0, 1000);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) facts.longTasks.push([entry.startTime, entry.duration]);
  }).observe({ type: 'longtask', buffered: true });
});
const problems = [];
page.on('pageerror', (e) => problems.push(e.message));
await page.goto(`${server.url}?seed=1&nodes=${nodes}&speed=${speed}${extra}`);
await page.waitForSelector('svg.cluster [data-role="leader"]', { timeout: 20_000 });
await page.locator('details[data-panel="client"] > summary').click();
await page.getByLabel('Operations per second').fill(rate);
await page.getByRole('checkbox', { name: 'Workload' }).check();
await page.locator('details[data-panel="client"] > summary').click();

const sample = () => page.evaluate(() => {
  const f = window.__longRun;
  const now = performance.now();
  const recent = f.frames.filter((t) => t > now - 10_000);
  const root = document.querySelector('#raftlab');
  const end = document.querySelector('.scrubber output')?.textContent ?? '';
  const late = f.longTasks.filter(([start]) => start > 1_000);
  return {
    wallS: Math.round(now / 1000),
    wasmMiB: +(window.wasmBindings.memoryBytes() / 1048576).toFixed(1),
    fps: +(recent.length / 10).toFixed(1),
    longTasks: late.length,
    longestMs: Math.round(Math.max(0, ...late.map(([, d]) => d))),
    virtualS: +(Number(root.dataset.nowUs) / 1e6).toFixed(1),
    events: Number(root.dataset.eventsProcessed),
    scrubberEnd: end,
    playing: root.dataset.playing,
  };
});

const rows = [];
for (let minute = 1; minute <= minutes; minute++) {
  await page.waitForTimeout(60_000);
  const row = { minute, ...(await sample()), load1: +loadavg()[0].toFixed(2) };
  rows.push(row);
  console.log(JSON.stringify(row));
}
await browser.close();
server.stop();
const first = rows[0];
const last = rows[rows.length - 1];
const growth = rows.length > 1
  ? ((last.wasmMiB - first.wasmMiB) * 1048576) / Math.max(1, last.virtualS - first.virtualS) / 1024
  : 0;
console.log(JSON.stringify({
  minutes, speed, opsPerSecond: Number(rate), nodes, problems,
  wasmMiBLast: last.wasmMiB,
  growthKiBPerVirtualSecondAfterMinute1: +growth.toFixed(2),
  fpsFirst: first.fps, fpsLast: last.fps,
  longTasksAfterFirstSecond: last.longTasks, longestMs: last.longestMs,
}));
