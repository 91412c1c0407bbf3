//! Checkout in the real store: the state/LGA typeahead (keyboard, highlighted match, narrowing,
//! an aborted stale request, a failure and its retry), the delivery tiers (free standard, paid
//! premium, an unserviceable cart), every order-error mapping, and the idempotency key surviving
//! a remount. Order answers are substituted at `fetch` so every documented error can be shown.

use amigo_storefront::api::ProxyClient;
use amigo_storefront::checkout::draft::draft_storage_key;
use amigo_storefront::state::cart::{Cart, storage_key};
use amigo_types::catalog::{Product, ProductQuery};
use amigo_types::delivery::{LineItem, QuoteRequest};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{HtmlButtonElement, HtmlInputElement, KeyboardEvent, KeyboardEventInit};

use crate::helpers::*;

#[wasm_bindgen(inline_js = r#"
export function co_install() {
  if (globalThis.__coMock) return;
  const inner = globalThis.fetch;
  const mock = { orders: [], answers: [], fail: [] };
  globalThis.__coMock = mock;
  globalThis.fetch = function (input, init) {
    const url = typeof input === "string" ? input : input.url;
    const fail = mock.fail.findIndex((f) => url.includes(f));
    if (fail >= 0) {
      mock.fail.splice(fail, 1);
      return Promise.reject(new TypeError("Failed to fetch"));
    }
    const method = (init && init.method) || (typeof input === "string" ? "GET" : input.method);
    if (url.includes("/api/orders") && method === "POST") {
      const h = new Headers((init && init.headers) || input.headers);
      mock.orders.push(h.get("Idempotency-Key"));
      const a = mock.answers.shift();
      if (a) {
        return Promise.resolve(new Response(a[1], { status: a[0], headers: Object.assign({ "content-type": "application/json" }, a[2] ? { "retry-after": a[2] } : {}) }));
      }
    }
    return inner(input, init);
  };
}
export function co_reset() { const m = globalThis.__coMock; m.orders.length = 0; m.answers.length = 0; m.fail.length = 0; }
export function co_answer(status, body, retry_after) { globalThis.__coMock.answers.push([status, body, retry_after]); }
export function co_fail_once(part) { globalThis.__coMock.fail.push(part); }
export function co_order_keys() { return globalThis.__coMock.orders.join("\n"); }
"#)]
extern "C" {
    fn co_install();
    fn co_reset();
    /// The next order POST answers `status` with `body` (and a `Retry-After` when non-empty).
    fn co_answer(status: u16, body: &str, retry_after: &str);
    /// The next fetch of a URL containing `part` fails as a network error.
    fn co_fail_once(part: &str);
    /// The `Idempotency-Key` of every order POST so far, one per line.
    fn co_order_keys() -> String;
}

fn keys() -> Vec<String> {
    co_order_keys()
        .lines()
        .map(str::to_owned)
        .filter(|k| !k.is_empty())
        .collect()
}

fn key(store: &TestStore, selector: &str, key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    store.find(selector).unwrap().dispatch_event(&ev).unwrap();
}

fn value(store: &TestStore, selector: &str) -> String {
    store
        .find(selector)
        .map(|e| e.unchecked_into::<HtmlInputElement>().value())
        .unwrap_or_default()
}

fn shown(store: &TestStore, selector: &str) -> bool {
    store
        .find(selector)
        .is_some_and(|e| !e.has_attribute("hidden"))
}

/// Waits (up to 3 s) until the order request in flight has had its answer: "Place order" is
/// enabled again. A click on "Place order" or "Try again" while one is in flight is ignored (one
/// order at a time), so a step that waited only for the request to be *sent* must wait for this
/// before its next click; on a loaded machine the answer can take a while to be handled.
async fn answered(store: &TestStore) -> bool {
    wait_for(3000, || {
        store
            .find("#co-place")
            .is_some_and(|b| !b.unchecked_into::<HtmlButtonElement>().disabled())
    })
    .await
}

fn focused_id(store: &TestStore) -> String {
    store
        .root()
        .active_element()
        .map(|e| e.id())
        .unwrap_or_default()
}

