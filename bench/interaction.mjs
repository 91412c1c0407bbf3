// Interaction latency at 4× CPU and slow 4G (the same throttling as first-product.mjs), real
// Chromium against `amigo-proxy --sandbox`, 360×740:
//
// 1. click "Add to cart" → cart count updated: for N clicks over the products in the grid, the click
//    event's timestamp to the first rendering opportunity (requestAnimationFrame) after the
//    cart count's text changed. p50/p95.
// 2. "Checkout" on the cart page once the checkout module was prefetched → the form shown.
// 3. keystroke → typeahead options rendered, in checkout's state/LGA combobox, over a scripted
//    typing session. Each keystroke is measured alone (the next one waits until it settled):
//    from the keydown's timestamp to the first rendering opportunity after the listbox changed
//    and every `locations.php` request started since the key had its body read. Network time —
//    from a request's start to its body read, as seen by the page — is subtracted and reported
//    apart. The session is typed twice: pass 1 with the widget's result cache cold (network
//    subtracted), pass 2 the same keys again, answered from the widget's cache (no network).
//
//   node bench/interaction.mjs [--clicks 24] [--clicks-only]
//
// --clicks-only measures the add-to-cart part alone (before/after comparisons of that path).

import fs from 'node:fs';
import path from 'node:path';

import { launch, throttle, CPU_SLOWDOWN, PHONE, SLOW_4G } from './lib/browser.mjs';
import {
  BENCH, intOption, judge, loadBudgets, log, percentile, round, saveResult, sleep, startProxySandbox, stop,
} from './lib/common.mjs';

const clicks = intOption('clicks', 24);
const clicksOnly = process.argv.includes('--clicks-only');
// Typed one key at a time; Backspace-separated words, as a shopper correcting themselves.
const SESSION = ['zar', 'ikej', 'kano', 'port h', 'abuj', 'suru'];
// A key that made no request is settled once the widget's 250 ms debounce could no longer
// have started one (src/checkout/typeahead.rs DEBOUNCE_MS), with room for 4× CPU.
const QUIET_MS = 700;

const server = await startProxySandbox();
const browser = await launch({ viewport: PHONE });
const result = { clicks: null, typeahead: null };
try {
  const { context, page } = browser;
  await page.addInitScript({ path: path.join(BENCH, 'lib', 'probe.js') });
  await page.addInitScript({ path: path.join(BENCH, 'lib', 'interaction-probe.js') });
  await throttle(context, page);
  await page.goto(server.info.proxy_url + '/', { waitUntil: 'load', timeout: 90000 });
  const grid = page.getByRole('region', { name: 'Products' });
  const addButtons = grid.getByRole('button', { name: /^Add\b.*\bto cart\b/i, disabled: false });
  await addButtons.first().waitFor({ timeout: 90000 });
  await page.waitForLoadState('networkidle', { timeout: 15000 }).catch(() => {});

  // ------------------------------------------------------------ add to cart
  // each enabled button in the grid in turn, round after round (one more unit of the same
  // product also changes the count); a click that changes nothing (a stock cap) is left out
  const available = await addButtons.count();
  const n = clicks;
  const clickMs = [];
  for (let i = 0; i < n; i++) {
    const button = addButtons.nth(i % available);
    await button.scrollIntoViewIfNeeded();
    await sleep(300);
    await page.evaluate(() => {
      const root = window.__bench.roots()[0];
      const text = () => (root.querySelector('.cart-count') || {}).textContent;
      const before = text();
      const m = (window.__click = { t0: null, changed: null, frame: null });
      document.addEventListener('click', (e) => { m.t0 = e.timeStamp; }, { capture: true, once: true });
      const mo = new MutationObserver(() => {
        if (m.changed == null && text() !== before) {
          m.changed = performance.now();
          mo.disconnect();
          requestAnimationFrame(() => { m.frame = performance.now(); });
        }
      });
      mo.observe(root, { childList: true, characterData: true, subtree: true });
    });
    await button.click();
    const changed = await page.waitForFunction(() => window.__click.frame != null, null, { timeout: 10000 }).then(() => true, () => false);
    if (!changed) { log(`click ${i + 1}: the cart count did not change (a stock cap?): left out`); continue; }
    const m = await page.evaluate(() => window.__click);
    clickMs.push(m.frame - m.t0);
  }
  result.clicks = {
    n: clickMs.length, p50: round(percentile(clickMs, 50), 1), p95: round(percentile(clickMs, 95), 1),
    max: round(Math.max(...clickMs), 1), samples: clickMs.map((x) => round(x, 1)),
  };
  log(`add to cart → count updated: p50 ${result.clicks.p50} ms, p95 ${result.clicks.p95} ms over ${result.clicks.n} clicks`);
  if (!clicksOnly) await checkoutAndTypeahead(page);
} finally {
  await browser.close();
  await stop(server.child);
  fs.rmSync(server.tmp, { recursive: true, force: true });
}

