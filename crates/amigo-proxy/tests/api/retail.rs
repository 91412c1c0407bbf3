//! Retail prices (`AMIGO_PRICE_MARKUP`): every catalog read shows the merchant's price, worked
//! out here by hand from the sandbox's own answer, and the spend guard still counts Amigo's.

use amigo_types::pricing::PriceRule;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Options, TestApp, new_key, order_body, order_request, spawn_app_with};

/// `15%+100 round 50`, worked out without the proxy's code: the percent's fraction rounded up
/// to a Naira, plus 100, rounded up to a multiple of 50.
fn by_hand(cost: i64) -> i64 {
    let marked = cost + (cost * 15 + 99) / 100 + 100;
    (marked + 49) / 50 * 50
}

/// The sandbox's body with every product's price block as `15%+100 round 50` should make it.
fn expected(upstream: &Value) -> (Value, usize) {
    let mut body = upstream.clone();
    let mut markets = 0;
    let mut fix = |product: &mut Value| {
        let price = &mut product["price"];
        let retail = by_hand(price["amount"].as_i64().unwrap());
        price["amount"] = json!(retail);
        price["display"] = json!(amigo_types::format_naira(retail));
        if let Some(m) = price["market"]["amount"].as_i64() {
            let compare_at = by_hand(m);
            price["market"] = if compare_at > retail {
                markets += 1;
                json!({
                    "amount": compare_at,
                    "display": amigo_types::format_naira(compare_at),
                    "discount_percent": (compare_at - retail) * 100 / compare_at,
                })
            } else {
                Value::Null
            };
        }
    };
    match &mut body["data"] {
        Value::Array(products) => products.iter_mut().for_each(&mut fix),
        Value::Object(o) if o.contains_key("products") => o["products"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .for_each(&mut fix),
        data => fix(data),
    }
    (body, markets)
}

async fn marked_up() -> TestApp {
    spawn_app_with(Options {
        price_rule: PriceRule::parse("15%+100 round 50").unwrap(),
        ..Options::default()
    })
    .await
}

#[tokio::test]
async fn every_catalog_read_shows_the_rule_applied_to_amigos_prices() {
    let app = marked_up().await;
    let page = app.upstream_get("/commerce/products/?limit=100").await;
    let first = &page["data"][0];
    let (id, slug) = (
        first["id"].as_u64().unwrap(),
        first["slug"].as_str().unwrap(),
    );
    let mut markets = 0;
    for (proxy, upstream) in [
        (
            "/api/catalog/products?limit=100".to_owned(),
            "/commerce/products/?limit=100".to_owned(),
        ),
        (
            format!("/api/catalog/products?id={id}"),
            format!("/commerce/products/?id={id}"),
        ),
        (
            format!("/api/catalog/products?slug={slug}"),
            format!("/commerce/products/?slug={slug}"),
        ),
        (
            "/api/catalog/curation?type=deals".to_owned(),
            "/commerce/curation/?type=deals".to_owned(),
        ),
        (
            "/api/catalog/curation?type=featured".to_owned(),
            "/commerce/curation/?type=featured".to_owned(),
        ),
    ] {
        let (want, m) = expected(&app.upstream_get(&upstream).await);
        markets += m;
        let first = app.get(&proxy).await;
        assert_eq!(first.status, StatusCode::OK, "{proxy}");
        assert_eq!(first.header("x-cache"), Some("MISS"), "{proxy}");
        assert_eq!(first.json(), want, "{proxy}");
        // the ready-made second answer is the same retail body
        let second = app.get(&proxy).await;
        assert_eq!(second.header("x-cache"), Some("HIT"), "{proxy}");
        assert_eq!(second.body, first.body, "{proxy}");
        assert_eq!(second.header("etag"), first.header("etag"), "{proxy}");
    }
    assert!(markets > 0, "no compare-at price was checked");
    // discovery and categories carry no prices: Amigo's body as it is
    for (proxy, upstream) in [
        ("/api/catalog/curation", "/commerce/curation/"),
        ("/api/catalog/categories", "/commerce/categories/"),
    ] {
        assert_eq!(
            app.get(proxy).await.json(),
            app.upstream_get(upstream).await
        );
    }
}

#[tokio::test]
async fn without_a_markup_the_catalog_is_amigos_prices() {
    let app = spawn_app_with(Options::default()).await;
    let upstream = app.upstream_get("/commerce/products/?limit=100").await;
    assert_eq!(
        app.get("/api/catalog/products?limit=100").await.json(),
        upstream
    );
    let deals = app.upstream_get("/commerce/curation/?type=deals").await;
    assert_eq!(
        app.get("/api/catalog/curation?type=deals").await.json(),
        deals
    );
}

#[tokio::test]
async fn the_spend_guard_counts_what_the_wallet_pays_not_the_retail_price() {
    let rule = PriceRule::parse("1000%").unwrap();
    let probe = spawn_app_with(Options::default()).await;
    let (_, cost) = probe.product(false).await;
    drop(probe);
    // the limit is between Amigo's price and the retail price (eleven times it)
    let app = spawn_app_with(Options {
        price_rule: rule,
        max_order_total: cost * 2,
        ..Options::default()
    })
    .await;
    let (id, cost_here) = app.product(false).await;
    assert_eq!(cost_here, cost);
    let shown = app
        .get(&format!("/api/catalog/products?id={id}"))
        .await
        .json();
    assert_eq!(shown["data"]["price"]["amount"], json!(cost * 11));
    let placed = app
        .call(order_request(
            &order_body("08031234567", id, 1),
            Some(&new_key()),
        ))
        .await;
    assert_eq!(
        placed.status,
        StatusCode::CREATED,
        "{}",
        placed.everything()
    );
    // and Amigo's price above the limit is still refused
    let refused = app
        .call(order_request(
            &order_body("08031234568", id, 3),
            Some(&new_key()),
        ))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["error"], "order_total_exceeds_limit");
}

