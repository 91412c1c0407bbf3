// End-to-end: drives the demo store (served by `amigo-proxy --sandbox`, URL in AMIGO_DEMO_URL)
// in real Chromium at phone and desktop sizes. Browses, filters, opens a product, adds two items,
// reloads (the cart must survive), saves screenshots to ./artifacts and runs axe-core, which must
// report no serious or critical violations, in light and dark mode. Any page error or console
// error fails a run. Prints one PASS/FAIL summary line.
import { chromium } from "playwright-core";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
const DEMO = process.env.AMIGO_DEMO_URL;
if (!DEMO) {
  console.error("set AMIGO_DEMO_URL to the proxy's URL (scripts/web-test.sh does)");
  process.exit(2);
}
const ARTIFACTS = new URL("./artifacts/", import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

// Light at the two reference sizes; dark (the demo page sets only --amigo-accent, so the widget
// must pick readable text for the merchant's red itself) at 320, 360 and 1280 px.
const VIEWPORTS = [
  { name: "phone", width: 360, height: 740, scheme: "light" },
  { name: "desktop", width: 1280, height: 800, scheme: "light" },
  { name: "small-dark", width: 320, height: 640, scheme: "dark" },
  { name: "phone-dark", width: 360, height: 740, scheme: "dark" },
  { name: "desktop-dark", width: 1280, height: 800, scheme: "dark" },
];
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function check(cond, message) {
  if (!cond) throw new Error(message);
}

// Scans the page; serious and critical violations are collected in `problems` (the run goes on
// so one report lists every page's violations).
async function axeScan(page, label, problems) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of bad) {
    console.error(`  axe ${label}: ${v.impact} ${v.id}: ${v.help}`);
    for (const n of v.nodes.slice(0, 3)) console.error(`    ${JSON.stringify(n.target)} ${n.failureSummary}`);
  }
  if (bad.length) problems.push(`${label}: ${bad.map((v) => v.id).join(", ")}`);
}

async function cartCount(page) {
  return Number((await page.locator(".cart-count").textContent()).trim());
}

