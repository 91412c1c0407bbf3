// Sandbox scale: product-list latency as the catalog grows (`amigo-sandbox --catalog-size N`
// for 1,297, 10,000 and 100,000 products). For each size and query: wrk with one connection
// (the work per request, no queueing) for a few seconds after a 1 s warm-up; p50, p99, req/s.
// Also the start-up time (catalog generation and indexes) and the sandbox's peak RSS.
//
//   node bench/sandbox-scale.mjs [--seconds 5]

import { intOption, log, peakRssKiB, round, saveResult, startSandbox, stop } from './lib/common.mjs';
import { wrk } from './lib/wrk.mjs';

const seconds = intOption('seconds', 5);
const SIZES = [1297, 10000, 100000];
const QUERIES = {
  'first page': 'limit=12',
  filtered: 'category=power-banks&in_stock=true&sort=price_asc&limit=20',
  'free text': 'q=power%20bank&sort=price_desc&limit=20',
};
const token = `amg_test_scale${Date.now()}`;

const rows = [];
for (const size of SIZES) {
  const t0 = performance.now();
  const sandbox = await startSandbox(['--catalog-size', String(size)]);
  // ready = the first product list answered
  const first = await fetch(`${sandbox.url}/api/commerce/products/?limit=1`, { headers: { 'X-API-Key': token } });
  const total = (await first.json())?.pagination?.total;
  const startMs = performance.now() - t0;
  try {
    for (const [name, qs] of Object.entries(QUERIES)) {
      const url = `${sandbox.url}/api/commerce/products/?${qs}`;
      await wrk(url, { threads: 1, connections: 1, seconds: 1, headers: [`X-API-Key: ${token}`] });
      const r = await wrk(url, { threads: 1, connections: 1, seconds, headers: [`X-API-Key: ${token}`] });
      if (r.non2xx || r.socketErrors) log(`warning: ${size} ${name}: ${r.non2xx} non-2xx, ${r.socketErrors} socket errors`);
      rows.push({ size, total, query: name, qs, p50: r.p50, p99: r.p99, rps: round(r.rps, 0) });
      log(`${size} products, ${name}: p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.rps.toFixed(0)} req/s`);
    }
    rows.filter((r) => r.size === size).forEach((r) => { r.startMs = round(startMs, 0); r.rssKiB = peakRssKiB(sandbox.child.pid); });
  } finally {
    await stop(sandbox.child);
  }
}

console.log(`Sandbox product-list latency, 1 connection, ${seconds} s per row:`);
console.log('  products   query        p50 ms   p99 ms    req/s   start ms   peak RSS');
for (const r of rows) {
  console.log(`  ${String(r.size).padStart(8)}   ${r.query.padEnd(11)} ${String(r.p50).padStart(7)}  ${String(r.p99).padStart(7)}  ${String(r.rps).padStart(7)}   ${String(r.startMs).padStart(8)}   ${(r.rssKiB / 1024).toFixed(1)} MiB`);
}
saveResult('sandbox-scale', { seconds, connections: 1, queries: QUERIES, rows });
