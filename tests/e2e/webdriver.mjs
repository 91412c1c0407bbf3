// A small W3C WebDriver client (no dependency: the protocol is JSON over HTTP, and Node has fetch)
// that starts the engine's own driver from the machine: geckodriver for Firefox ESR,
// WebKitWebDriver for WebKitGTK, chromedriver for Chromium. Nothing here downloads a browser or a
// driver; the paths come from the environment (GECKODRIVER, WEBKIT_WEBDRIVER, CHROMEDRIVER) or the
// Debian/cargo install places scripts/setup.sh --web uses.
//
// Why not webdriverio: its utilities pull @puppeteer/browsers and the npm geckodriver, edgedriver
// and safaridriver packages, whose job is downloading browsers and drivers; this file needs none.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const SHADOW = 'shadow-6066-11e4-a52e-4f735466cecf';
export const KEY = { ArrowDown: '\uE015', Enter: '\uE007', Tab: '\uE004' };

function firefoxProfile(tmp) {
  const dir = path.join(tmp, 'profile');
  fs.mkdirSync(path.join(dir, 'chrome'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'chrome', 'userChrome.css'),
    ':root, #main-window, #navigator-toolbox, toolbar, #nav-bar, #urlbar-container, #TabsToolbar'
    + ' { min-width: 0 !important; }\n');
  return dir;
}

function firstExisting(...candidates) {
  return candidates.find((c) => c && fs.existsSync(c));
}

/// Where each engine's driver and browser are, and the capabilities that start it headless.
export const ENGINES = {
  firefox: {
    driver: () => firstExisting(process.env.GECKODRIVER, path.join(os.homedir(), '.cargo/bin/geckodriver'), '/usr/local/bin/geckodriver', '/usr/bin/geckodriver'),
    args: (port) => ['--port', String(port), '--host', '127.0.0.1', '--log', 'error'],
    // Firefox holds its window at least 500 px wide (its toolbars' minimum), wider than a 360 px
    // phone: a fresh profile whose userChrome.css lifts that minimum on the browser's own chrome
    // (not the page) lets the page get 360 CSS px.
    capabilities: (tmp) => ({
      browserName: 'firefox',
      'moz:firefoxOptions': {
        binary: firstExisting(process.env.FIREFOX, '/usr/bin/firefox-esr', '/usr/bin/firefox'),
        args: ['-headless', '-profile', firefoxProfile(tmp)],
        prefs: {
          'toolkit.legacyUserProfileCustomizations.stylesheets': true,
          'browser.shell.checkDefaultBrowser': false,
          'datareporting.policy.dataSubmissionEnabled': false,
          'app.update.enabled': false,
          'browser.aboutwelcome.enabled': false,
        },
      },
    }),
  },
  webkit: {
    driver: () => firstExisting(process.env.WEBKIT_WEBDRIVER, '/usr/bin/WebKitWebDriver'),
    // MiniBrowser's toolbar holds its window at least 447 px wide, wider than a 360 px phone: a
    // GTK stylesheet of its own (GTK widgets only; the page's CSS and form controls are WebKit's)
    // shrinks the browser's chrome so the page can get 360 CSS px.
    env: (tmp) => {
      const dir = path.join(tmp, 'xdg');
      fs.mkdirSync(path.join(dir, 'gtk-3.0'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'gtk-3.0', 'gtk.css'),
        '* { font-size: 1px; min-width: 0; min-height: 0; padding: 0; margin: 0; border-width: 0; }\n'
        + 'image { -gtk-icon-transform: scale(0.1); }\n');
      return { XDG_CONFIG_HOME: dir };
    },
    args: (port) => [`--port=${port}`, '--host=127.0.0.1'],
    capabilities: () => ({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': {
        binary: firstExisting(process.env.WEBKIT_MINIBROWSER,
          '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.0/MiniBrowser',
          '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.0/MiniBrowser'),
        args: ['--automation'],
      },
    }),
  },
  chromium: {
    driver: () => firstExisting(process.env.CHROMEDRIVER, '/usr/bin/chromedriver'),
    args: (port) => [`--port=${port}`],
    capabilities: () => ({
      browserName: 'chrome',
      'goog:chromeOptions': {
        binary: '/usr/bin/chromium',
        args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
      },
    }),
  },
};

async function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/// A WebDriver error, with the endpoint that answered it.
export class WebDriverError extends Error {}

