// Seeking in a one-hour run in the page: opens a share link of five
// servers under the default workload (3 clients, 20 operations a second)
// whose scrubber spans one hour, moves the scrubber to the end (the page
// plays the hour once: "explore"), then to SEEKS instants drawn at random
// over the hour, as dragging it does (an `input` event on the range), and
// times each from the event to the moment the page shows that instant (the
// playback's clock on the page's root). Prints the time the link took to
// open, the exploration, and the median, 95th percentile and maximum of
// the seeks.
// Nothing is asserted: it measures.
// Usage: node bench/seek.mjs [seeks]   (after make dist)
import { startServer, launch } from '../support.mjs';

const seeks = Number(process.argv[2] || 50);
// Seed 1, the default cluster, the default workload from the start: what
// `Session::new(1, Config::default())` with `Command::SetWorkload` gives.
const RUN = '1.AQJ7fQEAAAsBAxSQA2QD';
const HOUR_US = 3_600_000_000;

const server = await startServer();
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const problems = [];
page.on('pageerror', (e) => problems.push(e.message));
const opening = Date.now();
await page.goto(`${server.url}?run=${RUN}&end=${HOUR_US}`);
await page.waitForSelector('.scrubber input[type=range]');
const opened = Date.now() - opening;
const [explored, ...times] = await page.evaluate(async ([count, hour]) => {
  const root = document.querySelector('#raftlab');
  const range = document.querySelector('.scrubber input[type=range]');
  let state = 0x2545f491;
  const random = () => {
    state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const shown = (us) => new Promise((resolve) => {
    if (root.dataset.nowUs === String(us)) return resolve();
    const watch = new MutationObserver(() => {
      if (root.dataset.nowUs === String(us)) { watch.disconnect(); resolve(); }
    });
    watch.observe(root, { attributes: true, attributeFilter: ['data-now-us'] });
  });
  const measured = [];
  for (let i = 0; i <= count; i++) {
    const units = i === 0 ? hour / 1000 : Math.floor(random() * (hour / 1000));
    const begun = performance.now();
    range.value = String(units);
    range.dispatchEvent(new Event('input', { bubbles: true }));
    await shown(units * 1000);
    measured.push(performance.now() - begun);
    await new Promise((r) => setTimeout(r, 50));
  }
  return measured;
}, [seeks, HOUR_US]);
await browser.close();
server.stop();
const sorted = [...times].sort((a, b) => a - b);
const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const ms = (v) => `${v.toFixed(1)} ms`;
console.log(JSON.stringify({
  openedMs: opened,
  exploredMs: Math.round(explored),
  seeks: times.length,
  median: ms(at(0.5)),
  p95: ms(at(0.95)),
  max: ms(sorted[sorted.length - 1]),
  problems,
}));