/// In-stock products that ship to Zaria, and (when `lagos_only`) ones that don't.
pub(crate) async fn products(free_standard: bool, serviceable: bool, n: usize) -> Vec<Product> {
    let client = ProxyClient::new(proxy());
    let api = amigo_storefront::checkout::api::CheckoutApi::new(api(), proxy());
    let mut found = Vec::new();
    let q = ProductQuery {
        limit: 100,
        in_stock: Some(true),
        ..ProductQuery::default()
    };
    let page = client.products(&q).await.unwrap();
    for p in page.data.into_iter().filter(|p| p.stock.count >= 5) {
        let req = QuoteRequest {
            location: amigo_types::delivery::DeliveryLocationInput {
                state_code: Some("KD".into()),
                lga_name: Some("Zaria".into()),
                ..Default::default()
            },
            items: vec![LineItem {
                product_id: p.id,
                quantity: 1,
            }],
        };
        let quote = api.quote(&req, None).await.unwrap();
        let free = quote.totals.standard == 0 && quote.totals.premium > 0;
        if quote.serviceable == serviceable && (!serviceable || free == free_standard) {
            found.push(p);
            if found.len() == n {
                break;
            }
        }
    }
    assert_eq!(
        found.len(),
        n,
        "the sandbox catalog has the products this test needs"
    );
    found
}

/// A store for `merchant` whose cart holds `items` and whose checkout draft is empty, opened on
/// the checkout page.
pub(crate) async fn checkout_with(merchant: &str, items: &[Product]) -> TestStore {
    co_install();
    co_reset();
    let mut cart = Cart::default();
    for p in items {
        cart.add(p, 1).unwrap();
    }
    storage()
        .set_item(&storage_key(proxy(), merchant), &cart.to_storage())
        .unwrap();
    storage()
        .remove_item(&draft_storage_key(proxy(), merchant))
        .unwrap();
    let store = TestStore::mount(merchant);
    open_checkout(&store).await;
    store
}

async fn open_checkout(store: &TestStore) {
    store.click(".cart-link");
    assert!(wait_for(5000, || store.find(".cart-page .btn.primary").is_some()).await);
    assert!(
        wait_for(5000, || !store
            .find(".cart-page .btn.primary")
            .unwrap()
            .unchecked_into::<HtmlButtonElement>()
            .disabled())
        .await
    );
    store.click(".cart-page .btn.primary");
    assert!(wait_for(5000, || store.find("#co-name").is_some()).await);
}

async fn choose_zaria(store: &TestStore) {
    store.type_into("#co-location", "zar");
    assert!(
        wait_for(5000, || store
            .text("#co-location-list")
            .contains("Zaria — Kaduna"))
        .await,
        "Zaria is offered"
    );
    let option = store
        .all("#co-location-list [role=option]")
        .into_iter()
        .find(|o| {
            o.text_content()
                .unwrap_or_default()
                .contains("Zaria — Kaduna")
        })
        .unwrap();
    option.unchecked_into::<web_sys::HtmlElement>().click();
    assert!(wait_for(2000, || value(store, "#co-location") == "Zaria — Kaduna").await);
}

pub(crate) async fn fill_and_quote(store: &TestStore) {
    store.type_into("#co-name", "Aisha Bello");
    store.type_into("#co-phone", "0803 123 4567");
    store.type_into("#co-address", "Plot 12, Sabon Gari");
    choose_zaria(store).await;
    assert!(
        wait_for(8000, || store.find("#co-tier-standard").is_some()).await,
        "the quote arrives"
    );
}

