// End-to-end test of checkout in real Chromium (playwright-core), at 360×740 and 1280×800, against
// `amigo-proxy --sandbox`: browse → add 2 items → checkout → "zar" → "Zaria — Kaduna" → Premium →
// place order → confirmation → the sandbox ships it and the timeline updates without a reload.
// A double click and a reload during submit each make exactly one order. axe-core scans every
// step (zero serious or critical violations); screenshots of each step go to artifacts/.
//
// Env: AMIGO_DEMO_URL (the proxy), AMIGO_SANDBOX_INFO (the proxy's --sandbox-info-file JSON).
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const info = JSON.parse(fs.readFileSync(process.env.AMIGO_SANDBOX_INFO, 'utf8'));
const demo = (process.env.AMIGO_DEMO_URL || info.proxy_url).replace(/\/$/, '');
const artifacts = path.join(path.dirname(new URL(import.meta.url).pathname), 'artifacts');
fs.mkdirSync(artifacts, { recursive: true });
const failures = [];

function check(ok, what) {
  if (!ok) failures.push(what);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
}

async function orderCount() {
  const r = await fetch(`${info.sandbox_url}/api/commerce/orders/?limit=1`, { headers: { 'X-API-Key': info.token } });
  const body = await r.json();
  return body.pagination.total;
}

async function advance(reference, status) {
  const r = await fetch(`${info.sandbox_url}/api/commerce/sandbox/orders/advance/`, {
    method: 'POST',
    headers: { 'X-API-Key': info.token, 'content-type': 'application/json' },
    body: JSON.stringify({ reference, status }),
  });
  check(r.status === 200, `sandbox advances the order to ${status}`);
}

// Two in-stock products that ship to Zaria, Kaduna (one free-standard if the catalog has one).
async function pickProducts() {
  const list = await (await fetch(`${demo}/api/catalog/products?limit=100&in_stock=true`)).json();
  const picked = [];
  for (const p of list.data) {
    if (p.stock.count < 5) continue;
    const q = await (await fetch(`${info.api_base}/commerce/delivery/quote/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state_code: 'KD', lga_name: 'Zaria', items: [{ product_id: p.id, quantity: 1 }] }),
    })).json();
    if (q.data.serviceable && q.data.totals.premium > 0) picked.push(p);
    if (picked.length === 2) return picked;
  }
  throw new Error('the catalog has no two products that ship to Zaria');
}

async function axeScan(page, label) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(async () => {
    const r = await globalThis.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, html: v.nodes[0]?.html?.slice(0, 160) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(bad.length === 0, `axe: no serious/critical violations on ${label}${bad.length ? ' ' + JSON.stringify(bad) : ''}`);
}

async function shot(page, vp, step) {
  await page.screenshot({ path: path.join(artifacts, `checkout-${vp}-${step}.png`), fullPage: true });
}

async function launch(viewport) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amigo-co-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = ctx.pages()[0] || (await ctx.newPage());
  page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
  // a console error is a failure unless the test expected it (none does)
  page.on('console', (m) => m.type() === 'error' && failures.push(`console error: ${m.text()}`));
  return { ctx, page, dir };
}

async function addToCart(page, products) {
  await page.goto(`${demo}/`);
  await page.locator('button:has-text("Add to cart")').first().waitFor({ timeout: 30000 });
  for (const p of products) {
    await page.evaluate((slug) => { location.hash = `#/p/${slug}`; }, p.slug);
    const add = page.locator('button:has-text("Add to cart"):not([disabled])').first();
    await add.waitFor({ timeout: 20000 });
    await add.click();
    await page.waitForTimeout(150);
  }
}

async function fillDetails(page) {
  await page.fill('#co-name', 'Aisha Bello');
  await page.fill('#co-phone', '+234 803-123-4567');
  await page.fill('#co-email', 'aisha@example.com');
  await page.fill('#co-address', 'Plot 12, Sabon Gari, off PZ Road');
  await page.locator('#co-address').blur();
}

async function chooseZaria(page) {
  const input = page.locator('#co-location');
  await input.click();
  await input.pressSequentially('zar', { delay: 60 });
  await page.locator('[role=option]:has-text("Zaria — Kaduna")').waitFor({ timeout: 10000 });
  // keyboard: arrow down to "Zaria — Kaduna", then Enter
  for (let i = 0; i < 10; i++) {
    await input.press('ArrowDown');
    const active = await input.getAttribute('aria-activedescendant');
    const text = active ? await page.locator(`#${active}`).textContent() : '';
    if (text.includes('Zaria — Kaduna')) break;
  }
  await input.press('Enter');
  check((await input.inputValue()) === 'Zaria — Kaduna', 'the combobox holds "Zaria — Kaduna"');
}

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

if (failures.length) {
  console.error(`CHECKOUT E2E: ${failures.length} failure(s)`);
  for (const f of failures) console.error(`  - ${f}`);
  process.exit(1);
}
console.log('CHECKOUT E2E: all checks passed');
