//! Mounting into a host element: an open Shadow DOM with the widget's styles inside, one store
//! per host; a bad configuration logs one `console.error` and shows a visible message.

use leptos::mount::mount_to;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

use crate::app::App;
use crate::config::EmbedConfig;
use crate::events::StoreEvent;
use crate::events_dom::{Emitter, Events};
use crate::state::shop::FirstView;
use crate::stylesheets::{adopt_styles, forget_root};
use crate::theme::{Rgb, accent_reads_on, readable_on};

use crate::STYLES;

/// Keeps a mounted store alive; dropping it unmounts the store.
pub struct MountedStore {
    _handle: Box<dyn std::any::Any>,
    root: ShadowRoot,
}

impl Drop for MountedStore {
    fn drop(&mut self) {
        forget_root(&self.root);
    }
}

/// The host's shadow root, attached if there is none. A first view already in it (rendered by the
/// proxy, placed by the loader or by the merchant's page as a declarative shadow root) is kept
/// when `keep_first_view`: the live store replaces it once it shows the same things.
fn shadow_root(
    host: &HtmlElement,
    keep_first_view: bool,
) -> Result<(ShadowRoot, Option<web_sys::Element>), JsValue> {
    let root = match host.shadow_root() {
        Some(root) => root,
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
    };
    let first = keep_first_view
        .then(|| root.query_selector(FIRST_VIEW).ok().flatten())
        .flatten();
    if first.is_none() {
        root.set_inner_html("");
    }
    Ok((root, first))
}

/// How long the live store may stay hidden behind the first view at most.
const HAND_OVER_AT_LATEST: std::time::Duration = std::time::Duration::from_secs(10);

/// What marks the proxy's server-rendered first view (`first_view.rs`).
const FIRST_VIEW: &str = "[data-first-view]";

/// Hides the live store until it has drawn its first view: it lays out at its full width (the
/// carousels measure their tracks) but takes no height and cannot be seen or focused. Set through
/// the CSSOM: a `style` attribute would be inline CSS, which a strict CSP (`style-src-attr`) blocks.
const HOLD: [(&str, &str); 3] = [
    ("height", "0"),
    ("overflow", "hidden"),
    ("visibility", "hidden"),
];

/// Replaces the first view with the live store, in one task (one frame: nothing flickers), and
/// keeps the shopper's focus on the same link or button if it was in the first view.
fn hand_over(root: &ShadowRoot, holder: &HtmlElement, live: &HtmlElement) {
    let focused = root.active_element().and_then(|el| {
        let key = ["href", "data-product", "id"]
            .into_iter()
            .find_map(|attr| el.get_attribute(attr).map(|v| (attr, v)))?;
        Some(key)
    });
    let _ = holder.replace_with_with_node_1(live);
    if let Ok(Some(first)) = root.query_selector(FIRST_VIEW) {
        carry_filters(&first, live);
    }
    // the first view and, when it came as a declarative shadow root, its own stylesheet
    while let Ok(Some(stale)) =
        root.query_selector("[data-first-view], style[data-first-view-style]")
    {
        stale.remove();
    }
    if let Some((attr, value)) = focused {
        let selector = format!("[{attr}=\"{}\"]", value.replace('"', "\\\""));
        if let Ok(Some(el)) = live.query_selector(&selector) {
            let _ = el.unchecked_into::<HtmlElement>().focus();
        }
    }
}

/// The filter bar's controls, the property the shopper changes and the event the store's own
/// handler listens to.
const FILTER_CONTROLS: [(&str, &str, &str); 4] = [
    ("#amigo-q", "value", "input"),
    ("#amigo-brand", "value", "change"),
    ("#amigo-sort", "value", "change"),
    ("#amigo-stock", "checked", "change"),
];

