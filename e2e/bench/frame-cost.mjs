// Frame cost of the playground: 9 servers with a workload of simulated
// clients, played at 1x for 10 s of wall time in Debian's Chromium. Every
// animation frame's callback is timed from its start until the microtask
// queue drains (the app's reducer, Yew's render and the DOM patch: "app"),
// and until the next task runs (that plus the browser's style, layout and
// paint for the frame: "frame"). Prints median, 95th percentile and max.
// Usage: node bench/frame-cost.mjs [seconds] [ops-per-second]   (after make dist)
import { startServer, launch, openPage } from '../support.mjs';

const seconds = Number(process.argv[2] || 10);
const rate = String(process.argv[3] || 20);

const server = await startServer();
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
await page.addInitScript(() => {
  const samples = { app: [], frame: [], recording: false };
  window.__frameSamples = samples;
  const channel = new MessageChannel();
  let pendingFrame = null;
  channel.port1.onmessage = () => {
    if (pendingFrame !== null && samples.recording) samples.frame.push(performance.now() - pendingFrame);
    pendingFrame = null;
  };
  const original = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) => original((timestamp) => {
    const start = performance.now();
    callback(timestamp);
    // Yew renders in a microtask queued by the dispatch: this one runs after it.
    Promise.resolve().then(() => Promise.resolve()).then(() => {
      if (samples.recording) samples.app.push(performance.now() - start);
    });
    pendingFrame = start;
    channel.port2.postMessage(0);
  });
});
const problems = [];
page.on('pageerror', (e) => problems.push(e.message));
await page.goto(`${server.url}?seed=1&nodes=9&speed=1&skip=${process.env.SKIP || ""}`);
await page.waitForSelector('svg.cluster [data-role="leader"]', { timeout: 10_000 });
await page.locator('details[data-panel="client"] > summary').click();
await page.getByRole('spinbutton', { name: 'Operations per second' }).fill(rate).catch(async () => {
  await page.getByLabel('Operations per second').fill(rate);
});
await page.getByRole('checkbox', { name: 'Workload' }).check();
await page.locator('details[data-panel="client"] > summary').click();
await page.waitForTimeout(1_000);
await page.evaluate(() => { window.__frameSamples.recording = true; });
await page.waitForTimeout(seconds * 1_000);
const result = await page.evaluate(() => {
  const s = window.__frameSamples;
  s.recording = false;
  return { app: s.app, frame: s.frame };
});
const facts = await page.evaluate(() => ({
  events: document.querySelector('#raftlab').dataset.eventsProcessed,
  nowUs: document.querySelector('#raftlab').dataset.nowUs,
  playing: document.querySelector('#raftlab').dataset.playing,
  commit: Math.max(...[...document.querySelectorAll('svg.cluster [data-node-id]')].map((n) => Number(n.dataset.commitIndex))),
}));
await browser.close();
server.stop();

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return {
    frames: sorted.length,
    median: at(0.5).toFixed(2),
    p95: at(0.95).toFixed(2),
    max: sorted[sorted.length - 1].toFixed(2),
    over16: sorted.filter((v) => v > 16).length,
  };
}
console.log(JSON.stringify({
  seconds, opsPerSecond: Number(rate), ...facts, problems,
  app_ms: summary(result.app), frame_ms: summary(result.frame),
}, null, 2));