/// One driver process and one browser session on it.
export class Browser {
  static async start(engine) {
    const spec = ENGINES[engine];
    if (!spec) throw new Error(`unknown engine ${engine} (firefox, webkit or chromium)`);
    const bin = spec.driver();
    if (!bin) throw new Error(`no WebDriver for ${engine}: run scripts/setup.sh --web`);
    const port = await freePort();
    // this session's own files (a profile, a GTK stylesheet), removed when it quits
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `amigo-${engine}-`));
    const env = { ...process.env, ...(spec.env ? spec.env(tmp) : {}) };
    const proc = spawn(bin, spec.args(port), { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    proc.stderr.on('data', (d) => { stderr += d; });
    const base = `http://127.0.0.1:${port}`;
    const b = new Browser(engine, proc, base);
    b.tmp = tmp;
    for (let i = 0; ; i++) {
      try {
        const r = await fetch(`${base}/status`);
        if (r.ok) break;
      } catch { /* not listening yet */ }
      if (proc.exitCode !== null || i > 150) {
        proc.kill();
        fs.rmSync(tmp, { recursive: true, force: true });
        throw new Error(`${bin} did not start: ${stderr}`);
      }
      await sleep(100);
    }
    try {
      const body = await b.raw('POST', '/session', { capabilities: { alwaysMatch: spec.capabilities(tmp) } });
      b.id = body.sessionId;
      b.caps = body.capabilities;
    } catch (e) {
      proc.kill();
      fs.rmSync(tmp, { recursive: true, force: true });
      throw new Error(`${engine}: no session (${e.message}) ${stderr}`);
    }
    await b.cmd('POST', '/timeouts', { script: 30000, pageLoad: 60000, implicit: 0 });
    return b;
  }

  constructor(engine, proc, base) {
    this.engine = engine;
    this.proc = proc;
    this.base = base;
  }

  /// The browser's name and version as the driver reports them.
  get version() {
    return `${this.caps.browserName} ${this.caps.browserVersion}`;
  }

  async raw(method, url, body) {
    const r = await fetch(this.base + url, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await r.json().catch(() => ({}));
    if (!r.ok || (json.value && json.value.error)) {
      const v = json.value || {};
      throw new WebDriverError(`${method} ${url}: ${v.error || r.status}: ${v.message || ''}`.trim());
    }
    return json.value === undefined ? json : json.value;
  }

  cmd(method, url, body) {
    return this.raw(method, `/session/${this.id}${url}`, body);
  }

  async quit() {
    try {
      if (this.id) await this.cmd('DELETE', '');
    } finally {
      this.proc.kill();
      await new Promise((r) => (this.proc.exitCode !== null ? r() : this.proc.once('exit', r)));
      fs.rmSync(this.tmp, { recursive: true, force: true });
    }
  }

  goto(url) { return this.cmd('POST', '/url', { url }); }
  back() { return this.cmd('POST', '/back', {}); }
  refresh() { return this.cmd('POST', '/refresh', {}); }
  url() { return this.cmd('GET', '/url'); }

  /// Runs `fn` (a function, sent as source) in the page with `args`; returns its value.
  exec(fn, ...args) {
    return this.cmd('POST', '/execute/sync', { script: `return (${fn}).apply(null, arguments)`, args });
  }

  /// The viewport (not the window) at width × height: the window is sized, then corrected by
  /// what its frame takes, and the result checked.
  async viewport(width, height) {
    let w = width;
    let h = height;
    // WebKitGTK resizes after answering: the size is read once two reads 100 ms apart agree
    const settled = async () => {
      let last = await this.exec(() => [window.innerWidth, window.innerHeight]);
      for (let i = 0; i < 20; i++) {
        await sleep(100);
        const now = await this.exec(() => [window.innerWidth, window.innerHeight]);
        if (now[0] === last[0] && now[1] === last[1]) return now;
        last = now;
      }
      return last;
    };
    for (let i = 0; i < 5; i++) {
      await this.cmd('POST', '/window/rect', { width: w, height: h });
      const inner = await settled();
      if (inner[0] === width && inner[1] === height) return;
      w += width - inner[0];
      h += height - inner[1];
    }
    const inner = await this.exec(() => [window.innerWidth, window.innerHeight]);
    throw new Error(`${this.engine}: the viewport is ${inner.join('×')}, not ${width}×${height}`);
  }

  async screenshot(file) {
    fs.writeFileSync(file, Buffer.from(await this.cmd('GET', '/screenshot'), 'base64'));
  }

  /// Polls `fn` in the page until it returns a truthy value (or `timeout` ms pass); returns it.
  async waitFor(fn, args = [], { timeout = 15000, what = String(fn) } = {}) {
    const end = Date.now() + timeout;
    for (;;) {
      const v = await this.exec(fn, ...args);
      if (v) return v;
      if (Date.now() > end) throw new Error(`${this.engine}: timed out after ${timeout} ms waiting for ${what}`);
      await sleep(100);
    }
  }

  /// The store's shadow root (`#amigo-store`), found through WebDriver's own shadow-root support.
  async shadow(host = '#amigo-store') {
    const el = await this.raw('POST', `/session/${this.id}/element`, { using: 'css selector', value: host });
    const root = await this.cmd('GET', `/element/${el[ELEMENT]}/shadow`);
    return root[SHADOW];
  }

  /// The first element matching `css` in the store's shadow root, waiting up to `timeout` ms for it
  /// (and, with `enabled`, for it to be enabled).
  async find(css, { timeout = 15000, enabled = false } = {}) {
    const end = Date.now() + timeout;
    let last = '';
    for (;;) {
      try {
        const root = await this.shadow();
        const el = await this.cmd('POST', `/shadow/${root}/element`, { using: 'css selector', value: css });
        const element = new Element(this, el[ELEMENT], css);
        if (!enabled || (await element.enabled())) return element;
      } catch (e) {
        if (!(e instanceof WebDriverError)) throw e;
        last = e.message;
      }
      if (Date.now() > end) throw new Error(`${this.engine}: no ${css}${enabled ? ' (enabled)' : ''} in the store after ${timeout} ms (${last})`);
      await sleep(100);
    }
  }

  /// Every element matching `css` in the store's shadow root, now.
  async findAll(css) {
    const root = await this.shadow();
    const els = await this.cmd('POST', `/shadow/${root}/elements`, { using: 'css selector', value: css });
    return els.map((e) => new Element(this, e[ELEMENT], css));
  }

  /// The element of `css` whose text includes `text`, waiting for it.
  async findText(css, text, opts = {}) {
    const end = Date.now() + (opts.timeout ?? 15000);
    for (;;) {
      for (const el of await this.findAll(css).catch(() => [])) {
        if ((await el.text().catch(() => '')).includes(text)) return el;
      }
      if (Date.now() > end) throw new Error(`${this.engine}: no ${css} with "${text}" in the store`);
      await sleep(100);
    }
  }

  /// Sends keys to whatever has focus (WebDriver actions: key presses, not a value set).
  async keys(text) {
    const actions = [];
    for (const ch of text) actions.push({ type: 'keyDown', value: ch }, { type: 'keyUp', value: ch });
    await this.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'kb', actions }] });
    await this.cmd('DELETE', '/actions');
  }
}

