// The store's first view (issue 24 §1), in real Chromium against `amigo-proxy --sandbox`:
// - without JavaScript, the demo page (which includes the first view server-side, as a
//   declarative shadow root) shows products, prices as text, real alt texts and product links;
// - with the wasm held back, the first view is on screen (from the page, and from the loader's
//   own fetch of /api/first-view on a page that does not include it), axe is clean on it at 320,
//   360 and 1280 px in both colour schemes, and a click on "Add to cart" says it is waiting;
//   once the wasm arrives the click is in the cart (never lost), the live store has replaced the
//   first view, and the layout did not shift (CLS <= 0.02 over the load and the hand-over);
// - a catalog read that never answers does not keep the live store hidden past its deadline;
// - a search typed and a filter ticked in the first view before the wasm are the live store's;
// - the live store's DOM and the proxy's rendering of the first view are the same (the same
//   elements, classes, texts, links and labels), so the two cannot drift apart.
// Fails on any page error or console error.
//
// Env: AMIGO_DEMO_URL (the proxy), AMIGO_SANDBOX_INFO (its --sandbox-info-file), AMIGO_CSP_PORT
// (a port the proxy allows as an origin: the plain script-tag merchant page is served there).
import http from 'node:http';
import { chromium } from 'playwright-core';
import { axeScan, check, demo, failures, finish, info, launch, shot } from './lib.mjs';

// A merchant page that embeds the store with the script tag alone (no first view of its own),
// from its own origin: the loader must fetch the first view.
const port = Number(process.env.AMIGO_CSP_PORT);
if (!port) throw new Error('AMIGO_CSP_PORT is required');
const plain = `http://127.0.0.1:${port}`;
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Plain embed</title>
<style>body{margin:0}#amigo-store{--amigo-accent:#b3261e;min-height:max(100vh,640px)}</style></head>
<body><main><h1>Plain embed</h1><div id="amigo-store"></div></main>
<script src="${demo}/widget/amigo-widget.js" data-proxy="${demo}" data-api="${info.api_base}"
  data-target="#amigo-store" data-features="data" defer></script></body></html>`);
});
await new Promise((ok) => server.listen(port, '127.0.0.1', ok));

const WIDTHS = [
  { width: 320, height: 700 },
  { width: 360, height: 740 },
  { width: 1280, height: 800 },
];

// Layout shifts without recent input, summed (the page's CLS over the whole run).
const clsProbe = () => {
  window.__cls = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
  }).observe({ type: 'layout-shift', buffered: true });
};

// Holds every request for the main wasm module until `release()`.
async function holdWasm(page) {
  let release;
  const gate = new Promise((ok) => { release = ok; });
  await page.route(/_bg\.wasm$/, async (route) => {
    await gate;
    await route.continue();
  });
  return release;
}

// Visible prices in the store's shadow root.
async function prices(page) {
  return page.evaluate(() => {
    const root = document.querySelector('#amigo-store').shadowRoot;
    if (!root) return [];
    return [...root.querySelectorAll('.price .now')]
      .filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility === 'visible')
      .map((el) => el.textContent.trim());
  });
}

async function firstViewShown(page) {
  return page.evaluate(() => !!document.querySelector('#amigo-store').shadowRoot?.querySelector('[data-first-view]'));
}

// 1. No JavaScript: the demo page alone shows the products.
{
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => failures.push(`page error (no JS): ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') failures.push(`console error (no JS): ${m.text()}`); });
  await page.goto(`${demo}/`);
  const cards = page.locator('#amigo-store .grid .card');
  const n = await cards.count();
  check(n >= 12, `no JavaScript: the demo page shows the grid's first page (${n} cards)`);
  const price = (await page.locator('#amigo-store .grid .card .price .now').first().textContent()).trim();
  check(/^₦[\d,]+$/.test(price), `no JavaScript: prices are text (${price})`);
  check(await page.locator('#amigo-store .card .price .now').first().isVisible(), 'no JavaScript: the price is visible (the first view is styled)');
  const alt = await page.locator('#amigo-store .grid .card img').first().getAttribute('alt');
  check(!!alt && alt.length > 2, `no JavaScript: images have real alt texts (${alt})`);
  const href = await page.locator('#amigo-store .grid .card a.card-link').first().getAttribute('href');
  check(/^#\/p\/[a-z0-9-]+$/.test(href || ''), `no JavaScript: cards link to their product (${href})`);
  check(await page.locator('#amigo-store .carousel').count() > 0, 'no JavaScript: the curation carousels are there');
  check(await page.locator('#amigo-store nav.cats a.chip').count() > 1, 'no JavaScript: the category chips are there');
  await page.screenshot({ path: 'artifacts/first-view-no-js-360.png', fullPage: true });
  await browser.close();
}