/** The "Checkout" press after the prefetch, then the typeahead sessions (into `result`). */
async function checkoutAndTypeahead(page) {
  // ------------------------------------------------------------ Checkout after the prefetch
  // The checkout module is fetched when the browser idles (the cart holds items by now): once it
  // is there, press "Checkout" on the cart page and time the click to the first frame after the
  // name field shows. Repeated from browse each time; only the first needs to instantiate the
  // module, the rest show the cost of the page itself.
  const checkoutMs = [];
  await page.waitForFunction(() => performance.getEntriesByType('resource')
    .some((e) => /split_checkout-[0-9a-f]{16}\.wasm$/.test(e.name) && e.responseEnd > 0), null, { timeout: 60000 })
    .catch(() => log('the checkout module was not prefetched within 60 s'));
  for (let i = 0; i < 5; i++) {
    await page.evaluate(() => { location.hash = '#/cart'; });
    const go = page.locator('.cart-page .btn.primary:not([disabled])');
    await go.waitFor({ timeout: 20000 });
    await sleep(300);
    await page.evaluate(() => {
      const root = window.__bench.roots()[0];
      const m = (window.__co = { t0: null, frame: null });
      document.addEventListener('click', (e) => { m.t0 = e.timeStamp; }, { capture: true, once: true });
      const mo = new MutationObserver(() => {
        if (m.frame == null && root.querySelector('#co-name')) {
          mo.disconnect();
          requestAnimationFrame(() => { m.frame = performance.now(); });
        }
      });
      mo.observe(root, { childList: true, subtree: true });
    });
    await go.click();
    await page.waitForFunction(() => window.__co.frame != null, null, { timeout: 20000 });
    const m = await page.evaluate(() => window.__co);
    checkoutMs.push(m.frame - m.t0);
    await page.evaluate(() => { location.hash = '#/'; });
    await page.locator('ul.grid .card').first().waitFor({ timeout: 20000 });
  }
  result.checkout = {
    n: checkoutMs.length, first: round(checkoutMs[0], 1), p50: round(percentile(checkoutMs, 50), 1),
    max: round(Math.max(...checkoutMs), 1), samples: checkoutMs.map((x) => round(x, 1)),
  };
  log(`"Checkout" after the prefetch → form shown: first ${result.checkout.first} ms, p50 ${result.checkout.p50} ms, max ${result.checkout.max} ms`);

  // ------------------------------------------------------------ typeahead
  await page.evaluate(() => { location.hash = '#/checkout'; });
  const combo = page.getByRole('combobox', { name: /area|lga|local government|state|location|city|town/i }).first();
  const found = await combo.waitFor({ timeout: 20000 }).then(() => true, () => false);
  if (!found) {
    result.typeahead = { available: false, reason: 'no state/LGA combobox at #/checkout (checkout UI not in this build)' };
    log(result.typeahead.reason);
  } else {
    const passes = [];
    for (const pass of [1, 2]) {
      const keys = [];
      await combo.fill('');
      await combo.focus();
      for (const word of SESSION) {
        for (const ch of word) keys.push(await typeOne(page, ch));
        for (let i = 0; i < word.length; i++) keys.push(await typeOne(page, 'Backspace'));
      }
      passes.push(keys);
      const measured = keys.filter((k) => k.total != null);
      log(`typeahead pass ${pass}: ${measured.length}/${keys.length} keystrokes changed the options; widget's own time p50 ${round(percentile(measured.map((k) => k.own), 50), 1)} ms, p95 ${round(percentile(measured.map((k) => k.own), 95), 1)} ms`);
    }
    const stats = (keys) => {
      const m = keys.filter((k) => k.total != null);
      const asked = m.filter((k) => k.requests > 0);
      const p = (list, f, q) => round(percentile(list.map(f), q), 1);
      return {
        keystrokes: keys.length, updated: m.length, withRequest: asked.length,
        ownP50: p(m, (k) => k.own, 50), ownP95: p(m, (k) => k.own, 95),
        totalP50: p(m, (k) => k.total, 50), totalP95: p(m, (k) => k.total, 95),
        askedTotalP50: p(asked, (k) => k.total, 50), askedTotalP95: p(asked, (k) => k.total, 95),
        networkP50: p(asked, (k) => k.network, 50), networkP95: p(asked, (k) => k.network, 95),
        debounceP50: p(asked, (k) => k.debounce, 50), debounceP95: p(asked, (k) => k.debounce, 95),
      };
    };
    result.typeahead = { available: true, session: SESSION, cold: stats(passes[0]), warm: stats(passes[1]), samples: passes };
  }
}

