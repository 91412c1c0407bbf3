//! Regression tests for the `unreachable` trap: work that outlives a component (an animation
//! frame, a request in flight, a timer) must never read that component's values once it is gone.
//! Reading a disposed signal or node ref panics, and with wasm a panic is a trap that kills every
//! store on the page. Each test leaves at the exact moment the bug needed and then watches the
//! page for an uncaught error, a rejected promise or a `console.error`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::checkout::{checkout_with, fill_and_quote, place, products};
use crate::helpers::*;

#[wasm_bindgen(inline_js = r#"
export function trap_watch_start() {
  const w = globalThis.__amigoTraps || (globalThis.__amigoTraps = { list: [], on: false });
  w.list.length = 0;
  if (!w.on) {
    w.on = true;
    addEventListener("error", (e) => w.list.push("error: " + String(e.error || e.message)));
    addEventListener("unhandledrejection", (e) => w.list.push("rejection: " + String(e.reason)));
  }
}
export function trap_watch() { return globalThis.__amigoTraps.list.join("\n"); }
export function when_added(root, selector, callback) {
  const mo = new MutationObserver(() => {
    if (root.querySelector(selector)) { mo.disconnect(); callback(); }
  });
  mo.observe(root, { childList: true, subtree: true });
}
"#)]
extern "C" {
    fn trap_watch_start();
    fn trap_watch() -> String;
    fn when_added(root: &web_sys::ShadowRoot, selector: &str, callback: &js_sys::Function);
}

/// Starts watching for traps and console errors.
fn watch() {
    trap_watch_start();
    console_errors_start();
}

/// Waits long enough for every frame, timer and delayed answer the test set up, then checks
/// that nothing went wrong on the page.
async fn assert_quiet(after_ms: u32, what: &str) {
    sleep(after_ms).await;
    assert_eq!(
        trap_watch(),
        "",
        "{what}: an uncaught error (a trap) on the page"
    );
    assert_eq!(console_errors(), "", "{what}: console errors");
}

/// The carousel measured its scroll position in the animation frame after its products landed;
/// leaving the page in between (an e2e test navigates to a product as soon as the first card
/// shows) read the disposed node ref: "Tried to access a reactive value that has already been
/// disposed", then `unreachable`.
#[wasm_bindgen_test]
async fn leaving_as_a_carousel_lands_never_traps() {
    watch();
    let store = TestStore::fresh("unmount-carousel");
    let root = store.root();
    let slot = Rc::new(RefCell::new(Some(store)));
    let gone = Rc::new(Cell::new(false));
    // a MutationObserver runs as a microtask, so the store goes before the next frame
    let leave = Closure::once_into_js({
        let slot = Rc::clone(&slot);
        let gone = Rc::clone(&gone);
        move || {
            slot.borrow_mut().take();
            gone.set(true);
        }
    });
    when_added(
        &root,
        "section.carousel:not(.skeleton)",
        leave.unchecked_ref(),
    );
    assert!(wait_for(8000, || gone.get()).await, "a carousel landed");
    assert_quiet(300, "left as a carousel landed").await;
}

/// The typeahead's answer (or its abort, which the unmount itself causes) landed after the
/// checkout was gone and read the combobox's request ticket.
#[wasm_bindgen_test]
async fn leaving_while_a_location_search_is_in_flight_never_traps() {
    let items = products(false, true, 1).await;
    let store = checkout_with("unmount-typeahead", &items).await;
    watch();
    spy_reset();
    spy_delay("locations.php", 600);
    store.type_into("#co-location", "kad");
    assert!(
        wait_for(3000, || !spy_calls("locations.php").is_empty()).await,
        "the search is sent"
    );
    drop(store);
    assert_quiet(1200, "left during a location search").await;
}

/// The order's answer landed after the checkout was gone and read the checkout's state to decide
/// what to show.
#[wasm_bindgen_test]
async fn leaving_while_an_order_is_in_flight_never_traps() {
    let items = products(false, true, 1).await;
    let store = checkout_with("unmount-order", &items).await;
    fill_and_quote(&store).await;
    watch();
    spy_reset();
    spy_delay("/api/orders", 600);
    place(&store).await;
    assert!(
        wait_for(3000, || !spy_calls("/api/orders").is_empty()).await,
        "the order is sent"
    );
    drop(store);
    assert_quiet(1200, "left while the order was in flight").await;
}
