// End-to-end test of an abandoned Paystack payment, in real Chromium (playwright-core), against
// `amigo-proxy --sandbox --payment paystack` with AMIGO_CHECKOUT_EXPIRY_MINUTES=1 (web-test.sh
// starts it): cart → checkout → "Pay ₦X" → the emulator's hosted page → Abandon → back on the
// checkout's tracking page (no phone in the address: the page finds it in its own draft), which
// says it awaits payment; no Amigo order. A minute later the proxy's sweep (every 15 s) asks
// Paystack once more and expires it, and the tracking page says "Payment expired" without a
// reload, with "Check out again". axe-core scans the awaiting and the expired page at 320, 360 and
// 1280 px, light and dark. Any page error or unexpected console error fails the run.
//
// Env: AMIGO_DEMO_URL (the proxy), AMIGO_SANDBOX_INFO (the proxy's --sandbox-info-file JSON).
import {
  addToCart, axeScan, check, chooseZaria, fillDetails, finish, launch, orderCount, pickProducts, shot,
} from './lib.mjs';

const SIZES = [{ width: 320, height: 700 }, { width: 360, height: 740 }, { width: 1280, height: 800 }];

async function scanAll(page, what) {
  for (const size of SIZES) {
    for (const colorScheme of ['light', 'dark']) {
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme });
      // the store re-checks its accent's contrast on the scheme's change event, which fires in
      // the next rendering update: two animation frames later it has run
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      await axeScan(page, `${what} at ${size.width} px, ${colorScheme}`);
    }
  }
  await shot(page, `expiry-${what.replace(/\W+/g, '-')}`);
}

const { ctx, page } = await launch({ width: 360, height: 740 });
try {
  const products = (await pickProducts()).slice(0, 1);
  await addToCart(page, products);
  await page.evaluate(() => { location.hash = '#/checkout'; });
  await page.locator('#co-name').waitFor({ timeout: 20000 });
  await fillDetails(page);
  await chooseZaria(page);
  await page.locator('#co-place:has-text("Pay ₦")').waitFor({ timeout: 15000 });
  const before = await orderCount();
  await page.click('#co-place');
  await page.locator('button[value=abandon]').waitFor({ timeout: 20000 });
  await page.click('button[value=abandon]');

  await page.waitForURL(/#\/order\/CHK-/, { timeout: 20000 });
  const hash = new URL(page.url()).hash;
  check(!hash.includes('phone'), `the way back carries no phone number (${hash})`);
  const stage = page.locator('.co-stage[data-status]');
  await page.locator('.co-stage[data-status=awaiting_payment]').waitFor({ timeout: 20000 });
  check(true, 'after Abandon the tracking page says the checkout awaits payment');
  check((await orderCount()) === before, 'no Amigo order after an abandoned payment');
  await scanAll(page, 'awaiting payment');

  // the checkout expires a minute after it was made; the sweep runs every 15 s
  await page.locator('.co-stage[data-status=expired]').waitFor({ timeout: 120000 });
  const title = (await stage.locator('h3').textContent()).trim();
  check(title === 'Payment expired', `the tracking page says it expired, without a reload (${title})`);
  check((await page.locator('.co-stage a:has-text("Check out again")').count()) === 1, 'an expired checkout offers "Check out again"');
  check((await orderCount()) === before, 'still no Amigo order once it expired');
  check((await page.locator('.cart-count').textContent()).trim() !== '0', 'the cart is kept');
  await scanAll(page, 'expired');
} finally {
  await ctx.close();
}
finish('EXPIRY E2E');
