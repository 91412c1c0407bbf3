//! Issue 22: the docs elide the contents of `price.market` (`"market": {…}`). Behind an upstream
//! whose market prices carry only their `amount`, discounted products are still listed with a
//! compare-at price and a discount (derived), marked up at retail, and ordered (`201`): the spend
//! guard reads only what it needs.

use amigo_types::catalog::ProductsResponse;
use amigo_types::pricing::PriceRule;
use axum::http::StatusCode;
use serde_json::Value;

use crate::helpers::{Options, TestApp, new_key, order_body, order_request, spawn_app_with};

async fn bare_market_app(price_rule: PriceRule) -> TestApp {
    let app = spawn_app_with(Options {
        price_rule,
        ..Options::default()
    })
    .await;
    app.upstream.controls.bare_market_prices(true);
    app
}

/// An in-stock discounted product that ships to Zaria, as the upstream sends it: `(id, price, market amount)`, after
/// checking its market carries nothing but `amount`.
pub(crate) async fn bare_discounted_product(app: &TestApp) -> (u64, i64, i64) {
    let r = app.get("/api/catalog/curation?type=deals&limit=50").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.everything());
    let body = r.json();
    let products = body["data"]["products"].as_array().unwrap();
    // in stock, and shipping to the order's Zaria address (the sandbox's "Lagos Metro Only"
    // scheme, id 2, does not)
    let p = products
        .iter()
        .find(|p| {
            p["stock"]["count"].as_u64().is_some_and(|n| n >= 1)
                && (p["delivery_scheme_id"].is_null() || p["delivery_scheme_id"] == 1)
        })
        .expect("an in-stock deal that ships to Zaria");
    let id = p["id"].as_u64().unwrap();
    let upstream = app
        .upstream_get(&format!("/commerce/products/?id={id}"))
        .await;
    let market = upstream["data"]["price"]["market"]
        .as_object()
        .unwrap()
        .clone();
    assert_eq!(
        market.keys().collect::<Vec<_>>(),
        ["amount"],
        "the layer cut it"
    );
    (
        id,
        upstream["data"]["price"]["amount"].as_i64().unwrap(),
        market["amount"].as_i64().unwrap(),
    )
}

pub(crate) fn place(
    app: &TestApp,
    id: u64,
) -> impl Future<Output = crate::helpers::TestResponse> + '_ {
    app.call(order_request(
        &order_body("08031234567", id, 1),
        Some(&new_key()),
    ))
}

#[tokio::test]
async fn a_market_price_with_only_an_amount_lists_with_a_discount_and_orders() {
    let app = bare_market_app(PriceRule::none()).await;
    // the page passes through as Amigo sent it; read as the widget reads it, every discounted
    // product has a compare-at price above its price and a discount
    let r = app.get("/api/catalog/products?limit=100").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.everything());
    let raw: Value = r.json();
    let bare = raw["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["price"]["market"].is_object())
        .count();
    assert!(bare > 0, "the page has discounted products");
    let page: ProductsResponse = serde_json::from_slice(&r.body).unwrap();
    let ProductsResponse::Page(page) = page else {
        panic!("a page")
    };
    let discounted: Vec<_> = page
        .data
        .iter()
        .filter_map(|p| p.price.market.as_ref().map(|m| (p, m)))
        .collect();
    assert_eq!(discounted.len(), bare);
    for (p, m) in &discounted {
        assert!(m.amount > p.price.amount, "{}", p.slug);
        assert!(m.discount_percent >= 1, "{}", p.slug);
        assert_eq!(m.display, amigo_types::money::format_naira(m.amount));
    }

    let (id, _, _) = bare_discounted_product(&app).await;
    let r = place(&app, id).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.everything());
}

#[tokio::test]
async fn under_a_markup_a_market_price_with_only_an_amount_is_marked_up_and_orders() {
    let rule = PriceRule::parse("10%").unwrap();
    let app = bare_market_app(rule).await;
    let (id, cost, compare_at) = bare_discounted_product(&app).await;

    let r = app.get(&format!("/api/catalog/products?id={id}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.everything());
    let price = &r.json()["data"]["price"];
    let (retail, market) = (rule.retail(cost), rule.retail(compare_at));
    assert_eq!(price["amount"], retail);
    assert_eq!(price["market"]["amount"], market);
    assert_eq!(
        price["market"]["display"],
        amigo_types::money::format_naira(market)
    );
    assert_eq!(
        price["market"]["discount_percent"],
        (market - retail) * 100 / market
    );

    let r = place(&app, id).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.everything());
    assert_eq!(r.json()["data"]["items"][0]["unit_price"]["amount"], retail);
}
