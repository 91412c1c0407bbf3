/* Amigo storefront loader (classic script). Embed with
 *   <script src="https://shop.example/widget/amigo-widget.js" data-proxy="https://shop.example"
 *           data-api="https://amigo.ng/api" data-target="#amigo-store" defer></script>
 * or use the element <amigo-store proxy="…" api="…"></amigo-store> once this script is on the page.
 * Attributes: data-proxy (required), data-api, data-target, data-routing ("hash" | "none"),
 * data-merchant. The build fills in the hashed module names below. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(".", (script && script.src) || location.href);
  var ready;

  function load() {
    if (!ready) {
      ready = import(new URL("__AMIGO_JS__", base).href).then(function (m) {
        return m.default({ module_or_path: new URL("__AMIGO_WASM__", base).href }).then(function () {
          return m;
        });
      });
    }
    return ready;
  }

  function report(where, message) {
    console.error("amigo-store: " + message);
    var p = document.createElement("p");
    p.setAttribute("role", "alert");
    p.style.cssText = "padding:12px;border:1px solid #b3261e;border-radius:8px;font:16px system-ui,sans-serif;color:#1c1b1f;background:#fff";
    p.textContent = "This store could not load: " + message;
    where(p);
  }

  function mount(host, cfg) {
    load().then(
      function (m) {
        m.mountStore(host, cfg.proxy || "", cfg.api || "", cfg.routing || "", cfg.merchant || "");
      },
      function (e) {
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
            merchant: this.getAttribute("merchant")
          });
        }
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
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
