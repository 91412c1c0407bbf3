//! The cart: adding from cards and the product page, the quantity limits, persistence across a
//! remount, and corrupt storage.

use amigo_storefront::api::ProxyClient;
use amigo_storefront::state::browse::Browse;
use amigo_storefront::state::cart::storage_key;
use amigo_types::catalog::ProductSort;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{HtmlButtonElement, HtmlInputElement};

use crate::helpers::*;

fn disabled(store: &TestStore, selector: &str) -> bool {
    store
        .find(selector)
        .unwrap_or_else(|| panic!("no {selector}"))
        .unchecked_into::<HtmlButtonElement>()
        .disabled()
}

#[wasm_bindgen_test]
async fn add_to_cart_respects_stock_and_quantity_limits() {
    // a low-stock product, found through the proxy
    let client = ProxyClient::new(proxy());
    let mut low = None;
    let mut out = None;
    for offset in (0..400).step_by(100) {
        let mut q = Browse {
            sort: ProductSort::Name,
            ..Browse::default()
        }
        .query(offset);
        q.limit = 100;
        let page = client.products(&q).await.unwrap();
        low = low.or_else(|| {
            page.data
                .iter()
                .find(|p| (2..=5).contains(&p.stock.count))
                .cloned()
        });
        out = out.or_else(|| page.data.iter().find(|p| p.stock.count == 0).cloned());
    }
    let low = low.expect("sandbox has low-stock products");
    let out = out.expect("sandbox has sold-out products");

    let store = TestStore::fresh("limits");
    assert_eq!(store.cart_count(), 0);
    // search the low-stock product by name and open it
    store.type_into("#amigo-q", &low.name);
    assert!(
        wait_for(5000, || store
            .all("ul.grid .card-name")
            .iter()
            .any(|n| n.text_content().as_deref() == Some(low.name.as_str())))
        .await
    );
    let cards = store.all("ul.grid .card");
    let index = cards
        .iter()
        .position(|c| {
            c.query_selector(".card-name")
                .unwrap()
                .unwrap()
                .text_content()
                .as_deref()
                == Some(low.name.as_str())
        })
        .unwrap();
    store.click(&format!("ul.grid li:nth-child({}) .card-link", index + 1));
    assert!(wait_for(5000, || store.find(".detail .stepper input").is_some()).await);
    let input: HtmlInputElement = store
        .find(".detail .stepper input")
        .unwrap()
        .unchecked_into();
    assert_eq!(
        input.max(),
        low.stock.count.to_string(),
        "stepper max is the stock"
    );
    assert!(
        disabled(&store, ".detail .stepper button:first-child"),
        "cannot go below 1"
    );

    // the + button steps up (guards against the view macro reading `>=` as a tag end)
    store.click(".detail .stepper button:last-child");
    assert!(
        wait_for(1000, || input.value() == "2").await,
        "+ steps to 2"
    );
    assert!(!disabled(&store, ".detail .stepper button:first-child"));
    store.click(".detail .stepper button:first-child");
    assert!(
        wait_for(1000, || input.value() == "1").await,
        "− steps back to 1"
    );

    // typing far above the stock clamps to it
    store.change(".detail .stepper input", "99999");
    assert!(wait_for(1000, || input.value() == low.stock.count.to_string()).await);
    assert!(
        disabled(&store, ".detail .stepper button:last-child"),
        "cannot go above stock"
    );
    store.click(".detail .btn.add");
    assert!(wait_for(1000, || store.cart_count() == low.stock.count).await);
    assert!(
        store
            .text(".toast")
            .contains(&format!("{} in cart", low.stock.count))
    );
    // adding more is capped and says so
    store.click(".detail .btn.add");
    assert!(wait_for(1000, || store.text(".toast").contains("the most available")).await);
    assert_eq!(store.cart_count(), low.stock.count);

    // a sold-out product cannot be added
    store.unmount();
    let store = TestStore::fresh("limits-out");
    store.type_into("#amigo-q", &out.name);
    assert!(
        wait_for(5000, || store.all("ul.grid .card").iter().any(|c| c
            .text_content()
            .unwrap_or_default()
            .contains("Out of stock")))
        .await
    );
    for card in store.all("ul.grid .card") {
        if card
            .text_content()
            .unwrap_or_default()
            .contains("Out of stock")
        {
            let button: HtmlButtonElement = card
                .query_selector("button.add")
                .unwrap()
                .unwrap()
                .unchecked_into();
            assert!(button.disabled());
        }
    }
}

#[wasm_bindgen_test]
async fn cart_survives_a_remount_and_steppers_change_it() {
    let store = TestStore::fresh("persist");
    assert!(wait_for(5000, || store.grid_cards() > 2).await);
    let addable: Vec<_> = store
        .all("ul.grid .card button.add")
        .into_iter()
        .map(|b| b.unchecked_into::<HtmlButtonElement>())
        .filter(|b| !b.disabled())
        .collect();
    addable[0].click();
    addable[1].click();
    addable[1].click();
    assert!(wait_for(1000, || store.cart_count() == 3).await);
    store.unmount();

    let store = TestStore::mount("persist");
    assert_eq!(store.cart_count(), 3, "restored from storage");
    store.click(".cart-link");
    assert!(wait_for(5000, || store.all(".lines .line").len() == 2).await);
    let subtotal = store.text(".subtotal strong");
    assert!(subtotal.starts_with('₦'), "{subtotal}");
    store.click(".lines .line:first-child .remove");
    assert!(wait_for(1000, || store.cart_count() == 2).await);
    assert!(store.text(".toast").contains("removed from cart"));
    assert!(!disabled(&store, ".summary .btn.primary") || store.text(".hint").contains("Checking"));
    store.unmount();
    // another merchant on the same proxy has its own cart
    let other = TestStore::fresh("persist-other");
    assert_eq!(other.cart_count(), 0);
}

#[wasm_bindgen_test]
async fn corrupt_storage_is_ignored() {
    for junk in [
        "{not json",
        "null",
        r#"{"v":1,"lines":[{"product_id":"x"}]}"#,
        "[]",
    ] {
        storage()
            .set_item(&storage_key(proxy(), "corrupt"), junk)
            .unwrap();
        let store = TestStore::mount("corrupt");
        assert_eq!(store.cart_count(), 0, "{junk}");
        assert!(
            wait_for(5000, || store.grid_cards() > 0).await,
            "store still works"
        );
        store.unmount();
    }
}