#[wasm_bindgen_test]
async fn typeahead_keyboard_highlight_and_state_narrowing() {
    let items = products(false, true, 1).await;
    let store = checkout_with("co-typeahead", &items).await;
    store.type_into("#co-location", "zar");
    assert!(
        wait_for(5000, || store
            .text("#co-location-list")
            .contains("Zaria — Kaduna"))
        .await
    );
    assert_eq!(
        store
            .find("#co-location")
            .unwrap()
            .get_attribute("aria-expanded")
            .as_deref(),
        Some("true")
    );
    // the typed text is highlighted
    let marks: Vec<String> = store
        .all("#co-location-list [role=option] mark")
        .iter()
        .filter_map(|m| m.text_content())
        .collect();
    assert!(marks.iter().any(|m| m == "Zar"), "{marks:?}");
    // arrow down makes the first option active; Enter chooses it
    key(&store, "#co-location", "ArrowDown");
    let active_of = || {
        store
            .find("#co-location")
            .unwrap()
            .get_attribute("aria-activedescendant")
    };
    assert!(wait_for(2000, || active_of().is_some()).await);
    let active = active_of().unwrap();
    let first = store.all("#co-location-list [role=option]")[0].clone();
    assert_eq!(first.id(), active);
    assert_eq!(
        first.get_attribute("aria-selected").as_deref(),
        Some("true")
    );
    let label = first.text_content().unwrap();
    key(&store, "#co-location", "Enter");
    assert!(wait_for(2000, || value(&store, "#co-location") == label).await);
    assert!(!shown(&store, "#co-location-list"));
    // Escape on a closed list clears the choice
    key(&store, "#co-location", "Escape");
    assert!(wait_for(2000, || value(&store, "#co-location").is_empty()).await);
    // a state narrows to its LGAs
    spy_reset();
    store.type_into("#co-location", "kaduna");
    assert!(
        wait_for(5000, || store
            .text("#co-location-list")
            .contains("Kaduna State"))
        .await
    );
    let state = store
        .all("#co-location-list [role=option]")
        .into_iter()
        .position(|o| {
            o.text_content()
                .unwrap_or_default()
                .contains("Kaduna State")
        })
        .unwrap();
    for _ in 0..=state {
        key(&store, "#co-location", "ArrowDown");
        sleep(30).await;
    }
    key(&store, "#co-location", "Enter");
    assert!(
        wait_for(5000, || store.all("#co-location-list [role=option]").len()
            == 23)
        .await
    );
    assert!(spy_calls("type=lgas").contains("state_code=KD"));
    assert!(store.text(".co-narrowed").contains("Kaduna"));
    // typing filters the state's LGAs locally (no new request)
    let before = spy_calls("locations.php").lines().count();
    store.type_into("#co-location", "zar");
    assert!(
        wait_for(2000, || store.all("#co-location-list [role=option]").len()
            == 1)
        .await
    );
    assert_eq!(spy_calls("locations.php").lines().count(), before);
    // retyping an earlier query is served from the cache
    store.click(".co-narrowed button");
    let before = spy_calls("search=").lines().count();
    store.type_into("#co-location", "kaduna");
    assert!(
        wait_for(2000, || store
            .text("#co-location-list")
            .contains("Kaduna State"))
        .await
    );
    sleep(400).await;
    assert_eq!(spy_calls("search=").lines().count(), before, "cached");
}

#[wasm_bindgen_test]
async fn typeahead_drops_a_stale_answer_and_retries_after_a_failure() {
    let items = products(false, true, 1).await;
    let store = checkout_with("co-stale", &items).await;
    spy_reset();
    // the answer for "ka" is slow; "zar" is typed meanwhile and must win
    spy_delay("search=ka", 1500);
    store.type_into("#co-location", "ka");
    sleep(450).await;
    assert!(spy_calls("search=ka").contains("search=ka"));
    store.type_into("#co-location", "zar");
    assert!(wait_for(5000, || store.text("#co-location-list").contains("Zaria")).await);
    sleep(1600).await;
    assert!(store.text("#co-location-list").contains("Zaria"));
    assert!(
        !store.text("#co-location-list").contains("Kaduna State"),
        "stale answer shown"
    );

    // a failed lookup shows an inline retry that works
    co_fail_once("search=lagos");
    store.type_into("#co-location", "lagos");
    assert!(
        wait_for(5000, || store
            .find("#co-location-status .co-retry")
            .is_some())
        .await
    );
    assert!(store.text("#co-location-status").contains("couldn't"));
    store.click("#co-location-status .co-retry");
    assert!(
        wait_for(5000, || store
            .text("#co-location-list")
            .contains("Lagos State"))
        .await
    );
    assert!(store.find("#co-location-status .co-retry").is_none());
}

