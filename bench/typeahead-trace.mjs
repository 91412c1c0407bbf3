// Where a typeahead keystroke's time goes, at 4× CPU (the throttling of interaction.mjs): a
// Chromium performance trace (CDP `Tracing`, with the V8 sampling profiler) of a scripted typing
// session in checkout's state/LGA combobox, answered from the widget's result cache (the session
// is typed once before tracing, so no key waits on the network). Prints the main thread's time by
// trace event (script, style, layout, paint) and the functions with the most self time in the
// sampled profile. Function names need a build that keeps the wasm name section
// (`WASM_OPT_KEEP_NAMES=1 scripts/build-widget.sh`); a shipped build shows `$func<N>`.
//
//   node bench/typeahead-trace.mjs [--out trace.json]

import fs from 'node:fs';
import path from 'node:path';

import { launch, throttle, PHONE } from './lib/browser.mjs';
import { BENCH, log, round, sleep, startProxySandbox, stop } from './lib/common.mjs';

const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? process.argv[outArg + 1] : null;
const SESSION = ['zar', 'ikej', 'kano', 'abuj'];
const CATEGORIES = [
  'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing',
  'disabled-by-default-v8.cpu_profiler',
];

const server = await startProxySandbox();
const browser = await launch({ viewport: PHONE });
try {
  const { context, page } = browser;
  await page.addInitScript({ path: path.join(BENCH, 'lib', 'probe.js') });
  await page.goto(server.info.proxy_url + '/', { waitUntil: 'load', timeout: 90000 });
  const add = page.getByRole('region', { name: 'Products' })
    .getByRole('button', { name: /^Add\b.*\bto cart\b/i, disabled: false }).first();
  await add.waitFor({ timeout: 90000 });
  await add.click();
  await page.evaluate(() => { location.hash = '#/checkout'; });
  const combo = page.getByRole('combobox').first();
  await combo.waitFor({ timeout: 30000 });
  const type = async () => {
    await combo.fill('');
    await combo.focus();
    for (const word of SESSION) {
      for (const ch of word) { await page.keyboard.press(ch); await sleep(900); }
      for (let i = 0; i < word.length; i++) { await page.keyboard.press('Backspace'); await sleep(900); }
    }
  };
  // fill the widget's result cache, unthrottled, so the traced keys never wait on the network
  await type();
  const cdp = await throttle(context, page, { network: null });
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES }, transferMode: 'ReportEvents' });
  await type();
  await cdp.send('Tracing.end');
  await complete;
  if (out) fs.writeFileSync(out, JSON.stringify({ traceEvents: events }));
  report(events);
} finally {
  await browser.close();
  await stop(server.child);
  fs.rmSync(server.tmp, { recursive: true, force: true });
}

/** The renderer's main thread: the thread named CrRendererMain with the most events. */
function mainThread(events) {
  const names = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args.name === 'CrRendererMain');
  const count = (t) => events.filter((e) => e.pid === t.pid && e.tid === t.tid).length;
  return names.map((t) => ({ pid: t.pid, tid: t.tid, n: count(t) })).sort((a, b) => b.n - a.n)[0];
}

function report(events) {
  const main = mainThread(events);
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid);
  // time by event name, only where the event is a keystroke's work (inside an EventDispatch of a
  // keydown/input/keyup, or a task that followed one: style, layout, paint, microtasks, timers)
  const byName = new Map();
  for (const e of onMain) {
    if (e.ph !== 'X' || !e.dur) continue;
    const k = e.name === 'EventDispatch' ? `EventDispatch(${e.args?.data?.type})` : e.name;
    byName.set(k, (byName.get(k) || 0) + e.dur / 1000);
  }
  const keys = SESSION.reduce((n, w) => n + 2 * w.length, 0);
  console.log(`Main thread, ${keys} keystrokes at 4× CPU (ms in total, nested events counted in each):`);
  for (const [k, ms] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 18)) {
    console.log(`  ${k.padEnd(40)} ${round(ms, 1)}`);
  }
  // the sampled profile: ProfileChunk events carry nodes (callFrame) and samples with time deltas
  const nodes = new Map();
  const samples = [];
  for (const e of events) {
    if (e.name !== 'ProfileChunk') continue;
    const p = e.args?.data?.cpuProfile || {};
    for (const n of p.nodes || []) nodes.set(`${e.id}:${n.id}`, n);
    const deltas = e.args.data.timeDeltas || [];
    (p.samples || []).forEach((s, i) => samples.push({ node: `${e.id}:${s}`, dt: deltas[i] || 0 }));
  }
  const self = new Map();
  let total = 0;
  for (let i = 0; i < samples.length; i++) {
    // a sample's time is the gap to the next sample
    const dt = (samples[i + 1]?.dt ?? 0) / 1000;
    const n = nodes.get(samples[i].node);
    const name = n ? (n.callFrame.functionName || `(${n.callFrame.url ? 'anonymous' : 'program'})`) : '?';
    if (name === '(idle)' || name === '(program)' || name === '(garbage collector)') {
      if (name !== '(idle)') self.set(name, (self.get(name) || 0) + dt);
      if (name === '(idle)') continue;
    } else {
      self.set(name, (self.get(name) || 0) + dt);
    }
    total += dt;
  }
  console.log(`Sampled profile, busy ${round(total, 1)} ms; most self time (ms):`);
  for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    console.log(`  ${round(ms, 1).toString().padStart(7)}  ${k.slice(0, 110)}`);
  }
  log(`trace: ${events.length} events${out ? `, written to ${out}` : ''}`);
}