/// One element: its actions run through WebDriver (real clicks and key presses).
export class Element {
  constructor(browser, id, css) {
    this.b = browser;
    this.id = id;
    this.css = css;
  }
  ref() { return { [ELEMENT]: this.id }; }
  /// A click. WebKitWebDriver 2.50's Element Click answers "element click intercepted" for any
  /// element inside a shadow root (its hit test finds the retargeted host, not the element), so
  /// in WebKit the element is scrolled to the middle of the view and clicked with pointer actions
  /// at its centre: a real mouse click all the same.
  async click() {
    if (this.b.engine !== 'webkit') return this.b.cmd('POST', `/element/${this.id}/click`, {});
    await this.pointer(1);
  }
  clear() { return this.b.cmd('POST', `/element/${this.id}/clear`, {}); }
  type(text) { return this.b.cmd('POST', `/element/${this.id}/value`, { text }); }
  text() { return this.b.cmd('GET', `/element/${this.id}/text`); }
  enabled() { return this.b.cmd('GET', `/element/${this.id}/enabled`); }
  selected() { return this.b.cmd('GET', `/element/${this.id}/selected`); }
  attr(name) { return this.b.cmd('GET', `/element/${this.id}/attribute/${name}`); }
  prop(name) { return this.b.cmd('GET', `/element/${this.id}/property/${name}`); }
  displayed() { return this.b.cmd('GET', `/element/${this.id}/displayed`); }

  /// Two clicks in a row through the pointer actions (a shopper's double click).
  doubleClick() { return this.pointer(2); }

  /// `clicks` mouse clicks at the element's centre, through pointer actions, after scrolling it
  /// to the middle of the view (actions do not scroll).
  async pointer(clicks) {
    await this.b.exec((el) => el.scrollIntoView({ block: 'center', inline: 'center' }), this.ref());
    const actions = [{ type: 'pointerMove', origin: this.ref(), x: 0, y: 0 }];
    for (let i = 0; i < clicks; i++) actions.push({ type: 'pointerDown', button: 0 }, { type: 'pointerUp', button: 0 });
    await this.b.cmd('POST', '/actions', {
      actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions }],
    });
    await this.b.cmd('DELETE', '/actions');
  }
}