/**
 * Presses one key in the focused combobox and waits until the options for it are rendered (or
 * 2.5 s pass with nothing pending and no change). Returns the times in ms.
 */
async function typeOne(page, key) {
  await page.evaluate(() => {
    const root = window.__bench.roots()[0];
    const k = (window.__key = { t0: null, callsBefore: window.__locationCalls.length, lastChange: null, frame: null, root });
    document.addEventListener('keydown', (e) => { k.t0 = e.timeStamp; }, { capture: true, once: true });
    const inListbox = (node) => {
      const el = node.nodeType === 1 ? node : node.parentElement;
      return !!(el && (el.closest('[role=listbox]') || (el.querySelector && el.querySelector('[role=listbox]'))));
    };
    k.mo = new MutationObserver((records) => {
      if (records.some((r) => inListbox(r.target) || [...r.addedNodes, ...r.removedNodes].some((x) => x.nodeType === 1 && (x.matches('[role=listbox],[role=option]') || x.querySelector('[role=listbox],[role=option]'))))) {
        k.lastChange = performance.now();
        const at = k.lastChange;
        requestAnimationFrame(() => { if (k.lastChange === at) k.frame = performance.now(); });
      }
    });
    k.mo.observe(root, { childList: true, characterData: true, subtree: true, attributes: true, attributeFilter: ['aria-selected', 'hidden', 'class'] });
  });
  await page.keyboard.press(key);
  const deadline = Date.now() + 8000;
  for (;;) {
    const s = await page.evaluate(() => {
      const k = window.__key;
      const calls = window.__locationCalls.slice(k.callsBefore);
      const pending = calls.some((c) => c.body == null);
      const lastBody = Math.max(0, ...calls.map((c) => c.body || 0));
      const firstStart = calls.length ? Math.min(...calls.map((c) => c.start)) : null;
      const network = calls.reduce((sum, c) => sum + ((c.body ?? performance.now()) - c.start), 0);
      return { t0: k.t0, pending, lastBody, firstStart, network, lastChange: k.lastChange, frame: k.frame, now: performance.now(), n: calls.length };
    });
    const painted = s.lastChange != null && s.frame != null && s.frame >= s.lastChange;
    // A key either makes a request (after the widget's debounce) and is done when the options
    // changed after its response, or makes none (cache hit, local filter, too short) and is
    // done once the debounce could no longer start one.
    const done = painted && (s.n > 0 ? !s.pending && s.lastChange >= s.lastBody : s.now - s.t0 > QUIET_MS) && s.now - s.frame > 150;
    if (done) {
      await page.evaluate(() => window.__key.mo.disconnect());
      const total = s.frame - s.t0;
      // the widget's own time: from the key, or from the response when it had to ask
      const own = s.n > 0 ? s.frame - s.lastBody : total;
      return {
        key, requests: s.n, total: round(total, 1), network: round(s.network, 1), own: round(own, 1),
        debounce: s.n > 0 ? round(s.firstStart - s.t0, 1) : 0,
      };
    }
    if ((!s.pending && s.lastChange == null && s.now - s.t0 > 2500) || Date.now() > deadline) {
      await page.evaluate(() => window.__key.mo.disconnect());
      return { key, total: null, requests: s.n };
    }
    await sleep(50);
  }
}

