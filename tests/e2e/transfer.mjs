// End-to-end test of paying by bank transfer, in real Chromium (playwright-core), against
// `amigo-proxy --sandbox --payment transfer` with the merchant's account in
// AMIGO_TRANSFER_ACCOUNT_NAME / _BANK_NAME / _ACCOUNT_NUMBER: cart → checkout → "Place order,
// pay by transfer" → the checkout's page with the store's account, the exact amount (the total
// shown at review) and the reference for the narration, each with a Copy button that copies it;
// no Amigo order exists until the merchant confirms; a reload shows the same checkout. Then data:
// Buy data → "Buy, pay by transfer" → the same bank details for the plan's price; no purchase
// until the merchant presses Mark paid in /admin, then exactly one, followed to "delivered".
// axe-core scans the review, the bank details and the data checkout's states at 320, 360 and
// 1280 px in both colour schemes.
//
// Env: AMIGO_DEMO_URL, AMIGO_SANDBOX_INFO, and the three AMIGO_TRANSFER_* values the proxy got.
import {
  addToCart, axeScan, check, chooseZaria, dataPurchasesFor, demo, fillDetails, finish, launch,
  orderCount, pickProducts, settleData, shot as shotAs,
} from './lib.mjs';

const account = {
  name: process.env.AMIGO_TRANSFER_ACCOUNT_NAME,
  bank: process.env.AMIGO_TRANSFER_BANK_NAME,
  number: process.env.AMIGO_TRANSFER_ACCOUNT_NUMBER,
};
if (!account.name || !account.bank || !account.number) {
  throw new Error('transfer.mjs needs AMIGO_TRANSFER_ACCOUNT_NAME, _BANK_NAME and _ACCOUNT_NUMBER');
}

const products = await pickProducts();
const viewport = { width: 360, height: 740 };
const { ctx, page } = await launch(viewport);
let url;
try {
  await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: demo });
  await addToCart(page, products);
  await page.evaluate(() => { location.hash = '#/checkout'; });
  await page.locator('#co-name').waitFor({ timeout: 20000 });
  await fillDetails(page);
  await chooseZaria(page);
  await page.locator('#co-tier-standard').waitFor({ timeout: 15000 });
  await page.locator('#co-place:has-text("pay by transfer")').waitFor({ timeout: 15000 });
  const label = (await page.locator('#co-place').textContent()).trim();
  check(label === 'Place order, pay by transfer', `the last button reads "${label}"`);
  const total = (await page.locator('.co-total dd').first().textContent()).trim();
  await shotAs(page, 'transfer-1-review');
  await axeScan(page, 'transfer review');

  const before = await orderCount();
  await page.click('#co-place');
  await page.waitForURL(/#\/order\/CHK-/, { timeout: 20000 });
  url = page.url();
  const reference = decodeURIComponent(new URL(url).hash.split('/')[2].split('?')[0]);
  await page.locator('.co-bank').waitFor({ timeout: 20000 });
  const rows = Object.fromEntries(await page.locator('.co-bank-row').evaluateAll((els) =>
    els.map((el) => [el.querySelector('dt').textContent.trim(), el.querySelector('.co-bank-value').textContent.trim()])));
  check(rows['Account name'] === account.name, `the account name is the merchant's (${rows['Account name']})`);
  check(rows['Bank'] === account.bank, `the bank is the merchant's (${rows['Bank']})`);
  check(rows['Account number'] === account.number, `the account number is the merchant's (${rows['Account number']})`);
  check(rows['Amount'] === total, `the amount is exactly the total at review (${rows['Amount']} vs ${total})`);
  check(rows['Reference (narration)'] === reference, `the narration is the checkout reference ${reference}`);
  const stage = await page.locator('.co-stage').getAttribute('data-status');
  check(stage === 'awaiting_payment', `the checkout awaits payment (${stage})`);
  const detail = await page.locator('.co-stage-detail').textContent();
  check(/confirms your transfer/.test(detail) && /expires on \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d/.test(detail),
    `it says it waits for the store and when it expires ("${detail.trim()}")`);
  check((await orderCount()) === before, 'no Amigo order exists before the store confirms the transfer');

  await page.click('button[aria-label="Copy account number"]');
  await page.locator('.co-copied:has-text("copied")').waitFor({ timeout: 5000 });
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  check(copied === account.number, `Copy puts the account number on the clipboard (${copied})`);
  await page.click('button[aria-label="Copy amount"]');
  await page.locator('.co-copied:has-text("Amount copied")').waitFor({ timeout: 5000 });
  const amount = await page.evaluate(() => navigator.clipboard.readText());
  check(amount === total.replace(/[₦,]/g, ''), `Copy puts the amount's digits on the clipboard (${amount})`);
  await shotAs(page, 'transfer-2-bank-details');

  await page.reload();
  await page.locator('.co-bank').waitFor({ timeout: 20000 });
  const again = (await page.locator('.co-bank-row:last-child .co-bank-value').textContent()).trim();
  check(again === reference, 'a reload shows the same checkout');
  // back in the checkout: the checkout awaiting payment, not a form that would make a second one
  await page.evaluate(() => { location.hash = '#/checkout'; });
  await page.locator('.co-pending').waitFor({ timeout: 20000 });
  check(true, 'back in the checkout, the checkout awaiting payment shows');
} finally {
  await ctx.close();
}

