// Shared pieces of the benchmark scripts: where things are, the machine and revision stamp,
// starting the servers on free loopback ports (always stopped on exit), statistics, and the
// results files that `bench/report.mjs` turns into the table in BENCHMARKS.md.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const ROOT = path.dirname(BENCH);
// BENCH_BIN_DIR: where amigo-proxy and amigo-sandbox are (default target/release, which
// bench/run.sh builds); BENCH_DIST: the widget build to serve (default dist/)
export const RELEASE = process.env.BENCH_BIN_DIR || path.join(ROOT, 'target', 'release');
export const DIST = process.env.BENCH_DIST || path.join(ROOT, 'dist');
export const RESULTS = path.join(BENCH, 'results');

/** Prints a progress line on stderr (stdout stays for the summary). */
export function log(...parts) {
  process.stderr.write(`[bench] ${parts.join(' ')}\n`);
}

/** Stops with one clear line. */
export function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}

/** Runs a command to completion and returns its stdout; throws with its stderr on failure. */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || '').trim().slice(-2000)}`);
  return r.stdout;
}

/** Date, machine and git revision: stamped on every result. */
export function stamp() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = (cpuinfo.match(/^model name\s*:\s*(.+)$/m) || [, 'unknown'])[1].trim();
  let rev = 'unknown';
  try {
    rev = run('git', ['-C', ROOT, 'rev-parse', '--short=10', 'HEAD']).trim();
    // the results and the table this run rewrites do not make the tree dirty
    const dirty = run('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench/results', ':!BENCHMARKS.md']).trim();
    if (dirty) rev += '-dirty';
  } catch { /* not a git checkout */ }
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    nproc: Number(run('nproc', []).trim()),
    cpu: model,
    rev,
    loadavg: os.loadavg().map((x) => x.toFixed(2)).join(' '),
  };
}

/** Writes `bench/results/NAME.json` with the stamp and the figures. */
export function saveResult(name, figures) {
  fs.mkdirSync(RESULTS, { recursive: true });
  const body = { ...stamp(), ...figures };
  fs.writeFileSync(path.join(RESULTS, `${name}.json`), JSON.stringify(body, null, 2) + '\n');
  log(`wrote bench/results/${name}.json`);
  return body;
}

export function loadBudgets() {
  return JSON.parse(fs.readFileSync(path.join(BENCH, 'budgets.json'), 'utf8'));
}

// ---------------------------------------------------------------- statistics

export function percentile(values, p) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  // nearest-rank
  const rank = Math.max(1, Math.ceil((p / 100) * v.length));
  return v[Math.min(rank, v.length) - 1];
}

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export const round = (x, digits = 1) => (x == null ? null : Number(x.toFixed(digits)));

/** Reads an integer option `--name N` (or env `BENCH_NAME`), with a default. */
export function intOption(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  const env = process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
  const raw = i >= 0 ? process.argv[i + 1] : env;
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) fail(`--${name} wants a positive number, got '${raw}'`);
  return n;
}

// ---------------------------------------------------------------- processes

const children = new Set();

function stopAll() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try { child.kill('SIGTERM'); } catch { /* already gone */ }
    }
  }
}
process.on('exit', stopAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => { stopAll(); process.exit(130); });
}
process.on('uncaughtException', (e) => { stopAll(); fail(e.stack || String(e)); });
process.on('unhandledRejection', (e) => { stopAll(); fail((e && e.stack) || String(e)); });

/** Stops one server we started and waits (bounded) for it to exit. */
export async function stop(child, timeoutMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) { children.delete(child); return; }
  const done = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await done;
  clearTimeout(timer);
  children.delete(child);
}

/**
 * Starts `bin args…` with its stdout and stderr going straight to a log file (no pipe through
 * this process, so a chatty server costs us nothing), polls the file until `ready(text)`
 * returns a value — or, for a server that prints nothing, until `poll()` resolves to one — at
 * most `timeoutMs`, and returns `{child, value, logFile}`.
 */
export async function startServer(name, bin, args, ready, { timeoutMs = 60000, env = {}, poll } = {}) {
  if (!fs.existsSync(bin)) fail(`${bin} is missing: build it first (bench/run.sh does)`);
  const logFile = path.join(os.tmpdir(), `amigo-bench-${name}-${process.pid}-${children.size}.log`);
  const out = fs.openSync(logFile, 'w');
  const child = spawn(bin, args, { stdio: ['ignore', out, out], env: { ...process.env, ...env } });
  fs.closeSync(out);
  children.add(child);
  let exited = null;
  child.once('exit', (code, sig) => { exited = code ?? sig; });
  child.once('error', (e) => { exited = e.message; });
  const deadline = Date.now() + timeoutMs;
  const head = () => { try { return fs.readFileSync(logFile, 'utf8').slice(0, 1 << 16); } catch { return ''; } };
  for (;;) {
    const text = head();
    const value = ready(text) ?? (poll ? await poll() : undefined);
    if (value !== undefined && value !== null) return { child, value, logFile };
    if (exited !== null) fail(`${name} exited (${exited}) before it was ready; log ${logFile}:\n${text.slice(-1500)}`);
    if (Date.now() > deadline) { await stop(child); fail(`${name} not ready within ${timeoutMs} ms; log: ${logFile}`); }
    await sleep(50);
  }
}

/** Peak resident set size (VmHWM) of a running process, in KiB. */
export function peakRssKiB(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = status.match(/^VmHWM:\s+(\d+)\s+kB/m);
  return m ? Number(m[1]) : null;
}

/**
 * `amigo-proxy --sandbox` on a free port, serving the widget build in `dist/`. Resolves to
 * `{child, info: {sandbox_url, api_base, token, proxy_url}, tmp}`.
 */
export async function startProxySandbox(extraArgs = []) {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) fail('dist/index.html is missing: build the widget (scripts/build-widget.sh)');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'amigo-bench-proxy-'));
  const infoFile = path.join(tmp, 'info.json');
  const args = [
    '--sandbox', '--listen', '127.0.0.1:0', '--widget-dir', DIST,
    '--sandbox-info-file', infoFile,
    '--database-url', `sqlite://${path.join(tmp, 'proxy.db')}`,
    // the browser benchmarks reload the store many times from one IP
    '--sandbox-rate-limit-per-minute', '100000',
    ...extraArgs,
  ];
  const { child } = await startServer('proxy-sandbox', path.join(RELEASE, 'amigo-proxy'), args,
    (text) => (/amigo-proxy listening on http:\/\//.test(text) && fs.existsSync(infoFile) ? true : undefined),
    { env: { RUST_LOG: process.env.RUST_LOG || 'warn' } });
  // the file is written before the banner; read it once complete
  let info;
  for (let i = 0; i < 50 && !info; i++) {
    try { info = JSON.parse(fs.readFileSync(infoFile, 'utf8')); } catch { await sleep(100); }
  }
  if (!info) fail(`amigo-proxy did not write ${infoFile}`);
  return { child, info, tmp };
}