#[wasm_bindgen_test]
async fn quote_tiers_free_standard_paid_premium_and_unserviceable() {
    let free = products(true, true, 1).await;
    let store = checkout_with("co-tiers", &free).await;
    fill_and_quote(&store).await;
    let tiers: Vec<String> = store
        .all(".co-tier")
        .iter()
        .filter_map(|t| t.text_content())
        .collect();
    assert_eq!(tiers.len(), 2);
    assert!(
        tiers[0].contains("Standard") && tiers[0].contains("Free"),
        "{tiers:?}"
    );
    assert!(
        tiers[1].contains("Premium") && tiers[1].contains('₦'),
        "{tiers:?}"
    );
    assert!(tiers[0].contains("days") || tiers[0].contains("day"));
    // the review shows the fee of the chosen tier
    assert!(store.text(".co-totals").contains("Free"));
    store.click("#co-tier-premium");
    assert!(wait_for(2000, || !store.text(".co-totals").contains("Free")).await);
    store.unmount();

    let blocked = products(false, false, 1).await;
    let ok = products(false, true, 1).await;
    let store = checkout_with("co-unserviceable", &[blocked[0].clone(), ok[0].clone()]).await;
    fill_and_quote_unserviceable(&store).await;
    let text = store.text(".co-unserviceable");
    assert!(text.contains(&blocked[0].name), "{text}");
    assert!(!text.contains(&ok[0].name), "{text}");
    // removing it gives a serviceable quote
    store.click(".co-unserviceable .co-remove");
    assert!(wait_for(8000, || store.find("#co-tier-standard").is_some()).await);
    assert_eq!(store.cart_count(), 1);
}

async fn fill_and_quote_unserviceable(store: &TestStore) {
    store.type_into("#co-name", "Aisha Bello");
    store.type_into("#co-phone", "0803 123 4567");
    store.type_into("#co-address", "Plot 12");
    choose_zaria(store).await;
    assert!(wait_for(8000, || store.find(".co-unserviceable").is_some()).await);
}

pub(crate) async fn place(store: &TestStore) {
    store.click("#co-place");
}

