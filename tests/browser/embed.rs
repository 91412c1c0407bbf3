//! Embedding: bad configuration is reported once and visibly, and two stores on one page keep
//! separate carts.

use amigo_storefront::mount::mount_from_js;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::helpers::*;

/// Mounts on `host` with the demo's proxy and API and `routing=none`, plus the attributes a test
/// is about (`data-features`, `data-analytics`) and the loader wording module's answer (texts by
/// slot, or why it refused `data-wording`); `false` when the store refuses.
fn mount_with(
    host: &web_sys::HtmlElement,
    features: &str,
    analytics: &str,
    texts: &str,
    wording_refused: &str,
) -> bool {
    mount_from_js(
        host,
        proxy(),
        api(),
        "none",
        "",
        features,
        analytics,
        "",
        texts,
        wording_refused,
    )
}

/// The visible message a refused configuration leaves in the host's shadow root.
fn alert_text(host: &web_sys::HtmlElement) -> String {
    host.shadow_root()
        .expect("shadow root")
        .query_selector("[role=alert]")
        .unwrap()
        .expect("visible message")
        .text_content()
        .unwrap()
}

#[wasm_bindgen_test]
async fn bad_configuration_shows_a_message_and_logs_once() {
    console_errors_start();
    let host = new_host();
    assert!(!mount_from_js(
        &host,
        "{{AMIGO_PROXY}}",
        "",
        "hash",
        "",
        "data",
        "",
        "",
        "",
        ""
    ));
    assert!(alert_text(&host).contains("data-proxy must be an http(s) URL"));
    let errors = console_errors();
    assert_eq!(errors.lines().count(), 1, "{errors}");
    assert!(errors.starts_with("amigo-store: data-proxy"));
    host.remove();
}

#[wasm_bindgen_test]
async fn an_unknown_feature_is_reported() {
    console_errors_start();
    let host = new_host();
    assert!(!mount_with(&host, "data,airtime", "", "", ""));
    assert!(alert_text(&host).contains("data-features may list only \"data\", got \"airtime\""));
    assert_eq!(console_errors().lines().count(), 1);
    host.remove();
}

#[wasm_bindgen_test]
async fn an_unknown_analytics_value_is_reported() {
    console_errors_start();
    let host = new_host();
    assert!(!mount_with(&host, "", "gtag", "", ""));
    assert!(
        alert_text(&host)
            .contains("data-analytics must be \"datalayer\" or left out, got \"gtag\"")
    );
    let errors = console_errors();
    assert_eq!(errors.lines().count(), 1, "{errors}");
    host.remove();
}

#[wasm_bindgen_test]
async fn two_stores_on_one_page_do_not_interfere() {
    let a = TestStore::fresh("shop-a");
    let b = TestStore::fresh("shop-b");
    assert!(wait_for(5000, || a.grid_cards() > 0 && b.grid_cards() > 0).await);
    // events work inside each shadow root and stay there
    a.click("ul.grid .card button.add:not([disabled])");
    assert!(wait_for(1000, || a.cart_count() == 1).await);
    assert_eq!(b.cart_count(), 0);
    b.click(".cart-link");
    assert!(wait_for(1000, || b.find(".cart-page").is_some()).await);
    assert!(
        a.find(".cart-page").is_none(),
        "routing none: each store keeps its own page"
    );
}

/// The loader's wording module checks `data-wording` (tests/e2e/words.mjs runs it); the store
/// shows its refusal as the configuration error, once.
#[wasm_bindgen_test]
async fn a_refused_wording_is_reported() {
    console_errors_start();
    let host = new_host();
    let refused = r#"data-wording has an unknown text name "add_to_kart""#;
    assert!(!mount_with(&host, "", "", "", refused));
    assert!(alert_text(&host).contains(refused));
    assert_eq!(console_errors().lines().count(), 1);
    host.remove();
}

/// Texts that are not one per text (a loader of another build) are refused, not shown in the
/// wrong places.
#[wasm_bindgen_test]
async fn texts_of_another_build_are_refused() {
    console_errors_start();
    let host = new_host();
    assert!(!mount_with(&host, "", "", "Buy now", ""));
    assert!(alert_text(&host).contains("the wording did not arrive whole"));
    assert_eq!(console_errors().lines().count(), 1);
    host.remove();
}