async function run(vp) {
  const dir = mkdtempSync(join(tmpdir(), "amigo-e2e-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ARGS,
    viewport: { width: vp.width, height: vp.height },
    colorScheme: vp.scheme,
  });
  const errors = [];
  const problems = [];
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.setDefaultTimeout(15000);

    // browse (locators pierce the open shadow root)
    await page.goto(DEMO + "/", { waitUntil: "domcontentloaded" });
    // the demo page brings the first view; the live store takes its place once it has drawn
    // the same things (tests/e2e/first-view.mjs covers the first view itself)
    await page.locator("#amigo-store[data-amigo-live]").waitFor({ state: "attached" });
    await page.locator("ul.grid .card").first().waitFor();
    await page.locator(".carousel:not(.skeleton)").first().waitFor();
    const noWidth = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    check(noWidth, "page scrolls sideways");
    await page.screenshot({ path: `${ARTIFACTS}${vp.name}-home.png`, fullPage: false });
    await axeScan(page, `${vp.name} home`, problems);
    // the text on the accent (cart pill, buttons) reads on the merchant's colour in this scheme
    const pill = await page.locator(".cart-link").evaluate((el) => {
      const parse = (c) => (c.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
      const lum = ([r, g, b]) => [r, g, b]
        .map((v) => v / 255)
        .map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
        .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
      const style = getComputedStyle(el);
      const [a, b] = [lum(parse(style.color)), lum(parse(style.backgroundColor))];
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    });
    check(pill >= 4.5, `cart pill contrast ${pill.toFixed(2)} < 4.5 in ${vp.scheme} mode`);

    // filter: a category and in-stock only, reflected in the URL
    const chip = page.locator(".cats a.chip").nth(2);
    const slug = (await chip.getAttribute("href")).replace("#/c/", "");
    await chip.click();
    await page.waitForURL((u) => u.hash.startsWith(`#/c/${slug}`));
    await page.locator(".field.check input").check();
    await page.waitForURL((u) => u.hash.includes("in_stock=true"));
    await page.locator("ul.grid .card").first().waitFor();
    const shown = await page.locator(".grid-section .count").textContent();
    check(/^Showing \d+ of \d+ products$/.test(shown.trim()), `count line: ${shown}`);

    // open a product and add two of it
    const firstName = (await page.locator("ul.grid .card-name").first().textContent()).trim();
    await page.locator("ul.grid .card-link").first().click();
    await page.waitForURL((u) => u.hash.startsWith("#/p/"));
    await page.locator(".detail .title").waitFor();
    check((await page.locator(".detail .title").textContent()).trim() === firstName, "product page shows the product");
    await page.screenshot({ path: `${ARTIFACTS}${vp.name}-product.png` });
    await axeScan(page, `${vp.name} product`, problems);
    const plus = page.locator(".detail .stepper button").last();
    if (await plus.isEnabled()) await plus.click();
    const qty = Number(await page.locator(".detail .stepper input").inputValue());
    await page.locator(".detail .btn.add").click();
    await page.waitForFunction(
      (n) => {
        const host = document.querySelector("#amigo-store");
        return host && host.shadowRoot && host.shadowRoot.querySelector(".cart-count").textContent.trim() === String(n);
      },
      qty
    );

    // back to the grid (history works) and add a second, different item from a card
    await page.goBack();
    await page.waitForURL((u) => u.hash.startsWith(`#/c/${slug}`));
    const add = page.locator("ul.grid .card button.add:not([disabled])").nth(1);
    await add.click();
    await page.waitForFunction(
      (n) => document.querySelector("#amigo-store").shadowRoot.querySelector(".cart-count").textContent.trim() === String(n),
      qty + 1
    );
    check((await page.locator(".toast").textContent()).includes("in cart"), "cart change announced");

    // reload: the cart survives
    await page.reload({ waitUntil: "domcontentloaded" });
    await page.locator("#amigo-store[data-amigo-live]").waitFor({ state: "attached" });
    await page.locator(".cart-count").waitFor();
    await page.waitForFunction(
      (n) => {
        const host = document.querySelector("#amigo-store");
        return host && host.shadowRoot && host.shadowRoot.querySelector(".cart-count")?.textContent.trim() === String(n);
      },
      qty + 1
    );
    await page.locator(".cart-link").click();
    await page.waitForURL((u) => u.hash === "#/cart");
    await page.locator(".lines .line").nth(1).waitFor();
    check((await page.locator(".lines .line").count()) === 2, "two lines in the cart");
    const subtotal = (await page.locator(".subtotal strong").textContent()).trim();
    check(/^₦[\d,]+$/.test(subtotal), `subtotal format: ${subtotal}`);
    await page.locator(".summary .btn.primary:not([disabled])").waitFor();
    await page.screenshot({ path: `${ARTIFACTS}${vp.name}-cart.png` });
    await axeScan(page, `${vp.name} cart`, problems);

    // the host page's careless CSS did not reach inside
    const border = await page.locator("ul.grid img, .lines img").first().evaluate((img) => getComputedStyle(img).borderStyle).catch(() => "none");
    check(border !== "dashed", "merchant CSS leaked into the store");

    check(problems.length === 0, `serious/critical axe violations: ${problems.join("; ")}`);
    check(errors.length === 0, `console errors: ${errors.join(" | ")}`);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

let failed = 0;
for (const vp of VIEWPORTS) {
  const label = `${vp.name} ${vp.width}x${vp.height}`;
  try {
    await run(vp);
    console.log(`ok   e2e ${label}`);
  } catch (e) {
    failed += 1;
    console.log(`FAIL e2e ${label}: ${e.message}`);
  }
}
console.log(`e2e summary: ${VIEWPORTS.length - failed} passed, ${failed} failed; screenshots in tests/e2e/artifacts/`);
process.exit(failed ? 1 : 0);