// 2. The first view before the wasm, an early click, and the hand-over; at three widths in both
// colour schemes. The loader's own fetch is exercised on a page without the server-side include.
for (const viewport of WIDTHS) {
  for (const colorScheme of ['light', 'dark']) {
    const vp = `${viewport.width}x${viewport.height} ${colorScheme}`;
    const fetchIt = viewport.width === 360; // this round's page has no first view of its own
    const { ctx, page } = await launch(viewport, { colorScheme });
    await ctx.addInitScript(clsProbe);
    const fetched = [];
    page.on('request', (r) => { if (r.url().includes('/api/first-view')) fetched.push(r.url()); });
    const release = await holdWasm(page);
    await page.goto(fetchIt ? `${plain}/` : `${demo}/`);
    await page.locator('#amigo-store [data-first-view] .grid .price .now').first().waitFor({ timeout: 20000 });
    const shown = await prices(page);
    check(shown.length >= 12, `${vp}: before the wasm, the first view shows prices (${shown.length}, e.g. ${shown[0]})`);
    check(fetchIt ? fetched.length === 1 : fetched.length === 0,
      `${vp}: ${fetchIt ? 'the loader fetched the first view once' : 'the page brought the first view; the loader fetched none'} (${fetched.length})`);
    await axeScan(page, `the first view at ${vp}`);
    await shot(page, `first-view-${viewport.width}-${colorScheme}-1-before-wasm`);

    // an early "Add to cart" in the grid: recorded, and it says so
    const button = page.locator('#amigo-store [data-first-view] .grid button.add:not([disabled])').first();
    const id = Number(await button.getAttribute('data-product'));
    await button.click();
    const waiting = await button.evaluate((b) => ({ text: b.firstChild.nodeValue, disabled: b.getAttribute('aria-disabled') }));
    check(waiting.text === 'Adding…' && waiting.disabled === 'true', `${vp}: the early click is visibly waiting (${JSON.stringify(waiting)})`);

    release();
    await page.locator('#amigo-store[data-amigo-live]').waitFor({ state: 'attached', timeout: 30000 });
    check(!(await firstViewShown(page)), `${vp}: the live store replaced the first view`);
    await page.waitForFunction(() => document.querySelector('#amigo-store').shadowRoot.querySelector('.cart-count')?.textContent === '1', null, { timeout: 15000 })
      .catch(() => {});
    const count = await page.evaluate(() => document.querySelector('#amigo-store').shadowRoot.querySelector('.cart-count')?.textContent);
    check(count === '1', `${vp}: the click made before the wasm was ready is in the cart (count ${count})`);
    const cart = await page.evaluate(() => document.querySelector('#amigo-store').cart());
    const lines = (cart && cart.lines) || [];
    check(lines.length === 1 && lines[0].product_id === id && lines[0].quantity === 1,
      `${vp}: the cart holds the product clicked (${JSON.stringify(lines.map((l) => [l.product_id, l.quantity]))}, wanted ${id})`);
    const cls = await page.evaluate(() => window.__cls);
    check(cls <= 0.02, `${vp}: CLS over the load and the hand-over is ${cls.toFixed(4)} (<= 0.02)`);
    await axeScan(page, `the live store at ${vp}`);
    await shot(page, `first-view-${viewport.width}-${colorScheme}-2-live`);
    await ctx.close();
  }
}

