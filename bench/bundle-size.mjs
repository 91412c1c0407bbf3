// Bundle size: the release widget's wasm, JS glue, CSS and loader, each raw / gzip -9 /
// brotli -q 11, then the bytes a browser really transfers on a cold first load of the demo
// store served by `amigo-proxy --sandbox` (resource timing), against bench/budgets.json.
//
//   node bench/bundle-size.mjs        (after scripts/build-widget.sh; bench/run.sh does both)

import fs from 'node:fs';
import path from 'node:path';

import { launch } from './lib/browser.mjs';
import {
  BENCH, DIST, ROOT, fail, judge, loadBudgets, log, run, saveResult, startProxySandbox, stop,
} from './lib/common.mjs';

const KiB = 1024;

function sizes(file) {
  const raw = fs.statSync(file).size;
  const gzip = Number(run('sh', ['-c', 'gzip -9 -c "$1" | wc -c', 'sh', file]).trim());
  const brotli = Number(run('sh', ['-c', 'brotli -q 11 -c "$1" | wc -c', 'sh', file]).trim());
  return { raw, gzip, brotli };
}

function pick(pattern, what) {
  const names = fs.readdirSync(DIST).filter((n) => pattern.test(n));
  if (names.length !== 1) fail(`expected one ${what} in dist/ (${pattern}), found ${names.length}: ${names.join(', ')}`);
  return names[0];
}

// ---------------------------------------------------------------- files
if (!fs.existsSync(DIST)) fail('dist/ is missing: build the widget first (bench/run.sh does)');
const files = {
  wasm: pick(/_bg\.wasm$/, 'wasm module'),
  js: pick(/^amigo-storefront-[0-9a-f]{16}\.js$/, 'JS glue'),
  loader: pick(/^amigo-widget\.js$/, 'loader'),
  // the wasm-split loader the main module imports (part of the first load)
  split: pick(/^__wasm_split-[0-9a-f]{16}\.js$/, 'wasm-split loader'),
};
const cssInDist = fs.readdirSync(DIST).filter((n) => n.endsWith('.css'));
const assets = {};
for (const [kind, name] of Object.entries(files)) {
  assets[kind] = { file: name, ...sizes(path.join(DIST, name)), precompressed: ['br', 'gz'].filter((e) => fs.existsSync(path.join(DIST, `${name}.${e}`))) };
}
if (cssInDist.length) {
  const s = cssInDist.map((n) => sizes(path.join(DIST, n)));
  assets.css = { file: cssInDist.join(' + '), raw: 0, gzip: 0, brotli: 0, inlined: false };
  for (const x of s) for (const k of ['raw', 'gzip', 'brotli']) assets.css[k] += x[k];
} else {
  // The widget compiles its stylesheet into the wasm (include_str!) and adopts it in the shadow
  // root, so there is no CSS download: report the source for scale; its bytes are in the wasm.
  const src = path.join(ROOT, 'style', 'widget.css');
  assets.css = { file: 'style/widget.css (inside the wasm)', ...(fs.existsSync(src) ? sizes(src) : { raw: 0, gzip: 0, brotli: 0 }), inlined: true };
}
const downloaded = ['wasm', 'js', 'split', 'loader', ...(assets.css.inlined ? [] : ['css'])];
const total = { raw: 0, gzip: 0, brotli: 0 };
for (const k of downloaded) for (const c of Object.keys(total)) total[c] += assets[k][c];

console.log('Widget release build (dist/):');
console.log('  asset    raw        gzip -9    brotli -q 11   file');
for (const [k, a] of Object.entries({ ...assets, total: { ...total, file: `downloaded: ${downloaded.join(' + ')}` } })) {
  console.log(`  ${k.padEnd(7)} ${(a.raw / KiB).toFixed(1).padStart(7)} KiB ${(a.gzip / KiB).toFixed(1).padStart(7)} KiB ${(a.brotli / KiB).toFixed(1).padStart(9)} KiB   ${a.file}${a.precompressed?.length ? ` [.${a.precompressed.join(' .')} on disk]` : ''}`);
}

