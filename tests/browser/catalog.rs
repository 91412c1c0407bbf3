//! Browsing: category nav filtering, debounced search with stale responses discarded, paging,
//! and hostile catalog text rendered as text.

use amigo_storefront::api::ProxyClient;
use amigo_storefront::state::browse::{Browse, PAGE_SIZE};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::helpers::*;

#[wasm_bindgen_test]
async fn nav_lists_categories_and_filters_the_grid() {
    let store = TestStore::fresh("nav");
    assert!(
        wait_for(5000, || store.all(".cats a.chip").len() > 2).await,
        "categories render"
    );
    let chips = store.all(".cats a.chip");
    assert_eq!(
        chips[0].get_attribute("aria-current").as_deref(),
        Some("page"),
        "All is active first"
    );
    let categories = ProxyClient::new(proxy()).categories().await.unwrap();
    assert_eq!(chips.len(), categories.len() + 1, "All plus every category");
    assert!(wait_for(5000, || store.grid_cards() > 0).await);

    // pick a category and check the grid shows exactly its products
    let pick = &categories[1];
    let chip_text = chips[2].text_content().unwrap();
    assert!(chip_text.contains(&pick.name) && chip_text.contains(&pick.product_count.to_string()));
    store.click(".cats li:nth-child(3) a");
    assert!(
        wait_for(5000, || showing(&store.text(".grid-section .count"))
            .is_some_and(|(_, total)| total == u64::from(pick.product_count)))
        .await,
        "grid total is the category's count, got {:?}",
        store.text(".grid-section .count")
    );
    let chips = store.all(".cats a.chip");
    assert_eq!(
        chips[2].get_attribute("aria-current").as_deref(),
        Some("page")
    );
    assert_eq!(chips[0].get_attribute("aria-current"), None);
    // the grid's requests name the category
    assert!(spy_calls("/api/catalog/products").contains(&format!("category={}", pick.slug)));
}

#[wasm_bindgen_test]
async fn search_is_debounced_and_stale_responses_never_win() {
    let client = ProxyClient::new(proxy());
    let total_for = |q: &str| {
        let client = client.clone();
        let browse = Browse {
            q: q.to_owned(),
            ..Browse::default()
        };
        async move {
            client
                .products(&browse.query(0))
                .await
                .unwrap()
                .pagination
                .total
        }
    };
    let (slow_total, fast_total) = (total_for("a").await, total_for("power").await);
    assert_ne!(
        slow_total, fast_total,
        "test needs queries with different totals"
    );

    let store = TestStore::fresh("search");
    assert!(wait_for(5000, || store.grid_cards() > 0).await);
    spy_reset();

    // keystrokes 50 ms apart make one request, 250 ms after the last
    for partial in ["p", "po", "pow"] {
        store.type_into("#amigo-q", partial);
        sleep(50).await;
    }
    assert_eq!(spy_calls("q="), "", "nothing sent while typing");
    sleep(400).await;
    let calls = spy_calls("q=");
    assert_eq!(
        calls.lines().count(),
        1,
        "one request after the pause: {calls}"
    );
    assert!(calls.contains("q=pow"));

    // a slow response for "a" must not overwrite the newer "power" result
    spy_reset();
    spy_delay("q=a&", 1500);
    store.type_into("#amigo-q", "a");
    sleep(400).await; // "a" is in flight (slow)
    store.type_into("#amigo-q", "power");
    assert!(
        wait_for(3000, || showing(&store.text(".grid-section .count"))
            .is_some_and(|(_, t)| t == fast_total))
        .await,
        "newest search shows"
    );
    sleep(1800).await; // the stale "a" response has arrived by now
    assert_eq!(
        showing(&store.text(".grid-section .count")).map(|(_, t)| t),
        Some(fast_total),
        "stale response ignored"
    );
    assert_eq!(
        spy_calls("q=a&").lines().count(),
        1,
        "the slow request was made"
    );
}

#[wasm_bindgen_test]
async fn load_more_pages_through_the_total() {
    let store = TestStore::fresh("paging");
    let page = PAGE_SIZE as usize;
    assert!(wait_for(5000, || store.grid_cards() == page).await);
    let (shown, total) = showing(&store.text(".grid-section .count")).unwrap();
    assert_eq!(shown, page as u64);
    assert!(total > 2 * page as u64, "catalog has several pages");
    spy_reset();
    store.click(".more button");
    assert!(
        wait_for(5000, || store.grid_cards() == 2 * page).await,
        "second page appended"
    );
    assert!(spy_calls("/api/catalog/products").contains(&format!("offset={page}")));
    assert_eq!(
        showing(&store.text(".grid-section .count")),
        Some((2 * page as u64, total))
    );
    // no duplicates across pages
    let mut names: Vec<String> = store
        .all("ul.grid .card-link")
        .iter()
        .filter_map(|a| a.get_attribute("href"))
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 2 * page);
}

#[wasm_bindgen_test]
async fn hostile_catalog_text_is_rendered_as_text() {
    spy_install();
    spy_reset();
    let name = r#"<img src=x onerror="globalThis.__amigoXss=1">Evil"#;
    let description = r#"<script>globalThis.__amigoXss=2</script><b>bold</b>"#;
    spy_poison_names("/api/catalog/products", name, description);
    let store = TestStore::fresh("xss");
    assert!(wait_for(5000, || store.grid_cards() > 0).await);
    assert_eq!(
        store.text("ul.grid .card-name"),
        name,
        "name shown literally"
    );
    assert!(
        store.all("ul.grid img:not([src^='http'])").is_empty(),
        "no injected <img>"
    );
    // the product page shows the description literally too
    store.click("ul.grid .card-link");
    assert!(wait_for(5000, || store.find(".description").is_some()).await);
    assert_eq!(store.text(".description"), description);
    assert!(store.find(".description b").is_none() && store.find("script").is_none());
    sleep(200).await;
    let flag = js_sys::Reflect::get(&js_sys::global(), &"__amigoXss".into()).unwrap();
    assert!(flag.is_undefined(), "no script ran");
    spy_reset();
}
