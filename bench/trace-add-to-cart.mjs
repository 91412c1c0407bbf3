// Where the time of one "Add to cart" goes, at 4× CPU (the conditions of bench/interaction.mjs):
// a Chromium performance trace (CDP `Tracing`, the DevTools timeline categories and V8's
// sampling profiler) around N clicks in the product grid. Prints, per click, the main thread's
// work from the click's input event to the frame that shows the new cart count — by trace event
// (event dispatch, script, style, layout, paint) and by function (self time from the CPU
// profile samples) — and writes the summary to bench/results/trace-add-to-cart-summary.json and
// the raw trace (several MB, not kept in git) to $TMPDIR/amigo-trace-add-to-cart.json for
// DevTools' Performance panel.
//
//   node bench/trace-add-to-cart.mjs [--clicks 5] [--top 15]
//
// Function names in wasm come from the module's name section: the shipped build strips it, so
// build with names kept to read them (scripts/build-widget.sh --profiling).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { launch, throttle, CPU_SLOWDOWN, PHONE } from './lib/browser.mjs';
import { BENCH, RESULTS, intOption, log, round, sleep, startProxySandbox, stop } from './lib/common.mjs';

const clicks = intOption('clicks', 5);
const top = intOption('top', 15);
const CATEGORIES = [
  'devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame',
  'v8.execute', 'blink.user_timing', 'latencyInfo', 'disabled-by-default-v8.cpu_profiler',
].join(',');

const server = await startProxySandbox();
const browser = await launch({ viewport: PHONE });
let events = [];
const marks = [];
try {
  const { context, page } = browser;
  await page.addInitScript({ path: path.join(BENCH, 'lib', 'probe.js') });
  const cdp = await throttle(context, page);
  await page.goto(server.info.proxy_url + '/', { waitUntil: 'load', timeout: 90000 });
  const grid = page.getByRole('region', { name: 'Products' });
  const addButtons = grid.getByRole('button', { name: /^Add\b.*\bto cart\b/i, disabled: false });
  await addButtons.first().waitFor({ timeout: 90000 });
  await page.waitForLoadState('networkidle', { timeout: 15000 }).catch(() => {});
  await sleep(1000);

  const chunks = [];
  cdp.on('Tracing.dataCollected', (e) => chunks.push(...e.value));
  const finished = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  for (let i = 0; i < clicks; i++) {
    const button = addButtons.nth(i);
    await button.scrollIntoViewIfNeeded();
    await sleep(300);
    await page.evaluate((i) => {
      const root = window.__bench.roots()[0];
      const text = () => (root.querySelector('.cart-count') || {}).textContent;
      const before = text();
      const m = (window.__click = { t0: null, frame: null });
      document.addEventListener('click', (e) => { m.t0 = e.timeStamp; performance.mark(`click-${i}`); }, { capture: true, once: true });
      const mo = new MutationObserver(() => {
        if (text() !== before) {
          mo.disconnect();
          requestAnimationFrame(() => { m.frame = performance.now(); performance.mark(`frame-${i}`); });
        }
      });
      mo.observe(root, { childList: true, characterData: true, subtree: true });
    }, i);
    await button.click();
    await page.waitForFunction(() => window.__click.frame != null, null, { timeout: 10000 });
    const m = await page.evaluate(() => window.__click);
    marks.push(m.frame - m.t0);
    await sleep(300);
  }
  await cdp.send('Tracing.end');
  await finished;
  events = chunks;
} finally {
  await browser.close();
  await stop(server.child);
  fs.rmSync(server.tmp, { recursive: true, force: true });
}

fs.mkdirSync(RESULTS, { recursive: true });
const traceFile = path.join(os.tmpdir(), 'amigo-trace-add-to-cart.json');
fs.writeFileSync(traceFile, JSON.stringify({ traceEvents: events }));
log(`wrote ${traceFile} (${events.length} events)`);

// ------------------------------------------------------------ analysis
// The renderer's main thread: the thread of the user-timing marks we set.
const clickMarks = events.filter((e) => /^click-\d+$/.test(e.name) && e.cat.includes('blink.user_timing'));
if (clickMarks.length === 0) throw new Error('no click marks in the trace');
const { pid, tid } = clickMarks[0];
const main = events.filter((e) => e.pid === pid && e.tid === tid);
const markTs = (name) => (main.find((e) => e.name === name) || {}).ts;

// CPU profile samples (V8 `ProfileChunk` events carry nodes and time deltas)
const nodes = new Map();
const samples = [];
for (const e of events.filter((x) => x.name === 'ProfileChunk' && x.pid === pid)) {
  const d = e.args.data || {};
  const prof = d.cpuProfile || {};
  for (const n of prof.nodes || []) nodes.set(n.id, n);
  let t = samples.length ? samples[samples.length - 1][0] : null;
  const deltas = d.timeDeltas || [];
  (prof.samples || []).forEach((id, i) => {
    t = (t == null ? (events.find((x) => x.name === 'Profile' && x.pid === pid)?.args?.data?.startTime ?? e.ts) : t) + deltas[i];
    samples.push([t, id]);
  });
}
const nameOf = (id) => {
  const n = nodes.get(id);
  if (!n) return '?';
  const f = n.callFrame || {};
  return f.functionName || `(${f.url ? path.basename(f.url) : 'anonymous'})`;
};

const report = [];
for (let i = 0; i < clicks; i++) {
  // the click's start: the first input event dispatch before our mark
  const cm = markTs(`click-${i}`);
  const fm = markTs(`frame-${i}`);
  if (cm == null || fm == null) continue;
  const input = main.filter((e) => e.name === 'EventDispatch' && e.ph === 'X' && e.ts <= cm && e.ts + e.dur >= cm);
  const start = input.length ? Math.min(...input.map((e) => e.ts)) : cm;
  const inWindow = main.filter((e) => e.ph === 'X' && e.ts >= start - 1 && e.ts < fm);
  const byName = {};
  for (const e of inWindow) {
    const key = e.name === 'EventDispatch' ? `EventDispatch ${e.args?.data?.type}` : e.name === 'FunctionCall' ? 'FunctionCall' : e.name;
    byName[key] = (byName[key] || 0) + e.dur / 1000;
  }
  const selfByFn = {};
  for (let k = 0; k < samples.length; k++) {
    const [t, id] = samples[k];
    if (t < start || t >= fm) continue;
    const next = samples[k + 1] ? samples[k + 1][0] : t;
    const name = nameOf(id);
    selfByFn[name] = (selfByFn[name] || 0) + (next - t) / 1000;
  }
  const sorted = (o) => Object.entries(o).sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => [k, round(v, 1)]);
  report.push({ click: i, measuredMs: round(marks[i], 1), traceWindowMs: round((fm - start) / 1000, 1), events: sorted(byName), selfTime: sorted(selfByFn) });
}
console.log(`Add to cart at ${CPU_SLOWDOWN}× CPU, ${PHONE.width}×${PHONE.height}: main-thread work from the click to the frame after the count changed`);
for (const r of report) {
  console.log(`click ${r.click}: ${r.measuredMs} ms (trace window ${r.traceWindowMs} ms)`);
  console.log(`  trace events (inclusive, nested ones overlap): ${r.events.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`  self time by function: ${r.selfTime.map(([k, v]) => `${k} ${v}`).join(', ')}`);
}
fs.writeFileSync(path.join(RESULTS, 'trace-add-to-cart-summary.json'), JSON.stringify({ cpuSlowdown: CPU_SLOWDOWN, clicks: report }, null, 2) + '\n');
