// End-to-end test of the delivery quote's fallback (issue 22, item 5) in real Chromium, against
// `amigo-proxy --sandbox --sandbox-no-quote-cors`: the sandbox's quote answers no CORS, as the live
// platform might (the docs promise browser use only for locations.php), so the browser's call is
// refused; the widget asks the proxy's `POST /api/delivery/quote` instead, shows the tiers, places
// the order, and keeps using the proxy for the rest of the session (a second quote goes there
// directly).
//
// Chromium reports the refusal on the console (the CORS message and the failed load); this suite
// expects exactly those, once, and fails on any other console error, as every suite does.
//
// Env: AMIGO_DEMO_URL (the proxy), AMIGO_SANDBOX_INFO (the proxy's --sandbox-info-file JSON).
import {
  addToCart, check, chooseZaria, demo, fillDetails, finish, info, launch, orderCount, pickProducts, shot,
} from './lib.mjs';

const viewport = { width: 1280, height: 800 };
const { ctx, page, expectConsoleError } = await launch(viewport);
try {
  // the sandbox's quote really is closed to this page's origin
  const preflight = await fetch(`${info.api_base}/commerce/delivery/quote/`, {
    method: 'OPTIONS',
    headers: { origin: demo, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  check(!preflight.headers.get('access-control-allow-origin'), `the sandbox's quote allows no origin (preflight ${preflight.status})`);

  const products = await pickProducts();
  const direct = [];
  const viaProxy = [];
  page.on('request', (r) => {
    if (r.method() !== 'POST') return;
    if (r.url().startsWith(`${info.api_base}/commerce/delivery/quote`)) direct.push(r.url());
    if (r.url() === `${demo}/api/delivery/quote`) viaProxy.push(r.url());
  });
  const proxyAnswers = [];
  page.on('response', (r) => {
    if (r.url() === `${demo}/api/delivery/quote`) proxyAnswers.push(r.status());
  });

  // the one refusal this suite causes, which Chromium reports as two console errors: the CORS
  // message naming the quote's URL and the failed load (each expected once; any other fails)
  const quoteUrl = `${info.api_base}/commerce/delivery/quote/`;
  const refusals = [];
  page.on('console', (m) => { if (m.type() === 'error' && /blocked by CORS policy/.test(m.text())) refusals.push(m.text()); });
  expectConsoleError(new RegExp(`^Access to fetch at '${quoteUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' from origin '${demo}' has been blocked by CORS policy`));
  expectConsoleError(/^Failed to load resource: net::ERR_FAILED$/);
  await addToCart(page, products);
  await page.evaluate(() => { location.hash = '#/checkout'; });
  await page.locator('#co-name').waitFor({ timeout: 20000 });
  await fillDetails(page);
  await chooseZaria(page);
  await page.locator('#co-tier-premium').waitFor({ timeout: 15000 });
  await page.check('#co-tier-premium');
  const tiers = await page.locator('.co-tier').allTextContents();
  check(tiers.length === 2 && tiers[1].includes('Premium'), `Standard and Premium offered (${tiers.length} tiers)`);
  check(direct.length === 1, `the browser asked Amigo's quote once (${direct.length})`);
  check(refusals.length === 1, `Chromium reported one CORS refusal of the quote (${refusals.length})`);
  check(viaProxy.length === 1 && proxyAnswers[0] === 200, `then the proxy's /api/delivery/quote, answered 200 (${viaProxy.length}, ${proxyAnswers})`);
  check(await page.evaluate(() => Object.keys(sessionStorage).some((k) => k.startsWith('amigo-quote-route:v1:') && sessionStorage.getItem(k) === 'proxy')),
    'the proxy route is remembered for the session');
  await shot(page, 'quote-cors-1-delivery');

  // a change of cart asks again: straight to the proxy, no second refusal
  await page.evaluate(() => { location.hash = '#/cart'; });
  const plus = page.locator('button.step:has-text("Increase quantity")').first();
  await plus.waitFor({ timeout: 10000 });
  const second = page.waitForResponse((r) => r.url() === `${demo}/api/delivery/quote`, { timeout: 15000 }).catch(() => null);
  await plus.click();
  await page.evaluate(() => { location.hash = '#/checkout'; });
  await second;
  await page.locator('#co-tier-premium').waitFor({ timeout: 15000 });
  check(direct.length === 1, `the second quote did not ask Amigo from the browser (${direct.length})`);
  check(viaProxy.length === 2, `the second quote went to the proxy (${viaProxy.length})`);
  check(refusals.length === 1, `no second CORS refusal (${refusals.length})`);

  await page.check('#co-tier-premium');
  const before = await orderCount();
  await page.click('#co-place');
  await page.locator('.co-confirmation').waitFor({ timeout: 20000 });
  const reference = (await page.locator('.co-reference strong').textContent()).trim();
  check(/^AMG-COM-/.test(reference), `the confirmation shows the reference ${reference}`);
  check((await orderCount()) === before + 1, 'exactly one order in the sandbox');
  check((await page.locator('.co-delivery').textContent()).includes('Premium'), 'the confirmation shows the Premium tier');
  await shot(page, 'quote-cors-2-confirmation');
} finally {
  await ctx.close();
}

finish('QUOTE CORS E2E');