/** A standalone `amigo-sandbox` on a free port; resolves to `{child, url}`. */
export async function startSandbox(extraArgs = []) {
  const { child, value } = await startServer('sandbox', path.join(RELEASE, 'amigo-sandbox'),
    ['--listen', '127.0.0.1:0',
      '--rate-limit-per-minute', '1000000000', '--public-rate-limit-per-minute', '1000000000',
      ...extraArgs],
    (text) => (text.match(/amigo-sandbox listening on (http:\/\/127\.0\.0\.1:\d+)/) || [])[1],
    { env: { RUST_LOG: process.env.RUST_LOG || 'warn' }, timeoutMs: 180000 });
  return { child, url: value };
}

/** A free loopback TCP port (for a server that cannot report the port it bound). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * How a figure stands against its budget: `{budget, met, margin}` with a line such as
 * `112.4 KiB: 7.6 KiB under the 120 KiB budget`. `kind` is `max` (≤ budget) or `min` (≥).
 */
export function judge(label, value, budget, unit, kind = 'max') {
  if (value == null || budget == null) {
    const line = `${label}: not measured (budget ${budget}${unit})`;
    process.stdout.write(`  ${line}\n`);
    return { budget, met: null, line };
  }
  const met = kind === 'max' ? value <= budget : value >= budget;
  const diff = Math.abs(value - budget);
  const fmt = (x) => (Number.isInteger(x) ? String(x) : x.toFixed(Math.abs(x) < 1 ? 3 : 1));
  const side = kind === 'max' ? (met ? 'under' : 'over') : (met ? 'above' : 'below');
  const line = `${label}: ${fmt(value)}${unit}, ${fmt(diff)}${unit} ${side} the ${kind === 'max' ? '≤' : '≥'} ${fmt(budget)}${unit} budget (${met ? 'met' : 'MISSED'})`;
  process.stdout.write(`  ${line}\n`);
  return { budget, met, line };
}
