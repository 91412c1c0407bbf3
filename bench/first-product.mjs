// First price on a slow phone: real Chromium (playwright-core) against `amigo-proxy --sandbox`
// with 4× CPU throttling and slow 4G (150 ms RTT, 1.6 Mbps down, 750 kbps up) over CDP, a fresh
// browser profile per run (cold cache). Median of N runs (default 7) at each width (default 360,
// then 320 and 1280; the phone width carries the headline figures), of:
//   navigation start → first visible Naira price (light DOM or shadow root: bench/lib/probe.js),
//   bytes on the wire before that price (CDP Network events: headers and body bytes as they
//   arrived, partial downloads included), the requests started before it,
//   → the store interactive: the host has `data-amigo-live` (the wasm store took over) and an
//   enabled "Add to cart" is on screen (the later of the two), → first product card, → first carousel, FCP, LCP, CLS (the whole window, so the
//   hand-over from the first view to the live store counts) and TBT.
//
//   node bench/first-product.mjs [--runs 7] [--widths 360,320,1280]
//
// The run window ends once the store is live, the network idle (≤ 10 s) and 1 s more. TBT is
// the sum of (duration − 50 ms) over long tasks that start after first contentful paint.

import path from 'node:path';
import fs from 'node:fs';

import { launch, throttle, SLOW_4G, CPU_SLOWDOWN } from './lib/browser.mjs';
import {
  BENCH, fail, intOption, judge, loadBudgets, log, median, round, saveResult, sleep, startProxySandbox, stop,
} from './lib/common.mjs';

const runs = intOption('runs', 7);
// how long to wait for `data-amigo-live` after the first price (a build from before that
// attribute never sets it: --live-timeout 1 measures one without waiting)
const liveTimeout = intOption('live-timeout', 60000);
const widthsArg = (() => {
  const i = process.argv.indexOf('--widths');
  return i >= 0 ? process.argv[i + 1] : process.env.BENCH_WIDTHS || '360,320,1280';
})();
const widths = widthsArg.split(',').map(Number);
if (widths.some((w) => !Number.isInteger(w) || w < 200 || w > 4000)) fail(`--widths wants widths in px such as 360,320,1280, got '${widthsArg}'`);
/** Viewport per width: phones are 740 px tall (the issue's 360×740), a laptop 800. */
const viewportOf = (width) => ({ width, height: width < 800 ? 740 : 800 });

/**
 * Records the page's network traffic from CDP events (monotonic seconds), so the bytes received
 * up to any moment can be summed: per request, its response headers (`responseReceived`), each
 * body chunk as it arrived (`dataReceived`), or its final total once `loadingFinished`.
 */
function recordNetwork(cdp) {
  const reqs = new Map();
  const get = (id) => {
    if (!reqs.has(id)) reqs.set(id, { url: null, start: null, wall: null, headers: null, chunks: [], done: null, total: null });
    return reqs.get(id);
  };
  cdp.on('Network.requestWillBeSent', (e) => {
    const r = get(e.requestId);
    if (r.start == null) { r.url = e.request.url; r.start = e.timestamp; r.wall = e.wallTime; r.type = e.type; }
  });
  cdp.on('Network.responseReceived', (e) => { get(e.requestId).headers = [e.timestamp, e.response.encodedDataLength || 0]; });
  cdp.on('Network.dataReceived', (e) => { get(e.requestId).chunks.push([e.timestamp, e.encodedDataLength || 0]); });
  cdp.on('Network.loadingFinished', (e) => { const r = get(e.requestId); r.done = e.timestamp; r.total = e.encodedDataLength; });
  return {
    /** The document request: maps the page's clock (wall ms) to CDP's monotonic seconds. */
    toMonotonic(wallMs) {
      const doc = [...reqs.values()].find((r) => r.type === 'Document' && r.wall != null);
      return doc ? doc.start + (wallMs / 1000 - doc.wall) : null;
    },
    /** Bytes received up to `t` (monotonic s), and the requests started by then. */
    upTo(t) {
      let bytes = 0;
      const started = [];
      for (const r of reqs.values()) {
        if (r.start == null || r.start > t) continue;
        const finished = r.done != null && r.done <= t;
        let b = finished ? r.total : 0;
        if (!finished) {
          if (r.headers && r.headers[0] <= t) b += r.headers[1];
          for (const [ts, n] of r.chunks) if (ts <= t) b += n;
        }
        bytes += b;
        started.push({ url: r.url.replace(/^https?:\/\/[^/]+/, ''), bytes: b, finished });
      }
      return { bytes, started };
    },
  };
}

