// End-to-end test of "Buy data" (#/data) in real Chromium (playwright-core), at 360×740 (light)
// and 1280×800 (dark), against `amigo-proxy --sandbox` with AMIGO_DATA_ENABLED: the network is read
// from the number, plans are grouped by validity with efficiency badges (poor ones collapsed), a
// plan is bought, and the outcome reaches the page without a reload once the sandbox settles it. A double
// click and a reload during submit each make exactly one purchase, checked against the sandbox's
// purchase history. axe-core scans every step (zero serious or critical violations); screenshots
// of each step go to artifacts/. The module loads lazily: the browse view never fetches it.
//
// Env: AMIGO_DEMO_URL (the proxy), AMIGO_SANDBOX_INFO (the proxy's --sandbox-info-file JSON).
import { axeScan, check, demo, finish, info, launch, shot as shotAs } from './lib.mjs';

// The sandbox's data purchases for one line (its own history API, with the merchant's token).
async function purchasesFor(national) {
  const r = await fetch(`${info.sandbox_url}/api/data/?limit=100`, { headers: { 'X-API-Key': info.token } });
  const body = await r.json();
  return body.data.filter((p) => p.mobile_number === national);
}

async function settle(reference, outcome) {
  const r = await fetch(`${info.sandbox_url}/api/data/sandbox/advance/`, {
    method: 'POST',
    headers: { 'X-API-Key': info.token, 'content-type': 'application/json' },
    body: JSON.stringify({ reference, outcome }),
  });
  check(r.status === 200, `sandbox settles ${reference} as ${outcome}`);
}

const shot = (page, vp, step) => shotAs(page, `data-${vp}-${step}`);

async function openDataView(page, vp, wasm) {
  await page.goto(`${demo}/`);
  await page.locator('button:has-text("Add to cart")').first().waitFor({ timeout: 30000 });
  check(!wasm.some((u) => /split_topup/.test(u)), `${vp}: the browse view does not download the data module`);
  await page.click('a.data-link');
  await page.locator('#topup-phone').waitFor({ timeout: 20000 });
  check(wasm.some((u) => /split_topup/.test(u)), `${vp}: "Buy data" arrives as its own module`);
}

async function choosePlan(page) {
  // the cheapest reliable daily plan (the first card of the first group)
  const card = page.locator('.tu-group .tu-plan').first();
  await card.waitFor({ timeout: 15000 });
  await card.click();
  return (await card.locator('.tu-cap').textContent()).trim();
}

