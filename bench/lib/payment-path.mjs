// The payment path as a shopper's browser walks it, for the throughput benchmark's row (e):
// create a checkout on the proxy, pay on the Paystack emulator's hosted page (its form, as the
// browser posts it), follow Paystack's redirect back to the proxy (which verifies the payment
// and places the Amigo order), then read the checkout until it is `placed`. wrk cannot follow
// a flow of four requests, so `concurrency` shoppers run it in a loop from this process.
//
// Reports completed checkouts per second, the p50/p99 of one whole walk (create → placed),
// and the errors (any step answering something else than the flow expects).

import fs from 'node:fs';
import path from 'node:path';

import { BENCH, percentile, round, sleep } from './common.mjs';

const order = JSON.parse(fs.readFileSync(path.join(BENCH, 'wrk', 'order.json'), 'utf8'));

/** One shopper's checkout, from creation to its Amigo order; resolves to its milliseconds. */
async function walk(proxyUrl, shopOrigin, key) {
  const started = performance.now();
  const created = await fetch(`${proxyUrl}/api/checkouts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key, Origin: shopOrigin },
    body: JSON.stringify({ order, return_url: `${shopOrigin}/shop` }),
  });
  if (created.status !== 201) throw new Error(`create answered ${created.status}: ${(await created.text()).slice(0, 200)}`);
  const checkout = (await created.json()).data;
  const paid = await fetch(checkout.pay.authorization_url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'action=pay&channel=card',
    redirect: 'manual',
  });
  await paid.arrayBuffer();
  const back = paid.headers.get('location');
  if (paid.status !== 303 || !back) throw new Error(`the hosted page answered ${paid.status} without a way back`);
  const returned = await fetch(new URL(back, checkout.pay.authorization_url), { redirect: 'manual' });
  await returned.arrayBuffer();
  if (returned.status >= 400) throw new Error(`the way back answered ${returned.status}`);
  const phone = encodeURIComponent(order.customer.phone);
  for (let i = 0; i < 2000; i++) {
    const r = await fetch(`${proxyUrl}/api/checkouts/${checkout.reference}?phone=${phone}`);
    if (r.status !== 200) throw new Error(`status answered ${r.status}`);
    const { status } = (await r.json()).data;
    if (status === 'placed') return performance.now() - started;
    if (status !== 'paid' && status !== 'awaiting_payment') throw new Error(`the checkout ended ${status}`);
    await sleep(5);
  }
  throw new Error(`checkout ${checkout.reference} was not placed within 10 s`);
}

/**
 * Runs `concurrency` shoppers for `seconds` (after `warmup` seconds whose walks are not
 * counted) against `proxyUrl`; returns `{rps, p50, p99, completed, errors, firstError}`.
 */
export async function paymentPath({ proxyUrl, shopOrigin, seconds, warmup, concurrency, prefix }) {
  const latencies = [];
  let errors = 0;
  let firstError = null;
  const warmEnd = Date.now() + warmup * 1000;
  const end = warmEnd + seconds * 1000;
  let measuredFrom = null;
  const shopper = async (id) => {
    for (let n = 0; Date.now() < end; n++) {
      const counted = Date.now() >= warmEnd;
      if (counted && measuredFrom === null) measuredFrom = Date.now();
      try {
        const ms = await walk(proxyUrl, shopOrigin, `${prefix}-${id}-${n}`);
        if (counted) latencies.push(ms);
      } catch (e) {
        if (counted) errors += 1;
        firstError ??= e.message;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => shopper(i)));
  const elapsed = (Date.now() - (measuredFrom ?? warmEnd)) / 1000;
  return {
    rps: latencies.length / elapsed,
    p50: round(percentile(latencies, 50), 2),
    p99: round(percentile(latencies, 99), 2),
    completed: latencies.length,
    errors,
    firstError,
    non2xx: errors,
    socketErrors: 0,
  };
}