// ---------------------------------------------------------------- first load in a browser
log('first load of the demo store (cold profile, no throttling) for resource timing');
const server = await startProxySandbox();
const browser = await launch();
let firstLoad;
try {
  const { page } = browser;
  await page.addInitScript({ path: path.join(BENCH, 'lib', 'probe.js') });
  const encodings = new Map();
  page.on('response', (r) => encodings.set(r.url(), r.headers()['content-encoding'] || 'identity'));
  await page.goto(server.info.proxy_url + '/', { waitUntil: 'load', timeout: 60000 });
  await page.waitForFunction(() => window.__bench && window.__bench.card != null, null, { timeout: 60000 });
  await page.waitForLoadState('networkidle', { timeout: 30000 }).catch(() => log('network not idle after 30 s; measuring anyway'));
  const entries = await page.evaluate(() => [
    ...performance.getEntriesByType('navigation'),
    ...performance.getEntriesByType('resource'),
  ].map((e) => ({ name: e.name, type: e.initiatorType || 'navigation', transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize })));
  const proxy = new URL(server.info.proxy_url).origin;
  const group = (e) => {
    const u = new URL(e.name);
    if (u.origin !== proxy) return 'cross-origin (sandbox images and public API)';
    // the later modules (product page and cart, checkout, the chunks they share) are fetched
    // once the browse view is idle: not part of the first load
    if (/^\/widget\/(split|chunk)_[^/]*\.wasm$/.test(u.pathname)) return 'widget, fetched later (split modules, on idle)';
    if (u.pathname.startsWith('/widget/')) return 'widget';
    if (u.pathname.startsWith('/api/')) return 'api';
    return 'page';
  };
  const groups = {};
  for (const e of entries) {
    const g = (groups[group(e)] ||= { requests: 0, transfer: 0, encoded: 0, decoded: 0 });
    g.requests += 1; g.transfer += e.transfer; g.encoded += e.encoded; g.decoded += e.decoded;
  }
  const widgetFiles = entries.filter((e) => group(e).startsWith('widget')).map((e) => ({
    file: new URL(e.name).pathname, transfer: e.transfer, encoded: e.encoded, decoded: e.decoded,
    encoding: encodings.get(e.name) || '?',
  }));
  firstLoad = { groups, widgetFiles, requests: entries.length, total: entries.reduce((s, e) => s + e.transfer, 0) };
} finally {
  await browser.close();
  await stop(server.child);
  fs.rmSync(server.tmp, { recursive: true, force: true });
}

console.log('First load of the demo store (resource timing transferSize, headers included):');
for (const f of firstLoad.widgetFiles) {
  console.log(`  ${f.file.padEnd(48)} ${(f.transfer / KiB).toFixed(1).padStart(7)} KiB on the wire (${f.encoding}), ${(f.decoded / KiB).toFixed(1)} KiB decoded`);
}
for (const [g, v] of Object.entries(firstLoad.groups)) {
  console.log(`  ${g.padEnd(48)} ${(v.transfer / KiB).toFixed(1).padStart(7)} KiB in ${v.requests} requests`);
}
console.log(`  ${'everything same-origin + cross-origin reported'.padEnd(48)} ${(firstLoad.total / KiB).toFixed(1).padStart(7)} KiB in ${firstLoad.requests} requests`);

const budgets = loadBudgets();
const widgetKiB = (firstLoad.groups.widget?.transfer ?? 0) / KiB;
console.log('Budgets:');
const verdicts = {
  first_load_widget_transfer_kib: judge('widget first-load transfer (wasm+JS+CSS+loader as served)', Number(widgetKiB.toFixed(1)), budgets.first_load_widget_transfer_kib, ' KiB'),
  brotli_total_kib: judge('same files, brotli -q 11 (if served precompressed)', Number((total.brotli / KiB).toFixed(1)), budgets.first_load_widget_transfer_kib, ' KiB'),
};

saveResult('bundle-size', { assets, total, downloaded, firstLoad, verdicts });