console.log(`Interaction latency at ${CPU_SLOWDOWN}× CPU, slow 4G, ${PHONE.width}×${PHONE.height}:`);
console.log(`  click "Add to cart" → cart count updated: p50 ${result.clicks.p50} ms, p95 ${result.clicks.p95} ms (${result.clicks.n} clicks)`);
const addVerdict = () => judge('add to cart p95', result.clicks.p95, loadBudgets().add_to_cart_p95_ms, ' ms');
if (clicksOnly) {
  console.log('Budgets:');
  // its own file: the full run's results stay as they are
  saveResult('interaction-clicks', { cpuSlowdown: CPU_SLOWDOWN, network: SLOW_4G, viewport: PHONE, clicks: result.clicks, verdicts: { add_to_cart_p95_ms: addVerdict() } });
  process.exit(0);
}
console.log(`  "Checkout" after the prefetch → form shown: first ${result.checkout.first} ms, p50 ${result.checkout.p50} ms, max ${result.checkout.max} ms (budget 300 ms)`);
const budgets = loadBudgets();
let verdicts = {};
if (result.typeahead.available) {
  const { cold, warm } = result.typeahead;
  console.log(`  typeahead keystroke → options rendered, excluding network (the widget's own time):`);
  console.log(`    pass 1, result cache cold: p50 ${cold.ownP50} ms, p95 ${cold.ownP95} ms over ${cold.updated} keystrokes (${cold.withRequest} asked the API: counted from the response read)`);
  console.log(`    pass 2, same keys, cache warm: p50 ${warm.ownP50} ms, p95 ${warm.ownP95} ms over ${warm.updated} keystrokes (${warm.withRequest} asked the API)`);
  console.log(`    reported apart, keys that asked the API: network p50 ${cold.networkP50} ms, p95 ${cold.networkP95} ms; debounce (key → request start) p50 ${cold.debounceP50} ms; key → options incl. both p50 ${cold.askedTotalP50} ms, p95 ${cold.askedTotalP95} ms`);
  console.log('Budgets:');
  const worst = Math.max(cold.ownP95 ?? 0, warm.ownP95 ?? 0);
  verdicts = { typeahead_p95_excl_network_ms: judge('typeahead p95 excluding network (worse of the two passes)', worst, budgets.typeahead_p95_excl_network_ms, ' ms') };
  verdicts.add_to_cart_p95_ms = addVerdict();
} else {
  console.log(`  typeahead: not measured — ${result.typeahead.reason}`);
  verdicts = { typeahead_p95_excl_network_ms: judge('typeahead p95 excluding network', null, budgets.typeahead_p95_excl_network_ms, ' ms') };
  verdicts.add_to_cart_p95_ms = addVerdict();
}
saveResult('interaction', { cpuSlowdown: CPU_SLOWDOWN, network: SLOW_4G, viewport: PHONE, ...result, verdicts });
