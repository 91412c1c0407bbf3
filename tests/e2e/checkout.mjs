// End-to-end test of checkout in real Chromium (playwright-core), at 360×740 and 1280×800, against
// `amigo-proxy --sandbox`: browse → add 2 items → checkout → "zar" → "Zaria — Kaduna" → Premium →
// place order → confirmation → the sandbox ships it and the timeline updates without a reload.
// A double click and a reload during submit each make exactly one order. axe-core scans every
// step (zero serious or critical violations); screenshots of each step go to artifacts/.
//
// Env: AMIGO_DEMO_URL (the proxy), AMIGO_SANDBOX_INFO (the proxy's --sandbox-info-file JSON).
import {
  addToCart, axeScan, check, chooseZaria, fillDetails, finish, info, launch, orderCount, pickProducts,
  shot as shotAs,
} from './lib.mjs';

async function advance(reference, status) {
  const r = await fetch(`${info.sandbox_url}/api/commerce/sandbox/orders/advance/`, {
    method: 'POST',
    headers: { 'X-API-Key': info.token, 'content-type': 'application/json' },
    body: JSON.stringify({ reference, status }),
  });
  check(r.status === 200, `sandbox advances the order to ${status}`);
}

const shot = (page, vp, step) => shotAs(page, `checkout-${vp}-${step}`);

async function purchase(viewport, products, { doubleClick }) {
  const vp = `${viewport.width}x${viewport.height}`;
  const { ctx, page } = await launch(viewport);
  try {
    await addToCart(page, products);
    await page.evaluate(() => { location.hash = '#/cart'; });
    await page.locator('a:has-text("Checkout"), button:has-text("Checkout")').first().click();
    await page.locator('#co-name').waitFor({ timeout: 20000 });
    await shot(page, vp, '1-details');
    await axeScan(page, `${vp} details`);

    // submitting empty: inline errors, focus on the first invalid field
    await page.click('#co-place');
    await page.locator('#co-name-error:not([hidden])').waitFor();
    // focus may move in the frame after the errors show: wait for it (up to 5 s), then check
    await page.waitForFunction(() => document.querySelector('#amigo-store').shadowRoot.activeElement?.id === 'co-name',
      null, { timeout: 5000 }).catch(() => {});
    const focused = await page.evaluate(() => {
      const host = document.querySelector('#amigo-store');
      return host.shadowRoot.activeElement?.id;
    });
    check(focused === 'co-name', `${vp}: the first invalid field gets focus (${focused})`);
    await shot(page, vp, '2-errors');
    await axeScan(page, `${vp} inline errors`);

    await fillDetails(page);
    check((await page.inputValue('#co-phone')) === '08031234567', `${vp}: phone normalised to 0XXXXXXXXXX`);
    check((await page.locator('#co-phone-hint').textContent()).includes('MTN'), `${vp}: network hint MTN`);
    await page.locator('#co-location').pressSequentially('zar', { delay: 60 });
    await page.locator('[role=option]:has-text("Zaria — Kaduna")').waitFor({ timeout: 10000 });
    await shot(page, vp, '3-typeahead');
    await axeScan(page, `${vp} typeahead open`);
    await page.fill('#co-location', '');
    await chooseZaria(page);

    await page.locator('#co-tier-premium').waitFor({ timeout: 15000 });
    await page.check('#co-tier-premium');
    const tiers = await page.locator('.co-tier').allTextContents();
    check(tiers.length === 2 && tiers[1].includes('Premium'), `${vp}: Standard and Premium offered`);
    check(await page.locator('#co-notice').isHidden(), `${vp}: the "fix the highlighted fields" notice is gone once every field is fixed`);
    await shot(page, vp, '4-delivery');
    await axeScan(page, `${vp} delivery tiers`);

    const before = await orderCount();
    if (doubleClick) await page.dblclick('#co-place');
    else await page.click('#co-place');
    await page.locator('.co-confirmation').waitFor({ timeout: 20000 });
    const reference = (await page.locator('.co-reference strong').textContent()).trim();
    check(/^AMG-COM-/.test(reference), `${vp}: confirmation shows the reference ${reference}`);
    check((await orderCount()) === before + 1, `${vp}: exactly one order in the sandbox${doubleClick ? ' after a double click' : ''}`);
    check((await page.locator('.co-delivery').textContent()).includes('Premium'), `${vp}: confirmation shows the Premium tier`);
    check((await page.locator('.cart-count').textContent()).trim() === '0', `${vp}: the cart is cleared once confirmed`);
    await shot(page, vp, '5-confirmation');
    await axeScan(page, `${vp} confirmation`);

    await page.click('text=Track your order');
    await page.locator('.co-tl-step.current[data-status=paid]').waitFor({ timeout: 15000 });
    await page.evaluate(() => { window.__noReload = true; });
    await advance(reference, 'accepted');
    await advance(reference, 'shipped');
    await page.locator('.co-tl-step.current[data-status=shipped]').waitFor({ timeout: 15000 });
    check(await page.evaluate(() => window.__noReload === true), `${vp}: the timeline reached "shipped" without a reload`);
    await shot(page, vp, '6-tracking');
    await axeScan(page, `${vp} tracking`);
    // the tracking link survives a reload
    await page.reload();
    await page.locator('.co-tl-step.current[data-status=shipped]').waitFor({ timeout: 15000 });
    check(true, `${vp}: the tracking link works after a reload`);
  } finally {
    await ctx.close();
  }
}

async function reloadDuringSubmit(viewport, products) {
  const vp = `${viewport.width}x${viewport.height}`;
  const { ctx, page } = await launch(viewport);
  try {
    await addToCart(page, products.slice(0, 1));
    await page.evaluate(() => { location.hash = '#/checkout'; });
    await page.locator('#co-name').waitFor({ timeout: 20000 });
    await fillDetails(page);
    await chooseZaria(page);
    await page.locator('#co-tier-standard').waitFor({ timeout: 15000 });
    // the order reaches the proxy, but its answer is held back until after the reload
    let held = 0;
    await page.route('**/api/orders', async (route) => {
      if (held++ === 0) {
        const response = await route.fetch();
        await new Promise((r) => setTimeout(r, 4000));
        await route.fulfill({ response }).catch(() => {});
      } else {
        await route.continue();
      }
    });
    const before = await orderCount();
    await page.click('#co-place');
    await page.waitForTimeout(1500);
    check((await page.locator('#co-place').isDisabled()), `${vp}: "Place order" is disabled while in flight`);
    await page.reload();
    await page.locator('.co-confirmation').waitFor({ timeout: 20000 });
    check((await orderCount()) === before + 1, `${vp}: exactly one order after a reload during submit`);
    await shot(page, vp, '7-after-reload');
  } finally {
    await ctx.close();
  }
}

const products = await pickProducts();
for (const viewport of [{ width: 360, height: 740 }, { width: 1280, height: 800 }]) {
  await purchase(viewport, products, { doubleClick: viewport.width > 1000 });
}
await reloadDuringSubmit({ width: 360, height: 740 }, products);

finish('CHECKOUT E2E');
