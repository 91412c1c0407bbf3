// End-to-end test of the store's wording in real Chromium (playwright-core), against
// `amigo-proxy --sandbox`: a merchant page with data-lang="pcm" goes through a whole purchase
// (browse → product → add → cart → checkout → order placed → tracking) in Nigerian Pidgin, with
// no English text left on any of those screens and axe-core clean on each; "Buy data" (#/data)
// in Pidgin too: a field's error, the network hint, the plans, the Buy button and the top-up's
// outcome, with Naira amounts as in English; a data-wording
// override shows in place of its English; an unknown data-wording key shows the configuration
// error, and so does an unknown data-lang. Every page fails the run on a page error or an
// unexpected console error (lib.mjs).
//
// Env: AMIGO_DEMO_URL (the proxy), AMIGO_SANDBOX_INFO (the proxy's --sandbox-info-file JSON).
import fs from 'node:fs';
import { axeScan, check, chooseZaria, dataPurchasesFor, demo, fillDetails, finish, launch, pickProducts, settleData, shot } from './lib.mjs';

// The demo page with `attributes` set on its loader script before the loader runs (a page the
// proxy serves keeps its network address space, which Chromium's local-network checks need), and
// without the English first view the demo page carries (its store element is replaced by an
// empty one), so the loader asks the proxy for the first view in the store's language.
async function open(attributes, hash = '') {
  const { ctx, page, expectConsoleError } = await launch({ width: 1280, height: 800 });
  await page.addInitScript((attrs) => {
    new MutationObserver((changes, observer) => {
      const script = document.querySelector('script[data-target="#amigo-store"]');
      if (!script) return;
      observer.disconnect();
      for (const [name, value] of Object.entries(attrs)) script.setAttribute(name, value);
      const fresh = document.createElement('div');
      fresh.id = 'amigo-store';
      document.querySelector('#amigo-store').replaceWith(fresh);
    }).observe(document, { childList: true, subtree: true });
  }, attributes);
  return { ctx, page, expectConsoleError, go: () => page.goto(`${demo}/${hash}`) };
}

// The store's visible text and accessible names.
const storeText = (page) => page.evaluate(() => {
  const root = document.querySelector('#amigo-store').shadowRoot;
  const names = [...root.querySelectorAll('[aria-label],[placeholder]')]
    .map((el) => `${el.getAttribute('aria-label') || ''} ${el.getAttribute('placeholder') || ''}`);
  return `${root.textContent} ${names.join(' ')}`;
});

async function noEnglish(page, screen, phrases) {
  const text = await storeText(page);
  const left = phrases.filter((p) => text.includes(p));
  check(left.length === 0, `pcm ${screen}: no English left${left.length ? ` (${left.join(' | ')})` : ''}`);
}

