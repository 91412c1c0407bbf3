/* Amigo storefront loader (classic script). Embed with
 *   <script src="https://shop.example/widget/amigo-widget.js" data-proxy="https://shop.example"
 *           data-api="https://amigo.ng/api" data-target="#amigo-store" defer></script>
 * or use the element <amigo-store proxy="…" api="…"></amigo-store> once this script is on the page.
 * Attributes: data-proxy (required), data-api, data-target, data-routing ("hash" | "none"),
 * data-merchant, data-features ("data": the "Buy data" view), data-analytics ("datalayer": push
 * GA4 ecommerce events to window.dataLayer, through datalayer.js, fetched only then), data-lang
 * ("en", the default, or "pcm": Nigerian Pidgin, whose table is a module fetched only then) and
 * data-wording (a JSON object of text names to the merchant's own texts; README "Wording"; both
 * checked by the wording module, wording.js, fetched only for them). The element takes the same
 * without "data-" (lang="pcm", wording='{…}'). The build fills in the hashed module names below.
 *
 * The page's API (README "Events and API"): each store's host element has open(route),
 * addToCart(productId, quantity), cart() (each a Promise) and on(event, handler) (returns an
 * unsubscribe function); a script-tag mount is also window.AmigoStore. Calls made before the
 * store is ready are queued and run once, in order, when it is (`amigo:ready`); so are calls a
 * page pushed before this script ran (window.AmigoStore = [["open", "cart"], …]).
 *
 * Besides mounting, the loader does what must happen before the wasm arrives:
 * - shows the store's first view (products and prices, rendered by the proxy from its catalog
 *   cache with the store's own components): the one a merchant's server put in the page as a
 *   declarative shadow root, or else it fetches /api/first-view first of all. A click on "Add to
 *   cart" there is recorded ("Adding…") and replayed through the page's API when the store is
 *   ready; the live store replaces the first view once it shows the same things;
 * - reserves the store's space (a min-height the store drops once it has drawn its skeleton), so
 *   the merchant's page does not jump when the store appears;
 * - downloads the JS glue and the wasm in parallel, and warms the connections to the proxy and API;
 * - starts the first catalog requests of the browse view while the wasm downloads, and hands the
 *   answers to the store (`__amigoPrefetch`: URL → Promise<Response>, each taken once);
 * - notices if the module ever traps (a Rust panic) and puts an accessible "The store stopped"
 *   message with a "Reload store" button in place of every store. The cart and the checkout
 *   draft live in localStorage, so a reload loses nothing. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(".", (script && script.src) || location.href);
  var jsName = "__AMIGO_JS__";
  var wasmName = "__AMIGO_WASM__";
  var jsUrl = new URL(jsName, base).href;
  var wasmUrl = new URL(wasmName, base).href;
  var pcmUrl = new URL("__AMIGO_PCM__", base).href;
  var wordingUrl = new URL("__AMIGO_WORDING__", base).href;
  var datalayerUrl = new URL("__AMIGO_DATALAYER__", base).href;
  var ready;
  var hosts = [];
  var stopped = false;
  var RESERVE = "max(100vh, 640px)";
  // the page API's methods, on each <amigo-store> element and on the element data-target names;
  // the store knows the first three by their place here
  var METHODS = ["open", "addToCart", "cart", "on"];

  function hint(rel, href) {
    try {
      var origin = new URL(href, location.href).origin;
      if (origin === location.origin || document.querySelector('link[rel="' + rel + '"][href="' + origin + '"]')) return;
      var link = document.createElement("link");
      link.rel = rel;
      link.href = origin;
      link.crossOrigin = "anonymous";
      document.head.appendChild(link);
    } catch (e) {
      /* a bad URL is reported by the store itself */
    }
  }

  function load() {
    if (!ready) {
      // the wasm download starts now, not after the JS glue has been fetched and parsed
      var wasm = fetch(wasmUrl, { credentials: "same-origin" });
      ready = import(jsUrl).then(function (m) {
        return m.default({ module_or_path: wasm }).then(function () {
          return m;
        });
      });
    }
    return ready;
  }

  // The browse view's first requests, exactly as the store makes them for the default route
  // (the store's `api.rs`; a native test keeps these paths in step with it). Anything else the
  // store asks for, or a prefetch that failed, simply goes to the network.
  var prefetched = (window.__amigoPrefetch = window.__amigoPrefetch || new Map());
  function prefetch(proxy, routing) {
    var hash = location.hash;
    if (!proxy || (routing !== "none" && hash && hash !== "#" && hash !== "#/")) return;
    var root = proxy.replace(/\/+$/, "");
    function get(path) {
      var url = root + path;
      if (prefetched.has(url)) return prefetched.get(url);
      var p = fetch(url);
      p.catch(function () {});
      prefetched.set(url, p);
      return p;
    }
    get("/api/catalog/categories");
    get("/api/catalog/products?sort=new&limit=12&offset=0");
    // each list's products as soon as the lists are known; the store gets the lists' answer only
    // after these are registered, so it never asks for a list a second time
    var listsUrl = root + "/api/catalog/curation";
    if (!prefetched.has(listsUrl)) {
      var lists = fetch(listsUrl).then(function (r) {
        if (!r.ok) return r;
        return r.clone().json().then(function (body) {
          (Array.isArray(body && body.data) ? body.data : []).forEach(function (l) {
            var slug = l && (l.slug || (l.info && l.info.slug));
            if (typeof slug === "string" && l.product_count > 0) get("/api/catalog/curation?type=" + encodeURIComponent(slug));
          });
          return r;
        }, function () { return r; });
      });
      lists.catch(function () {});
      prefetched.set(listsUrl, lists);
    }
  }

  // Whether the store opens on the unfiltered browse view, the only one the first view shows.
  function browsing(routing) {
    var hash = location.hash;
    return routing === "none" || !hash || hash === "#" || hash === "#/";
  }

  // "Add to cart" in the first view, before the live store has replaced it: the click is kept
  // (the button says so) and replayed through the page's API, which runs it once the store is
  // ready, so a click made while the wasm downloads is never lost.
  function capture(host, root) {
    root.addEventListener("click", function (e) {
      var b = e.target && e.target.closest ? e.target.closest("button.add[data-product]") : null;
      if (!b || b.disabled || !b.closest("[data-first-view]") || b.getAttribute("aria-disabled") === "true") return;
      b.setAttribute("aria-disabled", "true");
      // in the store's own words (the first view carries them)
      var adding = b.closest("[data-first-view]").getAttribute("data-adding") || "Adding…";
      if (b.firstChild && b.firstChild.nodeType === 3) b.firstChild.nodeValue = adding;
      api(host).addToCart(Number(b.getAttribute("data-product")), 1).catch(function (err) {
        console.warn("amigo-store: an early Add to cart was refused:", err && err.message);
      });
    });
  }

  // The first view's accent made readable, as the live store does for itself (src/theme.rs,
  // src/mount.rs; WCAG AA, 4.5:1): where the merchant's accent fails against its on-accent
  // text, that text turns white or black; where the accent fails as text on the background,
  // accent-coloured text takes the text colour. Until the wasm arrives only this can do it.
  function readableAccent(view) {
    var probe = document.createElement("span");
    view.appendChild(probe);
    function rgb(v) {
      probe.style.color = "var(" + v + ")";
      var m = /^rgba?\((\d+)[, ]+(\d+)[, ]+(\d+)(?:[,\/ ]+(1|1\.0|100%))?\)$/.exec(getComputedStyle(probe).color.trim());
      return m ? [+m[1], +m[2], +m[3]] : null;
    }
    function lum(c) {
      var l = c.map(function (x) { x /= 255; return x <= 0.04045 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
      return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
    }
    function contrast(a, b) {
      var x = lum(a), y = lum(b);
      return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
    }
    view.style.removeProperty("--_on-accent");
    view.style.removeProperty("--_accent-text");
    var accent = rgb("--_accent"), on = rgb("--_on-accent"), bg = rgb("--_bg");
    probe.remove();
    if (!accent) return;
    if (on && contrast(accent, on) < 4.5) {
      view.style.setProperty("--_on-accent", contrast(accent, [255, 255, 255]) >= contrast(accent, [0, 0, 0]) ? "#ffffff" : "#000000");
    }
    if (bg && contrast(accent, bg) < 4.5) view.style.setProperty("--_accent-text", "var(--_text)");
  }

  // A first view in place: its accent checked (again when the colour scheme changes) and its
  // early clicks kept.
  function prepare(host, root) {
    var view = root.querySelector("[data-first-view]");
    var check = function () { if (view.isConnected) readableAccent(view); };
    check();
    if (window.matchMedia) {
      var mq = matchMedia("(prefers-color-scheme: dark)");
      if (mq.addEventListener) mq.addEventListener("change", check);
    }
    capture(host, root);
  }

  // Places the proxy's first view in `host`'s shadow root, unless one is there already (the
  // merchant's server included it) or the store opens elsewhere. Its stylesheet is adopted as a
  // constructed sheet, so a strict Content-Security-Policy (no inline styles) still styles it.
  // Resolves when the first view is in place or will not come.
  function firstView(host, cfg) {
    var root = host.shadowRoot;
    if (root && root.querySelector("[data-first-view]")) {
      prepare(host, root);
      return Promise.resolve();
    }
    // the merchant's own wording is the live store's alone: a first view in the built-in words
    // would show texts that then change (and a language the store refuses shows its error only)
    var lang = String(cfg.lang || "").trim();
    if (!cfg.proxy || root || !browsing(cfg.routing || "hash") || !window.fetch || cfg.wording || !/^(en|pcm)?$/i.test(lang)) return Promise.resolve();
    var query = [];
    if (cfg.features) query.push("features=" + encodeURIComponent(cfg.features));
    if (lang) query.push("lang=" + encodeURIComponent(lang));
    var url = cfg.proxy.replace(/\/+$/, "") + "/api/first-view" + (query.length ? "?" + query.join("&") : "");
    return fetch(url).then(function (r) {
      return r.ok ? r.text() : "";
    }).then(function (html) {
      // the live store may have come first (a cached wasm): it owns the shadow root then
      if (!html || host.__amigoLive || host.shadowRoot) return;
      var t = document.createElement("template");
      t.innerHTML = html;
      var view = host.attachShadow({ mode: "open" });
      var style = t.content.querySelector("style[data-first-view-style]");
      if (style && "adoptedStyleSheets" in view && typeof CSSStyleSheet === "function") {
        try {
          var sheet = new CSSStyleSheet();
          sheet.replaceSync(style.textContent);
          view.adoptedStyleSheets = [sheet];
          style.remove();
        } catch (e) {
          /* the <style> element stays */
        }
      }
      view.appendChild(t.content);
      prepare(host, view);
    }).catch(function () {
      /* no first view: the store draws its skeleton when the wasm arrives */
    });
  }

  // The page's API for the store on `host`: the store's controller (registered by the wasm on
  // the host as __amigoController) is one function, controller(method, args, resolve, reject),
  // that settles the call's Promise: the method by its number (METHODS' order), the page's two
  // arguments as a JSON array, which the store checks.
  function api(host) {
    if (host.__amigoApi) return host.__amigoApi;
    var queue = [];
    // queued calls run one after another, each once the one before has settled: an
    // addToCart waits for its catalog read, and the cart must see the calls in the page's order
    host.addEventListener("amigo:ready", function () {
      var c = host.__amigoController;
      if (!c) return;
      var waiting = queue;
      queue = [];
      waiting.reduce(function (before, q) {
        return before.then(function () {
          return new Promise(function (resolve) {
            c(q[0], q[1], function (v) { q[2](v); resolve(); }, function (e) { q[3](e); resolve(); });
          }).then(null, q[3]);
        });
      }, Promise.resolve());
    });
    var a = {
      on: function (event, handler) {
        if (typeof handler !== "function") throw new TypeError("on(event, handler): handler must be a function");
        var type = String(event);
        if (type.indexOf("amigo:") !== 0) type = "amigo:" + type;
        var listener = function (e) { handler(e.detail, e); };
        host.addEventListener(type, listener);
        return function () { host.removeEventListener(type, listener); };
      }
    };
    // open(route), addToCart(productId, quantity), cart(): the store reads at most two
    // arguments, as JSON made now (so a later change to the page's object changes nothing);
    // NaN and Infinity go as text, to be refused as the bad numbers they are rather than read as
    // null, and what JSON cannot carry rejects the call with the browser's TypeError
    METHODS.slice(0, 3).forEach(function (method, i) {
      a[method] = function (x, y) {
        return new Promise(function (resolve, reject) {
          var args = JSON.stringify([x, y], function (k, v) {
            return typeof v === "number" && !isFinite(v) ? String(v) : v;
          });
          var c = host.__amigoController;
          if (c) c(i, args, resolve, reject);
          else queue.push([i, args, resolve, reject]);
        });
      };
    });
    host.__amigoApi = a;
    return a;
  }

  // Calls a page queued before this script ran: [["open", "cart"], ["addToCart", 7, 1], …].
  function replayEarly(a, early) {
    if (!Array.isArray(early)) return;
    early.forEach(function (entry) {
      if (!Array.isArray(entry) || typeof a[entry[0]] !== "function") {
        console.warn("amigo-store: ignored an early AmigoStore call that is not [method, …args]", entry);
        return;
      }
      var r = a[entry[0]].apply(null, entry.slice(1));
      if (r && typeof r.catch === "function") r.catch(function (e) { console.warn("amigo-store:", e && e.message); });
    });
  }

  function report(where, message) {
    console.error("amigo-store: " + message);
    var p = document.createElement("p");
    p.setAttribute("role", "alert");
    p.style.cssText = "padding:12px;border:1px solid #b3261e;border-radius:8px;font:16px system-ui,sans-serif;color:#1c1b1f;background:#fff";
    p.textContent = "This store could not load: " + message;
    where(p);
  }

  // A trap is a WebAssembly.RuntimeError thrown out of one of the store's callbacks (an event
  // handler, a timer, a promise continuation). Only errors whose stack names this build's wasm
  // count (its frames, or the glue's that called it): another wasm module on the merchant's page
  // is none of the store's business.
  function isOurTrap(err) {
    if (!err || typeof WebAssembly === "undefined" || !(err instanceof WebAssembly.RuntimeError)) return false;
    var stack = String(err.stack || "");
    return stack.indexOf(wasmName) >= 0 || stack.indexOf(jsName) >= 0;
  }

  function showStopped(host) {
    var root = host.shadowRoot || host;
    var hadFocus = root.activeElement != null || document.activeElement === host;
    var box = document.createElement("div");
    box.setAttribute("role", "alert");
    box.style.cssText = "display:grid;gap:12px;justify-items:start;padding:16px;margin:8px;border:1px solid #b3261e;border-radius:10px;font:16px/1.4 system-ui,sans-serif;color:#1c1b1f;background:#fff";
    var text = document.createElement("p");
    text.style.margin = "0";
    text.textContent = "The store stopped. Your cart and checkout details are saved.";
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "Reload store";
    button.style.cssText = "min-height:44px;padding:8px 16px;border:1px solid #b3261e;border-radius:10px;background:#b3261e;color:#fff;font:600 16px system-ui,sans-serif;cursor:pointer";
    // the dead module cannot be restarted in place (its memory may hold a half-done change), and
    // its listeners are still on the page: a reload starts clean and restores the saved cart
    button.addEventListener("click", function () { location.reload(); });
    box.appendChild(text);
    box.appendChild(button);
    root.replaceChildren(box);
    host.style.minHeight = "";
    if (hadFocus) button.focus();
  }

  function onTrap(err) {
    if (stopped) return;
    stopped = true;
    console.error("amigo-store: the store stopped after an internal error (" + err + "). The cart is kept; \"Reload store\" starts it again.");
    hosts.forEach(showStopped);
  }
  window.addEventListener("error", function (e) { if (isOurTrap(e.error)) onTrap(e.error); });
  window.addEventListener("unhandledrejection", function (e) { if (isOurTrap(e.reason)) onTrap(e.reason); });

  function mount(host, cfg) {
    if (!host.style.minHeight) {
      host.style.minHeight = RESERVE;
      host.setAttribute("data-amigo-reserved", "");
    }
    hint("preconnect", cfg.proxy || location.href);
    if (cfg.api) hint("preconnect", cfg.api);
    api(host);
    hosts.push(host);
    // the first view's few KiB come first; the catalog requests the live store needs wait for
    // it, so that on a slow link they do not share its bandwidth
    firstView(host, cfg).then(function () {
      if (!host.__amigoLive) prefetch(cfg.proxy || "", cfg.routing || "hash");
    });
    // a built-in language's table and the module that checks it and data-wording come with the
    // wasm, fetched only when needed; the store checks the value of data-lang itself
    var lang = String(cfg.lang || "").trim().toLowerCase();
    var wording = String(cfg.wording || "").trim();
    var texts = lang === "pcm" || wording
      ? Promise.all([import(wordingUrl), lang === "pcm" ? import(pcmUrl) : null]).then(function (m) {
        // a Pidgin module without its table is refused by the checker, not read as English
        return m[0].words(m[1] ? m[1].default || {} : null, wording);
      })
      : ["", ""];
    // data-analytics="datalayer" (the store checks the value): the module that pushes GA4's
    // events to window.dataLayer, listening before the store mounts
    var analytics = String(cfg.analytics || "").trim().toLowerCase() === "datalayer"
      ? import(datalayerUrl).then(function (m) { m.datalayer(host); })
      : null;
    Promise.all([load(), texts, analytics]).then(
      function (loaded) {
        var m = loaded[0];
        if (stopped) return showStopped(host);
        host.__amigoLive = true;
        m.mountStore(host, cfg.proxy || "", cfg.api || "", cfg.routing || "", cfg.merchant || "", cfg.features || "", cfg.analytics || "", cfg.lang || "", loaded[1][0], loaded[1][1]);
      },
      function (e) {
        host.style.minHeight = "";
        // a first view in the shadow root would hide a message in the light DOM: it goes there
        report(function (p) { (host.shadowRoot || host).replaceChildren(p); }, "the widget could not be downloaded (" + e + ")");
      }
    );
  }

  if (window.customElements && !customElements.get("amigo-store")) {
    var Store = class extends HTMLElement {
      connectedCallback() {
        if (this._amigoMounted) return;
        this._amigoMounted = true;
        var cfg = {};
        var el = this;
        ["proxy", "api", "routing", "merchant", "features", "analytics", "lang", "wording"].forEach(function (name) {
          cfg[name] = el.getAttribute(name);
        });
        mount(this, cfg);
      }
    };
    METHODS.forEach(function (name) {
      Store.prototype[name] = function (x, y) { return api(this)[name](x, y); };
    });
    customElements.define("amigo-store", Store);
  }

  var d = script ? script.dataset : {};
  if (d.target === undefined && d.proxy === undefined) return; // element mode only

  function start() {
    var target = null;
    try {
      target = d.target ? document.querySelector(d.target) : null;
    } catch (e) {
      target = null;
    }
    if (!target) {
      report(function (p) {
        if (script.parentNode && script.parentNode !== document.head) script.after(p);
        else document.body.prepend(p);
      }, d.target ? "no element matches data-target=\"" + d.target + "\"" : "data-target is missing");
      return;
    }
    mount(target, d);
    var a = api(target);
    METHODS.forEach(function (name) {
      if (!(name in target)) target[name] = a[name];
    });
    var early = window.AmigoStore;
    window.AmigoStore = a;
    replayEarly(a, early);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
