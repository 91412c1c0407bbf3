//! Dispatches [`StoreEvent`]s on the store's host element as `CustomEvent`s (bubbling and
//! `composed`, so `document.addEventListener("amigo:add-to-cart", …)` hears them through the
//! shadow root), and with `data-analytics="datalayer"` pushes GA4's ecommerce events to
//! `window.dataLayer` too.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CustomEvent, CustomEventInit, HtmlElement};

use crate::events::StoreEvent;

/// One store's event target.
#[derive(Debug, Clone)]
pub struct Emitter {
    host: HtmlElement,
    store: String,
    datalayer: bool,
}

/// The store's [`Emitter`] through context: an index into this page's emitters (`Copy`, so
/// async tasks take it along; a plain index keeps the first-load module small).
#[derive(Debug, Clone, Copy)]
pub struct Events(Option<usize>);

thread_local! {
    /// Every mounted store's emitter, for the life of the page.
    static EMITTERS: std::cell::RefCell<Vec<Emitter>> = const { std::cell::RefCell::new(Vec::new()) };
    /// The told outcomes when the browser keeps no `localStorage` (this page load only).
    static TOLD: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Where this browser remembers the outcomes it told (`events::remember`): `localStorage`, so
/// that a reload or a second tab of a tracking page does not count a payment twice.
const TOLD_KEY: &str = "amigo-told:v1";

/// Whether `key` is told for the first time in this browser (and is remembered now).
fn first_time(key: &str) -> bool {
    let storage = crate::keyed::browser::storage();
    let told = match &storage {
        Some(s) => s.get_item(TOLD_KEY).ok().flatten().unwrap_or_default(),
        None => TOLD.with(|t| t.borrow().clone()),
    };
    let Some(next) = crate::events::remember(&told, key) else {
        return false;
    };
    match &storage {
        Some(s) => {
            let _ = s.set_item(TOLD_KEY, &next);
        }
        None => TOLD.with(|t| *t.borrow_mut() = next),
    }
    true
}

impl Emitter {
    /// Events of the store mounted on `host`, named `store` in their `detail`.
    pub fn new(host: HtmlElement, store: String, datalayer: bool) -> Self {
        Emitter {
            host,
            store,
            datalayer,
        }
    }

    /// Dispatches `event`; a page whose listeners throw does not stop the store. A payment or
    /// data purchase outcome this browser told already (for this store) is not told again.
    pub fn emit(&self, event: &StoreEvent) {
        if let Some(key) = event.once_key()
            && !first_time(&format!("{} {key}", self.store))
        {
            return;
        }
        let detail = js_sys::JSON::parse(&event.detail(&self.store)).unwrap_or(JsValue::NULL);
        let init = CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(&detail);
        if let Ok(ev) = CustomEvent::new_with_event_init_dict(event.name(), &init) {
            let _ = self.host.dispatch_event(&ev);
        }
        if self.datalayer
            && let Some((name, ecommerce)) = event.ga4()
        {
            push_datalayer(name, &ecommerce);
        }
    }
}

/// `dataLayer.push({ecommerce: null})` then `dataLayer.push({event, ecommerce})`, as GA4's
/// ecommerce guide asks (the first clears the previous event's items).
fn push_datalayer(name: &str, ecommerce: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let key = JsValue::from_str("dataLayer");
    let layer = match js_sys::Reflect::get(&window, &key) {
        Ok(v) if js_sys::Array::is_array(&v) => v,
        _ => {
            let fresh = js_sys::Array::new();
            let _ = js_sys::Reflect::set(&window, &key, &fresh);
            fresh.into()
        }
    };
    let Ok(push) = js_sys::Reflect::get(&layer, &JsValue::from_str("push")) else {
        return;
    };
    let Some(push) = push.dyn_ref::<js_sys::Function>() else {
        return;
    };
    let event = format!(r#"{{"event":"{name}","ecommerce":{ecommerce}}}"#);
    for entry in [r#"{"ecommerce":null}"#, event.as_str()] {
        if let Ok(v) = js_sys::JSON::parse(entry) {
            let _ = push.call1(&layer, &v);
        }
    }
}

impl Events {
    /// Provides `emitter` to the store's components.
    pub fn provide(emitter: Option<Emitter>) -> Self {
        let events = Events(emitter.map(|e| {
            EMITTERS.with(|all| {
                let mut all = all.borrow_mut();
                all.push(e);
                all.len() - 1
            })
        }));
        provide_context(events);
        events
    }

    /// The store's events, or none (a page rendered alone in a browser test).
    pub fn from_context() -> Self {
        use_context::<Events>().unwrap_or(Events(None))
    }

    /// Calls `f` with the store's emitter, taken out of the page's list first: a listener the
    /// event runs may mount another store, which adds to the list.
    fn with<R>(self, f: impl FnOnce(&Emitter) -> R) -> Option<R> {
        let i = self.0?;
        let emitter = EMITTERS.with(|all| all.borrow().get(i).cloned())?;
        Some(f(&emitter))
    }

    /// The host element the store is mounted on, if any.
    pub fn host(self) -> Option<HtmlElement> {
        self.with(|e| e.host.clone())
    }

    /// Dispatches `event`, if the store has a host to dispatch on.
    pub fn emit(self, event: &StoreEvent) {
        self.with(|e| e.emit(event));
    }
}