/// What the shopper did to the first view's filter bar before the live store took over (typed a
/// search, chose a brand or a sort, ticked "In stock only") is set on the live store's controls,
/// whose own handlers then apply it: nothing typed is lost in the hand-over.
fn carry_filters(first: &web_sys::Element, live: &HtmlElement) {
    for (selector, property, event) in FILTER_CONTROLS {
        let (Ok(Some(from)), Ok(Some(to))) = (
            first.query_selector(selector),
            live.query_selector(selector),
        ) else {
            continue;
        };
        let key = JsValue::from_str(property);
        let (Ok(wanted), Ok(shown)) = (
            js_sys::Reflect::get(&from, &key),
            js_sys::Reflect::get(&to, &key),
        ) else {
            continue;
        };
        if wanted == shown || js_sys::Reflect::set(&to, &key, &wanted).is_err() {
            continue;
        }
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        if let Ok(ev) = web_sys::Event::new_with_event_init_dict(event, &init) {
            let _ = to.dispatch_event(&ev);
        }
    }
}

fn container(root: &ShadowRoot, class: &str) -> Result<HtmlElement, JsValue> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    adopt_styles(&doc, root, STYLES)?;
    let div: HtmlElement = doc.create_element("div")?.unchecked_into();
    div.set_class_name(class);
    root.append_child(&div)?;
    Ok(div)
}

/// `live` moved into a hidden holder at the end of `root` (see [`HOLD`]).
fn hold(root: &ShadowRoot, live: &HtmlElement) -> Result<HtmlElement, JsValue> {
    let doc = live
        .owner_document()
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let holder: HtmlElement = doc.create_element("div")?.unchecked_into();
    for (name, value) in HOLD {
        holder.style().set_property(name, value)?;
    }
    holder.set_attribute("aria-hidden", "true")?;
    root.append_child(&holder)?;
    holder.append_child(live)?;
    Ok(holder)
}

/// Mounts a store for `config` into `host`'s shadow root.
pub fn mount_store(host: &HtmlElement, config: EmbedConfig) -> Result<MountedStore, JsValue> {
    let (root, first) = shadow_root(host, true)?;
    let div = container(&root, "amigo")?;
    keep_on_accent_readable(&div);
    let holder = match first {
        Some(_) => Some(hold(&root, &div)?),
        None => None,
    };
    let store = [config.merchant.as_str(), host.id().as_str()]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or("store")
        .to_owned();
    let emitter = Emitter::new(host.clone(), store);
    let ready = emitter.clone();
    let live = div.clone();
    let (live_host, live_root) = (host.clone(), root.clone());
    let handle = mount_to(div, move || {
        let events = Events::register(emitter);
        let first_view = FirstView::provide();
        // the live store takes the first view's place once it shows the same things; a store
        // without a first view is live at once
        let holder = StoredValue::new_local(holder);
        // a catalog read that never answers (the widget's reads have no deadline of their own)
        // must not keep the live store hidden behind a first view whose buttons only wait: past
        // this, it takes over with whatever it shows (a skeleton where a read is still out)
        set_timeout(move || first_view.settle_now(), HAND_OVER_AT_LATEST);
        Effect::new(move |done: Option<bool>| {
            if done == Some(true) || !first_view.shown() {
                return done.unwrap_or(false);
            }
            if let Some(holder) = holder.try_update_value(Option::take).flatten() {
                hand_over(&live_root, &holder, &live);
            }
            // the live store is what the shopper sees, and "Add to cart" works
            // (bench/first-product.mjs and the end-to-end tests wait for this)
            let _ = live_host.set_attribute("data-amigo-live", "");
            true
        });
        view! { <App config=config events=events/> }
    });
    // the loader held the store's space while the wasm downloaded; the skeleton drawn above has
    // its final size, so the reservation can go without anything moving
    if host.has_attribute("data-amigo-reserved") {
        let _ = host.style().remove_property("min-height");
        let _ = host.remove_attribute("data-amigo-reserved");
    }
    // drawn, and the controller is on the host: the page's queued API calls may run now
    ready.emit(&StoreEvent::Ready);
    Ok(MountedStore {
        _handle: Box::new(handle),
        root,
    })
}

/// Keeps the text on the accent colour readable (see [`crate::theme`]): checked now and on every
/// colour-scheme change, since each scheme resolves its own accent and on-accent.
fn keep_on_accent_readable(div: &HtmlElement) {
    let check = {
        let div = div.clone();
        move || fix_on_accent(&div)
    };
    check();
    let mq = web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten());
    if let Some(mq) = mq {
        let listener = Closure::<dyn Fn()>::new(check);
        let _ = mq.add_event_listener_with_callback("change", listener.as_ref().unchecked_ref());
        // the store lives as long as the page, and so does its listener
        listener.forget();
    }
}

