// Real Chromium through playwright-core (the machine's /usr/bin/chromium, never a download), a
// fresh profile per launch (cold HTTP and code caches), and the "slow phone" throttling over CDP.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { fail } from './common.mjs';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** CDP `Network.emulateNetworkConditions` for the "slow 4G" (bytes per second). */
export const SLOW_4G = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1000 * 1000) / 8,
  uploadThroughput: (750 * 1000) / 8,
};
export const CPU_SLOWDOWN = 4;

/** Phone-sized viewport (a mid-range Android phone). */
export const PHONE = { width: 360, height: 740 };

/** A fresh browser with an empty profile; `close()` removes the profile too. */
export async function launch({ viewport = PHONE } = {}) {
  if (!fs.existsSync(CHROMIUM)) fail(`${CHROMIUM} is missing: scripts/setup.sh --web installs it`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amigo-bench-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    deviceScaleFactor: 2,
    isMobile: false,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || (await context.newPage());
  const close = async () => {
    await context.close().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { context, page, close };
}

/** 4× CPU and slow 4G on `page`, through its own CDP session. */
export async function throttle(context, page, { cpu = CPU_SLOWDOWN, network = SLOW_4G } = {}) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  if (network) await cdp.send('Network.emulateNetworkConditions', network);
  if (cpu) await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu });
  return cdp;
}
