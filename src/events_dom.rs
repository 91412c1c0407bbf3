//! Dispatches [`StoreEvent`]s on the store's host element as `CustomEvent`s (bubbling and
//! `composed`, so `document.addEventListener("amigo:add-to-cart", …)` hears them through the
//! shadow root). The loader forwards them to `window.dataLayer` for
//! `data-analytics="datalayer"`.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CustomEvent, HtmlElement};

use crate::events::{Sink, Tell};
use crate::state::scope::Scope;

/// One store's event target.
#[derive(Debug, Clone)]
pub struct Emitter {
    host: HtmlElement,
    store: String,
}

/// The store's [`Emitter`], through its scope: an index into this page's emitters (`Copy`, so
/// async tasks take it along; a plain index keeps the first-load module small).
#[derive(Debug, Clone, Copy)]
pub struct Events(Option<usize>);

thread_local! {
    /// Every mounted store's emitter, for the life of the page.
    static EMITTERS: std::cell::RefCell<Vec<Emitter>> = const { std::cell::RefCell::new(Vec::new()) };
    /// The told outcomes when the browser keeps no `localStorage` (this page load only).
    static TOLD: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Whether the outcome `key` is told for the first time in this browser (and is remembered
/// now): one `localStorage` item each (`amigo-told:v1:{key}`), so that a reload or a second tab
/// of a tracking page does not count a payment twice.
fn first_time(key: &str) -> bool {
    let item = format!("amigo-told:v1:{key}");
    match crate::keyed::browser::storage() {
        Some(s) => {
            if s.get_item(&item).ok().flatten().is_some() {
                return false;
            }
            let _ = s.set_item(&item, "1");
            true
        }
        None => TOLD.with(|t| {
            let mut t = t.borrow_mut();
            let told = t.contains(&item);
            if !told {
                t.push(item);
            }
            !told
        }),
    }
}

impl Emitter {
    /// Events of the store mounted on `host`, named `store` in their `detail`.
    pub fn new(host: HtmlElement, store: String) -> Self {
        Emitter { host, store }
    }

    /// Dispatches `event`; a page whose listeners throw does not stop the store. A payment or
    /// data purchase outcome this browser told already (for this store) is not told again.
    /// Generic, so each kind of event's code is where it is told: the checkout's and paying's
    /// events (`LaterEvent`) and the told-once record stay out of the first load.
    pub fn emit<E: Tell>(&self, event: &E) {
        if let Some(key) = event.once_key()
            && !first_time(&format!("{} {key}", self.store))
        {
            return;
        }
        // a plain object written like the detail, not `CustomEventInit`'s setters: three fewer
        // imports in the first load
        let init = JsObject::new();
        init.set("bubbles", &JsValue::TRUE);
        init.set("composed", &JsValue::TRUE);
        let mut detail = JsObject::new();
        event.detail(&self.store, &mut detail);
        init.set("detail", &detail.0);
        if let Ok(ev) = CustomEvent::new_with_event_init_dict(event.name(), init.0.unchecked_ref())
        {
            let _ = self.host.dispatch_event(&ev);
        }
    }
}

/// A JS object the page gets (a plain one, it may keep or change it), written field by field.
pub(crate) struct JsObject(pub(crate) js_sys::Object);

impl JsObject {
    pub(crate) fn new() -> Self {
        JsObject(js_sys::Object::new())
    }

    fn set(&self, key: &str, value: &JsValue) {
        let _ = js_sys::Reflect::set(&self.0, &JsValue::from_str(key), value);
    }
}

impl Sink for JsObject {
    fn text(&mut self, key: &'static str, value: &str) {
        self.set(key, &JsValue::from_str(value));
    }
    fn int(&mut self, key: &'static str, value: i64) {
        // whole Naira and counts, far below 2^53
        #[allow(clippy::cast_precision_loss)]
        self.set(key, &JsValue::from_f64(value as f64));
    }
    fn list(&mut self, key: &'static str, len: usize, each: &dyn Fn(usize, &mut dyn Sink)) {
        let list = js_sys::Array::new();
        for n in 0..len {
            let mut o = JsObject::new();
            each(n, &mut o);
            list.push(&o.0);
        }
        self.set(key, &list);
    }
}

impl Events {
    /// Keeps `emitter` for the life of the page; the store's scope carries what this returns
    /// (see [`Events::index`]) to its components.
    pub fn register(emitter: Emitter) -> Self {
        Events(Some(EMITTERS.with(|all| {
            let mut all = all.borrow_mut();
            all.push(emitter);
            all.len() - 1
        })))
    }

    /// The store's place among the page's emitters, as its scope keeps it.
    pub fn index(self) -> Option<usize> {
        self.0
    }

    /// The store's events (from its scope), or none (a page rendered alone in a browser test).
    pub fn from_context() -> Self {
        Events(Scope::get().and_then(|s| s.events))
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
    pub fn emit<E: Tell>(self, event: &E) {
        self.with(|e| e.emit(event));
    }
}