async function pidginPurchase() {
  const [product] = await pickProducts();
  const { ctx, page, go } = await open({ 'data-lang': 'pcm' });
  try {
    // the first view the loader fetched, before the wasm: in Pidgin too
    const firstView = page.waitForResponse((r) => r.url().includes('/api/first-view'), { timeout: 30000 })
      .then(async (r) => ({ url: r.url(), status: r.status(), html: await r.text() }));
    await go();
    const fv = await firstView;
    check(fv.url.includes('lang=pcm') && fv.status === 200, `the loader asks for the first view in Pidgin (${fv.url} ${fv.status})`);
    const markup = fv.html.split('</style>')[1] || '';
    check(markup.includes('Add am to cart') && markup.includes('We dey show') && !markup.includes('Add to cart'),
      'the first view is in Pidgin, so nothing shows in English first');
    await page.locator('[data-amigo-live]').waitFor({ state: 'attached', timeout: 30000 });
    await page.locator('.grid button:has-text("Add am to cart")').first().waitFor({ timeout: 30000 });
    check((await page.locator('.grid-section .count').textContent()).startsWith('We dey show'), 'pcm browse: the count line is in Pidgin');
    check((await page.locator('label[for=amigo-q]').textContent()) === 'Wetin you dey find?', 'pcm browse: the search label is in Pidgin');
    await noEnglish(page, 'browse', ['Add to cart', 'Search products', 'Sort by', 'Showing', 'In stock only', 'Load more', 'All brands', 'Product categories']);
    await shot(page, 'words-pcm-1-browse');
    await axeScan(page, 'pcm browse');

    await page.evaluate((slug) => { location.hash = `#/p/${slug}`; }, product.slug);
    const add = page.locator('.detail button:has-text("Add am to cart"):not([disabled])');
    await add.waitFor({ timeout: 20000 });
    await noEnglish(page, 'product', ['Add to cart', 'All products', 'Quantity of', 'Rated ']);
    await axeScan(page, 'pcm product');
    await add.click();
    await page.locator('.toast:has-text("dey your cart")').waitFor({ timeout: 10000 });

    await page.evaluate(() => { location.hash = '#/cart'; });
    await page.locator('.cart-page .title:has-text("Your cart")').waitFor({ timeout: 20000 });
    await page.locator('.hint:has-text("We go calculate delivery")').waitFor({ timeout: 20000 });
    await noEnglish(page, 'cart', ['Continue shopping', 'Delivery is calculated', 'Remove', 'each']);
    await axeScan(page, 'pcm cart');
    await page.locator('button:has-text("Checkout")').click();

    await page.locator('#co-name').waitFor({ timeout: 20000 });
    await fillDetails(page);
    check((await page.locator('#co-phone-hint').textContent()).includes('E be like MTN number'), 'pcm checkout: the phone hint is in Pidgin');
    await chooseZaria(page);
    await page.locator('#co-tier-premium').waitFor({ timeout: 15000 });
    await page.check('#co-tier-premium');
    check((await page.locator('.co-tier').nth(1).textContent()).includes('Premium delivery to your house'), 'pcm checkout: the tiers are in Pidgin');
    await noEnglish(page, 'checkout', ['Your details', 'Delivery address', 'Delivery option', 'Review and place order', 'Full name',
      'Notes for the rider', 'Arrives in', 'Premium home delivery', 'charged twice', 'Type your Local Government Area']);
    await shot(page, 'words-pcm-2-checkout');
    await axeScan(page, 'pcm checkout');
    await page.click('#co-place');

    await page.locator('.co-confirmation').waitFor({ timeout: 20000 });
    check((await page.locator('#co-confirmed-title').textContent()) === 'Thank you — we don receive your order', 'pcm: the order placed is in Pidgin');
    check(/^AMG-COM-/.test((await page.locator('.co-reference strong').textContent()).trim()), 'pcm: the order reference shows');
    check(/₦[\d,]+/.test(await page.locator('.co-total dd').textContent()), 'pcm: Naira amounts are formatted as in English');
    await noEnglish(page, 'order placed', ['your order is placed', 'What happens next', 'Track your order', 'Total paid', 'Continue shopping']);
    await shot(page, 'words-pcm-3-placed');
    await axeScan(page, 'pcm order placed');

    await page.click('text=Follow your order');
    await page.locator('.co-tl-step.current[data-status=paid]').waitFor({ timeout: 15000 });
    check((await page.locator('.co-tl-step.current').textContent()).includes('Order don enter'), 'pcm tracking: the status is in Pidgin');
    await noEnglish(page, 'tracking', ['Order placed', 'Progress', 'Continue shopping', 'We have your order', 'this page updates']);
    await shot(page, 'words-pcm-4-tracking');
    await axeScan(page, 'pcm tracking');
  } finally {
    await ctx.close();
  }
}

