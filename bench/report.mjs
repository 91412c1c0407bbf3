// Rewrites the results section of BENCHMARKS.md (between the `bench:results` markers) from
// bench/results/*.json: one table of headline figures against the budgets, then one table per
// benchmark, each stamped with its date, machine, load average and git revision.
//
//   node bench/report.mjs

import fs from 'node:fs';
import path from 'node:path';

import { RESULTS, ROOT, fail } from './lib/common.mjs';

const DOC = path.join(ROOT, 'BENCHMARKS.md');
const START = '<!-- bench:results:start (written by bench/report.mjs; do not edit by hand) -->';
const END = '<!-- bench:results:end -->';

const read = (name) => {
  const f = path.join(RESULTS, `${name}.json`);
  return fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : null;
};
const kib = (b) => (b == null ? '—' : `${(b / 1024).toFixed(1)} KiB`);
const ms = (x) => (x == null ? '—' : `${x} ms`);
const stampLine = (r) => `${r.date}, \`${r.rev}\`, ${r.nproc} × ${r.cpu}, load average ${r.loadavg} at the end`;
const verdict = (v) => (v == null || v.met == null ? '— not measured' : v.met ? '✅ met' : '❌ missed');

const bundle = read('bundle-size');
const first = read('first-product');
const inter = read('interaction');
// `interaction.mjs --clicks-only`: the add-to-cart part alone, newer than a full run
const clicksRun = read('interaction-clicks');
const thr = read('throughput');
const scale = read('sandbox-scale');
if (!bundle && !first && !inter && !thr && !scale) fail('no results in bench/results/: run bench/run.sh');

