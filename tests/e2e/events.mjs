// The merchant page follows and drives the store (issue 26), in real Chromium against
// `amigo-proxy --sandbox` (payment `none`):
// 1. events: a listener on `document` (as a merchant's analytics would add) records every
//    `amigo:*` event of a full purchase (browse → product → add → cart → checkout → order); the
//    test checks their order, names, `detail` shapes (GA4 items), and that no personal data the
//    shopper typed is in any of them. `data-analytics="datalayer"` also fills window.dataLayer.
// 2. a data top-up's amigo:data-purchase, with no phone in it;
// 3. the JS API: calls a page queued before the loader ran (window.AmigoStore = [[…]]), and calls
//    made on window.AmigoStore before the wasm is ready, run once, in order; addToCart refuses bad
//    arguments and unknown products with a clear rejected promise; cart() is a copy.
//
// Env: AMIGO_DEMO_URL (the proxy), AMIGO_SANDBOX_INFO (the proxy's --sandbox-info-file JSON).
import { check, chooseZaria, demo, fillDetails, finish, launch, pickProducts } from './lib.mjs';

const NAMES = ['ready', 'view-item', 'view-list', 'add-to-cart', 'remove-from-cart', 'cart-change',
  'begin-checkout', 'add-shipping-info', 'order-placed', 'payment', 'data-purchase', 'error'];

// Before any of the page's scripts: a recorder on document, and the demo page's loader told to
// push GA4 events to window.dataLayer.
function recorder(names) {
  window.__amigoEvents = [];
  for (const n of names) {
    document.addEventListener(`amigo:${n}`, (e) => window.__amigoEvents.push({ name: e.type, detail: e.detail }));
  }
  // the loader reads its attributes when it runs (deferred, after parsing): set it as the
  // parser inserts the tag
  new MutationObserver((changes, observer) => {
    for (const c of changes) {
      for (const n of c.addedNodes) {
        if (n.tagName === 'SCRIPT' && n.dataset && n.dataset.proxy !== undefined) {
          n.dataset.analytics = 'datalayer';
          observer.disconnect();
        }
      }
    }
  }).observe(document, { childList: true, subtree: true });
}

const events = (page) => page.evaluate(() => window.__amigoEvents);

