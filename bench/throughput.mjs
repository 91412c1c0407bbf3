// Proxy throughput with wrk: 64 connections, a warm-up then a measured run for each of
//   (a) the ceiling: a trivial axum handler on the same stack, answering a fixed small JSON
//       body (crates/amigo-proxy/examples/ceiling.rs);
//   (a') the fair ceiling: the same handler answering the proxy's own cached list (~10 KB),
//       which the budget compares against;
//   (b) the sandbox's product list, directly;
//   (c) the same list through amigo-proxy (cached: X-Cache HIT after the warm-up);
//   (c'') the same as a browser asks for it (Accept-Encoding: gzip, deflate, br): the Brotli
//        form kept with the cache entry;
//   (c') the same with the proxy's per-request INFO log turned off (RUST_LOG=warn), to show
//        what logging costs;
//   (d) order creation through the proxy, a new Idempotency-Key per request, against a sandbox
//       whose test wallet is refilled every 20 ms (its documented reset-balance endpoint), so
//       it never runs dry (₦1,000,000 is 370 orders: every 50 ms ran dry above 3,000 orders/s);
//   (d-pg) the same orders with the proxy on PostgreSQL, when AMIGO_PG_URL names a database
//       (bench/run.sh runs this script inside scripts/pg.sh's throw-away cluster when
//       PostgreSQL 15 is installed);
//   (e) the payment path: a proxy in `paystack` mode with a standalone paystack-sandbox,
//       `--shoppers` concurrent shoppers (default 16) each creating a checkout, paying on the
//       emulator's hosted page, following its redirect back to the proxy (which verifies and
//       places the Amigo order) and reading the checkout until it is placed
//       (bench/lib/payment-path.mjs; Node drives it, so the load generator is heavier than wrk).
// All release builds, one standalone amigo-sandbox as the proxy's upstream, loopback only.
// Reports req/s, p50, p99, ratios c/a and c/b from the same run, and the proxy's peak RSS.
//
//   node bench/throughput.mjs [--seconds 20] [--warmup 5] [--connections 64] [--shoppers 16]
//   node bench/throughput.mjs --only d,e     # only the named rows (a aFair b c cBr d dPg cQuiet e)

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  BENCH, RELEASE, fail, freePort, intOption, judge, loadBudgets, log, peakRssKiB, round, saveResult,
  startSandbox, startServer, stop,
} from './lib/common.mjs';
import { paymentPath } from './lib/payment-path.mjs';
import { wrk } from './lib/wrk.mjs';

const seconds = intOption('seconds', 20);
const warmup = intOption('warmup', 5);
const connections = intOption('connections', 64);
const shoppers = intOption('shoppers', 16);
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? new Set(process.argv[onlyArg + 1].split(',')) : null;
const wanted = (row) => !only || only.has(row);
const threads = Math.min(2, os.cpus().length);
// The widget's first grid page (limit 12, newest first) — the hottest catalog read.
const LIST = 'limit=12';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'amigo-bench-throughput-'));
const token = `amg_test_bench${Date.now()}`;

async function startProxy(name, logLevel, databaseUrl = `sqlite://${path.join(tmp, `${name}.db`)}`) {
  const { child, value } = await startServer(name, path.join(RELEASE, 'amigo-proxy'), [
    '--listen', '127.0.0.1:0',
    '--api-base', `${sandbox.url}/api`,
    '--database-url', databaseUrl,
    '--order-rate-per-ip', '1048576',
    '--order-rate-per-phone', '1048576',
    '--max-order-total', '100000000',
  ], (text) => (text.match(/amigo-proxy listening on (http:\/\/127\.0\.0\.1:\d+)/) || [])[1],
  { env: { AMIGO_API_KEY: token, RUST_LOG: logLevel } });
  return { child, url: value };
}

async function measure(label, url, opts = {}) {
  log(`${label}: warm-up ${warmup} s`);
  await wrk(url, { threads, connections, seconds: warmup, ...opts, env: { ...(opts.env || {}), KEY_PREFIX: `warm${Date.now()}` } });
  log(`${label}: ${seconds} s, ${connections} connections`);
  const r = await wrk(url, { threads, connections, seconds, ...opts, env: { ...(opts.env || {}), KEY_PREFIX: `run${Date.now()}` } });
  log(`${label}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}, socket errors ${r.socketErrors}`);
  delete r.raw;
  return r;
}

