//! Mounting a store into a fresh host, querying inside its shadow root, driving inputs, waiting,
//! and the `fetch` spy that counts, delays and rewrites proxy calls.

use amigo_storefront::config::{EmbedConfig, Features, Routing};
use amigo_storefront::mount::{MountedStore, mount_store};
use amigo_storefront::state::cart::storage_key;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlInputElement, ShadowRoot};

/// The proxy the tests talk to.
pub(crate) fn proxy() -> &'static str {
    match option_env!("AMIGO_TEST_PROXY") {
        Some(url) if !url.is_empty() => url,
        _ => panic!(
            "build the browser tests with AMIGO_TEST_PROXY=<proxy url> (scripts/browser-test.sh does)"
        ),
    }
}

/// The public Amigo API base of the sandbox behind the test proxy (`AMIGO_TEST_API`, set by
/// `scripts/web-test.sh`); checkout's locations and quote calls go there.
pub(crate) fn api() -> &'static str {
    match option_env!("AMIGO_TEST_API") {
        Some(url) if !url.is_empty() => url,
        _ => "https://amigo.ng/api",
    }
}

#[wasm_bindgen(inline_js = r#"
export function spy_install() {
  if (globalThis.__amigoSpy) return;
  const real = globalThis.fetch.bind(globalThis);
  const spy = { calls: [], delays: [], rewrites: [] };
  globalThis.__amigoSpy = spy;
  globalThis.fetch = function (input, init) {
    const url = typeof input === "string" ? input : input.url;
    spy.calls.push(url);
    const delay = spy.delays.find((d) => url.includes(d[0]));
    const rewrite = spy.rewrites.find((r) => url.includes(r[0]));
    let p = real(input, init);
    if (rewrite) {
      p = p.then((r) => r.json()).then((body) => {
        rewrite[1](body);
        return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
      });
    }
    if (delay) p = p.then((r) => new Promise((res) => setTimeout(() => res(r), delay[1])));
    return p;
  };
}
export function spy_reset() {
  const s = globalThis.__amigoSpy;
  s.calls.length = 0; s.delays.length = 0; s.rewrites.length = 0;
}
export function spy_calls(part) {
  return globalThis.__amigoSpy.calls.filter((u) => u.includes(part)).join("\n");
}
export function spy_delay(part, ms) { globalThis.__amigoSpy.delays.push([part, ms]); }
export function spy_poison_names(part, name, description) {
  globalThis.__amigoSpy.rewrites.push([part, (body) => {
    const list = Array.isArray(body.data) ? body.data : [body.data];
    for (const p of list) { p.name = name; p.description = description; }
  }]);
}
export function sleep_ms(ms) { return new Promise((res) => setTimeout(res, ms)); }
export function console_errors_start() {
  if (globalThis.__amigoErrors) { globalThis.__amigoErrors.length = 0; return; }
  const errs = []; globalThis.__amigoErrors = errs;
  const real = console.error.bind(console);
  console.error = (...a) => { errs.push(a.map(String).join(" ")); real(...a); };
}
export function console_errors() { return (globalThis.__amigoErrors || []).join("\n"); }
export function page_watch_install() {
  if (globalThis.__amigoPage) return;
  const seen = []; globalThis.__amigoPage = seen;
  const real = console.error.bind(console);
  console.error = (...a) => { seen.push("console.error: " + a.map(String).join(" ")); real(...a); };
  addEventListener("error", (e) => seen.push("page error: " + String(e.error || e.message)));
  addEventListener("unhandledrejection", (e) => seen.push("unhandled rejection: " + String(e.reason)));
}
export function page_watch_mark() { return globalThis.__amigoPage.length; }
export function page_watch_since(mark) { return globalThis.__amigoPage.slice(mark).join("\n"); }
"#)]
extern "C" {
    /// Installs the `fetch` spy (once per page).
    pub(crate) fn spy_install();
    /// Forgets recorded calls, delays and rewrites.
    pub(crate) fn spy_reset();
    /// The URLs fetched that contain `part`, one per line.
    pub(crate) fn spy_calls(part: &str) -> String;
    /// Delays responses of URLs containing `part`.
    pub(crate) fn spy_delay(part: &str, ms: u32);
    /// Replaces product names and descriptions in responses of URLs containing `part`.
    pub(crate) fn spy_poison_names(part: &str, name: &str, description: &str);
    fn sleep_ms(ms: u32) -> js_sys::Promise;
    /// Starts recording `console.error` (clearing earlier records).
    pub(crate) fn console_errors_start();
    /// Recorded `console.error` lines.
    pub(crate) fn console_errors() -> String;
    /// Starts recording every page error, rejected promise and `console.error` (once per page).
    fn page_watch_install();
    /// How many have been recorded so far.
    fn page_watch_mark() -> u32;
    /// What was recorded after `mark`, one per line.
    fn page_watch_since(mark: u32) -> String;
}