// 2b. Filters set in the first view before the wasm (a search typed, "In stock only" ticked) are
// the live store's filters once it takes over: nothing typed is lost.
{
  const { ctx, page } = await launch({ width: 360, height: 740 });
  const release = await holdWasm(page);
  await page.goto(`${demo}/`);
  const search = page.locator('#amigo-store [data-first-view] #amigo-q');
  await search.waitFor({ timeout: 20000 });
  await search.fill('earbuds');
  await page.locator('#amigo-store [data-first-view] #amigo-stock').check();
  release();
  await page.locator('#amigo-store[data-amigo-live]').waitFor({ state: 'attached', timeout: 30000 });
  await page.waitForFunction(() => location.hash.includes('q=earbuds') && location.hash.includes('in_stock=true'), null, { timeout: 15000 })
    .catch(() => {});
  const hash = await page.evaluate(() => location.hash);
  check(hash.includes('q=earbuds') && hash.includes('in_stock=true'), `the search and the stock filter typed before the wasm are the live store's (${hash})`);
  const kept = await page.evaluate(() => {
    const root = document.querySelector('#amigo-store').shadowRoot;
    return { q: root.querySelector('#amigo-q').value, stock: root.querySelector('#amigo-stock').checked };
  });
  check(kept.q === 'earbuds' && kept.stock === true, `the live filter bar shows them (${JSON.stringify(kept)})`);
  await page.locator('#amigo-store .grid-section .count').filter({ hasText: /^Showing \d+ of \d+ products$/ }).waitFor({ timeout: 15000 });
  await ctx.close();
}

// 2c. A catalog read that never answers does not keep the live store hidden for good: it takes
// over after its deadline (10 s), with a skeleton where that read is still out.
{
  const { ctx, page } = await launch({ width: 360, height: 740 });
  await page.route(/\/api\/catalog\/curation\?type=/, () => { /* never answered */ });
  await page.goto(`${demo}/`);
  await page.locator('#amigo-store[data-amigo-live]').waitFor({ state: 'attached', timeout: 30000 });
  check(!(await firstViewShown(page)), 'a hung catalog read: the live store took over after its deadline');
  const skeletons = await page.evaluate(() => document.querySelector('#amigo-store').shadowRoot.querySelectorAll('.carousel.skeleton').length);
  check(skeletons > 0, `a hung catalog read: its carousels show as skeletons (${skeletons})`);
  await ctx.close();
}

// 3. The proxy's first view and the live store's DOM are the same.
{
  const { ctx, page } = await launch({ width: 1280, height: 800 });
  await page.goto(`${demo}/`);
  await page.locator('#amigo-store[data-amigo-live]').waitFor({ state: 'attached', timeout: 30000 });
  const diff = await page.evaluate(async () => {
    const host = document.querySelector('#amigo-store');
    const script = document.querySelector('script[data-proxy]');
    const features = script ? script.dataset.features : '';
    const url = `/api/first-view${features ? `?features=${encodeURIComponent(features)}` : ''}`;
    const t = document.createElement('template');
    t.innerHTML = await (await fetch(url)).text();
    const rendered = t.content.querySelector('[data-first-view]');
    const live = host.shadowRoot.querySelector('.amigo');
    const ATTRS = ['class', 'href', 'id', 'for', 'role', 'aria-label', 'aria-labelledby', 'aria-current',
      'aria-live', 'aria-hidden', 'alt', 'src', 'type', 'value', 'data-product', 'selected', 'placeholder'];
    // elements with their compared attributes and their own text; comments, whitespace and the
    // carousels' step buttons' `disabled` (the live store measures its tracks) left out
    const walk = (el, out, path) => {
      const attrs = ATTRS.filter((a) => el.hasAttribute(a)).map((a) => `${a}=${el.getAttribute(a)}`);
      if (el.hasAttribute('disabled') && !el.classList.contains('step')) attrs.push('disabled');
      const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.nodeValue.trim()).filter(Boolean).join(' ');
      out.push(`${path} <${el.tagName.toLowerCase()} ${attrs.join(' ')}>${text}`);
      [...el.children].forEach((c, i) => walk(c, out, `${path}/${i}`));
      return out;
    };
    const a = walk(rendered, [], '');
    const b = walk(live, [], '');
    const at = a.findIndex((line, i) => line !== b[i]);
    return { rendered: a.length, live: b.length, at, first: at >= 0 ? [a[at], b[at]] : null };
  });
  check(diff.rendered > 300 && diff.at === -1 && diff.rendered === diff.live,
    `the live store's DOM is the proxy's first view (${diff.rendered} and ${diff.live} elements${diff.first ? `; first difference:\n    first view: ${diff.first[0]}\n    live:       ${diff.first[1]}` : ''})`);
  await ctx.close();
}

server.close();
finish('first view');
