// The merchant page hears paid checkouts (issue 26), in real Chromium against
// `amigo-proxy --sandbox --payment paystack` (the Paystack emulator):
// 1. an order paid on the emulator's hosted page: the events of the whole way (browse → product →
//    add → cart → checkout → "Pay" → the hosted page → back on the tracking page), recorded across
//    the page loads; amigo:payment says `awaiting_payment` when the checkout is made and `paid`
//    once the payment is confirmed, then amigo:order-placed names the checkout; each once, also
//    after a reload of the tracking page;
// 2. a data checkout paid the same way: amigo:payment, then amigo:data-purchase `processing` and,
//    once the sandbox delivers the plan, `delivered`; each once, also after a reload.
// No event carries the shopper's phone, name, email or address. Any page error or unexpected
// console error fails the run.
//
// Env: AMIGO_DEMO_URL (the proxy), AMIGO_SANDBOX_INFO (the proxy's --sandbox-info-file JSON).
import { check, chooseZaria, demo, fillDetails, finish, launch, pickProducts, settleData } from './lib.mjs';

const NAMES = ['ready', 'view-item', 'view-list', 'add-to-cart', 'remove-from-cart', 'cart-change',
  'begin-checkout', 'add-shipping-info', 'order-placed', 'payment', 'data-purchase', 'error'];
const PERSONAL = ['8031234567', '803 123', 'Aisha', 'Bello', 'aisha@', 'Sabon Gari', 'PZ Road', '8091112233'];
const PAYMENT_KEYS = 'currency,method,reference,status,store,value,version';
const DATA_KEYS = 'currency,network,plan,reference,status,store,value,version';

// Every amigo:* event of every page load of the tab, in order, kept in the tab's sessionStorage
// (a page's own variables go with it when the tab leaves for the hosted payment page; the way back
// is the same origin and tab). Each page load starts with a `load` marker.
async function record(page) {
  await page.addInitScript((names) => {
    const push = (name, detail) => {
      const log = JSON.parse(sessionStorage.getItem('e2e-events') || '[]');
      log.push({ name, detail });
      sessionStorage.setItem('e2e-events', JSON.stringify(log));
    };
    push('load', { href: location.href });
    for (const n of names) document.addEventListener(`amigo:${n}`, (e) => push(e.type, e.detail));
  }, NAMES);
}

// The tab's events so far (read from a page of the store's origin).
const recorded = (page) => page.evaluate(() => JSON.parse(sessionStorage.getItem('e2e-events') || '[]'));

const named = (log, n) => log.filter((e) => e.name === `amigo:${n}`);
const keys = (d) => Object.keys(d).sort().join(',');
const loads = (log) => log.filter((e) => e.name === 'load').length;

function noPersonalData(log, label) {
  const all = JSON.stringify(log.filter((e) => e.name !== 'load'));
  for (const p of PERSONAL) check(!all.includes(p), `${label}: no "${p}" in any event`);
}

// After a reload: the tracking page is drawn again with `selector` (its final state, which the page
// dispatches for before it draws it), and the store said ready. Returns the events of that load.
async function reloadAndSettle(page, selector) {
  const before = (await recorded(page)).length;
  await page.reload();
  await page.locator(selector).waitFor({ timeout: 30000 });
  await page.waitForFunction(() => document.querySelector('#amigo-store[data-amigo-live]'), null, { timeout: 10000 });
  const log = await recorded(page);
  const after = log.slice(before);
  check(after.some((e) => e.name === 'amigo:ready'), 'the reloaded page dispatched amigo:ready (its events are recorded)');
  return { after, log };
}

