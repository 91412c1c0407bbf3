// The store in every browser engine a shopper uses (issue 27): the end-to-end purchase, the data
// top-up and the tracking page, through WebDriver (webdriver.mjs) in one engine given by
// `--engine firefox|webkit|chromium`, at 360×740 and 1280×800, against `amigo-proxy --sandbox` in
// payment mode `none`:
//   purchase  browse → product → add to cart (two products) → checkout → "zar" typeahead to
//             "Zaria — Kaduna" by keyboard → Premium quote → place order (a double click at
//             1280) → exactly one order → "Track your order" → the timeline reaches "shipped"
//             without a reload, and again after one;
//   tracking  the tracking link opened cold in a fresh profile (a shopper's other browser): the
//             timeline shows "shipped" and reaches "delivered" without a reload;
//   data      "Buy data": the network read from the number, plans grouped by validity, a plan
//             bought (a double click at 1280: exactly one purchase), its delivery shown without a
//             reload.
//
// The store is embedded as a merchant embeds it: on a page of its own origin (served here, at
// AMIGO_ENGINE_PORT, which the proxy allows) with the loader's one script tag. That page's first
// script records every page error (`error`), unhandled rejection and console.error into
// `window.__amigoErrors`, which the run reads before each navigation and at the end: any entry
// fails the run. This works the same in every engine (WebKitWebDriver has no log endpoint and
// no BiDi; geckodriver's BiDi log would need a WebSocket client Node 20 lacks without a flag).
//
// Env: AMIGO_DEMO_URL, AMIGO_SANDBOX_INFO (as the other suites), AMIGO_ENGINE_PORT.
import http from 'node:http';
import path from 'node:path';
import { artifacts, check, demo, failures, finish, info, orderCount, pickProducts } from './lib.mjs';
import { Browser, KEY } from './webdriver.mjs';

const engine = process.argv[process.argv.indexOf('--engine') + 1];
if (!['firefox', 'webkit', 'chromium'].includes(engine)) {
  console.error('usage: node engines.mjs --engine firefox|webkit|chromium');
  process.exit(2);
}
const port = Number(process.env.AMIGO_ENGINE_PORT);
if (!port) throw new Error('AMIGO_ENGINE_PORT is required (a port the proxy allows as an origin)');
const origin = `http://127.0.0.1:${port}`;
const SIZES = [{ width: 360, height: 740 }, { width: 1280, height: 800 }];
// a number per size, as a shopper types it and as the store keeps it
const PHONES = [['0803 555 0210', '08035550210'], ['+234 803 555 0311', '08035550311']];
const TITLE = `ENGINE E2E (${engine})`;

// The first script of the merchant page: records what would be a page or console error.
const HOOK = `<script>(function () {
  var errors = window.__amigoErrors = [];
  // String(error) has the message (Firefox's stack has not), the stack says where
  var text = function (v) { try { return v && v.stack ? String(v) + ' @ ' + v.stack : String(v); } catch (e) { return '?'; } };
  var original = console.error;
  console.error = function () {
    errors.push('console.error: ' + Array.prototype.map.call(arguments, text).join(' '));
    return original.apply(console, arguments);
  };
  addEventListener('error', function (e) { errors.push('page error: ' + (e.message || text(e.error))); });
  addEventListener('unhandledrejection', function (e) { errors.push('unhandled rejection: ' + text(e.reason)); });
})();</script>`;