const out = [];
out.push(START, '');
out.push('### Budgets', '');
out.push('| budget | measured | verdict |', '|---|---|---|');
if (bundle) {
  out.push(`| widget first-load transfer ≤ ${bundle.verdicts.first_load_widget_transfer_kib.budget} KiB (wasm + JS + CSS + loader, as served) | ${kib(bundle.firstLoad.groups.widget?.transfer)} | ${verdict(bundle.verdicts.first_load_widget_transfer_kib)} |`);
  if (bundle.assets.wasm) {
    const kibBr = bundle.assets.wasm.brotli / 1024;
    out.push(`| main wasm module ≤ 120 KiB brotli (issue 24) | ${kibBr.toFixed(1)} KiB | ${kibBr <= 120 ? '✅ met' : '❌ missed'} |`);
  }
}
if (first && first.verdicts.first_price_ms) {
  const v = first.verdicts;
  const w = first.viewport.width;
  out.push(`| first visible Naira price ≤ ${v.first_price_ms.budget} ms (4× CPU, slow 4G, cold, ${w} px) | ${ms(first.summary.price.median)} (median of ${first.runs}) | ${verdict(v.first_price_ms)} |`);
  out.push(`| bytes on the wire before it ≤ ${v.bytes_before_price_kib.budget} KiB | ${kib(first.summary.bytesBeforePrice.median)} | ${verdict(v.bytes_before_price_kib)} |`);
  out.push(`| store interactive (host \`data-amigo-live\` and an enabled "Add to cart" on screen) ≤ ${v.interactive_ms.budget} ms | ${ms(first.summary.interactive?.median)} | ${verdict(v.interactive_ms)} |`);
  out.push(`| CLS ≤ ${v.cls.budget} at ${first.widths.join(', ')} px, hand-over included (worst run) | ${first.widths.map((x) => `${x} px: ${first.byWidth[x].summary.cls.max}`).join('; ')} | ${verdict(v.cls)} |`);
} else if (first) {
  out.push(`| first product card ≤ ${first.verdicts.first_product_card_ms.budget} ms (4× CPU, slow 4G, cold) | ${ms(first.summary.card.median)} (median of ${first.runs}) | ${verdict(first.verdicts.first_product_card_ms)} |`);
  out.push(`| CLS ≤ ${first.verdicts.cls.budget} | ${first.summary.cls.median} | ${verdict(first.verdicts.cls)} |`);
}
const clicks = clicksRun && (!inter || clicksRun.date > inter.date) ? clicksRun : inter;
if (clicks && clicks.verdicts.add_to_cart_p95_ms) {
  const v = clicks.verdicts.add_to_cart_p95_ms;
  out.push(`| add to cart → count p95 ≤ ${v.budget} ms (4× CPU) | ${ms(clicks.clicks.p95)} (${clicks.clicks.n} clicks, load average ${clicks.loadavg.split(' ')[0]}) | ${verdict(v)} |`);
}
if (inter) {
  const t = inter.typeahead;
  const v = inter.verdicts.typeahead_p95_excl_network_ms;
  out.push(`| typeahead p95 ≤ ${v.budget} ms excluding network (4× CPU) | ${t.available ? `${Math.max(t.cold.ownP95 ?? 0, t.warm.ownP95 ?? 0)} ms (worse of the cold and warm passes)` : `not measured: ${t.reason}`} | ${verdict(v)} |`);
}
if (thr) {
  out.push(`| proxy cached reads ≥ ${Math.round(thr.verdicts.proxy_cached_vs_ceiling_ratio_min.budget * 100)} % of the fair ceiling (same run) | ${thr.ratios.cOverAFair === undefined ? `${Math.round(thr.ratios.cOverA * 100)} % (c/a)` : `${Math.round(thr.ratios.cOverAFair * 100)} % (c/a'; ${Math.round(thr.ratios.cOverA * 100)} % of the bare ceiling)`} | ${verdict(thr.verdicts.proxy_cached_vs_ceiling_ratio_min)} |`);
  out.push(`| proxy cached reads p99 ≤ ${thr.verdicts.proxy_cached_p99_ms.budget} ms at ${thr.connections} connections | ${ms(thr.rows.c.p99)} | ${verdict(thr.verdicts.proxy_cached_p99_ms)} |`);
}
out.push('');

if (bundle) {
  out.push('### 1. Bundle size', '', `_${stampLine(bundle)}._`, '');
  out.push('| asset | raw | gzip -9 | brotli -q 11 | file |', '|---|---|---|---|---|');
  for (const [k, a] of Object.entries(bundle.assets)) {
    out.push(`| ${k} | ${kib(a.raw)} | ${kib(a.gzip)} | ${kib(a.brotli)} | \`${a.file}\`${a.precompressed?.length ? ` (.${a.precompressed.join(', .')} on disk)` : ''} |`);
  }
  out.push(`| **downloaded total** (${bundle.downloaded.join(' + ')}) | ${kib(bundle.total.raw)} | ${kib(bundle.total.gzip)} | ${kib(bundle.total.brotli)} | |`, '');
  out.push('First load of the demo store in Chromium (cold profile, resource timing `transferSize`, headers included; cross-origin entries count 0 without `Timing-Allow-Origin`):', '');
  out.push('| what | requests | transferred | decoded |', '|---|---|---|---|');
  for (const f of bundle.firstLoad.widgetFiles) out.push(`| \`${f.file}\` (${f.encoding}) | 1 | ${kib(f.transfer)} | ${kib(f.decoded)} |`);
  for (const [g, v] of Object.entries(bundle.firstLoad.groups)) out.push(`| ${g} | ${v.requests} | ${kib(v.transfer)} | ${kib(v.decoded)} |`);
  out.push(`| **everything** | ${bundle.firstLoad.requests} | ${kib(bundle.firstLoad.total)} | |`, '');
}
if (first) {
  const s = first.summary;
  out.push('### 2. First price on a slow phone', '', `_${stampLine(first)}._`, '');
  out.push(`${first.cpuSlowdown}× CPU, ${first.network.latency} ms RTT, ${(first.network.downloadThroughput * 8 / 1e6).toFixed(2)} Mbps down, ${(first.network.uploadThroughput * 8 / 1e3).toFixed(0)} kbps up, cold profile per run, ${first.viewport.width}×${first.viewport.height}; median (min–max) of ${first.runs} runs.`, '');
  out.push('| from navigation start to | median | min | max |', '|---|---|---|---|');
  const f = (x, digits) => (x == null ? '—' : x.toFixed(digits));
  const row = (label, k, digits = 0) => out.push(`| ${label} | ${s[k].median ?? '—'}${s[k].n != null && s[k].n < first.runs ? ` (${s[k].n} of ${first.runs} runs)` : ''} | ${f(s[k].min, digits)} | ${f(s[k].max, digits)} |`);
  if (s.price) {
    row('first visible Naira price, light DOM or shadow root (ms)', 'price');
    out.push(`| bytes on the wire before the first price (KiB) | ${kib(s.bytesBeforePrice.median)} | ${kib(s.bytesBeforePrice.min)} | ${kib(s.bytesBeforePrice.max)} |`);
    row('store live: host has `data-amigo-live` (ms)', 'live');
    if (s.interactive) row('store interactive: live and an enabled "Add to cart" on screen (ms)', 'interactive');
  }
  row('first product card visible (ms)', 'card');
  row('first carousel visible (ms)', 'carousel');
  row('first contentful paint (ms)', 'fcp');
  const tags = [...new Set(first.samples.map((x) => x.lcpTag || '?'))].join(', ');
  row(`largest contentful paint (ms; element: ${tags})`, 'lcp');
  row('cumulative layout shift', 'cls', 4);
  row('total blocking time (ms)', 'tbt');
  out.push('');
  if (s.requestsBeforePrice) {
    out.push(`Requests started before the first price (in how many of the ${first.runs} runs): ${Object.entries(s.requestsBeforePrice).map(([u, n]) => `\`${u}\` ${n}`).join(', ')}.`, '');
  }
  if (first.byWidth) {
    out.push('Layout shift over the whole run (first view, hand-over to the live store, images), per width:', '');
    out.push('| viewport | CLS median | CLS max | first price median |', '|---|---|---|---|');
    for (const w of first.widths) {
      const b = first.byWidth[w];
      out.push(`| ${b.viewport.width}×${b.viewport.height} | ${b.summary.cls.median} | ${b.summary.cls.max} | ${ms(b.summary.price.median)} |`);
    }
    out.push('');
  }
}
if (inter) {
  out.push('### 3. Interaction latency', '', `_${stampLine(inter)}._`, '');
  out.push(`${inter.cpuSlowdown}× CPU and slow 4G, ${inter.viewport.width}×${inter.viewport.height}.`, '');
  out.push('| interaction | p50 | p95 | samples |', '|---|---|---|---|');
  out.push(`| click "Add to cart" → cart count updated | ${ms(inter.clicks.p50)} | ${ms(inter.clicks.p95)} | ${inter.clicks.n} clicks |`);
  if (clicksRun && clicksRun.date > inter.date) {
    out.push(`| same, newer run of the add-to-cart part alone (\`--clicks-only\`, ${clicksRun.date}, \`${clicksRun.rev}\`, load average ${clicksRun.loadavg}) | ${ms(clicksRun.clicks.p50)} | ${ms(clicksRun.clicks.p95)} | ${clicksRun.clicks.n} clicks |`);
  }
  if (inter.checkout) out.push(`| "Checkout" after the checkout module was prefetched → form shown (budget 300 ms) | ${ms(inter.checkout.p50)} | max ${ms(inter.checkout.max)} | ${inter.checkout.n} presses, first ${ms(inter.checkout.first)} |`);
  const t = inter.typeahead;
  if (t.available) {
    out.push(`| keystroke → typeahead options rendered, excluding network — pass 1, result cache cold (from the response read when the key asked the API) | ${ms(t.cold.ownP50)} | ${ms(t.cold.ownP95)} | ${t.cold.updated} keystrokes, ${t.cold.withRequest} asked |`);
    out.push(`| same — pass 2, same keys, widget cache warm | ${ms(t.warm.ownP50)} | ${ms(t.warm.ownP95)} | ${t.warm.updated} keystrokes, ${t.warm.withRequest} asked |`);
    out.push(`| reported apart, keys that asked: network (request start → body read, in the page) | ${ms(t.cold.networkP50)} | ${ms(t.cold.networkP95)} | ${t.cold.withRequest} requests |`);
    out.push(`| reported apart, keys that asked: debounce (key → request start) | ${ms(t.cold.debounceP50)} | ${ms(t.cold.debounceP95)} | |`);
    out.push(`| keys that asked, key → options incl. debounce and network | ${ms(t.cold.askedTotalP50)} | ${ms(t.cold.askedTotalP95)} | |`);
  } else {
    out.push(`| keystroke → typeahead options rendered | — | — | not measured: ${t.reason} |`);
  }
  out.push('');
}
if (thr) {
  out.push('### 4. Proxy throughput', '', `_${stampLine(thr)}._`, '');
  out.push(`wrk -t${thr.threads} -c${thr.connections} -d${thr.seconds}s --latency after a ${thr.warmup} s warm-up; GET \`?${thr.query}\` (the widget's first grid page); wrk and the servers share the machine's ${thr.nproc} cores.`, '');
  out.push('| target | req/s | p50 | p99 | errors |', '|---|---|---|---|---|');
  for (const [k, r] of Object.entries(thr.rows)) {
    out.push(`| ${thr.names[k]} | ${Math.round(r.rps)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.non2xx + r.socketErrors} |`);
  }
  out.push('');
  if (thr.rows.e) out.push(`Row (e) counts whole payment walks per second (create the checkout, pay on the emulator's hosted page, follow its redirect back, read until \`placed\`), ${thr.shoppers} shoppers driven from Node; its p50/p99 are one whole walk.`, '');
  out.push(`Ratios (same run): **c/a = ${thr.ratios.cOverA}**${thr.ratios.cOverAFair === undefined ? '' : `, **c/a' = ${thr.ratios.cOverAFair}** (the fair ceiling answers the same ${thr.listBytes}-byte list)`}, **c/b = ${thr.ratios.cOverB}**, c'/a = ${thr.ratios.cQuietOverA}. Proxy peak RSS (VmHWM): ${(thr.proxyRssKiB.reads / 1024).toFixed(1)} MiB after the read runs, ${(thr.proxyRssKiB.all / 1024).toFixed(1)} MiB after the order run (sandbox: ${(thr.proxyRssKiB.sandbox / 1024).toFixed(1)} MiB).`, '');
}
if (scale) {
  out.push('### 5. Sandbox scale', '', `_${stampLine(scale)}._`, '');
  out.push(`Product list, wrk with ${scale.connections} connection for ${scale.seconds} s per row after 1 s of warm-up.`, '');
  out.push('| products | query | p50 | p99 | req/s | start-up | peak RSS |', '|---|---|---|---|---|---|---|');
  for (const r of scale.rows) {
    out.push(`| ${r.size.toLocaleString('en-US')} | ${r.query} (\`${r.qs}\`) | ${ms(r.p50)} | ${ms(r.p99)} | ${r.rps} | ${ms(r.startMs)} | ${(r.rssKiB / 1024).toFixed(1)} MiB |`);
  }
  out.push('');
}
out.push(END);

const doc = fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : `# Benchmarks\n\n## Results\n\n${START}\n${END}\n`;
const a = doc.indexOf(START);
const b = doc.indexOf(END);
if (a < 0 || b < a) fail(`BENCHMARKS.md lacks the markers ${START} … ${END}`);
let text = doc.slice(0, a) + out.join('\n') + doc.slice(b + END.length);
if (!text.endsWith('\n')) text += '\n';
fs.writeFileSync(DOC, text);
process.stderr.write('[bench] rewrote the results in BENCHMARKS.md\n');
