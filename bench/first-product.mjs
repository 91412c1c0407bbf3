// First product on a slow phone: real Chromium (playwright-core) against `amigo-proxy --sandbox`
// with 4× CPU throttling and slow 4G (150 ms RTT, 1.6 Mbps down, 750 kbps up) over CDP, a fresh
// browser profile per run (cold cache), 360×740. Median of N runs (default 7) of:
//   navigation start → first product card visible, → first carousel visible, LCP, CLS, TBT.
//
//   node bench/first-product.mjs [--runs 7]
//
// TBT is the sum of (duration − 50 ms) over long tasks (PerformanceObserver 'longtask') that
// start after first contentful paint, up to the end of the run window: first card and carousel
// visible, then the network idle (≤ 10 s) and 1 s more.

import path from 'node:path';
import fs from 'node:fs';

import { launch, throttle, SLOW_4G, CPU_SLOWDOWN, PHONE } from './lib/browser.mjs';
import {
  BENCH, intOption, judge, loadBudgets, log, median, round, saveResult, sleep, startProxySandbox, stop,
} from './lib/common.mjs';

const runs = intOption('runs', 7);
const server = await startProxySandbox();
const samples = [];
try {
  for (let i = 1; i <= runs; i++) {
    const browser = await launch({ viewport: PHONE });
    try {
      const { context, page } = browser;
      await page.addInitScript({ path: path.join(BENCH, 'lib', 'probe.js') });
      await throttle(context, page);
      await page.goto(server.info.proxy_url + '/', { waitUntil: 'commit', timeout: 60000 });
      await page.waitForFunction(() => window.__bench && window.__bench.card != null, null, { timeout: 90000, polling: 250 })
        .catch(async (e) => { throw new Error(`run ${i}: no product card visible after 90 s (${await domSummary(page)}): ${e.message}`); });
      const carousel = await page.waitForFunction(() => window.__bench.carousel != null, null, { timeout: 30000, polling: 250 })
        .then(() => true, () => false);
      if (!carousel) log(`run ${i}: no carousel visible 30 s after the first card (${await domSummary(page)})`);
      await page.waitForLoadState('networkidle', { timeout: 10000 }).catch(() => {});
      await sleep(1000);
      const s = await page.evaluate(() => {
        const b = window.__bench;
        const start = b.fcp ?? 0;
        const tbt = b.longtasks.filter(([t]) => t >= start).reduce((sum, [, d]) => sum + Math.max(0, d - 50), 0);
        return { card: b.card, carousel: b.carousel, fcp: b.fcp, lcp: b.lcp, lcpTag: b.lcpTag, cls: b.cls, shifts: b.shifts, tbt, longtasks: b.longtasks.length };
      });
      samples.push(s);
      log(`run ${i}/${runs}: card ${round(s.card, 0)} ms, carousel ${round(s.carousel, 0)} ms, FCP ${round(s.fcp, 0)} ms, LCP ${round(s.lcp, 0)} ms (${s.lcpTag}), CLS ${s.cls.toFixed(4)}, TBT ${round(s.tbt, 0)} ms (${s.longtasks} long tasks)`);
    } finally {
      await browser.close();
    }
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
    return `${count('article.card')} cards, ${count('section.carousel:not(.skeleton)')} carousels in the DOM, ${count('[role=alert]')} alerts, scrollY ${window.scrollY}`;
  }).catch(() => 'page not readable');
}

const pick = (k) => samples.map((s) => s[k]).filter((x) => x != null);
const summary = {};
for (const k of ['card', 'carousel', 'fcp', 'lcp', 'cls', 'tbt']) {
  const v = pick(k);
  summary[k] = { median: k === 'cls' ? round(median(v), 4) : round(median(v), 0), min: v.length ? Math.min(...v) : null, max: v.length ? Math.max(...v) : null, n: v.length };
}
console.log(`First product at ${CPU_SLOWDOWN}× CPU, slow 4G, cold cache, ${PHONE.width}×${PHONE.height}, median of ${runs} runs:`);
console.log(`  first product card visible  ${summary.card.median} ms (min ${round(summary.card.min, 0)}, max ${round(summary.card.max, 0)})`);
console.log(`  first carousel visible      ${summary.carousel.median} ms`);
console.log(`  first contentful paint      ${summary.fcp.median} ms`);
console.log(`  largest contentful paint    ${summary.lcp.median} ms`);
console.log(`  cumulative layout shift     ${summary.cls.median}`);
console.log(`  total blocking time         ${summary.tbt.median} ms`);
const budgets = loadBudgets();
console.log('Budgets:');
const verdicts = {
  first_product_card_ms: judge('first product card', summary.card.median, budgets.first_product_card_ms, ' ms'),
  cls: judge('CLS', summary.cls.median, budgets.cls, ''),
};
saveResult('first-product', { runs, cpuSlowdown: CPU_SLOWDOWN, network: SLOW_4G, viewport: PHONE, summary, samples, verdicts });