async function purchase(viewport) {
  const { ctx, page } = await launch(viewport);
  try {
    await page.addInitScript(recorder, NAMES);
    const [product] = await pickProducts();
    await page.goto(`${demo}/`);
    // browse in the live store (the first view before it dispatches nothing)
    await page.locator('#amigo-store[data-amigo-live]').waitFor({ state: 'attached', timeout: 30000 });
    await page.locator('ul.grid .card').first().waitFor({ timeout: 30000 });
    await page.evaluate((slug) => { location.hash = `#/p/${slug}`; }, product.slug);
    const add = page.locator('.detail .btn.add:not([disabled])');
    await add.waitFor({ timeout: 20000 });
    await add.click();
    await page.locator('.cart-link').click();
    await page.waitForURL((u) => u.hash === '#/cart');
    await page.locator('.summary .btn.primary:not([disabled])').click();
    await page.locator('#co-name').waitFor({ timeout: 30000 });
    await fillDetails(page);
    await chooseZaria(page);
    await page.locator('#co-tier-premium').waitFor({ timeout: 15000 });
    await page.check('#co-tier-premium');
    await page.click('#co-place');
    await page.locator('.co-confirmation').waitFor({ timeout: 20000 });
    await page.waitForFunction(() => window.__amigoEvents.some((e) => e.name === 'amigo:order-placed'), null, { timeout: 10000 });

    const seen = await events(page);
    const names = seen.map((e) => e.name);
    const first = (n) => names.indexOf(`amigo:${n}`);
    const label = `${viewport.width}px`;
    check(first('ready') === 0, `${label}: amigo:ready comes first (${names.slice(0, 3).join(', ')})`);
    for (const n of ['view-list', 'view-item', 'add-to-cart', 'cart-change', 'begin-checkout', 'add-shipping-info', 'order-placed']) {
      check(first(n) >= 0, `${label}: amigo:${n} was dispatched`);
    }
    const order = ['ready', 'view-item', 'add-to-cart', 'cart-change', 'begin-checkout', 'add-shipping-info', 'order-placed'];
    check(order.every((n, i) => i === 0 || first(order[i - 1]) < first(n)), `${label}: in the order the shopper went (${names.join(' ')})`);
    check(seen.every((e) => e.detail && e.detail.version === 1 && e.detail.store === 'amigo-store'), `${label}: every detail says version 1 and its store (the host's id)`);

    const viewItem = seen.find((e) => e.name === 'amigo:view-item').detail;
    const item = viewItem.items[0];
    check(item.item_id === String(product.id) && item.item_name === product.name && item.item_brand === product.brand
      && item.item_category === product.category.name && item.price === product.price.amount && item.quantity === 1,
      `${label}: view-item carries GA4's item (${JSON.stringify(item)})`);
    const added = seen.find((e) => e.name === 'amigo:add-to-cart').detail;
    check(added.currency === 'NGN' && added.items[0].item_id === String(product.id) && added.value === product.price.amount,
      `${label}: add-to-cart carries the item and its value`);
    const change = seen.find((e) => e.name === 'amigo:cart-change').detail;
    check(change.count === 1 && change.lines === 1 && change.subtotal === product.price.amount, `${label}: cart-change has lines, count, subtotal`);
    const shipping = seen.filter((e) => e.name === 'amigo:add-shipping-info').pop().detail;
    check(shipping.shipping_tier === 'premium' && shipping.state === 'Kaduna' && shipping.lga === 'Zaria', `${label}: add-shipping-info names the tier and area`);
    const placed = seen.find((e) => e.name === 'amigo:order-placed').detail;
    check(/^AMG-COM-/.test(placed.transaction_id) && placed.value > product.price.amount && placed.shipping > 0
      && placed.items[0].item_id === String(product.id), `${label}: order-placed has the reference, value, shipping and items`);
    const emptied = seen.filter((e) => e.name === 'amigo:cart-change').pop().detail;
    check(emptied.count === 0 && names[names.length - 1] === 'amigo:cart-change', `${label}: the cart empties after the order (a cart change, no removal)`);
    check(first('remove-from-cart') < 0, `${label}: nothing was removed`);

    // nothing the shopper typed reaches the merchant's analytics
    const all = JSON.stringify(seen);
    for (const personal of ['8031234567', 'Aisha', 'aisha@', 'Sabon Gari', 'PZ Road']) {
      check(!all.includes(personal), `${label}: no "${personal}" in any event`);
    }
    const layer = await page.evaluate(() => (window.dataLayer || []).filter((x) => x.event).map((x) => x.event));
    for (const ga of ['view_item', 'add_to_cart', 'begin_checkout', 'add_shipping_info', 'purchase']) {
      check(layer.includes(ga), `${label}: dataLayer has GA4's ${ga}`);
    }
    // each GA4 event follows {ecommerce: null}, and carries the detail without the store's own fields
    const entries = await page.evaluate(() => window.dataLayer);
    const at = entries.findIndex((x) => x.event === 'purchase');
    const purchase = entries[at].ecommerce;
    check(at > 0 && entries[at - 1].ecommerce === null, `${label}: {ecommerce: null} comes before GA4's purchase`);
    check(purchase.transaction_id === placed.transaction_id && purchase.value === placed.value && purchase.currency === 'NGN'
      && purchase.items[0].item_id === String(product.id) && !('version' in purchase) && !('store' in purchase),
    `${label}: GA4's purchase carries the order's ecommerce fields (${JSON.stringify(purchase)})`);
    const ship = entries.filter((x) => x.event === 'add_shipping_info').pop().ecommerce;
    check(ship.shipping_tier === 'premium' && !('state' in ship) && !('lga' in ship), `${label}: GA4's add_shipping_info leaves out the area`);
  } finally {
    await ctx.close();
  }
}

// A data top-up (payment `none`: bought at once) tells the page what was bought, not for whom.
async function dataTopUp(viewport) {
  const { ctx, page } = await launch(viewport);
  try {
    await page.addInitScript(recorder, NAMES);
    await page.goto(`${demo}/#/data`);
    await page.locator('#topup-phone').waitFor({ timeout: 30000 });
    await page.fill('#topup-phone', '0803 123 4567');
    const plan = page.locator('.tu-group .tu-plan').first();
    await plan.waitFor({ timeout: 15000 });
    await plan.click();
    await page.click('#topup-buy');
    await page.waitForFunction(() => window.__amigoEvents.some((e) => e.name === 'amigo:data-purchase'), null, { timeout: 20000 });
    const bought = (await events(page)).find((e) => e.name === 'amigo:data-purchase').detail;
    check(/^AMG-DAT-/.test(bought.reference) && bought.network === 'MTN' && bought.plan > 0 && bought.value > 0
      && bought.currency === 'NGN' && bought.version === 1, `data-purchase names the purchase, network, plan and value (${JSON.stringify(bought)})`);
    check(!JSON.stringify(await events(page)).includes('8031234567'), 'no phone number in any event of a top-up');
  } finally {
    await ctx.close();
  }
}

