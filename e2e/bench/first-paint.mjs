// First paint of the playground: opens dist/ (served by python's
// http.server on loopback) RUNS times in fresh browser contexts (nothing
// cached) in Debian's Chromium, headless, at 1280×800, and prints the
// median and every run of: first contentful paint (the page's body is empty
// until the app's first render, so this is that render's paint); when the
// wasm had arrived; when it was compiled and instantiated (Trunk's
// TrunkApplicationStarted, just before the app starts); when the app's root
// element appeared; and when the first server was drawn. "render" is root
// minus started: the app's start and first render, the part the wasm's own
// work decides (the rest is loading, compiling, style, layout and paint). Times are ms from navigation start.
// Usage: node bench/first-paint.mjs [runs] [query]   (after make dist)
import { startServer, launch } from '../support.mjs';

const runs = Number(process.argv[2] || 5);
const query = process.argv[3] ?? '';

const server = await startServer();
const browser = await launch();
const samples = [];
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.addInitScript(() => {
      const marks = {};
      window.__firstPaintMarks = marks;
      addEventListener('TrunkApplicationStarted', () => { marks.started = performance.now(); });
      new MutationObserver(() => {
        if (marks.root === undefined && document.querySelector('#raftlab')) marks.root = performance.now();
        if (marks.server === undefined && document.querySelector('svg.cluster [data-node-id]')) marks.server = performance.now();
      }).observe(document, { childList: true, subtree: true });
    });
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${server.url}${query}`);
    await page.waitForSelector('svg.cluster [data-node-id]', { timeout: 10_000 });
    // The paint entry is queued a frame after the paint itself.
    await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
    const sample = await page.evaluate(() => {
      const wasm = performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'));
      return {
        fcp: performance.getEntriesByName('first-contentful-paint')[0].startTime,
        started: window.__firstPaintMarks.started,
        root: window.__firstPaintMarks.root,
        server: window.__firstPaintMarks.server,
        wasm: wasm ? wasm.responseEnd : NaN,
      };
    });
    if (problems.length > 0) throw new Error(problems.join('\n'));
    sample.render = sample.root - sample.started;
    samples.push(sample);
    await context.close();
  }
} finally {
  await browser.close();
  server.stop();
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const ms = (value) => `${value.toFixed(0)} ms`;
for (const key of ['fcp', 'wasm', 'started', 'root', 'server', 'render']) {
  const values = samples.map((s) => s[key]);
  console.log(`${key.padEnd(7)} median ${ms(median(values)).padStart(7)}   runs ${values.map(ms).join(', ')}`);
}