#[wasm_bindgen_test]
async fn every_order_error_goes_to_its_place() {
    let items = products(false, true, 2).await;
    let store = checkout_with("co-errors", &items).await;
    fill_and_quote(&store).await;

    // invalid_* with a field → that field, focused
    co_answer(
        422,
        r#"{"success":false,"error":"invalid_customer_phone","field":"customer.phone","message":"customer.phone is not a phone number"}"#,
        "",
    );
    place(&store).await;
    assert!(wait_for(3000, || shown(&store, "#co-phone-error")).await);
    assert!(wait_for(1000, || focused_id(&store) == "co-phone").await);

    // invalid_delivery_location → the location field
    co_answer(
        422,
        r#"{"success":false,"error":"invalid_delivery_location","field":"lga_name","message":"lga_name 'Zaria' is not recognised"}"#,
        "",
    );
    place(&store).await;
    assert!(wait_for(3000, || shown(&store, "#co-location-error")).await);
    assert!(wait_for(1000, || focused_id(&store) == "co-location").await);

    // insufficient_balance → the store can't take it; no balance shown
    co_answer(
        422,
        r#"{"success":false,"error":"insufficient_balance","message":"Wallet balance is below the order total.","required":29000,"balance":12500}"#,
        "",
    );
    place(&store).await;
    assert!(
        wait_for(3000, || store
            .text("#co-notice")
            .contains("can't take this order"))
        .await
    );
    assert!(!store.text(".co-page").contains("12,500"));
    co_answer(
        422,
        r#"{"success":false,"error":"order_total_exceeds_limit","message":"Order total exceeds the store's limit."}"#,
        "",
    );
    store.click("#co-notice .co-try-again");
    assert!(wait_for(3000, || keys().len() == 4).await);
    assert!(answered(&store).await);
    assert!(store.text("#co-notice").contains("can't take this order"));

    // out_of_stock → the item is marked in the review
    let id = items[0].id;
    co_answer(
        422,
        &format!(
            r#"{{"success":false,"error":"out_of_stock","message":"Out of stock.","product_ids":[{id}]}}"#
        ),
        "",
    );
    place(&store).await;
    assert!(wait_for(3000, || store.find(".co-item.flagged").is_some()).await);
    assert!(store.text("#co-notice").contains("sold out"));

    // unserviceable_delivery → the quote step
    co_answer(
        422,
        r#"{"success":false,"error":"unserviceable_delivery","message":"Can't ship.","warnings":["Scheme 'Lagos Metro Only' does not ship to this area."]}"#,
        "",
    );
    place(&store).await;
    assert!(
        wait_for(3000, || store
            .text("#co-notice")
            .contains("can't be delivered"))
        .await
    );
    assert!(wait_for(1000, || focused_id(&store) == "co-step-delivery").await);

    // server_error → "Try again" with the same key
    assert!(wait_for(8000, || store.find("#co-tier-standard").is_some()).await);
    let before = keys().len();
    co_answer(
        500,
        r#"{"success":false,"error":"server_error","message":"Unexpected."}"#,
        "",
    );
    place(&store).await;
    assert!(wait_for(3000, || keys().len() == before + 1).await);
    assert!(answered(&store).await);
    assert!(wait_for(3000, || store.find("#co-notice .co-try-again").is_some()).await);
    co_answer(
        502,
        r#"{"success":false,"error":"upstream_unavailable","message":"Bad gateway.","retryable":true}"#,
        "",
    );
    store.click("#co-notice .co-try-again");
    assert!(wait_for(3000, || keys().len() == before + 2).await);
    assert!(answered(&store).await);
    let k = keys();
    assert_eq!(
        k[before],
        k[before + 1],
        "a retry after a 5xx reuses the key"
    );

    // rate_limited → waits Retry-After, then retries by itself with the same key
    co_answer(
        429,
        r#"{"success":false,"error":"rate_limited","message":"Too many requests."}"#,
        "1",
    );
    co_answer(
        503,
        r#"{"success":false,"error":"server_error","message":"Unexpected."}"#,
        "",
    );
    store.click("#co-notice .co-try-again");
    assert!(wait_for(2000, || store.text("#co-notice").contains("busy")).await);
    assert!(
        wait_for(4000, || keys().len() == before + 4).await,
        "retried after Retry-After"
    );
    let k = keys();
    assert_eq!(k[before + 2], k[before + 3]);
    assert_eq!(k[before], k[before + 3], "same key throughout");
}

#[wasm_bindgen_test]
async fn the_key_survives_a_remount() {
    let items = products(false, true, 1).await;
    let store = checkout_with("co-remount", &items).await;
    fill_and_quote(&store).await;
    co_answer(
        503,
        r#"{"success":false,"error":"server_error","message":"Unexpected."}"#,
        "",
    );
    place(&store).await;
    assert!(wait_for(3000, || keys().len() == 1).await);
    assert!(answered(&store).await);
    assert!(wait_for(3000, || store.find("#co-notice .co-try-again").is_some()).await);
    let first = keys()[0].clone();
    assert!(first.starts_with("amg-w-"));
    store.unmount();

    // a new mount (a reload, another tab) finds the draft and the same key
    let store = TestStore::mount("co-remount");
    open_checkout(&store).await;
    assert!(wait_for(2000, || value(&store, "#co-name") == "Aisha Bello").await);
    assert!(wait_for(2000, || value(&store, "#co-location") == "Zaria — Kaduna").await);
    assert!(wait_for(8000, || store.find("#co-tier-standard").is_some()).await);
    co_answer(
        503,
        r#"{"success":false,"error":"server_error","message":"Unexpected."}"#,
        "",
    );
    place(&store).await;
    assert!(
        wait_for(3000, || keys().len() == 2).await,
        "no order sent after the remount; the notice says {:?}, the button {:?}",
        store.text("#co-notice"),
        store.text("#co-place")
    );
    assert_eq!(keys()[1], first, "same key after a remount");
    assert!(answered(&store).await);

    // changing the details makes a new key
    store.type_into("#co-name", "Aisha B. Bello");
    co_answer(
        503,
        r#"{"success":false,"error":"server_error","message":"Unexpected."}"#,
        "",
    );
    place(&store).await;
    assert!(wait_for(3000, || keys().len() == 3).await);
    assert_ne!(keys()[2], first, "a changed body gets a new key");
}
