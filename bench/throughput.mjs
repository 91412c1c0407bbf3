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
//       whose test wallet is refilled every 50 ms (its documented reset-balance endpoint), so
//       it never runs dry;
//   (d-pg) the same orders with the proxy on PostgreSQL, when AMIGO_PG_URL names a database
//       (bench/run.sh runs this script inside scripts/pg.sh's throw-away cluster when
//       PostgreSQL 15 is installed).
// All release builds, one standalone amigo-sandbox as the proxy's upstream, loopback only.
// Reports req/s, p50, p99, ratios c/a and c/b from the same run, and the proxy's peak RSS.
//
//   node bench/throughput.mjs [--seconds 20] [--warmup 5] [--connections 64]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  BENCH, RELEASE, fail, freePort, intOption, judge, loadBudgets, log, peakRssKiB, round, saveResult,
  startSandbox, startServer, stop,
} from './lib/common.mjs';
import { wrk } from './lib/wrk.mjs';

const seconds = intOption('seconds', 20);
const warmup = intOption('warmup', 5);
const connections = intOption('connections', 64);
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
  const ceilingAddr = `127.0.0.1:${await freePort()}`;
  const ceiling = await startServer('ceiling', path.join(RELEASE, 'examples', 'ceiling'), [ceilingAddr], () => undefined, { poll: async () => {
    try { return (await fetch(`http://${ceilingAddr}/`)).ok ? `http://${ceilingAddr}` : undefined; } catch { return undefined; }
  } });
  rows.a = await measure('(a) ceiling', `${ceiling.value}/`);
  await stop(ceiling.child);

  // (a') the fair ceiling: the same stack answering the proxy's own cached list, byte for byte,
  // so c/a' measures what the proxy adds per request rather than the body's size
  const bodyFile = path.join(tmp, 'cached-list.json');
  fs.writeFileSync(bodyFile, body);
  const fairAddr = `127.0.0.1:${await freePort()}`;
  const fair = await startServer('ceiling-fair', path.join(RELEASE, 'examples', 'ceiling'), [fairAddr, bodyFile], () => undefined, { poll: async () => {
    try { return (await fetch(`http://${fairAddr}/`)).ok ? `http://${fairAddr}` : undefined; } catch { return undefined; }
  } });
  rows.aFair = await measure("(a') fair ceiling", `${fair.value}/`);
  await stop(fair.child);

  rows.b = await measure('(b) sandbox direct', `${sandbox.url}/api/commerce/products/?${LIST}`, { headers: [`X-API-Key: ${token}`] });
  rows.c = await measure('(c) proxy cached', `${proxy.url}/api/catalog/products?${LIST}`);
  // (c'') as a browser asks: the Brotli form is kept with the cache entry, not made per request
  const br = await fetch(`${proxy.url}/api/catalog/products?${LIST}`, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
  await br.arrayBuffer();
  if (br.headers.get('content-encoding') !== 'br') fail(`a browser-like read came back as ${br.headers.get('content-encoding')}, not br`);
  rows.cBr = await measure("(c'') proxy cached, Accept-Encoding: br", `${proxy.url}/api/catalog/products?${LIST}`, { headers: ['Accept-Encoding: gzip, deflate, br'] });
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
    const timer = setInterval(refill, 50);
    try {
      return await measure(label, `${url}/api/orders`, {
        script: path.join(BENCH, 'wrk', 'orders.lua'),
        env: { ORDER_BODY: path.join(BENCH, 'wrk', 'order.json') },
      });
    } finally {
      clearInterval(timer);
    }
  };
  rows.d = await orderRun('(d) orders via proxy', proxy.url);
  proxyRss.all = peakRssKiB(proxy.child.pid);
  proxyRss.sandbox = peakRssKiB(sandbox.child.pid);
  await stop(proxy.child);

  if (process.env.AMIGO_PG_URL) {
    const pg = await startProxy('proxy-pg', 'info', process.env.AMIGO_PG_URL);
    await refill();
    rows.dPg = await orderRun('(d-pg) orders via proxy, PostgreSQL', pg.url);
    await stop(pg.child);
  } else {
    log('(d-pg) skipped: AMIGO_PG_URL is not set (bench/run.sh sets it through scripts/pg.sh)');
  }

  // (c') the cached read without the per-request log line
  const quiet = await startProxy('proxy-quiet', 'warn');
  await (await fetch(`${quiet.url}/api/catalog/products?${LIST}`)).arrayBuffer();
  rows.cQuiet = await measure("(c') proxy cached, RUST_LOG=warn", `${quiet.url}/api/catalog/products?${LIST}`);
  await stop(quiet.child);
} finally {
  await stop(sandbox.child);
  fs.rmSync(tmp, { recursive: true, force: true });
}

const ratios = {
  cOverA: round(rows.c.rps / rows.a.rps, 3),
  cOverAFair: round(rows.c.rps / rows.aFair.rps, 3),
  cOverB: round(rows.c.rps / rows.b.rps, 3),
  cQuietOverA: round(rows.cQuiet.rps / rows.a.rps, 3),
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
};
console.log(`Throughput, wrk -t${threads} -c${connections} -d${seconds}s after a ${warmup} s warm-up (GET ?${LIST}):`);
for (const [k, r] of Object.entries(rows)) {
  console.log(`  ${names[k].padEnd(44)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${String(r.p50).padStart(6)} ms  p99 ${String(r.p99).padStart(6)} ms${r.non2xx ? `  non-2xx ${r.non2xx}` : ''}${r.socketErrors ? `  socket errors ${r.socketErrors}` : ''}`);
}
console.log(`  c/a ${ratios.cOverA}, c/a' ${ratios.cOverAFair}, c/b ${ratios.cOverB}, c'/a ${ratios.cQuietOverA}`);
console.log(`  proxy peak RSS (VmHWM): ${(proxyRss.reads / 1024).toFixed(1)} MiB after reads, ${(proxyRss.all / 1024).toFixed(1)} MiB after orders; sandbox ${(proxyRss.sandbox / 1024).toFixed(1)} MiB`);
const budgets = loadBudgets();
console.log('Budgets:');
const verdicts = {
  proxy_cached_vs_ceiling_ratio_min: judge("cached reads vs the fair ceiling (c/a')", ratios.cOverAFair, budgets.proxy_cached_vs_ceiling_ratio_min, '', 'min'),
  proxy_cached_p99_ms: judge('cached reads p99', rows.c.p99, budgets.proxy_cached_p99_ms, ' ms'),
};
saveResult('throughput', { listBytes, seconds, warmup, connections, threads, query: LIST, rows, names, ratios, proxyRssKiB: proxyRss, verdicts });