async function buy(viewport, phone, national, { doubleClick, colorScheme }) {
  const vp = `${viewport.width}x${viewport.height}-${colorScheme}`;
  const { ctx, page, wasm } = await launch(viewport, { colorScheme });
  try {
    await openDataView(page, vp, wasm);
    await shot(page, vp, '1-empty');
    await axeScan(page, `${vp} empty form`);

    // Buy with nothing entered: the phone field is marked and focused
    await page.click('#topup-buy');
    await page.locator('#topup-phone-error:not([hidden])').waitFor();
    // the store moves focus in the animation frame after it shows the error: wait for it (up to
    // 5 s), so the check reads the settled page rather than racing the frame
    await page.waitForFunction(() => document.querySelector('#amigo-store').shadowRoot.activeElement?.id === 'topup-phone',
      null, { timeout: 5000 }).catch(() => {});
    const focused = await page.evaluate(() => document.querySelector('#amigo-store').shadowRoot.activeElement?.id);
    check(focused === 'topup-phone', `${vp}: the phone field gets focus (${focused})`);
    await axeScan(page, `${vp} phone error`);

    await page.fill('#topup-phone', phone);
    check((await page.locator('#topup-phone-hint').textContent()).includes('MTN'), `${vp}: the network is read from the prefix (MTN)`);
    await page.locator('#topup-phone').blur();
    check((await page.inputValue('#topup-phone')) === national, `${vp}: the number is normalised to ${national} when the field is left`);
    await page.locator('.tu-plan').first().waitFor({ timeout: 15000 });
    const legends = await page.locator('.tu-group > legend').allTextContents();
    check(legends.includes('Daily') && legends.includes('Monthly'), `${vp}: plans grouped by validity (${legends.join(', ')})`);
    const poor = page.locator('details.tu-poor');
    if (await poor.count()) {
      check(!(await poor.evaluate((d) => d.open)), `${vp}: poor plans are collapsed under "Less reliable plans"`);
      check((await poor.locator('.tu-badge.poor').count()) > 0, `${vp}: poor plans wear the Poor badge`);
    }
    check((await page.locator('.tu-group .tu-badge.poor').count()) === (await poor.locator('.tu-badge.poor').count()),
      `${vp}: no Poor badge outside "Less reliable plans"`);
    // the sandbox's efficiency scores drift hour by hour, so whether any MTN plan is excellent
    // depends on the hour: the page must badge exactly the plans the proxy rates excellent
    const plans = (await (await fetch(`${demo}/api/data/plans`)).json()).data;
    const excellent = plans.filter((p) => p.network_name === 'MTN' && p.efficiency_rating === 'excellent').length;
    const badged = await page.locator('.tu-badge.excellent').count();
    check(badged === excellent, `${vp}: exactly the excellent plans wear the Excellent badge (${badged} of ${excellent})`);
    await shot(page, vp, '2-plans');
    await axeScan(page, `${vp} plans`);

    // ported: the shopper picks the network, and the plans follow it
    await page.check('#topup-ported');
    await page.locator('#topup-network').waitFor();
    await page.locator('.tu-network:has-text("Glo") input').check();
    await page.locator('.tu-plans-title:has-text("Glo plans")').waitFor();
    await shot(page, vp, '3-ported');
    await axeScan(page, `${vp} ported`);
    await page.uncheck('#topup-ported');
    await page.locator('.tu-plans-title:has-text("MTN plans")').waitFor();

    const capacity = await choosePlan(page);
    check((await page.locator('#topup-buy').textContent()).includes(`Buy ${capacity} for ₦`), `${vp}: the button names the plan and price`);
    const before = (await purchasesFor(national)).length;
    if (doubleClick) await page.dblclick('#topup-buy');
    else await page.click('#topup-buy');
    await page.locator('.tu-done').waitFor({ timeout: 20000 });
    const reference = (await page.locator('.tu-ref').textContent()).trim();
    check(/^AMG-DAT-TEST-/.test(reference), `${vp}: the confirmation shows the reference ${reference}`);
    check((await purchasesFor(national)).length === before + 1, `${vp}: exactly one purchase in the sandbox${doubleClick ? ' after a double click' : ''}`);
    await shot(page, vp, '4-processing');
    await axeScan(page, `${vp} processing`);

    await page.evaluate(() => { window.__noReload = true; });
    await settle(reference, 'delivered');
    await page.locator(`.tu-done h3:has-text("${capacity} is on")`).waitFor({ timeout: 15000 });
    check(await page.evaluate(() => window.__noReload === true), `${vp}: the outcome arrived without a reload`);
    await shot(page, vp, '5-delivered');
    await axeScan(page, `${vp} delivered`);
  } finally {
    await ctx.close();
  }
}

async function reloadDuringSubmit(viewport, phone, national) {
  const vp = `${viewport.width}x${viewport.height}`;
  const { ctx, page, wasm } = await launch(viewport);
  try {
    await openDataView(page, vp, wasm);
    await page.fill('#topup-phone', phone);
    await choosePlan(page);
    // the purchase reaches the proxy, but its answer is held back until after the reload
    let held = 0;
    await page.route('**/api/data/purchases', async (route) => {
      if (held++ === 0) {
        const response = await route.fetch();
        await new Promise((r) => setTimeout(r, 4000));
        await route.fulfill({ response }).catch(() => {});
      } else {
        await route.continue();
      }
    });
    const before = (await purchasesFor(national)).length;
    await page.click('#topup-buy');
    await page.waitForTimeout(1500);
    check(await page.locator('#topup-buy').isDisabled(), `${vp}: Buy is disabled while in flight`);
    await page.reload();
    await page.locator('.tu-done').waitFor({ timeout: 20000 });
    check((await purchasesFor(national)).length === before + 1, `${vp}: exactly one purchase after a reload during submit`);
    await shot(page, vp, '6-after-reload');
  } finally {
    await ctx.close();
  }
}

await buy({ width: 360, height: 740 }, '0803 555 0101', '08035550101', { doubleClick: false, colorScheme: 'light' });
await buy({ width: 1280, height: 800 }, '+234 803 555 0102', '08035550102', { doubleClick: true, colorScheme: 'dark' });
await reloadDuringSubmit({ width: 360, height: 740 }, '0803-555-0103', '08035550103');

finish('DATA E2E');