// The demo page as the proxy renders it, moved to this origin: the hook first, the loader's
// script from the proxy.
const demoPage = (await (await fetch(`${demo}/`)).text())
  .replace('<head>', `<head>${HOOK}`)
  .replace(/src="\/widget\//g, `src="${demo}/widget/`);
check(demoPage.includes(`${demo}/widget/amigo-widget.js`), `${engine}: the merchant page loads the widget from the proxy`);
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(demoPage);
});
await new Promise((ok) => server.listen(port, '127.0.0.1', ok));

async function sandbox(url, body) {
  const r = await fetch(`${info.sandbox_url}${url}`, {
    method: 'POST',
    headers: { 'X-API-Key': info.token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  check(r.status === 200, `sandbox ${url} ${JSON.stringify(body)}`);
}

// A fresh browser at `size`; `steps(b, vp)` runs in it; page errors are collected before every
// navigation (they live in the page) and at the end.
async function session(size, name, steps) {
  const vp = `${engine} ${size.width}x${size.height} ${name}`;
  const b = await Browser.start(engine);
  const errors = async () => {
    const list = await b.exec(() => window.__amigoErrors || []).catch(() => []);
    for (const e of list) failures.push(`${vp}: ${e}`);
  };
  b.collect = errors;
  const go = b.goto.bind(b);
  const refresh = b.refresh.bind(b);
  b.goto = async (url) => { await errors(); await go(url); };
  b.refresh = async () => { await errors(); await refresh(); };
  b.shot = (step) => b.screenshot(path.join(artifacts, `engine-${engine}-${size.width}-${name}-${step}.png`));
  try {
    await b.viewport(size.width, size.height);
    await steps(b, vp);
    await errors();
  } catch (e) {
    failures.push(`${vp}: ${e.message}`);
    await b.shot('failed').catch(() => {});
    await errors();
  } finally {
    await b.quit().catch(() => {});
  }
  console.log(`---- ${vp} done`);
}

const inStore = (css) => `the store's ${css}`;
const storeText = (b, css) => b.exec((sel) => document.querySelector('#amigo-store').shadowRoot.querySelector(sel)?.textContent.trim() ?? null, css);

// Proves the error hook works in this engine: an uncaught error, an unhandled rejection and a
// console.error are each recorded; then they are cleared (they were the test's own). They come
// from a script element, as the page's own would: Firefox runs WebDriver's scripts in a sandbox
// whose uncaught errors never reach the page's `error` event.
async function canary(b, vp) {
  await b.exec(() => {
    const s = document.createElement('script');
    s.textContent = "setTimeout(function () { throw new Error('canary'); }); Promise.reject(new Error('canary')); console.error('canary');";
    document.head.appendChild(s);
  });
  const seen = await b.waitFor(() => (window.__amigoErrors.length >= 3 ? window.__amigoErrors.splice(0) : null),
    [], { timeout: 5000, what: 'the error hook to record the canaries' }).catch(() => []);
  check(seen.length === 3 && seen.every((e) => e.includes('canary')),
    `${vp}: the page records page errors, unhandled rejections and console errors (${seen.length} of 3: ${seen.map((e) => e.slice(0, 60)).join(' | ')})`);
}

async function openStore(b, vp, hash = '') {
  await b.goto(`${origin}/${hash}`);
  // The demo page carries the proxy's first view (a declarative shadow root with the same grid
  // and top bar); the live store replaces it when the wasm is ready. An element found in the first
  // view goes stale at that swap, so the steps start once the live store's grid is in place.
  await b.waitFor(() => {
    const root = document.querySelector('#amigo-store')?.shadowRoot;
    return !!root && !root.querySelector('[data-first-view]') && !!root.querySelector('ul.grid .card');
  }, [], { timeout: 30000, what: "the live store's grid (the first view replaced)" });
  await canary(b, vp);
  const fits = await b.exec(() => document.documentElement.scrollWidth <= window.innerWidth);
  check(fits, `${vp}: the page does not scroll sideways`);
}

async function purchase(b, vp, size, products, out) {
  await openStore(b, vp);
  await b.shot('1-home');
  // browse → a product page by its card → back to the grid (the history works)
  const cardName = await storeText(b, 'ul.grid .card-name');
  await (await b.find('ul.grid .card-link')).click();
  await b.find('.detail .title');
  check((await storeText(b, '.detail .title')) === cardName, `${vp}: the card opens its product page (${cardName})`);
  await b.shot('2-product');
  await b.back();
  await b.find('ul.grid .card');
  check(!(await b.url()).includes('#/p/'), `${vp}: back returns to the grid`);
  // the two products that ship to Zaria, each from its page (its link, as a shared link opens it)
  for (const [n, p] of products.entries()) {
    await b.exec((slug) => { location.hash = `#/p/${slug}`; }, p.slug);
    await b.waitFor((name) => document.querySelector('#amigo-store').shadowRoot.querySelector('.detail .title')?.textContent.trim() === name,
      [p.name], { what: `the page of ${p.name}` });
    await (await b.find('.detail .btn.add', { enabled: true })).click();
    await b.waitFor((want) => document.querySelector('#amigo-store').shadowRoot.querySelector('.cart-count')?.textContent.trim() === want,
      [String(n + 1)], { what: `${n + 1} item(s) in the cart` });
  }
  // the cart survives a reload
  await b.refresh();
  await b.find('.cart-count');
  await b.waitFor(() => document.querySelector('#amigo-store').shadowRoot.querySelector('.cart-count')?.textContent.trim() === '2',
    [], { what: 'the cart after a reload' });
  await (await b.find('.cart-link')).click();
  await b.find('.lines .line:nth-child(2)');
  check((await b.findAll('.lines .line')).length === 2, `${vp}: two lines in the cart`);
  check(/^₦[\d,]+$/.test(await storeText(b, '.subtotal strong')), `${vp}: the subtotal reads as naira`);
  await b.shot('3-cart');
  await (await b.findText('a, button', 'Checkout')).click();

  // checkout: details, the typeahead, the quote
  await b.find('#co-name', { timeout: 20000 });
  await (await b.find('#co-place')).click();
  await b.find('#co-name-error:not([hidden])');
  await b.waitFor(() => document.querySelector('#amigo-store').shadowRoot.activeElement?.id === 'co-name',
    [], { timeout: 5000, what: 'focus on the first invalid field' }).catch(() => {});
  const focused = await b.exec(() => document.querySelector('#amigo-store').shadowRoot.activeElement?.id);
  check(focused === 'co-name', `${vp}: the first invalid field gets focus (${focused})`);
  for (const [id, value] of [['#co-name', 'Aisha Bello'], ['#co-phone', '+234 803-123-4567'],
    ['#co-email', 'aisha@example.com'], ['#co-address', 'Plot 12, Sabon Gari, off PZ Road']]) {
    const field = await b.find(id);
    await field.click();
    await field.type(value);
  }
  const location = await b.find('#co-location');
  await location.click();
  check((await (await b.find('#co-phone')).prop('value')) === '08031234567', `${vp}: the phone is normalised to 0XXXXXXXXXX`);
  check((await storeText(b, '#co-phone-hint')).includes('MTN'), `${vp}: the network hint says MTN`);
  await b.keys('zar');
  await b.findText('[role=option]', 'Zaria — Kaduna', { timeout: 10000 });
  await b.shot('4-typeahead');
  let active = '';
  for (let i = 0; i < 10 && !active.includes('Zaria — Kaduna'); i++) {
    await b.keys(KEY.ArrowDown);
    active = await b.exec(() => {
      const root = document.querySelector('#amigo-store').shadowRoot;
      const id = root.querySelector('#co-location').getAttribute('aria-activedescendant');
      return id ? root.getElementById(id)?.textContent ?? '' : '';
    });
  }
  await b.keys(KEY.Enter);
  check((await location.prop('value')) === 'Zaria — Kaduna', `${vp}: the combobox holds "Zaria — Kaduna"`);
  const premium = await b.find('#co-tier-premium', { timeout: 15000 });
  await premium.click();
  check(await premium.selected(), `${vp}: Premium is chosen`);
  const tiers = await b.findAll('.co-tier');
  check(tiers.length === 2 && (await tiers[1].text()).includes('Premium'), `${vp}: Standard and Premium are quoted`);
  check(!(await (await b.find('#co-notice')).displayed()), `${vp}: no "fix the highlighted fields" notice once every field is fixed`);
  await b.shot('5-delivery');

  // the order: one, whatever the clicks
  const before = await orderCount();
  const place = await b.find('#co-place', { enabled: true });
  if (size.width > 1000) await place.doubleClick();
  else await place.click();
  await b.find('.co-confirmation', { timeout: 20000 });
  const reference = await storeText(b, '.co-reference strong');
  check(/^AMG-COM-/.test(reference), `${vp}: the confirmation shows the reference ${reference}`);
  check((await orderCount()) === before + 1, `${vp}: exactly one order in the sandbox${size.width > 1000 ? ' after a double click' : ''}`);
  check((await storeText(b, '.co-delivery')).includes('Premium'), `${vp}: the confirmation shows the Premium tier`);
  check((await storeText(b, '.cart-count')) === '0', `${vp}: the cart is empty once the order is confirmed`);
  await b.shot('6-confirmation');

  // tracking: the timeline follows the order without a reload
  await (await b.findText('a', 'Track your order')).click();
  await b.find('.co-tl-step.current[data-status=paid]', { timeout: 15000 });
  await b.exec(() => { window.__noReload = true; });
  await sandbox('/api/commerce/sandbox/orders/advance/', { reference, status: 'accepted' });
  await sandbox('/api/commerce/sandbox/orders/advance/', { reference, status: 'shipped' });
  await b.find('.co-tl-step.current[data-status=shipped]', { timeout: 15000 });
  check(await b.exec(() => window.__noReload === true), `${vp}: the timeline reached "shipped" without a reload`);
  await b.shot('7-tracking');
  out.reference = reference;
  out.url = await b.url();
  await b.refresh();
  await b.find('.co-tl-step.current[data-status=shipped]', { timeout: 15000 });
  check(true, `${vp}: the tracking page shows "shipped" after a reload`);
}

async function tracking(b, vp, order) {
  check(/#\/order\/AMG-COM-[^?]+\?phone=/.test(order.url), `${vp}: the tracking link ${order.url}`);
  await b.goto(order.url);
  await b.find('.co-tl-step.current[data-status=shipped]', { timeout: 30000 });
  check((await b.findAll('.co-tl-step')).length >= 4, `${vp}: the timeline lists the steps`);
  await b.exec(() => { window.__noReload = true; });
  await sandbox('/api/commerce/sandbox/orders/advance/', { reference: order.reference, status: 'delivered' });
  await b.find('.co-tl-step[data-status=delivered].done, .co-tl-step[data-status=delivered].current', { timeout: 15000 });
  check(await b.exec(() => window.__noReload === true), `${vp}: the timeline reached "delivered" without a reload`);
  await b.shot('1-delivered');
}

async function purchasesFor(national) {
  const r = await fetch(`${info.sandbox_url}/api/data/?limit=100`, { headers: { 'X-API-Key': info.token } });
  return (await r.json()).data.filter((p) => p.mobile_number === national);
}

async function data(b, vp, size, phone, national) {
  await openStore(b, vp);
  await (await b.find('a.data-link')).click();
  const field = await b.find('#topup-phone', { timeout: 20000 });
  await field.click();
  await field.type(phone);
  check((await storeText(b, '#topup-phone-hint')).includes('MTN'), `${vp}: the network is read from the prefix (MTN)`);
  await b.keys(KEY.Tab);
  await b.waitFor(() => document.querySelector('#amigo-store').shadowRoot.querySelector('#topup-phone').value.length === 11,
    [], { timeout: 5000, what: 'the number normalised' }).catch(() => {});
  check((await field.prop('value')) === national, `${vp}: the number is normalised to ${national} when the field is left`);
  await b.find('.tu-group .tu-plan', { timeout: 15000 });
  const legends = await Promise.all((await b.findAll('.tu-group > legend')).map((l) => l.text()));
  check(legends.includes('Daily') && legends.includes('Monthly'), `${vp}: plans grouped by validity (${legends.join(', ')})`);
  await b.shot('1-plans');
  const card = await b.find('.tu-group .tu-plan');
  await card.click();
  const capacity = await b.exec((el) => el.querySelector('.tu-cap').textContent.trim(), card.ref());
  const buy = await b.find('#topup-buy', { enabled: true });
  check((await buy.text()).includes(`Buy ${capacity} for ₦`), `${vp}: the button names the plan and its price`);
  const before = (await purchasesFor(national)).length;
  if (size.width > 1000) await buy.doubleClick();
  else await buy.click();
  await b.find('.tu-done', { timeout: 20000 });
  const reference = await storeText(b, '.tu-ref');
  check(/^AMG-DAT-TEST-/.test(reference), `${vp}: the confirmation shows the reference ${reference}`);
  check((await purchasesFor(national)).length === before + 1, `${vp}: exactly one purchase${size.width > 1000 ? ' after a double click' : ''}`);
  await b.shot('2-processing');
  await b.exec(() => { window.__noReload = true; });
  await sandbox('/api/data/sandbox/advance/', { reference, outcome: 'delivered' });
  await b.findText('.tu-done h3', `${capacity} is on`, { timeout: 15000 });
  check(await b.exec(() => window.__noReload === true), `${vp}: the delivery arrived without a reload`);
  await b.shot('3-delivered');
}

const products = await pickProducts();
let version = '';
const started = Date.now();
for (const [i, size] of SIZES.entries()) {
  const order = {};
  await session(size, 'purchase', async (b, vp) => {
    version = b.version;
    await purchase(b, vp, size, products, order);
  });
  if (order.url) await session(size, 'tracking', (b, vp) => tracking(b, vp, order));
  else failures.push(`${engine} ${size.width}: no order to track`);
  const [phone, national] = PHONES[i];
  await session(size, 'data', (b, vp) => data(b, vp, size, phone, national));
}
server.close();
console.log(`${engine}: ${version}, ${((Date.now() - started) / 1000).toFixed(0)} s`);
finish(TITLE);