const server = await startProxySandbox();
const byWidth = {};
try {
  for (const width of widths) {
    const viewport = viewportOf(width);
    const samples = [];
    for (let i = 1; i <= runs; i++) {
      const browser = await launch({ viewport });
      try {
        const { context, page } = browser;
        await page.addInitScript({ path: path.join(BENCH, 'lib', 'probe.js') });
        const cdp = await throttle(context, page);
        const net = recordNetwork(cdp);
        await page.goto(server.info.proxy_url + '/', { waitUntil: 'commit', timeout: 60000 });
        await page.waitForFunction(() => window.__bench && window.__bench.price != null, null, { timeout: 90000, polling: 100 })
          .catch(async (e) => { throw new Error(`${width} px run ${i}: no Naira price visible after 90 s (${await domSummary(page)}): ${e.message}`); });
        const live = await page.waitForFunction(() => window.__bench.live != null, null, { timeout: liveTimeout, polling: 100 })
          .then(() => true, () => false);
        if (!live) log(`${width} px run ${i}: the store was not live ${liveTimeout} ms after the first price (${await domSummary(page)})`);
        await page.waitForFunction(() => window.__bench.card != null && window.__bench.carousel != null, null, { timeout: 30000, polling: 250 })
          .catch(async () => log(`${width} px run ${i}: no card or carousel 30 s after the first price (${await domSummary(page)})`));
        await page.waitForLoadState('networkidle', { timeout: 10000 }).catch(() => {});
        await sleep(1000);
        const s = await page.evaluate(() => {
          const b = window.__bench;
          const start = b.fcp ?? 0;
          const tbt = b.longtasks.filter(([t]) => t >= start).reduce((sum, [, d]) => sum + Math.max(0, d - 50), 0);
          return {
            price: b.price, priceText: b.priceText, live: b.live, addButton: b.addButton,
            // interactive: the wasm store has taken over and an "Add to cart" is on screen
            interactive: b.live != null && b.addButton != null ? Math.max(b.live, b.addButton) : null, card: b.card, carousel: b.carousel, fcp: b.fcp, lcp: b.lcp,
            lcpTag: b.lcpTag, cls: b.cls, shifts: b.shifts, tbt, longtasks: b.longtasks.length, priceWall: performance.timeOrigin + b.price,
          };
        });
        const at = net.toMonotonic(s.priceWall);
        if (at == null) throw new Error(`${width} px run ${i}: CDP saw no document request`);
        const { bytes, started } = net.upTo(at);
        s.bytesBeforePrice = bytes;
        s.requestsBeforePrice = started;
        delete s.priceWall;
        samples.push(s);
        log(`${width} px run ${i}/${runs}: price ${round(s.price, 0)} ms ("${s.priceText}") after ${(bytes / 1024).toFixed(1)} KiB in ${started.length} requests, live ${round(s.live, 0)} ms, interactive ${round(s.interactive, 0)} ms, card ${round(s.card, 0)} ms, FCP ${round(s.fcp, 0)} ms, LCP ${round(s.lcp, 0)} ms (${s.lcpTag}), CLS ${s.cls.toFixed(4)}, TBT ${round(s.tbt, 0)} ms`);
      } finally {
        await browser.close();
      }
    }
    byWidth[width] = { viewport, summary: summarize(samples), samples };
  }
} finally {
  await stop(server.child);
  fs.rmSync(server.tmp, { recursive: true, force: true });
}

