// Runs Debian's wrk (/usr/bin/wrk) and parses its `--latency` report.

import { spawn } from 'node:child_process';
import fs from 'node:fs';

import { fail } from './common.mjs';

export const WRK = process.env.WRK || '/usr/bin/wrk';

const UNIT_MS = { us: 0.001, ms: 1, s: 1000, m: 60000, h: 3600000 };

function ms(text) {
  const m = text.match(/^([\d.]+)(us|ms|s|m|h)$/);
  return m ? Math.round(Number(m[1]) * UNIT_MS[m[2]] * 1000) / 1000 : null;
}

/** Parses wrk's report into `{rps, requests, p50, p75, p90, p99, avg, max, non2xx, socketErrors}` (ms). */
export function parseWrk(out) {
  const num = (re) => { const m = out.match(re); return m ? Number(m[1]) : 0; };
  const lat = {};
  for (const m of out.matchAll(/^\s+(50|75|90|99)%\s+(\S+)$/gm)) lat[`p${m[1]}`] = ms(m[2]);
  const avgMax = out.match(/^\s+Latency\s+(\S+)\s+\S+\s+(\S+)/m);
  const sock = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  return {
    rps: num(/^Requests\/sec:\s+([\d.]+)/m),
    requests: num(/^\s+(\d+) requests in/m),
    ...lat,
    avg: avgMax ? ms(avgMax[1]) : null,
    max: avgMax ? ms(avgMax[2]) : null,
    non2xx: num(/Non-2xx or 3xx responses: (\d+)/),
    socketErrors: sock ? sock.slice(1).reduce((s, x) => s + Number(x), 0) : 0,
  };
}

/**
 * `wrk -t THREADS -c CONNECTIONS -d SECONDS --latency [-s script] [-H header…] URL`, bounded by
 * a hard timeout; resolves to the parsed report (plus the raw text).
 */
export function wrk(url, { threads = 2, connections = 64, seconds = 20, script, headers = [], env = {} } = {}) {
  if (!fs.existsSync(WRK)) fail(`${WRK} is missing (apt-get install wrk)`);
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--timeout', '5s', '--latency'];
  if (script) args.push('-s', script);
  for (const h of headers) args.push('-H', h);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(WRK, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { err += c; });
    const killer = setTimeout(() => child.kill('SIGKILL'), (seconds + 30) * 1000);
    child.once('exit', (code) => {
      clearTimeout(killer);
      if (code !== 0) reject(new Error(`wrk exited ${code}: ${err.trim() || out.trim()}`));
      else resolve({ ...parseWrk(out), raw: out });
    });
  });
}