/// Places `quantity` of product `id` through the proxy; the 201 body's `data`.
async fn place(app: &TestApp, id: u64, quantity: u32) -> Value {
    let r = app
        .call(order_request(
            &order_body("08031234567", id, quantity),
            Some(&new_key()),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.everything());
    r.json()["data"].clone()
}

#[tokio::test]
async fn orders_show_the_shopper_the_catalogs_prices_and_the_console_adds_up() {
    let app = spawn_app_with(Options {
        price_rule: PriceRule::parse("15%+100 round 50").unwrap(),
        admin_password: Some(crate::admin::PASSWORD.to_owned()),
        ..Options::default()
    })
    .await;
    let page = app
        .upstream_get("/commerce/products/?in_stock=true&sort=price_asc&limit=1")
        .await;
    let mut sold = Vec::new();
    for (product, quantity) in [(&page["data"][0], 2), (&page["data"][0], 1)] {
        let id = product["id"].as_u64().unwrap();
        let cost = product["price"]["amount"].as_i64().unwrap();
        let shown = app
            .get(&format!("/api/catalog/products?id={id}"))
            .await
            .json()["data"]["price"]["amount"]
            .as_i64()
            .unwrap();
        assert_eq!(shown, by_hand(cost));
        let before = app.balance();
        let order = place(&app, id, quantity).await;
        let fee = order["delivery_fee"]["amount"].as_i64().unwrap();
        let amigo_total = cost * i64::from(quantity) + fee;
        // the wallet paid Amigo's price
        assert_eq!(before - app.balance(), amigo_total);
        let retail_total = shown * i64::from(quantity) + fee;
        // the confirmation (201), the tracking view and its event stream's source: retail
        let reference = order["reference"].as_str().unwrap().to_owned();
        let view = app.tracking(&reference, "08031234567").await.json()["data"].clone();
        for body in [&order, &view] {
            assert_eq!(
                body["items"][0]["unit_price"]["amount"],
                json!(shown),
                "{body}"
            );
            assert_eq!(
                body["items"][0]["line_total"]["amount"],
                json!(shown * i64::from(quantity))
            );
            assert_eq!(
                body["subtotal"]["amount"],
                json!(shown * i64::from(quantity))
            );
            assert_eq!(body["delivery_fee"]["amount"], json!(fee));
            assert_eq!(body["total"]["amount"], json!(retail_total));
            assert_eq!(
                body["total"]["display"],
                json!(amigo_types::format_naira(retail_total))
            );
            assert!(!body.to_string().contains(&format!("\"amount\":{cost},")));
        }
        sold.push((reference, retail_total, amigo_total));
    }

    let session = crate::admin::sign_in(&app).await;
    let console = crate::admin::html(&app.call(crate::admin::get_with("/admin", &session)).await);
    let naira = amigo_types::format_naira;
    for (reference, revenue, cost) in &sold {
        let row_at = console
            .find(&format!(">{reference}</a>"))
            .expect("the order's row");
        let row = &console[row_at..row_at + console[row_at..].find("</tr>").unwrap()];
        let cells = format!(
            "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
            naira(*revenue),
            naira(*cost),
            naira(revenue - cost)
        );
        assert!(row.contains(&cells), "{row}");
    }
    // one day: the two orders summed
    let days_at = console
        .find("<table class=\"days\">")
        .expect("the sales by day");
    let days = &console[days_at..days_at + console[days_at..].find("</table>").unwrap()];
    let revenue: i64 = sold.iter().map(|s| s.1).sum();
    let cost: i64 = sold.iter().map(|s| s.2).sum();
    let cells = format!(
        "<td class=\"num\">2</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
        naira(revenue),
        naira(cost),
        naira(revenue - cost)
    );
    assert!(days.contains(&cells), "{days}");
    assert!(revenue > cost);
}

#[tokio::test]
async fn without_a_markup_an_order_is_shown_at_amigos_prices_with_no_margin() {
    let app = spawn_app_with(Options {
        admin_password: Some(crate::admin::PASSWORD.to_owned()),
        ..Options::default()
    })
    .await;
    let (id, cost) = app.product(false).await;
    let order = place(&app, id, 1).await;
    let upstream = app
        .upstream_get(&format!(
            "/commerce/orders/?ref={}",
            order["reference"].as_str().unwrap()
        ))
        .await;
    assert_eq!(order, upstream["data"], "the 201 body is Amigo's");
    let total = cost + order["delivery_fee"]["amount"].as_i64().unwrap();
    assert_eq!(order["total"]["amount"], json!(total));
    let session = crate::admin::sign_in(&app).await;
    let console = crate::admin::html(&app.call(crate::admin::get_with("/admin", &session)).await);
    let naira = amigo_types::format_naira;
    assert!(console.contains(&format!(
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">₦0</td>",
        naira(total),
        naira(total)
    )));
}

#[tokio::test]
async fn the_event_stream_shows_retail_prices_through_later_webhooks() {
    let app = marked_up().await;
    let (id, cost) = app.product(false).await;
    let order = place(&app, id, 3).await;
    let reference = order["reference"].as_str().unwrap().to_owned();
    let fee = order["delivery_fee"]["amount"].as_i64().unwrap();
    let retail_total = by_hand(cost) * 3 + fee;
    let mut resp = reqwest::Client::new()
        .get(format!(
            "{}/api/orders/{reference}/events?phone=08031234567",
            app.proxy_url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let mut buf = String::new();
    let mut next_status = async || -> Value {
        loop {
            if let Some(end) = buf.find("\n\n") {
                let frame: String = buf.drain(..end + 2).collect();
                if let Some(data) = frame.lines().find_map(|l| l.strip_prefix("data: "))
                    && frame.contains("event: status")
                {
                    return serde_json::from_str(data).unwrap();
                }
                continue;
            }
            let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), resp.chunk())
                .await
                .expect("an event within 10 s")
                .unwrap()
                .expect("the stream stays open");
            buf.push_str(&String::from_utf8_lossy(&chunk));
        }
    };
    let first = next_status().await;
    assert_eq!(first["total"]["amount"], json!(retail_total), "{first}");
    // Amigo's webhook brings the whole order again, at Amigo's prices: the view stays retail
    app.advance(&reference, "accepted").await;
    let accepted = next_status().await;
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(
        accepted["total"]["amount"],
        json!(retail_total),
        "{accepted}"
    );
    assert_eq!(
        accepted["items"][0]["unit_price"]["amount"],
        json!(by_hand(cost))
    );
    let view = app.tracking(&reference, "08031234567").await.json();
    assert_eq!(view["data"], accepted);
}
