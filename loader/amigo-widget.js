/* Amigo storefront loader (classic script). Embed with
 *   <script src="https://shop.example/widget/amigo-widget.js" data-proxy="https://shop.example"
 *           data-api="https://amigo.ng/api" data-target="#amigo-store" defer></script>
 * or use the element <amigo-store proxy="…" api="…"></amigo-store> once this script is on the page.
 * Attributes: data-proxy (required), data-api, data-target, data-routing ("hash" | "none"),
 * data-merchant, data-features ("data": the "Buy data" view), data-analytics ("datalayer": push
 * GA4 ecommerce events to window.dataLayer). The build fills in the hashed module names below.
 *
 * The page's API (README "Events and API"): each store's host element has open(route),
 * addToCart(productId, quantity), cart() (each a Promise) and on(event, handler) (returns an
 * unsubscribe function); a script-tag mount is also window.AmigoStore. Calls made before the
 * store is ready are queued and run once, in order, when it is (`amigo:ready`); so are calls a
 * page pushed before this script ran (window.AmigoStore = [["open", "cart"], …]).
 *
 * Besides mounting, the loader does what must happen before the wasm arrives:
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
  var ready;
  var hosts = [];
  var stopped = false;
  var RESERVE = "max(100vh, 640px)";

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

  // The page's API for the store on `host`: the store's controller (registered by the wasm on
  // the host as __amigoController) takes JSON text, so any value a page passes reaches the
  // store's own checks.
  function api(host) {
    if (host.__amigoApi) return host.__amigoApi;
    var queue = [];
    function invoke(c, method, args) {
      try {
        var json = args.map(function (a) {
          var t = a === undefined ? undefined : JSON.stringify(a);
          return t === undefined ? "null" : t;
        });
        return Promise.resolve(c[method].apply(null, json));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    function call(method, args) {
      var c = host.__amigoController;
      if (c) return invoke(c, method, args);
      return new Promise(function (resolve, reject) {
        queue.push({ method: method, args: args, resolve: resolve, reject: reject });
      });
    }
    host.addEventListener("amigo:ready", function () {
      var c = host.__amigoController;
      if (!c) return;
      var waiting = queue;
      queue = [];
      waiting.forEach(function (q) { invoke(c, q.method, q.args).then(q.resolve, q.reject); });
    });
    var a = {
      open: function (route) { return call("open", [route]); },
      addToCart: function (productId, quantity) { return call("addToCart", [productId, quantity]); },
      cart: function () { return call("cart", []); },
      on: function (event, handler) {
        if (typeof handler !== "function") throw new TypeError("on(event, handler): handler must be a function");
        var type = String(event);
        if (type.indexOf("amigo:") !== 0) type = "amigo:" + type;
        var listener = function (e) { handler(e.detail, e); };
        host.addEventListener(type, listener);
        return function () { host.removeEventListener(type, listener); };
      }
    };
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
    prefetch(cfg.proxy || "", cfg.routing || "hash");
    api(host);
    hosts.push(host);
    load().then(
      function (m) {
        if (stopped) return showStopped(host);
        m.mountStore(host, cfg.proxy || "", cfg.api || "", cfg.routing || "", cfg.merchant || "", cfg.features || "", cfg.analytics || "");
      },
      function (e) {
        host.style.minHeight = "";
        report(function (p) { host.replaceChildren(p); }, "the widget could not be downloaded (" + e + ")");
      }
    );
  }

  if (window.customElements && !customElements.get("amigo-store")) {
    customElements.define(
      "amigo-store",
      class extends HTMLElement {
        connectedCallback() {
          if (this._amigoMounted) return;
          this._amigoMounted = true;
          mount(this, {
            proxy: this.getAttribute("proxy"),
            api: this.getAttribute("api"),
            routing: this.getAttribute("routing"),
            merchant: this.getAttribute("merchant"),
            features: this.getAttribute("features"),
            analytics: this.getAttribute("analytics")
          });
        }
        open(route) { return api(this).open(route); }
        addToCart(productId, quantity) { return api(this).addToCart(productId, quantity); }
        cart() { return api(this).cart(); }
        on(event, handler) { return api(this).on(event, handler); }
      }
    );
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
    ["open", "addToCart", "cart", "on"].forEach(function (name) {
      if (!(name in target)) target[name] = a[name];
    });
    var early = window.AmigoStore;
    window.AmigoStore = a;
    replayEarly(a, early);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