/// Resolves the accent, on-accent and background colours of `div` and overrides the on-accent
/// (`--_on-accent`) where the pair fails WCAG AA, and the accent as text (`--_accent-text`) where
/// the accent fails on the background.
fn fix_on_accent(div: &HtmlElement) {
    let style = div.style();
    let _ = style.remove_property("--_on-accent");
    let (Some(window), Some(doc)) = (web_sys::window(), div.owner_document()) else {
        return;
    };
    let Ok(probe) = doc.create_element("span") else {
        return;
    };
    let probe: HtmlElement = probe.unchecked_into();
    let _ = div.append_child(&probe);
    // custom properties compute to the tokens as written; `color` computes to rgb()
    let resolve = |var: &str| {
        let _ = probe.style().set_property("color", &format!("var({var})"));
        window
            .get_computed_style(&probe)
            .ok()
            .flatten()
            .and_then(|c| c.get_property_value("color").ok())
            .and_then(|c| Rgb::parse_computed(&c))
    };
    let accent = resolve("--_accent");
    let (on_accent, background) = (resolve("--_on-accent"), resolve("--_bg"));
    probe.remove();
    let _ = style.remove_property("--_accent-text");
    let Some(accent) = accent else { return };
    if let Some(on_accent) = on_accent
        && let Some(text) = readable_on(accent, on_accent)
    {
        let _ = style.set_property("--_on-accent", text);
    }
    if let Some(background) = background
        && !accent_reads_on(accent, background)
    {
        let _ = style.set_property("--_accent-text", "var(--_text)");
    }
}

/// Shows a configuration error: one `console.error` and a visible message in the host.
pub fn show_config_error(host: &HtmlElement, message: &str) {
    web_sys::console::error_1(&JsValue::from_str(&format!("amigo-store: {message}")));
    if let Ok((root, _)) = shadow_root(host, false)
        && let Ok(div) = container(&root, "amigo")
    {
        let p = div
            .owner_document()
            .and_then(|d| d.create_element("p").ok());
        if let Some(p) = p {
            p.set_class_name("state error");
            let _ = p.set_attribute("role", "alert");
            p.set_text_content(Some(&format!("This store could not load: {message}")));
            let _ = div.append_child(&p);
        }
    }
}

/// Entry point for the loader script: checks the attributes and mounts a store into `host`
/// for the life of the page. Returns `false` (after reporting) when the configuration is bad.
// the loader passes each attribute in its place, as the JS side of one call
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = mountStore)]
pub fn mount_from_js(
    host: &HtmlElement,
    proxy: &str,
    api: &str,
    routing: &str,
    merchant: &str,
    features: &str,
    analytics: &str,
    lang: &str,
    texts: &str,
    wording_refused: &str,
) -> bool {
    let parsed = EmbedConfig::parse(proxy, api, routing, merchant)
        .and_then(|c| c.with_features(features))
        .and_then(|c| c.with_analytics(analytics))
        .and_then(|c| c.with_wording(lang, texts, wording_refused));
    match parsed {
        Ok(config) => match mount_store(host, config) {
            Ok(store) => {
                // the store lives as long as the page
                std::mem::forget(store);
                true
            }
            Err(e) => {
                web_sys::console::error_2(&JsValue::from_str("amigo-store: mount failed"), &e);
                false
            }
        },
        Err(e) => {
            show_config_error(host, &e.to_string());
            false
        }
    }
}

/// Test-only (feature `test-hooks`, never shipped): panics inside a store callback, as a real bug
/// would, so the end-to-end test can check that the loader notices the trap, shows "The store
/// stopped" and that a reload restores the cart and the checkout draft.
#[cfg(feature = "test-hooks")]
#[wasm_bindgen(js_name = __amigoTestPanic)]
pub fn test_panic() {
    set_timeout(
        || panic!("test-only panic requested by the end-to-end test"),
        std::time::Duration::ZERO,
    );
}

/// Installs the panic hook so a bug shows in the console with its message.
#[wasm_bindgen(js_name = initPanicHook)]
pub fn init_panic_hook() {
    console_error_panic_hook::set_once();
}
