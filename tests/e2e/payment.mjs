// End-to-end test of paying with Paystack before the Amigo order exists, in real Chromium
// (playwright-core), against `amigo-proxy --sandbox --payment paystack` (the Paystack emulator,
// crates/paystack-sandbox, runs beside it):
// - pay: cart → checkout → "Pay ₦X" (X = the total at review) → the emulator's hosted page (the
//   same amount) → Pay → back on the checkout's tracking page → the order is placed, exactly one,
//   the cart is emptied, and the order's timeline shows and follows the sandbox; a reload resumes;
// - decline: the same way to the hosted page → Decline → back on the tracking page, no order;
// - refused after paying: the wallet is drained (direct sandbox orders) between checkout and
//   payment, so Amigo refuses the paid checkout; the proxy refunds it and the tracking page says
//   "Refunded" with the reason; no order, the cart kept;
// - the payment settings failing to load: an alert with Retry, and the last button sends nothing
//   until Retry has read them;
// - a reload while the checkout's POST is in flight resends it with the same key: one checkout
//   (the same reference), and going back to #/checkout shows that checkout instead of the form.
// - data: Buy data → "Pay ₦X" (X = the plan's price) → the hosted page (the same amount) → Pay →
//   back on the data checkout's tracking page, whose address carries no phone (the widget finds
//   it in its top-up draft) → exactly one data purchase, followed to "delivered"; a decline makes
//   no purchase; the same page opened in another browser asks for the number first; a paid plan
//   the network fails to deliver says so at once, and the checkout ends refunded (the proxy's
//   sweep).
// axe-core scans the review, the hosted page's way back and the tracking page (orders and data)
// at 320, 360 and 1280 px in both colour schemes. Any page error or unexpected console error
// fails the run.
//
// Env: AMIGO_DEMO_URL (the proxy), AMIGO_SANDBOX_INFO (the proxy's --sandbox-info-file JSON).
import {
  addToCart, axeScan, check, chooseZaria, dataPurchasesFor, demo, fillDetails, finish, info, launch,
  orderCount, pickProducts, settleData, shot as shotAs,
} from './lib.mjs';

const shot = (page, vp, step) => shotAs(page, `payment-${vp}-${step}`);
const vpName = (v) => `${v.width}x${v.height}`;

async function advance(reference, status) {
  const r = await fetch(`${info.sandbox_url}/api/commerce/sandbox/orders/advance/`, {
    method: 'POST',
    headers: { 'X-API-Key': info.token, 'content-type': 'application/json' },
    body: JSON.stringify({ reference, status }),
  });
  check(r.status === 200, `sandbox advances the order to ${status}`);
}

// Cart → checkout with the details filled and Standard delivery quoted; returns the total shown.
async function toReview(page, products) {
  await addToCart(page, products);
  await page.evaluate(() => { location.hash = '#/checkout'; });
  await page.locator('#co-name').waitFor({ timeout: 20000 });
  await fillDetails(page);
  await chooseZaria(page);
  await page.locator('#co-tier-standard').waitFor({ timeout: 15000 });
  await page.locator('#co-place:has-text("Pay ₦")').waitFor({ timeout: 15000 });
  return (await page.locator('.co-total dd').first().textContent()).trim();
}

// The emulator's hosted page, reached from "Pay ₦X".
async function toPaystack(page, vp, total) {
  const label = (await page.locator('#co-place').textContent()).trim();
  check(label === `Pay ${total}`, `${vp}: the last button reads "Pay ${total}" (${label})`);
  await page.click('#co-place');
  await page.locator('button[value=pay]').waitFor({ timeout: 20000 });
  check(new URL(page.url()).pathname.startsWith('/checkout/'), `${vp}: the shopper is on the hosted payment page`);
  // the emulator shows kobo ("Pay ₦87,700.00"): the Naira part is the review's total, to the Naira
  const pay = (await page.locator('button[value=pay]').textContent()).trim();
  const naira = pay.match(/₦([\d,]+)\.00$/)?.[1];
  check(naira === total.replace('₦', ''), `${vp}: the hosted page charges the total shown at review (${pay} vs ${total})`);
}

