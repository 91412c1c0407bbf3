// Shared by the end-to-end suites that drive the demo store against `amigo-proxy --sandbox`:
// the run's settings, the check list, axe-core scans, screenshots, a Chromium that fails the run
// on any page error or console error, and the steps of placing an order through the widget.
//
// Env: AMIGO_DEMO_URL (the proxy), AMIGO_SANDBOX_INFO (the proxy's --sandbox-info-file JSON).
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
export const info = JSON.parse(fs.readFileSync(process.env.AMIGO_SANDBOX_INFO, 'utf8'));
export const demo = (process.env.AMIGO_DEMO_URL || info.proxy_url).replace(/\/$/, '');
export const artifacts = path.join(path.dirname(new URL(import.meta.url).pathname), 'artifacts');
fs.mkdirSync(artifacts, { recursive: true });
export const failures = [];

export function check(ok, what) {
  if (!ok) failures.push(what);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
}

// Prints the summary line and exits non-zero on any failure.
export function finish(title) {
  if (failures.length) {
    console.error(`${title}: ${failures.length} failure(s)`);
    for (const f of failures) console.error(`  - ${f}`);
    process.exit(1);
  }
  console.log(`${title}: all checks passed`);
}

export async function axeScan(page, label) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(async () => {
    const r = await globalThis.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, html: v.nodes[0]?.html?.slice(0, 160) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(bad.length === 0, `axe: no serious/critical violations on ${label}${bad.length ? ' ' + JSON.stringify(bad) : ''}`);
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

// A fresh Chromium profile at `viewport`; `wasm` collects the wasm files the page fetched.
// `bypassCSP` lets axe-core be injected into pages whose CSP forbids inline scripts (the console).
export async function launch(viewport, { colorScheme = 'light', bypassCSP = false } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amigo-e2e-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport,
    colorScheme,
    bypassCSP,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = ctx.pages()[0] || (await ctx.newPage());
  const wasm = [];
  // console errors a step announced it would cause, each consumed once (`expectConsoleError`)
  const expected = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(r.url()); });
  page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
  // a console error is a failure unless the test expected it
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const i = expected.findIndex((re) => re.test(m.text()));
    if (i >= 0) expected.splice(i, 1);
    // a failed load names its resource: which request was refused is the first thing to know
    else failures.push(`console error: ${m.text()}${m.location().url ? ` (at ${m.location().url})` : ''}`);
  });
  const expectConsoleError = (re) => expected.push(re);
  return { ctx, page, wasm, expectConsoleError };
}

// Orders the sandbox holds for the merchant.
export async function orderCount() {
  const r = await fetch(`${info.sandbox_url}/api/commerce/orders/?limit=1`, { headers: { 'X-API-Key': info.token } });
  const body = await r.json();
  return body.pagination.total;
}

// Two in-stock products that ship to Zaria, Kaduna.
export async function pickProducts() {
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

// The sandbox's data purchases for one line (its own history API, with the merchant's token).
export async function dataPurchasesFor(national) {
  const r = await fetch(`${info.sandbox_url}/api/data/?limit=100`, { headers: { 'X-API-Key': info.token } });
  const body = await r.json();
  return body.data.filter((p) => p.mobile_number === national);
}

// Settles a sandbox data purchase as `outcome` (`delivered` or `failed`).
export async function settleData(reference, outcome) {
  const r = await fetch(`${info.sandbox_url}/api/data/sandbox/advance/`, {
    method: 'POST',
    headers: { 'X-API-Key': info.token, 'content-type': 'application/json' },
    body: JSON.stringify({ reference, outcome }),
  });
  check(r.status === 200, `sandbox settles ${reference} as ${outcome}`);
}

export async function addToCart(page, products) {
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

export async function fillDetails(page) {
  await page.fill('#co-name', 'Aisha Bello');
  await page.fill('#co-phone', '+234 803-123-4567');
  await page.fill('#co-email', 'aisha@example.com');
  await page.fill('#co-address', 'Plot 12, Sabon Gari, off PZ Road');
  await page.locator('#co-address').blur();
}

export async function chooseZaria(page) {
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