// "Buy data" with data-lang="pcm" (the proxy runs with AMIGO_DATA_ENABLED): Buy with nothing
// entered marks the phone in Pidgin, the plans and the Buy button follow the number, one plan is
// bought and its outcome reads in Pidgin, with no English left and axe clean on each screen.
async function pidginTopUp() {
  const national = '08035550401';
  const { ctx, page, go } = await open({ 'data-lang': 'pcm' }, '#/data');
  try {
    await go();
    await page.locator('#topup-phone').waitFor({ timeout: 30000 });
    check((await page.locator('.tu-page .title').textContent()) === 'Buy data', 'pcm data: the page title');
    check((await page.locator('label[for=topup-phone]').textContent()) === 'Phone number wey you wan top up', 'pcm data: the phone label is in Pidgin');
    await page.click('#topup-buy');
    const error = page.locator('#topup-phone-error:not([hidden])');
    await error.waitFor({ timeout: 10000 });
    check((await error.textContent()) === 'Put the phone number wey you wan top up.', `pcm data: the phone error is in Pidgin (${await error.textContent()})`);
    await noEnglish(page, 'data form', ['Phone number to top up', 'Enter the phone number', 'This number was ported', 'We read the network', 'charged twice']);
    await shot(page, 'words-pcm-5-data-error');
    await axeScan(page, 'pcm data phone error');

    await page.fill('#topup-phone', '0803 555 0401');
    check((await page.locator('#topup-phone-hint').textContent()) === 'MTN number', 'pcm data: the network is read from the number');
    await page.locator('.tu-group .tu-plan').first().waitFor({ timeout: 15000 });
    check((await page.locator('.tu-plans-title').textContent()) === 'MTN plans', 'pcm data: the plans title names the network');
    const card = page.locator('.tu-group .tu-plan').first();
    await card.click();
    const capacity = (await card.locator('.tu-cap').textContent()).trim();
    const price = (await card.locator('.tu-price').textContent()).trim();
    check(/^₦[\d,]+$/.test(price), `pcm data: the plan's price is formatted as in English (${price})`);
    check((await card.locator('input').getAttribute('aria-label')).includes('don deliver') || (await card.locator('input').getAttribute('aria-label')).includes('We no know'),
      'pcm data: the plan\'s delivery rate is in Pidgin');
    const button = (await page.locator('#topup-buy').textContent()).trim();
    check(button === `Buy ${capacity} for ${price}`, `pcm data: the Buy button names the plan and its price (${button})`);
    check((await page.locator('.tu-form .co-fineprint').textContent()).startsWith('We no go charge you two times'), 'pcm data: the line under the button is in Pidgin');
    await noEnglish(page, 'data plans', ['Phone number to top up', 'This number was ported', '% delivered', 'Delivery rate unknown', 'Less reliable plans', 'charged twice', 'makes the same purchase']);
    await shot(page, 'words-pcm-6-data-plans');
    await axeScan(page, 'pcm data plans');

    const before = (await dataPurchasesFor(national)).length;
    await page.click('#topup-buy');
    await page.locator('.tu-done').waitFor({ timeout: 20000 });
    check((await dataPurchasesFor(national)).length === before + 1, 'pcm data: one purchase made');
    check((await page.locator('.tu-done h3').textContent()) === 'E dey top up…', 'pcm data: the outcome is in Pidgin');
    const reference = (await page.locator('.tu-ref').textContent()).trim();
    await settleData(reference, 'delivered');
    await page.locator(`.tu-done h3:has-text("${capacity} don enter ${national}")`).waitFor({ timeout: 15000 });
    check((await page.locator('.tu-outcome').textContent()) === 'E don enter. Enjoy your data.', 'pcm data: delivered, in Pidgin');
    await noEnglish(page, 'data delivered', ['Topping up', ' is on ', 'Delivered.', 'Paid', 'Continue shopping']);
    await shot(page, 'words-pcm-7-data-delivered');
    await axeScan(page, 'pcm data delivered');
  } finally {
    await ctx.close();
  }
}

async function override() {
  const { ctx, page, go } = await open({ 'data-wording': '{"add_to_cart": "Buy now", "your_cart": "Your basket"}' });
  const asked = [];
  page.on('request', (r) => { if (r.url().includes('/api/first-view')) asked.push(r.url()); });
  try {
    await go();
    await page.locator('.grid button:has-text("Buy now")').first().waitFor({ timeout: 30000 });
    await noEnglish(page, 'override browse', ['Add to cart']);
    check((await page.locator('label[for=amigo-q]').textContent()) === 'Search products', 'an override leaves the other texts in English');
    await page.evaluate(() => { location.hash = '#/cart'; });
    await page.locator('.cart-page .title:has-text("Your basket")').waitFor({ timeout: 20000 });
    check(true, 'data-wording overrides show where their texts are');
    check(asked.length === 0, `with data-wording the loader shows no first view in the built-in words (${asked})`);
  } finally {
    await ctx.close();
  }
}