async function payFlow(viewport, products) {
  const vp = vpName(viewport);
  const { ctx, page } = await launch(viewport);
  try {
    const total = await toReview(page, products);
    await shot(page, vp, '1-review');
    await axeScan(page, `${vp} review with "Pay ${total}"`);
    const before = await orderCount();
    await toPaystack(page, vp, total);
    check((await orderCount()) === before, `${vp}: no Amigo order exists before the shopper pays`);
    await page.click('button[value=pay]');
    // back on the store: the checkout's tracking page, then the order's timeline once placed
    await page.waitForURL(/#\/order\/CHK-/, { timeout: 20000 });
    const reference = decodeURIComponent(new URL(page.url()).hash.split('/')[2].split('?')[0]);
    check(/^CHK-[A-Z0-9]{10,32}$/.test(reference), `${vp}: back on the tracking page of ${reference}`);
    await page.locator('.co-paid-note').waitFor({ timeout: 30000 });
    await page.locator('.co-tl-step.current[data-status=paid]').waitFor({ timeout: 15000 });
    check((await orderCount()) === before + 1, `${vp}: exactly one Amigo order after paying`);
    check((await page.locator('.cart-count').textContent()).trim() === '0', `${vp}: the cart is emptied once the order is placed`);
    const title = (await page.locator('.co-tracking .co-tracking h2.title').textContent()).trim();
    const order = title.replace(/^Order /, '');
    check(/^AMG-COM-/.test(order), `${vp}: the order's own tracking shows (${order})`);
    await shot(page, vp, '2-placed');
    await axeScan(page, `${vp} paid and placed`);
    const placedUrl = page.url();
    // the order's timeline follows the sandbox without a reload
    await advance(order, 'accepted');
    await advance(order, 'shipped');
    await page.locator('.co-tl-step.current[data-status=shipped]').waitFor({ timeout: 20000 });
    check(true, `${vp}: the timeline reached "shipped"`);
    // a reload resumes where it was
    await page.reload();
    await page.locator('.co-tl-step.current[data-status=shipped]').waitFor({ timeout: 20000 });
    check((await orderCount()) === before + 1, `${vp}: still one order after a reload`);
    // back in the checkout: a fresh form (the placed checkout settled the draft), empty cart
    await page.evaluate(() => { location.hash = '#/checkout'; });
    await page.locator('text=Your cart is empty.').waitFor({ timeout: 10000 });
    check(true, `${vp}: the checkout starts afresh after a placed order`);
    return placedUrl;
  } finally {
    await ctx.close();
  }
}

async function declineFlow(viewport, products) {
  const vp = vpName(viewport);
  const { ctx, page } = await launch(viewport, { colorScheme: 'dark' });
  try {
    const total = await toReview(page, products);
    const before = await orderCount();
    await toPaystack(page, vp, total);
    await page.click('button[value=decline]');
    await page.waitForURL(/#\/order\/CHK-/, { timeout: 20000 });
    await page.locator('.co-stage').waitFor({ timeout: 20000 });
    // the proxy has verified the declined payment before it sent the shopper back: give any
    // (wrong) order placement time to show, then count
    await page.waitForTimeout(3000);
    const status = await page.locator('.co-stage').getAttribute('data-status');
    check(status !== 'placed' && status !== 'paid', `${vp}: a declined payment is not paid (${status})`);
    check((await page.locator('.co-paid-note').count()) === 0, `${vp}: no order is shown after a decline`);
    check((await orderCount()) === before, `${vp}: no Amigo order after a decline`);
    check((await page.locator('.cart-count').textContent()).trim() !== '0', `${vp}: the cart is kept after a decline`);
    await shot(page, vp, '3-declined');
    await axeScan(page, `${vp} (dark) declined`);
    return page.url();
  } finally {
    await ctx.close();
  }
}

async function reloadDuringCheckout(viewport, products) {
  const vp = vpName(viewport);
  const { ctx, page } = await launch(viewport);
  try {
    await toReview(page, products.slice(0, 1));
    // the checkout reaches the proxy, but its answer is held back until after the reload
    const made = [];
    let held = 0;
    await page.route('**/api/checkouts', async (route) => {
      const response = await route.fetch();
      made.push((await response.json()).data.reference);
      if (held++ === 0) {
        await new Promise((r) => setTimeout(r, 4000));
        await route.fulfill({ response }).catch(() => {});
      } else {
        await route.fulfill({ response });
      }
    });
    await page.click('#co-place');
    await page.waitForTimeout(1500);
    check(await page.locator('#co-place').isDisabled(), `${vp}: "Pay" is disabled while in flight`);
    await page.reload();
    await page.locator('button[value=pay]').waitFor({ timeout: 20000 });
    check(made.length === 2 && made[0] === made[1], `${vp}: the resent request got the same checkout (${made.join(', ')})`);
    // the shopper comes back without paying: the checkout they made, not a second one
    await page.goBack();
    await page.locator('.co-pending').waitFor({ timeout: 20000 });
    const shown = (await page.locator('.co-pending .co-reference strong').textContent()).trim();
    check(shown === made[0], `${vp}: back in the checkout, the checkout awaiting payment shows (${shown})`);
    await axeScan(page, `${vp} checkout awaiting payment`);
    await page.click('text=Go to your checkout');
    await page.locator('.co-stage[data-status=awaiting_payment] a.co-pay').waitFor({ timeout: 20000 });
    check(true, `${vp}: its tracking page offers to pay`);
    return page.url();
  } finally {
    await ctx.close();
  }
}

const sandboxHeaders = { 'X-API-Key': info.token, 'content-type': 'application/json' };

// Spends the test wallet (refilled to ₦1,000,000 first) below `below` with direct sandbox orders
// of `product` to the same address (test orders check stock but do not take it), each charged
// `fee` for delivery. Returns what is left.
async function drainWallet(order, product, below, fee) {
  const reset = await fetch(`${info.sandbox_url}/api/commerce/sandbox/reset-balance/`, { method: 'POST', headers: sandboxHeaders });
  check(reset.status === 200, 'sandbox refills the test wallet');
  let left = 1_000_000;
  for (let i = 0; i < 60 && left >= below; i++) {
    const quantity = Math.min(product.stock.count, Math.floor((left - fee) / product.price.amount));
    if (quantity < 1) break;
    const r = await fetch(`${info.sandbox_url}/api/commerce/orders/`, {
      method: 'POST',
      headers: { ...sandboxHeaders, 'Idempotency-Key': `e2e-drain-${Date.now()}-${i}` },
      body: JSON.stringify({ ...order, customer: { name: 'Wallet Drain', phone: '08020000000' }, items: [{ product_id: product.id, quantity }] }),
    });
    const body = await r.json();
    if (body.error === 'insufficient_balance' && typeof body.balance === 'number') {
      left = body.balance;
      break;
    }
    if (r.status !== 201) throw new Error(`draining the wallet: ${r.status} ${JSON.stringify(body)}`);
    left -= body.data.total.amount;
  }
  return left;
}

async function refusedAfterPaying(viewport, products) {
  const vp = vpName(viewport);
  const { ctx, page } = await launch(viewport);
  try {
    let sent;
    await page.route('**/api/checkouts', async (route) => {
      sent = JSON.parse(route.request().postData());
      await route.continue();
    });
    const total = await toReview(page, products.slice(0, 1));
    await toPaystack(page, vp, total);
    const amount = Number(total.replace(/[₦,]/g, ''));
    const fee = amount - products[0].price.amount;
    const left = await drainWallet(sent.order, products[0], amount, fee);
    check(left < amount, `${vp}: the wallet holds less than the checkout (₦${left} < ${total})`);
    const before = await orderCount();
    await page.click('button[value=pay]');
    await page.waitForURL(/#\/order\/CHK-/, { timeout: 20000 });
    await page.locator('.co-stage[data-status=refunded], .co-stage[data-status=failed]').waitFor({ timeout: 60000 });
    const status = await page.locator('.co-stage').getAttribute('data-status');
    check(status === 'refunded', `${vp}: a paid checkout Amigo refuses is refunded (${status})`);
    const title = (await page.locator('#co-stage-title').textContent()).trim();
    const detail = (await page.locator('.co-stage-detail').textContent()).trim();
    check(title === 'Refunded' && detail.includes(`Refund of ${total} sent`), `${vp}: the shopper is told ("${title}: ${detail}")`);
    check(await page.locator('.co-stage a:has-text("Check out again")').isVisible(), `${vp}: "Check out again" is offered`);
    check((await orderCount()) === before, `${vp}: no Amigo order for the refused checkout`);
    check((await page.locator('.cart-count').textContent()).trim() !== '0', `${vp}: the cart is kept`);
    await shot(page, vp, '4-refunded');
    const url = page.url();
    // the wallet back to full for whatever runs next
    await fetch(`${info.sandbox_url}/api/commerce/sandbox/reset-balance/`, { method: 'POST', headers: sandboxHeaders });
    return url;
  } finally {
    await ctx.close();
  }
}

async function settingsFailure(viewport, products) {
  const vp = vpName(viewport);
  const { ctx, page, expectConsoleError } = await launch(viewport);
  try {
    let refused = 0;
    let checkouts = 0;
    await page.route('**/api/payment', async (route) => {
      if (refused++ === 0) {
        expectConsoleError(/status of 503/);
        await route.fulfill({ status: 503, contentType: 'application/json', body: '{"success":false,"error":"upstream_unavailable","message":"down"}' });
      } else {
        await route.continue();
      }
    });
    await page.route('**/api/checkouts', async (route) => { checkouts++; await route.continue(); });
    await addToCart(page, products.slice(0, 1));
    await page.evaluate(() => { location.hash = '#/checkout'; });
    await page.locator('#co-name').waitFor({ timeout: 20000 });
    await fillDetails(page);
    await chooseZaria(page);
    await page.locator('#co-tier-standard').waitFor({ timeout: 15000 });
    await page.locator('.co-payment-alert:not([hidden]) button:has-text("Retry")').waitFor({ timeout: 10000 });
    const label = (await page.locator('#co-place').textContent()).trim();
    check(label === 'Place order', `${vp}: without the settings the button promises no payment method (${label})`);
    await axeScan(page, `${vp} payment settings alert`);
    await page.click('#co-place');
    await page.locator('#co-notice:has-text("couldn\'t check how this store takes payment")').waitFor({ timeout: 5000 });
    await page.waitForTimeout(500);
    check(checkouts === 0, `${vp}: nothing is sent while the payment method is unknown`);
    await page.click('.co-payment-alert button:has-text("Retry")');
    await page.locator('#co-place:has-text("Pay ₦")').waitFor({ timeout: 10000 });
    check(await page.locator('.co-payment-alert').isHidden(), `${vp}: Retry reads the settings and the alert goes`);
  } finally {
    await ctx.close();
  }
}

// "Buy data" with `phone` and the cheapest plan, up to the "Pay ₦X" button; returns the price.
async function toDataPay(page, vp, phone) {
  await page.goto(`${demo}/#/data`);
  await page.locator('#topup-phone').waitFor({ timeout: 30000 });
  await page.fill('#topup-phone', phone);
  await page.locator('#topup-phone').blur();
  const card = page.locator('.tu-group .tu-plan').first();
  await card.waitFor({ timeout: 15000 });
  await card.click();
  const price = (await card.locator('.tu-price').textContent()).trim();
  await page.locator('#topup-buy:has-text("Pay ₦")').waitFor({ timeout: 15000 });
  const label = (await page.locator('#topup-buy').textContent()).trim();
  check(label === `Pay ${price}`, `${vp}: Buy data reads "Pay ${price}" (${label})`);
  return price;
}

// From "Pay ₦X" to the hosted page, checking it charges the plan's price; returns the address
// the proxy's way back (`/pay/…/return`) redirects to.
async function toDataPaystack(page, vp, price) {
  const back = [];
  page.on('response', (r) => {
    if (/\/pay\/CHK-[^/]+\/return/.test(r.url()) && r.status() >= 300 && r.status() < 400) back.push(r.headers().location);
  });
  await page.click('#topup-buy');
  await page.locator('button[value=pay]').waitFor({ timeout: 20000 });
  const pay = (await page.locator('button[value=pay]').textContent()).trim();
  const naira = pay.match(/₦([\d,]+)\.00$/)?.[1];
  check(naira === price.replace('₦', ''), `${vp}: the hosted page charges the plan's price (${pay} vs ${price})`);
  return back;
}

async function dataPayFlow(viewport, phone, national) {
  const vp = vpName(viewport);
  const { ctx, page } = await launch(viewport);
  try {
    const price = await toDataPay(page, vp, phone);
    await shot(page, vp, '5-data-pay');
    await axeScan(page, `${vp} Buy data with "Pay ${price}"`);
    const before = (await dataPurchasesFor(national)).length;
    const back = await toDataPaystack(page, vp, price);
    check((await dataPurchasesFor(national)).length === before, `${vp}: no data purchase before the shopper pays`);
    await page.click('button[value=pay]');
    await page.waitForURL(/#\/order\/CHK-/, { timeout: 20000 });
    check(back.length === 1 && /#\/order\/CHK-[A-Z0-9]+$/.test(back[0]),
      `${vp}: the way back names the checkout and no phone (${back.join(', ')})`);
    await page.locator('.co-paid-note').waitFor({ timeout: 30000 });
    await page.locator('.tu-ref').waitFor({ timeout: 20000 });
    const purchase = (await page.locator('.tu-ref').textContent()).trim();
    check(/^AMG-DAT-TEST-/.test(purchase), `${vp}: the paid checkout's data purchase shows (${purchase})`);
    check((await dataPurchasesFor(national)).length === before + 1, `${vp}: exactly one data purchase after paying`);
    const text = await page.locator('.co-tracking').textContent();
    check(text.includes(`•••• ${national.slice(-4)}`) && !text.includes(national), `${vp}: the line shows masked`);
    check(text.includes(`Paid ${price}`), `${vp}: the page says what was paid`);
    await shot(page, vp, '6-data-processing');
    await axeScan(page, `${vp} data paid, topping up`);
    await settleData(purchase, 'delivered');
    await page.locator('.tu-outcome[data-status=delivered]').waitFor({ timeout: 15000 });
    check(true, `${vp}: the top-up reached "delivered" without a reload`);
    await shot(page, vp, '7-data-delivered');
    await axeScan(page, `${vp} data delivered`);
    const url = page.url();
    // a reload resumes; Buy data is ready for the next top-up of the same line
    await page.reload();
    await page.locator('.tu-outcome[data-status=delivered]').waitFor({ timeout: 20000 });
    check((await dataPurchasesFor(national)).length === before + 1, `${vp}: still one purchase after a reload`);
    await page.evaluate(() => { location.hash = '#/data'; });
    await page.locator('#topup-phone').waitFor({ timeout: 20000 });
    check((await page.inputValue('#topup-phone')) === national && (await page.locator('.tu-pending').count()) === 0,
      `${vp}: Buy data starts afresh for the same line`);
    return url;
  } finally {
    await ctx.close();
  }
}

async function dataDeclineFlow(viewport, phone, national) {
  const vp = vpName(viewport);
  const { ctx, page } = await launch(viewport, { colorScheme: 'dark' });
  try {
    const price = await toDataPay(page, vp, phone);
    const before = (await dataPurchasesFor(national)).length;
    await toDataPaystack(page, vp, price);
    await page.click('button[value=decline]');
    await page.waitForURL(/#\/order\/CHK-/, { timeout: 20000 });
    await page.locator('.co-stage').waitFor({ timeout: 20000 });
    // the proxy verified the declined payment before it sent the shopper back: give any (wrong)
    // purchase time to show, then count
    await page.waitForTimeout(3000);
    const status = await page.locator('.co-stage').getAttribute('data-status');
    check(status !== 'placed' && status !== 'paid', `${vp}: a declined data payment is not paid (${status})`);
    check((await dataPurchasesFor(national)).length === before, `${vp}: no data purchase after a decline`);
    const summary = await page.locator('.co-tracking').textContent();
    check(summary.includes('Your data') && summary.includes(`•••• ${national.slice(-4)}`) && !summary.includes(national),
      `${vp}: the checkout shows the plan and the masked line`);
    await shot(page, vp, '8-data-declined');
    await axeScan(page, `${vp} (dark) data declined`);
    const url = page.url();
    const reference = decodeURIComponent(new URL(url).hash.split('/')[2].split('?')[0]);
    // Buy data leads back to this checkout rather than making a second one
    await page.evaluate(() => { location.hash = '#/data'; });
    await page.locator('.tu-pending').waitFor({ timeout: 20000 });
    check((await page.locator('.tu-pending strong').textContent()).trim() === reference, `${vp}: Buy data shows the checkout awaiting payment`);
    await axeScan(page, `${vp} (dark) data awaiting payment`);
    return url;
  } finally {
    await ctx.close();
  }
}

// Paid, bought, then not delivered: the page says so, and the proxy's sweep refunds the checkout.
async function dataUndeliveredFlow(viewport, phone, national) {
  const vp = vpName(viewport);
  const { ctx, page } = await launch(viewport);
  try {
    const price = await toDataPay(page, vp, phone);
    await toDataPaystack(page, vp, price);
    await page.click('button[value=pay]');
    await page.waitForURL(/#\/order\/CHK-.*phone=/, { timeout: 30000 });
    await page.locator('.tu-ref').waitFor({ timeout: 30000 });
    const purchase = (await page.locator('.tu-ref').textContent()).trim();
    await settleData(purchase, 'failed');
    await page.locator('.tu-outcome[data-status=failed]').waitFor({ timeout: 15000 });
    const line = (await page.locator('.tu-outcome').textContent()).trim();
    check(line.includes('the store returns your payment'), `${vp}: a failed top-up says the payment comes back ("${line}")`);
    await axeScan(page, `${vp} paid data not delivered`);
    const url = page.url();
    const hash = new URL(url).hash;
    const reference = decodeURIComponent(hash.split('/')[2].split('?')[0]);
    // the sweep (every 15 s) finds the undelivered plan and refunds the checkout
    let status;
    for (let i = 0; i < 40 && status !== 'refunded'; i++) {
      await page.waitForTimeout(2000);
      const r = await fetch(`${demo}/api/checkouts/${reference}?phone=${national}`);
      status = (await r.json()).data?.status;
    }
    check(status === 'refunded', `${vp}: the undelivered data checkout ends refunded (${status})`);
    return url;
  } finally {
    await ctx.close();
  }
}

// A data checkout's address without the phone, in a browser that has no draft: the number first.
async function askForThePhone(url, national) {
  const bare = url.split('?')[0];
  for (const colorScheme of ['light', 'dark']) {
    for (const width of [320, 360, 1280]) {
      const { ctx, page } = await launch({ width, height: 800 }, { colorScheme });
      try {
        await page.goto(bare);
        await page.locator('#co-find-phone').waitFor({ timeout: 20000 });
        await axeScan(page, `phone form at ${width} px (${colorScheme})`);
        if (width === 360) {
          await page.fill('#co-find-phone', '0803');
          await page.click('text=Show my checkout');
          await page.locator('#co-find-phone-error:not([hidden])').waitFor({ timeout: 5000 });
          await axeScan(page, `phone form with an error at ${width} px (${colorScheme})`);
          await page.fill('#co-find-phone', national);
          await page.click('text=Show my checkout');
          await page.locator('.co-stage').waitFor({ timeout: 20000 });
          check(true, `the number opens the checkout (${colorScheme})`);
        }
      } finally {
        await ctx.close();
      }
    }
  }
}

// The tracking page of one checkout at every width in both colour schemes, once `ready` shows.
async function scanEverywhere(url, label, ready = '.co-stage, .co-paid-note') {
  for (const colorScheme of ['light', 'dark']) {
    for (const width of [320, 360, 1280]) {
      const { ctx, page } = await launch({ width, height: 800 }, { colorScheme });
      try {
        await page.goto(url);
        await page.locator(ready).first().waitFor({ timeout: 20000 });
        await axeScan(page, `${label} at ${width} px (${colorScheme})`);
      } finally {
        await ctx.close();
      }
    }
  }
}

const products = await pickProducts();
const placed = await payFlow({ width: 360, height: 740 }, products);
const declined = await declineFlow({ width: 1280, height: 800 }, products);
await settingsFailure({ width: 320, height: 740 }, products);
const awaiting = await reloadDuringCheckout({ width: 360, height: 740 }, products);
const refunded = await refusedAfterPaying({ width: 360, height: 740 }, products);
await scanEverywhere(placed, 'a paid and placed checkout');
await scanEverywhere(refunded, 'a refunded checkout');
await scanEverywhere(declined, 'a declined checkout');
await scanEverywhere(awaiting, 'a checkout awaiting payment');
const dataPaid = await dataPayFlow({ width: 360, height: 740 }, '0803 555 0201', '08035550201');
const dataDeclined = await dataDeclineFlow({ width: 1280, height: 800 }, '0803 555 0202', '08035550202');
await askForThePhone(dataDeclined, '08035550202');
const dataRefunded = await dataUndeliveredFlow({ width: 360, height: 740 }, '0803 555 0203', '08035550203');
await scanEverywhere(dataRefunded, 'a refunded data checkout', '.co-stage[data-status=refunded]');
await scanEverywhere(dataPaid, 'a paid data checkout, delivered', '.tu-outcome[data-status=delivered]');
await scanEverywhere(dataDeclined, 'a declined data checkout');

finish('PAYMENT E2E');