// Each state's page at every width in both colour schemes, once `ready` shows.
async function scanEverywhere(at, label, ready) {
  for (const colorScheme of ['light', 'dark']) {
    for (const width of [320, 360, 1280]) {
      const v = await launch({ width, height: 800 }, { colorScheme });
      try {
        await v.page.goto(at);
        await v.page.locator(ready).waitFor({ timeout: 20000 });
        await axeScan(v.page, `${label} at ${width} px (${colorScheme})`);
        if (width === 320) await shotAs(v.page, `transfer-${label.replace(/\W+/g, '-')}-320-${colorScheme}`);
      } finally {
        await v.ctx.close();
      }
    }
  }
}
await scanEverywhere(url, 'bank details', '.co-bank');

// Data by transfer: the bank details, Mark paid in the console, one purchase, delivered.
const password = process.env.AMIGO_ADMIN_PASSWORD;
if (!password) throw new Error('transfer.mjs needs AMIGO_ADMIN_PASSWORD (scripts/web-test.sh sets it)');
const national = '08035550301';
let dataPlaced;
{
  const { ctx, page } = await launch(viewport);
  try {
    await page.goto(`${demo}/#/data`);
    await page.locator('#topup-phone').waitFor({ timeout: 30000 });
    await page.fill('#topup-phone', '0803 555 0301');
    await page.locator('#topup-phone').blur();
    const card = page.locator('.tu-group .tu-plan').first();
    await card.waitFor({ timeout: 15000 });
    await card.click();
    const price = (await card.locator('.tu-price').textContent()).trim();
    await page.locator('#topup-buy:has-text("pay by transfer")').waitFor({ timeout: 15000 });
    const label = (await page.locator('#topup-buy').textContent()).trim();
    check(label === 'Buy, pay by transfer', `Buy data reads "${label}"`);
    await axeScan(page, 'Buy data by transfer');
    const before = (await dataPurchasesFor(national)).length;
    await page.click('#topup-buy');
    await page.waitForURL(/#\/order\/CHK-/, { timeout: 20000 });
    const dataAwaiting = page.url();
    const reference = decodeURIComponent(new URL(dataAwaiting).hash.split('/')[2].split('?')[0]);
    await page.locator('.co-bank').waitFor({ timeout: 20000 });
    const rows = Object.fromEntries(await page.locator('.co-bank-row').evaluateAll((els) =>
      els.map((el) => [el.querySelector('dt').textContent.trim(), el.querySelector('.co-bank-value').textContent.trim()])));
    check(rows['Amount'] === price, `the amount is exactly the plan's price (${rows['Amount']} vs ${price})`);
    check(rows['Reference (narration)'] === reference, `the narration is the data checkout's reference ${reference}`);
    check(rows['Account number'] === account.number, 'the account number is the merchant\'s');
    const detail = await page.locator('.co-stage-detail').textContent();
    check(/sends your data once it confirms your transfer/.test(detail), `it says the data comes once the store confirms ("${detail.trim()}")`);
    check((await page.locator('.tu-summary').textContent()).includes('•••• 0301'), 'the line shows masked');
    check((await dataPurchasesFor(national)).length === before, 'no data purchase before the store confirms the transfer');
    await shotAs(page, 'transfer-4-data-bank-details');
    await scanEverywhere(dataAwaiting, 'data bank details', '.co-bank');

    // the merchant confirms the transfer in the console
    const admin = await ctx.newPage();
    await admin.goto(`${demo}/admin`);
    await admin.locator('#password').waitFor();
    await admin.fill('#password', password);
    await admin.click('button[type=submit]');
    await admin.waitForLoadState('domcontentloaded');
    await admin.goto(`${demo}/admin/checkouts`);
    await admin.click(`button[aria-label="Mark ${reference} paid"]`);
    await admin.locator(`.notice:has-text("Marked ${reference} paid")`).waitFor({ timeout: 20000 });
    await admin.close();

    // the shopper's page follows by itself: placed, then the purchase
    await page.locator('.co-paid-note').waitFor({ timeout: 30000 });
    await page.locator('.tu-ref').waitFor({ timeout: 20000 });
    const purchase = (await page.locator('.tu-ref').textContent()).trim();
    check(/^AMG-DAT-TEST-/.test(purchase), `Mark paid bought the data (${purchase})`);
    check((await dataPurchasesFor(national)).length === before + 1, 'exactly one data purchase after Mark paid');
    await settleData(purchase, 'delivered');
    await page.locator('.tu-outcome[data-status=delivered]').waitFor({ timeout: 15000 });
    check(true, 'the data checkout reached "delivered" without a reload');
    await shotAs(page, 'transfer-5-data-delivered');
    dataPlaced = page.url();
  } finally {
    await ctx.close();
  }
}
await scanEverywhere(dataPlaced, 'data delivered', '.tu-outcome[data-status=delivered]');

finish('TRANSFER E2E');