async function api(viewport) {
  const { ctx, page, expectConsoleError } = await launch(viewport);
  // the unknown product's catalog read answers 404, which Chromium logs for any fetch
  expectConsoleError(/status of 404/);
  try {
    const [p1, p2] = await pickProducts();
    // a page that queues before the loader ran, and calls the API as soon as it exists
    await page.addInitScript(({ first, second }) => {
      window.__amigoEvents = [];
      document.addEventListener('amigo:add-to-cart', (e) => window.__amigoEvents.push(e.detail.items[0].item_id));
      window.AmigoStore = [['addToCart', first, 2]];
      window.__results = [];
      document.addEventListener('DOMContentLoaded', () => {
        const store = window.AmigoStore;
        // the loader has run (defer scripts run before DOMContentLoaded); the wasm has not
        window.__readyBefore = !!document.querySelector('#amigo-store').__amigoController;
        store.addToCart(second).then((c) => window.__results.push(['add', c.count]), (e) => window.__results.push(['add-error', e.message]));
        store.addToCart(999999999, 1).then(() => window.__results.push(['unknown', 'resolved']), (e) => window.__results.push(['unknown', e.message]));
        store.addToCart(second, 0).then(() => window.__results.push(['zero', 'resolved']), (e) => window.__results.push(['zero', `${e.name}: ${e.message}`]));
        store.addToCart(second, NaN).then(() => window.__results.push(['nan', 'resolved']), (e) => window.__results.push(['nan', `${e.name}: ${e.message}`]));
        const loop = {};
        loop.self = loop;
        store.open(loop).then(() => window.__results.push(['loop', 'resolved']), (e) => window.__results.push(['loop', e.name]));
        store.open('cart').then(() => window.__results.push(['open', location.hash]));
      });
    }, { first: p1.id, second: p2.id });
    await page.goto(`${demo}/`);
    await page.waitForFunction(() => window.__results && window.__results.length === 6, null, { timeout: 30000 });
    const results = await page.evaluate(() => window.__results);
    const get = (k) => (results.find((r) => r[0] === k) || [])[1];
    check((await page.evaluate(() => window.__readyBefore)) === false, 'the calls were made before the store was ready');
    check(get('add') === 3, `queued calls ran once, in order: the early 2 of one, then 1 of another (${JSON.stringify(results)})`);
    check(/no product 999999999/.test(get('unknown')), `an unknown product is refused clearly (${get('unknown')})`);
    check(/^TypeError: .*quantity/.test(get('zero')), `a zero quantity is a TypeError (${get('zero')})`);
    check(/^TypeError: .*quantity/.test(get('nan')), `a NaN quantity is a TypeError, not the default 1 (${get('nan')})`);
    check(get('loop') === 'TypeError', `arguments that cannot be read as data are refused (${get('loop')})`);
    check(get('open') === '#/cart', `open("cart") opened the cart (${get('open')})`);
    await page.locator('.lines .line').nth(1).waitFor({ timeout: 15000 });
    check((await page.locator('.lines .line').count()) === 2, 'the cart page shows both lines');
    const order = await page.evaluate(() => window.__amigoEvents);
    check(JSON.stringify(order) === JSON.stringify([String(p1.id), String(p2.id)]), `add-to-cart events in call order (${order})`);

    // cart() is a copy: changing it changes nothing
    const copy = await page.evaluate(async () => {
      const c = await window.AmigoStore.cart();
      c.lines[0].quantity = 99;
      return (await window.AmigoStore.cart()).lines[0].quantity;
    });
    check(copy === 2, `cart() hands out a copy (${copy})`);
    // the element carries the same API; open a product, then on() hears what follows
    const viewed = await page.evaluate(async (slug) => {
      const host = document.querySelector('#amigo-store');
      const heard = new Promise((resolve) => {
        const off = host.on('view-item', (d) => { off(); resolve(d.items[0].item_id); });
      });
      await host.open({ product: slug });
      return heard;
    }, p1.slug);
    check(viewed === String(p1.id), `host.open({product}) opened it and on("view-item") heard it (${viewed})`);
    const bad = await page.evaluate(() => window.AmigoStore.open({ product: 'Not A Slug' }).then(() => 'resolved', (e) => `${e.name}: ${e.message}`));
    check(/^TypeError: open\(\{product/.test(bad), `a bad route is refused clearly (${bad})`);
  } finally {
    await ctx.close();
  }
}

await purchase({ width: 360, height: 740 });
await purchase({ width: 1280, height: 800 });
await dataTopUp({ width: 360, height: 740 });
await api({ width: 1280, height: 800 });
finish('EVENTS E2E');
