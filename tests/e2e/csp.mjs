// The store on a merchant page with a strict Content-Security-Policy (issue 29), in real Chromium:
// a page served from its own origin with, as a response header,
//   default-src 'none'; script-src PROXY 'wasm-unsafe-eval'; connect-src PROXY AMIGO_API;
//   img-src PROXY AMIGO_API data:; style-src 'self' PROXY; frame-ancestors 'none'
// (no 'unsafe-inline', no 'unsafe-eval'). The store must load styled, sell (browse → cart →
// checkout → order → tracking) and top up data, with one store and with two on the page, and the
// run fails on any `securitypolicyviolation` event or CSP console message, besides the usual
// page errors and console errors. Screenshots go to artifacts/.
//
// Env: AMIGO_DEMO_URL (the proxy), AMIGO_SANDBOX_INFO, AMIGO_CSP_PORT (a port the proxy allows as
// an origin: http://127.0.0.1:PORT).
import http from 'node:http';
import {
  check, chooseZaria, demo, failures, fillDetails, finish, info, launch, orderCount, pickProducts, shot,
} from './lib.mjs';

const port = Number(process.env.AMIGO_CSP_PORT);
if (!port) throw new Error('AMIGO_CSP_PORT is required');
const origin = `http://127.0.0.1:${port}`;
const api = info.api_base.replace(/\/$/, '');
const apiOrigin = new URL(api).origin;
const csp = [
  "default-src 'none'",
  `script-src ${demo} 'wasm-unsafe-eval'`,
  `connect-src ${demo} ${apiOrigin}`,
  `img-src ${demo} ${apiOrigin} data:`,
  `style-src 'self' ${demo}`,
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

function page(two) {
  const second = two
    ? `<h2>Also from us</h2><amigo-store proxy="${demo}" api="${api}" routing="none" merchant="second"></amigo-store>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bello Gadgets (strict CSP)</title><link rel="stylesheet" href="/merchant.css"></head>
<body><main><h1>Bello Gadgets</h1>
<div id="amigo-store"></div>
<script src="${demo}/widget/amigo-widget.js" data-proxy="${demo}" data-api="${api}"
  data-target="#amigo-store" data-features="data" defer></script>
${second}
</main></body></html>`;
}

const server = http.createServer((req, res) => {
  if (req.url === '/merchant.css') {
    res.writeHead(200, { 'content-type': 'text/css' });
    res.end('#amigo-store{min-height:max(100vh,640px)} body{margin:0 16px;font-family:system-ui,sans-serif}');
    return;
  }
  const two = req.url.startsWith('/two');
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp });
  res.end(page(two));
});
await new Promise((ok) => server.listen(port, '127.0.0.1', ok));

// Every CSP refusal, from the page's own event and from the console (warnings too).
async function watch(ctx, pageObj) {
  await ctx.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    }, true);
  });
  pageObj.on('console', (m) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(m.text())) failures.push(`CSP console message: ${m.text()}`);
  });
}

async function violations(p) {
  return p.evaluate(() => window.__csp || []);
}

// Whether the store in `host` is styled: its stylesheet applies (screen-reader-only text is
// clipped to 1 px, as widget.css says), so nothing renders as raw markup.
async function styled(p, selector) {
  return p.evaluate((sel) => {
    const host = document.querySelector(sel);
    const root = host && host.shadowRoot;
    if (!root) return 'no shadow root';
    const sr = root.querySelector('.sr-only');
    if (!sr) return 'no .sr-only element';
    const w = getComputedStyle(sr).width;
    return w === '1px' ? 'ok' : `.sr-only is ${w} wide`;
  }, selector);
}