async function paidOrder(viewport) {
  const label = `order ${viewport.width}px`;
  const { ctx, page } = await launch(viewport);
  try {
    await record(page);
    const [product] = await pickProducts();
    await page.goto(`${demo}/`);
    await page.locator('#amigo-store[data-amigo-live]').waitFor({ state: 'attached', timeout: 30000 });
    await page.evaluate((slug) => { location.hash = `#/p/${slug}`; }, product.slug);
    const add = page.locator('.detail .btn.add:not([disabled])');
    await add.waitFor({ timeout: 20000 });
    await add.click();
    await page.locator('.cart-link').click();
    await page.locator('.summary .btn.primary:not([disabled])').click();
    await page.locator('#co-name').waitFor({ timeout: 30000 });
    await fillDetails(page);
    await chooseZaria(page);
    await page.locator('#co-tier-standard').waitFor({ timeout: 15000 });
    await page.locator('#co-place:has-text("Pay ₦")').waitFor({ timeout: 15000 });
    const total = Number((await page.locator('.co-total dd').first().textContent()).replace(/[₦,\s]/g, ''));
    await page.click('#co-place');
    await page.locator('button[value=pay]').waitFor({ timeout: 20000 });
    await page.click('button[value=pay]');
    await page.waitForURL(/#\/order\/CHK-/, { timeout: 20000 });
    await page.locator('.co-paid-note').waitFor({ timeout: 30000 });
    await page.locator('.co-tl-step.current[data-status=paid]').waitFor({ timeout: 15000 });
    check((await page.locator('.cart-count').textContent()).trim() === '0', `${label}: the cart is emptied once the order is placed`);
    const reference = decodeURIComponent(new URL(page.url()).hash.split('/')[2].split('?')[0]);
    let log = await recorded(page);

    const names = log.filter((e) => e.name !== 'load').map((e) => e.name.replace('amigo:', ''));
    const at = (n, from = 0) => names.indexOf(n, from);
    const order = ['ready', 'view-item', 'add-to-cart', 'cart-change', 'begin-checkout', 'add-shipping-info', 'payment'];
    check(order.every((n, i) => i === 0 || (at(order[i - 1]) >= 0 && at(order[i - 1]) < at(n))),
      `${label}: in the order the shopper went (${names.join(' ')})`);
    const payments = named(log, 'payment');
    check(payments.length === 2 && payments[0].detail.status === 'awaiting_payment' && payments[1].detail.status === 'paid',
      `${label}: amigo:payment once awaiting payment, once paid (${payments.map((p) => p.detail.status).join(', ')})`);
    for (const p of payments) {
      const d = p.detail;
      check(keys(d) === PAYMENT_KEYS && d.version === 1 && d.store === 'amigo-store' && d.reference === reference
        && d.method === 'paystack' && d.currency === 'NGN' && d.value === total,
      `${label}: payment ${d.status} has the documented shape, the checkout and the total ${total} (${JSON.stringify(d)})`);
    }
    const placed = named(log, 'order-placed');
    check(placed.length === 1 && placed[0].detail.transaction_id === reference && placed[0].detail.value === total
      && placed[0].detail.items[0].item_id === String(product.id),
    `${label}: amigo:order-placed once, for the checkout (${JSON.stringify(placed.map((p) => p.detail.transaction_id))})`);
    const paidAt = names.lastIndexOf('payment');
    check(paidAt < names.indexOf('order-placed') && at('ready', at('payment') + 1) < paidAt,
      `${label}: paid is told on the way back, before the order`);
    check(loads(log) === 2, `${label}: the store's two page loads are recorded (before and after the hosted page): ${loads(log)}`);

    const { after: again, log: all } = await reloadAndSettle(page, '.co-paid-note');
    log = all;
    check(!again.some((e) => ['amigo:payment', 'amigo:order-placed'].includes(e.name)),
      `${label}: a reload of the tracking page tells nothing again (${again.map((e) => e.name).join(' ')})`);
    check(named(log, 'payment').length === 2 && named(log, 'order-placed').length === 1, `${label}: still once each`);
    noPersonalData(log, label);
  } finally {
    await ctx.close();
  }
}

async function paidData(viewport) {
  const label = `data ${viewport.width}px`;
  const { ctx, page } = await launch(viewport);
  try {
    await record(page);
    await page.goto(`${demo}/#/data`);
    await page.locator('#topup-phone').waitFor({ timeout: 30000 });
    await page.fill('#topup-phone', '0809 111 2233');
    await page.locator('#topup-phone').blur();
    const card = page.locator('.tu-group .tu-plan').first();
    await card.waitFor({ timeout: 15000 });
    await card.click();
    const price = Number((await card.locator('.tu-price').textContent()).replace(/[₦,\s]/g, ''));
    await page.locator('#topup-buy:has-text("Pay ₦")').waitFor({ timeout: 15000 });
    await page.click('#topup-buy');
    await page.locator('button[value=pay]').waitFor({ timeout: 20000 });
    await page.click('button[value=pay]');
    await page.waitForURL(/#\/order\/CHK-/, { timeout: 20000 });
    await page.locator('.tu-outcome[data-status=processing], .tu-outcome[data-status=delivered]').waitFor({ timeout: 30000 });
    const reference = decodeURIComponent(new URL(page.url()).hash.split('/')[2].split('?')[0]);
    const purchase = (await page.locator('.tu-ref').textContent()).trim();
    await settleData(purchase, 'delivered');
    await page.locator('.tu-outcome[data-status=delivered]').waitFor({ timeout: 15000 });
    let log = await recorded(page);

    const payments = named(log, 'payment');
    check(payments.map((p) => p.detail.status).join() === 'awaiting_payment,paid',
      `${label}: amigo:payment once awaiting payment, once paid (${payments.map((p) => p.detail.status).join(', ')})`);
    for (const { detail: d } of payments) {
      check(keys(d) === PAYMENT_KEYS && d.reference === reference && d.method === 'paystack' && d.value === price,
        `${label}: payment ${d.status} names the checkout and the plan's price (${JSON.stringify(d)})`);
    }
    const bought = named(log, 'data-purchase');
    const statuses = bought.map((b) => b.detail.status).join();
    check(statuses === 'processing,delivered' || statuses === 'delivered',
      `${label}: amigo:data-purchase once per status, ending delivered (${statuses})`);
    for (const { detail: d } of bought) {
      check(keys(d) === DATA_KEYS && d.version === 1 && d.store === 'amigo-store' && d.reference === purchase
        && d.network === '9mobile' && d.plan > 0 && d.value === price && d.currency === 'NGN',
      `${label}: data-purchase ${d.status} has the documented shape (${JSON.stringify(d)})`);
    }
    const names = log.map((e) => e.name);
    check(names.lastIndexOf('amigo:payment') < names.indexOf('amigo:data-purchase'), `${label}: paid is told before the purchase`);
    check(named(log, 'order-placed').length === 0, `${label}: a data checkout places no shop order`);

    const { after: again, log: all } = await reloadAndSettle(page, '.tu-outcome[data-status=delivered]');
    log = all;
    check(!again.some((e) => ['amigo:payment', 'amigo:data-purchase'].includes(e.name)),
      `${label}: a reload of the tracking page tells nothing again (${again.map((e) => e.name).join(' ')})`);
    noPersonalData(log, label);
  } finally {
    await ctx.close();
  }
}

await paidOrder({ width: 360, height: 740 });
await paidData({ width: 1280, height: 800 });
finish('PAID EVENTS E2E');