const sandbox = await startSandbox();
const rows = {};
const proxyRss = {};
let listBytes = null;
try {
  // the proxy (INFO logging, as deployed) and its cached list
  const proxy = await startProxy('proxy', 'info');
  const first = await fetch(`${proxy.url}/api/catalog/products?${LIST}`);
  if (!first.ok) fail(`proxy product list answered ${first.status}: ${await first.text()}`);
  const body = Buffer.from(await first.arrayBuffer());
  const again = await fetch(`${proxy.url}/api/catalog/products?${LIST}`);
  await again.arrayBuffer();
  if (again.headers.get('x-cache') !== 'HIT') fail(`the second proxy read was X-Cache: ${again.headers.get('x-cache')}, not HIT`);
  listBytes = body.length;
  log(`cached list: ${body.length} bytes`);

  // The proxy branch's ceiling takes its address as the only argument and prints nothing, so
  // pick a free port here and wait until it answers.
  const startCeiling = async (name, args) => {
    const addr = `127.0.0.1:${await freePort()}`;
    return startServer(name, path.join(RELEASE, 'examples', 'ceiling'), [addr, ...args], () => undefined, { poll: async () => {
      try { return (await fetch(`http://${addr}/`)).ok ? `http://${addr}` : undefined; } catch { return undefined; }
    } });
  };
  if (wanted('a')) {
    const ceiling = await startCeiling('ceiling', []);
    rows.a = await measure('(a) ceiling', `${ceiling.value}/`);
    await stop(ceiling.child);
  }

  // (a') the fair ceiling: the same stack answering the proxy's own cached list, byte for byte,
  // so c/a' measures what the proxy adds per request rather than the body's size
  if (wanted('aFair')) {
    const bodyFile = path.join(tmp, 'cached-list.json');
    fs.writeFileSync(bodyFile, body);
    const fair = await startCeiling('ceiling-fair', [bodyFile]);
    rows.aFair = await measure("(a') fair ceiling", `${fair.value}/`);
    await stop(fair.child);
  }

  if (wanted('b')) rows.b = await measure('(b) sandbox direct', `${sandbox.url}/api/commerce/products/?${LIST}`, { headers: [`X-API-Key: ${token}`] });
  if (wanted('c')) rows.c = await measure('(c) proxy cached', `${proxy.url}/api/catalog/products?${LIST}`);
  // (c'') as a browser asks: the Brotli form is kept with the cache entry, not made per request
  const br = await fetch(`${proxy.url}/api/catalog/products?${LIST}`, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
  await br.arrayBuffer();
  if (br.headers.get('content-encoding') !== 'br') fail(`a browser-like read came back as ${br.headers.get('content-encoding')}, not br`);
  if (wanted('cBr')) rows.cBr = await measure("(c'') proxy cached, Accept-Encoding: br", `${proxy.url}/api/catalog/products?${LIST}`, { headers: ['Accept-Encoding: gzip, deflate, br'] });
  proxyRss.reads = peakRssKiB(proxy.child.pid);

  // (d) orders, with the wallet refilled every 50 ms
  const refill = async () => {
    try {
      await fetch(`${sandbox.url}/api/commerce/sandbox/reset-balance/`, { method: 'POST', headers: { 'X-API-Key': token } });
    } catch { /* next tick */ }
  };
  await refill();
  const probe = await fetch(`${proxy.url}/api/orders`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `probe-${Date.now()}` },
    body: fs.readFileSync(path.join(BENCH, 'wrk', 'order.json')),
  });
  if (probe.status !== 201) fail(`a probe order through the proxy answered ${probe.status}: ${await probe.text()}`);
  const orderRun = async (label, url) => {
    const timer = setInterval(refill, 20);
    try {
      return await measure(label, `${url}/api/orders`, {
        script: path.join(BENCH, 'wrk', 'orders.lua'),
        env: { ORDER_BODY: path.join(BENCH, 'wrk', 'order.json') },
      });
    } finally {
      clearInterval(timer);
    }
  };
  if (wanted('d')) rows.d = await orderRun('(d) orders via proxy', proxy.url);
  proxyRss.all = peakRssKiB(proxy.child.pid);
  proxyRss.sandbox = peakRssKiB(sandbox.child.pid);
  await stop(proxy.child);

  if (!wanted('dPg')) {
    // not asked for
  } else if (process.env.AMIGO_PG_URL) {
    const pg = await startProxy('proxy-pg', 'info', process.env.AMIGO_PG_URL);
    await refill();
    rows.dPg = await orderRun('(d-pg) orders via proxy, PostgreSQL', pg.url);
    await stop(pg.child);
  } else {
    log('(d-pg) skipped: AMIGO_PG_URL is not set (bench/run.sh sets it through scripts/pg.sh)');
  }

  // (c') the cached read without the per-request log line
  if (wanted('cQuiet')) {
    const quiet = await startProxy('proxy-quiet', 'warn');
    await (await fetch(`${quiet.url}/api/catalog/products?${LIST}`)).arrayBuffer();
    rows.cQuiet = await measure("(c') proxy cached, RUST_LOG=warn", `${quiet.url}/api/catalog/products?${LIST}`);
    await stop(quiet.child);
  }

  // (e) the payment path: checkout → paid on the Paystack emulator → Amigo order
  if (wanted('e')) {
    const proxyPort = await freePort();
    const shopOrigin = 'http://shop.bench.test';
    const paystack = await startServer('paystack-sandbox', path.join(RELEASE, 'paystack-sandbox'), [
      '--listen', '127.0.0.1:0',
      '--webhook-url', `http://127.0.0.1:${proxyPort}/webhooks/paystack`,
    ], (text) => {
      const url = (text.match(/paystack-sandbox listening on (http:\/\/127\.0\.0\.1:\d+)/) || [])[1];
      const secret = (text.match(/secret key: (sk_test_\S+)/) || [])[1];
      const pub = (text.match(/public key: (pk_test_\S+)/) || [])[1];
      return url && secret && pub ? { url, secret, pub } : undefined;
    }, { env: { RUST_LOG: 'warn' } });
    const { child } = await startServer('proxy-paystack', path.join(RELEASE, 'amigo-proxy'), [
      '--listen', `127.0.0.1:${proxyPort}`,
      '--api-base', `${sandbox.url}/api`,
      '--database-url', `sqlite://${path.join(tmp, 'paystack.db')}`,
      '--payment', 'paystack',
      '--allowed-origins', shopOrigin,
      // every shopper comes from this one address: the per-IP limits are raised as for (d)
      '--lookup-rate-per-ip', '1048576',
      '--catalog-rate-per-ip', '1048576',
      '--order-rate-per-ip', '1048576',
      '--order-rate-per-phone', '1048576',
      '--max-order-total', '100000000',
    ], (text) => (/amigo-proxy listening on http:\/\//.test(text) ? true : undefined), {
      env: {
        AMIGO_API_KEY: token,
        RUST_LOG: 'info',
        AMIGO_PAYSTACK_SECRET_KEY: paystack.value.secret,
        AMIGO_PAYSTACK_PUBLIC_KEY: paystack.value.pub,
        AMIGO_PAYSTACK_API_BASE: paystack.value.url,
      },
    });
    const proxyUrl = `http://127.0.0.1:${proxyPort}`;
    await refill();
    const timer = setInterval(refill, 20);
    try {
      log(`(e) payment path: warm-up ${warmup} s, then ${seconds} s with ${shoppers} shoppers`);
      rows.e = await paymentPath({ proxyUrl, shopOrigin, seconds, warmup, concurrency: shoppers, prefix: `pay${Date.now()}` });
      log(`(e) payment path: ${rows.e.rps.toFixed(0)} checkouts/s, p50 ${rows.e.p50} ms, p99 ${rows.e.p99} ms, errors ${rows.e.errors}${rows.e.firstError ? ` (first: ${rows.e.firstError})` : ''}`);
    } finally {
      clearInterval(timer);
    }
    proxyRss.paystack = peakRssKiB(child.pid);
    await stop(child);
    await stop(paystack.child);
  }
} finally {
  await stop(sandbox.child);
  fs.rmSync(tmp, { recursive: true, force: true });
}

