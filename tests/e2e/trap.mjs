// The store survives its own crash. A real Rust panic (the test-only `__amigoTestPanic` hook of a
// release-profile build made with the `test-hooks` feature, served in place of the shipped build) traps the
// wasm module in the middle of a checkout. The loader must notice, replace the store with an
// accessible "The store stopped" message and a "Reload store" button, and the reload must bring
// back the cart and the checkout draft from storage. The panic's own message must reach the
// console. Any other page error or console error fails the test.
//
// Env: AMIGO_DEMO_URL (the proxy), AMIGO_TRAP_BUILD (folder with amigo-trap.js and
// amigo-trap_bg.wasm, made by scripts/web-test.sh). Prints one summary line.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const demo = process.env.AMIGO_DEMO_URL;
const build = process.env.AMIGO_TRAP_BUILD;
if (!demo || !build) {
  console.error('set AMIGO_DEMO_URL and AMIGO_TRAP_BUILD (scripts/web-test.sh does)');
  process.exit(2);
}
const loaderSource = fs
  .readFileSync(new URL('../../loader/amigo-widget.js', import.meta.url), 'utf8')
  .replace('__AMIGO_JS__', 'amigo-trap.js')
  .replace('__AMIGO_WASM__', 'amigo-trap_bg.wasm');

const failures = [];
let passed = 0;
function check(ok, what) {
  if (ok) passed += 1;
  else failures.push(what);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amigo-trap-'));
const ctx = await chromium.launchPersistentContext(dir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 360, height: 740 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = ctx.pages()[0] || (await ctx.newPage());
  page.setDefaultTimeout(20000);
  const pageErrors = [];
  const consoleErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await page.route('**/widget/amigo-widget.js', (route) =>
    route.fulfill({ body: loaderSource, contentType: 'text/javascript' }));
  await page.route('**/widget/amigo-trap*', (route) => {
    const name = path.basename(new URL(route.request().url()).pathname);
    route.fulfill({
      path: path.join(build, name),
      contentType: name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript',
    });
  });

  // a cart and a half-filled checkout
  await page.goto(`${demo}/`);
  await page.locator('ul.grid .card button.add:not([disabled])').first().click();
  await page.waitForFunction(() =>
    document.querySelector('#amigo-store').shadowRoot.querySelector('.cart-count').textContent.trim() === '1');
  await page.evaluate(() => { location.hash = '#/checkout'; });
  await page.fill('#co-name', 'Aisha Bello');
  await page.locator('#co-name').blur();
  check(pageErrors.length === 0 && consoleErrors.length === 0, `no errors before the panic (${[...pageErrors, ...consoleErrors].join(' | ')})`);

  // the panic, inside a store callback
  await page.evaluate(async () => {
    const m = await import(new URL('/widget/amigo-trap.js', location.href).href);
    m.__amigoTestPanic();
  });
  const alert = page.locator('[role=alert]:has-text("The store stopped")');
  await alert.waitFor();
  check(true, 'the loader replaced the store with "The store stopped"');
  check(await page.locator('button:has-text("Reload store")').isVisible(), 'a "Reload store" button is offered');
  check(pageErrors.length === 1 && /unreachable/.test(pageErrors[0]), `the trap was the one page error (${pageErrors.join(' | ')})`);
  check(consoleErrors.some((e) => e.includes('test-only panic requested by the end-to-end test')), 'the panic message reached the console');
  const unexpected = consoleErrors.filter((e) => !e.includes('test-only panic') && !e.startsWith('amigo-store: the store stopped'));
  check(unexpected.length === 0, `no unexpected console errors (${unexpected.join(' | ')})`);
  await page.addScriptTag({ path: AXE });
  const bad = (await page.evaluate(() => axe.run(document, { resultTypes: ['violations'] })))
    .violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
  check(bad.length === 0, `axe: no serious/critical violations on the fallback (${bad.join(', ')})`);

  // reload: the cart and the draft come back
  pageErrors.length = 0;
  consoleErrors.length = 0;
  await page.locator('button:has-text("Reload store")').click();
  await page.locator('#co-name').waitFor();
  await page.waitForFunction(() =>
    document.querySelector('#amigo-store').shadowRoot.querySelector('#co-name').value === 'Aisha Bello');
  check(true, 'after "Reload store" the checkout draft is back');
  check((await page.locator('.cart-count').textContent()).trim() === '1', 'after "Reload store" the cart is back');
  check(pageErrors.length === 0 && consoleErrors.length === 0, `no errors after the reload (${[...pageErrors, ...consoleErrors].join(' | ')})`);
} catch (e) {
  check(false, `trap test stopped: ${e.message}`);
} finally {
  await ctx.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(`trap e2e: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