/** What the store shows, for an error message. */
async function domSummary(page) {
  return page.evaluate(() => {
    const roots = window.__bench ? window.__bench.roots() : [];
    const count = (sel) => roots.reduce((n, r) => n + r.querySelectorAll(sel).length, 0);
    return `${roots.length} shadow roots, ${count('article.card')} cards, ${count('section.carousel:not(.skeleton)')} carousels, ${count('[role=alert]')} alerts, scrollY ${window.scrollY}`;
  }).catch(() => 'page not readable');
}

function summarize(samples) {
  const summary = {};
  for (const k of ['price', 'bytesBeforePrice', 'live', 'addButton', 'interactive', 'card', 'carousel', 'fcp', 'lcp', 'cls', 'tbt']) {
    const v = samples.map((s) => s[k]).filter((x) => x != null);
    const digits = k === 'cls' ? 4 : 0;
    summary[k] = { median: round(median(v), digits), min: v.length ? round(Math.min(...v), digits) : null, max: v.length ? round(Math.max(...v), digits) : null, n: v.length };
  }
  // which files were asked for before the first price, in how many runs
  const seen = {};
  for (const s of samples) {
    const names = new Set(s.requestsBeforePrice.map((r) => r.url.replace(/-[0-9a-f]{16}(?=[._])/, '-HASH').replace(/\?.*$/, '?…')));
    for (const name of names) seen[name] = (seen[name] || 0) + 1;
  }
  summary.requestsBeforePrice = seen;
  return summary;
}

const phone = byWidth[widths[0]];
const s = phone.summary;
console.log(`First price at ${CPU_SLOWDOWN}× CPU, slow 4G, cold cache, median of ${runs} runs per width:`);
console.log(`  at ${widths[0]}×${phone.viewport.height}:`);
console.log(`    first visible Naira price     ${s.price.median} ms (min ${s.price.min}, max ${s.price.max})`);
console.log(`    bytes on the wire before it   ${(s.bytesBeforePrice.median / 1024).toFixed(1)} KiB`);
console.log(`    requests started before it    ${Object.entries(s.requestsBeforePrice).map(([u, n]) => `${u} (${n}/${runs})`).join(', ')}`);
console.log(`    store interactive             ${s.interactive.median} ms (host data-amigo-live ${s.live.median} ms, first enabled "Add to cart" visible ${s.addButton.median} ms)`);
console.log(`    first product card visible    ${s.card.median} ms; first carousel ${s.carousel.median} ms`);
console.log(`    FCP ${s.fcp.median} ms, LCP ${s.lcp.median} ms, TBT ${s.tbt.median} ms`);
for (const w of widths) console.log(`  CLS at ${w} px: median ${byWidth[w].summary.cls.median}, max ${byWidth[w].summary.cls.max}`);
const budgets = loadBudgets();
console.log('Budgets:');
const worstCls = Math.max(...widths.map((w) => byWidth[w].summary.cls.max ?? 0));
const verdicts = {
  first_price_ms: judge('first visible price', s.price.median, budgets.first_price_ms, ' ms'),
  bytes_before_price_kib: judge('bytes before the first price', round(s.bytesBeforePrice.median / 1024, 1), budgets.bytes_before_price_kib, ' KiB'),
  interactive_ms: judge('store interactive', s.interactive.median, budgets.interactive_ms, ' ms'),
  cls: judge(`CLS (worst run at ${widths.join(', ')} px)`, round(worstCls, 4), budgets.cls, ''),
};
saveResult('first-product', {
  runs, cpuSlowdown: CPU_SLOWDOWN, network: SLOW_4G, viewport: phone.viewport, widths,
  summary: s, byWidth, samples: phone.samples, verdicts,
});
