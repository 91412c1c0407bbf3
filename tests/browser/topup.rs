//! "Buy data" in the real store against the running proxy and sandbox: the nav link, the
//! network read from the number, plans grouped by validity with badges (poor ones collapsed),
//! every missing piece pointed at its field, a purchase with its confirmation, the key kept
//! across a remount mid-submit, and a refusal from the proxy shown at the plan list.

use amigo_storefront::topup::{TopUp, topup_storage_key};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::helpers::*;

#[wasm_bindgen(inline_js = r#"
export function tu_refuse_plans_once(status, body) {
  const inner = globalThis.fetch;
  globalThis.fetch = function (input, init) {
    const url = typeof input === "string" ? input : input.url;
    if (url.includes("/api/data/plans")) {
      globalThis.fetch = inner;
      return Promise.resolve(new Response(body, { status, headers: { "content-type": "application/json" } }));
    }
    return inner(input, init);
  };
}
"#)]
extern "C" {
    fn tu_refuse_plans_once(status: u16, body: &str);
}

fn open(merchant: &str) -> TestStore {
    storage()
        .remove_item(&topup_storage_key(proxy(), merchant))
        .unwrap();
    let store = TestStore::fresh(merchant);
    store.click(".data-link");
    store
}

#[wasm_bindgen_test]
async fn plans_follow_the_number_and_a_purchase_is_confirmed() {
    let store = open("topup-a");
    assert!(wait_for(10_000, || store.find("#topup-phone").is_some()).await);
    assert_eq!(
        store
            .find(".data-link")
            .unwrap()
            .get_attribute("aria-current")
            .as_deref(),
        Some("page")
    );
    // nothing entered: Buy points at the phone
    store.click("#topup-buy");
    assert!(
        wait_for(2000, || store
            .find("#topup-phone-error:not([hidden])")
            .is_some())
        .await
    );
    // the store focuses the field in the animation frame after it shows the error; Firefox runs
    // that frame after the poll that sees the error, so wait for the focus as the checkout tests do
    assert!(
        wait_for(1000, || store
            .root()
            .active_element()
            .is_some_and(|e| e.id() == "topup-phone"))
        .await,
        "the phone field gets focus"
    );

    store.type_into("#topup-phone", "0805 444 0001");
    assert!(wait_for(10_000, || !store.all(".tu-plan").is_empty()).await);
    assert!(store.text("#topup-phone-hint").contains("Glo"));
    assert!(store.text(".tu-plans-title").contains("Glo plans"));
    let legends: Vec<String> = store
        .all(".tu-group > legend")
        .iter()
        .map(|l| l.text_content().unwrap_or_default())
        .collect();
    assert!(legends.iter().any(|l| l == "Daily"), "{legends:?}");
    // a poor plan is never outside "Less reliable plans", which starts collapsed
    assert!(
        store.find(".tu-plans .tu-badge.poor").is_none() || store.find("details.tu-poor").is_some()
    );
    if let Some(details) = store.find("details.tu-poor") {
        assert!(!details.has_attribute("open"));
    }

    // no plan chosen: Buy points at the plan list
    store.click("#topup-buy");
    assert!(
        wait_for(2000, || store
            .find("#topup-plans-error:not([hidden])")
            .is_some())
        .await
    );

    store.click(".tu-group .tu-plan input");
    assert!(wait_for(2000, || store.text("#topup-buy").contains(" for ₦")).await);
    store.click("#topup-buy");
    assert!(wait_for(15_000, || store.find(".tu-done").is_some()).await);
    assert!(store.text(".tu-ref").starts_with("AMG-DAT-TEST-"));
    assert!(store.text(".tu-done").contains("08054440001"));

    // "Buy more data" keeps the line and clears the plan
    store.click(".tu-done button");
    assert!(wait_for(2000, || store.find("#topup-phone").is_some()).await);
    let draft = TopUp::decode(
        &storage()
            .get_item(&topup_storage_key(proxy(), "topup-a"))
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    // normalised when focus left the field (the plan list took it)
    assert_eq!(draft.phone, "08054440001");
    assert_eq!(draft.plan, None);
}

#[wasm_bindgen_test]
async fn a_ported_number_needs_its_network_chosen() {
    let store = open("topup-b");
    assert!(wait_for(10_000, || store.find("#topup-phone").is_some()).await);
    store.type_into("#topup-phone", "0803 444 0002");
    assert!(wait_for(10_000, || store.text(".tu-plans-title").contains("MTN")).await);
    store.click("#topup-ported");
    assert!(wait_for(2000, || store.find("#topup-network").is_some()).await);
    store.click("#topup-buy");
    assert!(
        wait_for(2000, || store
            .find("#topup-network-error:not([hidden])")
            .is_some())
        .await
    );
    store.click(".tu-network input[value='4']");
    assert!(wait_for(5000, || store.text(".tu-plans-title").contains("Airtel")).await);
    assert!(store.find("#topup-network-error:not([hidden])").is_none());
}

#[wasm_bindgen_test]
async fn a_proxy_that_does_not_sell_data_says_so_and_a_failure_can_be_retried() {
    tu_refuse_plans_once(
        403,
        r#"{"success":false,"error":"data_sales_disabled","message":"This store does not sell mobile data."}"#,
    );
    let store = open("topup-c");
    assert!(
        wait_for(10_000, || store
            .text(".tu-plans-wrap")
            .contains("does not sell mobile data"))
        .await
    );
    assert!(
        store.find(".tu-plans-wrap button").is_none(),
        "no Retry: retrying cannot help"
    );
    store.unmount();

    tu_refuse_plans_once(
        502,
        r#"{"success":false,"error":"upstream_error","message":"x","retryable":true}"#,
    );
    let store = open("topup-d");
    assert!(
        wait_for(10_000, || store
            .text(".tu-plans-wrap")
            .contains("couldn't load the plans"))
        .await
    );
    store.click(".tu-plans-wrap button");
    store.type_into("#topup-phone", "0802 444 0003");
    assert!(wait_for(10_000, || !store.all(".tu-plan").is_empty()).await);
    assert!(store.text(".tu-plans-title").contains("Airtel"));
}