const ratio = (x, y) => (rows[x] && rows[y] ? round(rows[x].rps / rows[y].rps, 3) : null);
const ratios = {
  cOverA: ratio('c', 'a'),
  cOverAFair: ratio('c', 'aFair'),
  cOverB: ratio('c', 'b'),
  cQuietOverA: ratio('cQuiet', 'a'),
};
const names = {
  a: '(a) ceiling: trivial axum handler',
  aFair: "(a') fair ceiling: same handler, the cached list's bytes",
  b: '(b) sandbox product list, direct',
  c: '(c) same list through the proxy (cached)',
  cBr: "(c'') as (c), Accept-Encoding: gzip, deflate, br",
  cQuiet: "(c') as (c), RUST_LOG=warn",
  d: '(d) order creation through the proxy (SQLite)',
  dPg: '(d-pg) as (d), the proxy on PostgreSQL',
  e: '(e) payment path: checkout → paid on Paystack → Amigo order',
};
console.log(`Throughput, wrk -t${threads} -c${connections} -d${seconds}s after a ${warmup} s warm-up (GET ?${LIST}):`);
for (const [k, r] of Object.entries(rows)) {
  console.log(`  ${names[k].padEnd(44)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${String(r.p50).padStart(6)} ms  p99 ${String(r.p99).padStart(6)} ms${r.non2xx ? `  non-2xx ${r.non2xx}` : ''}${r.socketErrors ? `  socket errors ${r.socketErrors}` : ''}`);
}
console.log(`  c/a ${ratios.cOverA}, c/a' ${ratios.cOverAFair}, c/b ${ratios.cOverB}, c'/a ${ratios.cQuietOverA}`);
if (proxyRss.all) console.log(`  proxy peak RSS (VmHWM): ${(proxyRss.reads / 1024).toFixed(1)} MiB after reads, ${(proxyRss.all / 1024).toFixed(1)} MiB after orders; sandbox ${(proxyRss.sandbox / 1024).toFixed(1)} MiB`);
const budgets = loadBudgets();
console.log('Budgets:');
const verdicts = {
  proxy_cached_vs_ceiling_ratio_min: judge("cached reads vs the fair ceiling (c/a')", ratios.cOverAFair, budgets.proxy_cached_vs_ceiling_ratio_min, '', 'min'),
  proxy_cached_p99_ms: judge('cached reads p99', rows.c?.p99, budgets.proxy_cached_p99_ms, ' ms'),
};
// a partial run (--only) is kept apart, so BENCHMARKS.md always shows a whole run
saveResult(only ? 'throughput-only' : 'throughput', { listBytes, seconds, warmup, connections, threads, shoppers, query: LIST, rows, names, ratios, proxyRssKiB: proxyRss, verdicts });