/// Waits `ms` milliseconds.
pub(crate) async fn sleep(ms: u32) {
    let _ = wasm_bindgen_futures::JsFuture::from(sleep_ms(ms)).await;
}

/// Polls `check` every 20 ms for up to `ms`; true once it holds.
pub(crate) async fn wait_for(ms: u32, check: impl Fn() -> bool) -> bool {
    let mut waited = 0;
    loop {
        if check() {
            return true;
        }
        if waited >= ms {
            return false;
        }
        sleep(20).await;
        waited += 20;
    }
}

/// A store mounted into its own host element; removed on drop. Dropping it also checks the page:
/// a page error, a rejected promise or a `console.error` while it was mounted fails the test (a
/// test that provokes errors on purpose, like a bad configuration, mounts without a `TestStore`).
pub(crate) struct TestStore {
    pub(crate) host: HtmlElement,
    store: Option<MountedStore>,
    watch_from: u32,
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Clears the stored cart of `merchant` behind the test proxy.
pub(crate) fn clear_cart(merchant: &str) {
    storage()
        .remove_item(&storage_key(proxy(), merchant))
        .unwrap();
}

/// The page's local storage.
pub(crate) fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// A fresh host element in the page body.
pub(crate) fn new_host() -> HtmlElement {
    let host: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&host).unwrap();
    host
}

impl TestStore {
    /// Mounts a store (routing `none`) for `merchant` without touching its stored cart.
    pub(crate) fn mount(merchant: &str) -> Self {
        spy_install();
        let host = new_host();
        let config = EmbedConfig {
            proxy: proxy().to_owned(),
            api: api().to_owned(),
            routing: Routing::None,
            merchant: merchant.to_owned(),
            features: Features { data: true },
            datalayer: false,
            words: &amigo_storefront::wording::ENGLISH,
        };
        page_watch_install();
        let watch_from = page_watch_mark();
        let store = mount_store(&host, config).unwrap();
        Self {
            host,
            store: Some(store),
            watch_from,
        }
    }

    /// Fails the test if anything went wrong on the page since this store was mounted.
    fn check_page(&self) {
        if std::thread::panicking() {
            return;
        }
        let seen = page_watch_since(self.watch_from);
        assert!(seen.is_empty(), "unexpected errors on the page:\n{seen}");
    }

    /// Mounts a store with an empty cart.
    pub(crate) fn fresh(merchant: &str) -> Self {
        clear_cart(merchant);
        Self::mount(merchant)
    }

    /// The store's shadow root.
    pub(crate) fn root(&self) -> ShadowRoot {
        self.host.shadow_root().expect("open shadow root")
    }

    /// The first element matching `selector` in the shadow root.
    pub(crate) fn find(&self, selector: &str) -> Option<Element> {
        self.root().query_selector(selector).unwrap()
    }

    /// Every element matching `selector`.
    pub(crate) fn all(&self, selector: &str) -> Vec<Element> {
        let list = self.root().query_selector_all(selector).unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .map(|n| n.unchecked_into())
            .collect()
    }

    /// Text of the first match ("" when absent).
    pub(crate) fn text(&self, selector: &str) -> String {
        self.find(selector)
            .and_then(|e| e.text_content())
            .unwrap_or_default()
    }

    /// Clicks the first match.
    pub(crate) fn click(&self, selector: &str) {
        let el: HtmlElement = self
            .find(selector)
            .unwrap_or_else(|| panic!("no {selector}"))
            .unchecked_into();
        el.click();
    }

    /// Types `value` into the input matching `selector` (one `input` event).
    pub(crate) fn type_into(&self, selector: &str, value: &str) {
        let input: HtmlInputElement = self.find(selector).unwrap().unchecked_into();
        input.set_value(value);
        fire(&input, "input");
    }

    /// Sets a field's value and fires `change`.
    pub(crate) fn change(&self, selector: &str, value: &str) {
        let el = self.find(selector).unwrap();
        js_sys::Reflect::set(&el, &"value".into(), &value.into()).unwrap();
        fire(&el, "change");
    }

    /// Product cards in the grid.
    pub(crate) fn grid_cards(&self) -> usize {
        self.all("ul.grid .card").len()
    }

    /// The number in the cart badge.
    pub(crate) fn cart_count(&self) -> u32 {
        self.text(".cart-count").trim().parse().unwrap_or(u32::MAX)
    }

    /// Unmounts the store and removes its host.
    pub(crate) fn unmount(self) {
        drop(self);
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        self.store.take();
        self.host.remove();
        self.check_page();
    }
}

fn fire(el: &Element, name: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    let ev = Event::new_with_event_init_dict(name, &init).unwrap();
    el.dispatch_event(&ev).unwrap();
}

/// Parses "Showing N of T products".
pub(crate) fn showing(text: &str) -> Option<(u64, u64)> {
    let rest = text.trim().strip_prefix("Showing ")?;
    let (n, rest) = rest.split_once(" of ")?;
    let t = rest.strip_suffix(" products")?;
    Some((n.parse().ok()?, t.parse().ok()?))
}
