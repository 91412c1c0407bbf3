// End-to-end test of paying by bank transfer, in real Chromium (playwright-core), against
// `amigo-proxy --sandbox --payment transfer` with the merchant's account in
// AMIGO_TRANSFER_ACCOUNT_NAME / _BANK_NAME / _ACCOUNT_NUMBER: cart → checkout → "Place order,
// pay by transfer" → the checkout's page with the store's account, the exact amount (the total
// shown at review) and the reference for the narration, each with a Copy button that copies it;
// no Amigo order exists until the merchant confirms; a reload shows the same checkout. axe-core
// scans the review and the bank details at 320, 360 and 1280 px in both colour schemes.
//
// Env: AMIGO_DEMO_URL, AMIGO_SANDBOX_INFO, and the three AMIGO_TRANSFER_* values the proxy got.
import {
  addToCart, axeScan, check, chooseZaria, demo, fillDetails, finish, launch, orderCount, pickProducts,
  shot as shotAs,
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

for (const colorScheme of ['light', 'dark']) {
  for (const width of [320, 360, 1280]) {
    const v = await launch({ width, height: 800 }, { colorScheme });
    try {
      await v.page.goto(url);
      await v.page.locator('.co-bank').waitFor({ timeout: 20000 });
      await axeScan(v.page, `bank details at ${width} px (${colorScheme})`);
      if (width === 320) await shotAs(v.page, `transfer-3-bank-details-320-${colorScheme}`);
    } finally {
      await v.ctx.close();
    }
  }
}

finish('TRANSFER E2E');