async function unknownKey() {
  const { ctx, page, go, expectConsoleError } = await open({ 'data-wording': '{"add_to_kart": "Buy now"}' });
  expectConsoleError(/^amigo-store: data-wording has an unknown text name "add_to_kart"$/);
  try {
    await go();
    const alert = page.locator('#amigo-store [role=alert]');
    await alert.waitFor({ timeout: 30000 });
    const text = await alert.textContent();
    check(text === 'This store could not load: data-wording has an unknown text name "add_to_kart"', `an unknown data-wording key is a configuration error (${text})`);
    check((await page.locator('#amigo-store button').count()) === 0, 'nothing else of the store shows');
    await axeScan(page, 'the configuration error');
  } finally {
    await ctx.close();
  }
}

// A language the store has no table for: the configuration error alone (no first view asked for
// that the proxy would refuse).
async function unknownLang() {
  const { ctx, page, go, expectConsoleError } = await open({ 'data-lang': 'yo' });
  expectConsoleError(/^amigo-store: data-lang must be "en" or "pcm", got "yo"$/);
  try {
    await go();
    const alert = page.locator('#amigo-store [role=alert]');
    await alert.waitFor({ timeout: 30000 });
    check((await alert.textContent()) === 'This store could not load: data-lang must be "en" or "pcm", got "yo"',
      'an unknown data-lang is a configuration error');
  } finally {
    await ctx.close();
  }
}

// The loader's wording module on its own, as the loader calls it: the Pidgin table and the
// merchant's overrides become the texts by slot, and every refusal names its text.
async function wordingModule() {
  const { words } = await import('../../loader/wording.js');
  const pcm = JSON.parse(fs.readFileSync(new URL('../../src/wording/pcm.json', import.meta.url), 'utf8'));
  const names = Object.keys(pcm);
  const slots = (texts) => texts.split('\u001f');
  let [texts, refused] = words(pcm, '');
  check(refused === '' && slots(texts).length === names.length && slots(texts).every((t) => t),
    `wording module: the Pidgin table fills every one of the ${names.length} texts`);
  [texts, refused] = words(null, '{"add_to_cart": "Buy now", "removed_from_cart": "Removed"}');
  const en = slots(texts);
  check(refused === '' && en.length === names.length && en.filter((t) => t).length === 2 && en.includes('Buy now'),
    'wording module: overrides fill their own texts only, and may leave out a placeholder');
  [texts, refused] = words(pcm, '{"add_to_cart": "Buy am now"}');
  check(slots(texts).includes('Buy am now') && !slots(texts).includes('Add am to cart'), 'wording module: an override wins over Pidgin');
  const refusals = [
    ['{"add_to_kart": "Buy"}', 'data-wording has an unknown text name "add_to_kart"'],
    ['{"checkout": 3}', 'data-wording "checkout" must be a non-empty string'],
    ['{"checkout": "  "}', 'data-wording "checkout" must be a non-empty string'],
    ['{"checkout": "Pay\\u001fnow"}', 'data-wording "checkout" holds the control character U+001F'],
    ['{"only_left": "{count} left"}', 'data-wording "only_left" uses {count}, which that text does not have (it has {n})'],
    ['{"checkout": "Pay {n}"}', 'data-wording "checkout" uses {n}, which that text does not have'],
    ['["checkout"]', 'data-wording is not a JSON object of text names to strings'],
    ['null', 'data-wording is not a JSON object of text names to strings'],
  ];
  for (const [json, want] of refusals) {
    [texts, refused] = words(null, json);
    check(texts === '' && refused === want, `wording module refuses ${json} (${refused})`);
  }
  [texts, refused] = words(null, '{checkout:');
  check(texts === '' && refused.startsWith('data-wording is not a JSON object of text names to strings ('), `wording module: bad JSON (${refused})`);
  const partial = { ...pcm };
  delete partial.checkout;
  [texts, refused] = words(partial, '');
  check(refused === 'the built-in "pcm" wording lacks "checkout"', `wording module: a Pidgin table without a text (${refused})`);
  // what the loader passes for a Pidgin module that came without its table
  [texts, refused] = words({}, '');
  check(texts === '' && refused === 'the built-in "pcm" wording lacks "shop"', `wording module: an empty Pidgin table (${refused})`);
}

await wordingModule();
await pidginPurchase();
await pidginTopUp();
await override();
await unknownKey();
await unknownLang();
finish('WORDS E2E');