async function run(viewport) {
  const vp = `${viewport.width}x${viewport.height}`;
  const { ctx, page: p } = await launch(viewport);
  await watch(ctx, p);
  try {
    // one store: browse, cart, checkout, order, tracking
    await p.goto(`${origin}/`);
    await p.locator('button:has-text("Add to cart")').first().waitFor({ timeout: 30000 });
    check((await styled(p, '#amigo-store')) === 'ok', `${vp}: the store is styled under the strict CSP (${await styled(p, '#amigo-store')})`);
    await shot(p, `csp-${vp}-1-browse`);
    const products = await pickProducts();
    for (const prod of products) {
      await p.evaluate((slug) => { location.hash = `#/p/${slug}`; }, prod.slug);
      const add = p.locator('button:has-text("Add to cart"):not([disabled])').first();
      await add.waitFor({ timeout: 20000 });
      await add.click();
      await p.waitForTimeout(150);
    }
    await p.evaluate(() => { location.hash = '#/checkout'; });
    await p.locator('#co-name').waitFor({ timeout: 20000 });
    check((await styled(p, '#amigo-store')) === 'ok', `${vp}: checkout (its own module and stylesheet) is styled`);
    const nameHeight = await p.evaluate(() => {
      const input = document.querySelector('#amigo-store').shadowRoot.querySelector('#co-name');
      return input ? getComputedStyle(input).minHeight : 'none';
    });
    check(nameHeight === '44px', `${vp}: the checkout module's own stylesheet applies (field min-height ${nameHeight})`);
    await fillDetails(p);
    await chooseZaria(p);
    await p.locator('#co-tier-standard').waitFor({ timeout: 15000 });
    await shot(p, `csp-${vp}-2-checkout`);
    const before = await orderCount();
    await p.click('#co-place');
    await p.locator('.co-confirmation').waitFor({ timeout: 20000 });
    check((await orderCount()) === before + 1, `${vp}: the order is placed under the strict CSP`);
    await p.click('text=Track your order');
    await p.locator('.co-tl-step.current').waitFor({ timeout: 15000 });
    await shot(p, `csp-${vp}-3-tracking`);

    // data top-up
    await p.locator('a:has-text("Buy data")').first().click();
    await p.locator('#topup-phone').waitFor({ timeout: 20000 });
    check((await styled(p, '#amigo-store')) === 'ok', `${vp}: "Buy data" is styled`);
    await p.fill('#topup-phone', '08031234567');
    await p.locator('#topup-phone').blur();
    const card = p.locator('.tu-group .tu-plan').first();
    await card.waitFor({ timeout: 15000 });
    await card.click();
    await p.click('#topup-buy');
    await p.locator('.tu-done').waitFor({ timeout: 20000 });
    await shot(p, `csp-${vp}-4-data`);
    const v1 = await violations(p);
    check(v1.length === 0, `${vp}: no CSP violation with one store${v1.length ? ': ' + JSON.stringify(v1) : ''}`);

    // two stores on one page
    await p.goto(`${origin}/two`);
    await p.locator('#amigo-store button:has-text("Add to cart")').first().waitFor({ timeout: 30000 });
    await p.locator('amigo-store button:has-text("Add to cart")').first().waitFor({ timeout: 30000 });
    check((await styled(p, '#amigo-store')) === 'ok', `${vp}: the first of two stores is styled`);
    check((await styled(p, 'amigo-store')) === 'ok', `${vp}: the second of two stores is styled`);
    await p.evaluate(() => { location.hash = '#/checkout'; });
    // the checkout module renders (the last order's confirmation, kept by the draft, or the form)
    await p.locator('#amigo-store .co-page').waitFor({ timeout: 20000 });
    check((await styled(p, 'amigo-store')) === 'ok', `${vp}: the second store stays styled when the first loads checkout`);
    await shot(p, `csp-${vp}-5-two-stores`);
    const v2 = await violations(p);
    check(v2.length === 0, `${vp}: no CSP violation with two stores${v2.length ? ': ' + JSON.stringify(v2) : ''}`);
  } finally {
    await ctx.close();
  }
}

try {
  await run({ width: 360, height: 740 });
  await run({ width: 1280, height: 800 });
} finally {
  server.close();
}
finish('CSP E2E');
