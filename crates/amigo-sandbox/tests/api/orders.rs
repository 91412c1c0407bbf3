//! `POST/GET /api/commerce/orders/`: validation, snapshots, delivery, stock, wallet, scoping,
//! the list filters, and racing orders against one wallet.

use amigo_sandbox::SandboxConfig;
use amigo_types::delivery::{DeliveryLocationInput, LineItem};
use serde_json::{Value, json};

use crate::fixtures::*;
use crate::helpers::*;

fn lagos_day(app: &TestApp) -> String {
    let now = app.sandbox.clock().now();
    format!(
        "{:04}{:02}{:02}",
        now.year(),
        u8::from(now.month()),
        now.day()
    )
}

fn assert_reference(reference: &str, prefix: &str, day: &str) {
    let tail = reference
        .strip_prefix(&format!("{prefix}{day}-"))
        .unwrap_or_else(|| panic!("{reference} should start with {prefix}{day}-"));
    assert_eq!(tail.len(), 6, "{reference}");
    assert!(
        tail.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
        "{reference}"
    );
}

#[tokio::test]
async fn a_paid_order_snapshots_prices_and_the_resolvers_delivery() {
    let app = app();
    let p = paid_delivery_product(&app, DEFAULT_DOMESTIC, 2);
    let body = order_body(&[(p.id, 2)], Some(("KD", "Zaria")));
    let before = balance(&app, TEST_TOKEN);

    let r = app.post_json(ORDERS, Some(TEST_TOKEN), &body).await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let v = r.json();
    assert_eq!(v["success"], true);
    let o = &v["data"];

    let state = app.sandbox.state();
    let quote = amigo_sandbox::delivery::quote(
        &state.catalog,
        &state.locations,
        &state.schemes,
        &DeliveryLocationInput {
            state_code: Some("KD".into()),
            lga_name: Some("Zaria".into()),
            ..Default::default()
        },
        &[LineItem {
            product_id: p.id,
            quantity: 2,
        }],
    )
    .unwrap();
    let fee = quote.totals.standard;
    let subtotal = p.price.amount * 2;
    assert!(fee > 0, "a paid-delivery product is charged");

    assert_reference(
        o["reference"].as_str().unwrap(),
        "AMG-COM-TEST-",
        &lagos_day(&app),
    );
    assert_eq!(o["status"], "paid");
    assert_eq!(o["payment_state"], "paid");
    assert_eq!(o["paid_at"], o["created_at"]);
    assert_eq!(o["created_at"].as_str().unwrap().len(), 19);
    assert_eq!(
        o["subtotal"],
        json!({"amount": subtotal, "display": amigo_types::format_naira(subtotal)})
    );
    assert_eq!(o["delivery_fee"]["amount"], fee);
    assert_eq!(o["total"]["amount"], subtotal + fee);
    assert_eq!(
        o["customer"],
        json!({"name": "Aisha Bello", "phone": "08012345678", "email": "aisha@example.com"})
    );
    assert_eq!(o["items"][0]["product_id"], p.id);
    assert_eq!(o["items"][0]["name"], p.name.as_str());
    assert_eq!(o["items"][0]["unit_price"]["amount"], p.price.amount);
    assert_eq!(o["items"][0]["line_total"]["amount"], subtotal);
    assert!(o.get("cancelled_reason").is_none());

    let d = &o["delivery"];
    let scheme = &quote.schemes[0];
    assert_eq!(d["address"], "Plot 12, Sabon Gari, off PZ Road");
    assert_eq!(d["city"], "Zaria", "auto-filled from the LGA");
    assert_eq!(d["state"], "Kaduna", "auto-filled from the state");
    assert_eq!(d["state_id"], quote.location.state_id);
    assert_eq!(d["lga_id"], json!(quote.location.lga_id));
    assert_eq!(d["scheme_id"], json!(scheme.scheme_id));
    assert_eq!(d["scheme_name"], json!(scheme.scheme_name));
    assert_eq!(d["tier"], "standard");
    assert_eq!(d["was_free"], false);
    assert_eq!(d["eta_min_days"], quote.eta.min);
    assert_eq!(d["eta_max_days"], quote.eta.max);
    assert_eq!(d["notes"], "Call on arrival");
    assert_eq!(
        d["breakdown"],
        json!([{
            "scheme_id": scheme.scheme_id, "scheme_name": scheme.scheme_name, "tier": "standard",
            "price": {"amount": fee, "display": amigo_types::format_naira(fee)},
            "eta_min_days": quote.eta.min, "eta_max_days": quote.eta.max, "product_count": 1
        }])
    );

    assert_eq!(balance(&app, TEST_TOKEN), before - subtotal - fee);
    assert_eq!(
        app.sandbox
            .state()
            .catalog
            .product(p.id)
            .unwrap()
            .stock
            .count,
        p.stock.count,
        "test orders never touch inventory"
    );
}

#[tokio::test]
async fn premium_is_charged_and_free_standard_is_free() {
    let app = app();
    let free = pick(&app, |p| {
        p.delivery_scheme_id == DEFAULT_DOMESTIC && p.free_delivery && p.stock.count > 0
    });
    let o = place(
        &app,
        TEST_TOKEN,
        &order_body(&[(free.id, 1)], Some(("KD", "Zaria"))),
    )
    .await;
    assert_eq!(o["delivery_fee"]["amount"], 0);
    assert_eq!(o["delivery"]["was_free"], true);
    assert_eq!(o["delivery"]["breakdown"][0]["price"]["amount"], 0);

    let mut premium = order_body(&[(free.id, 1)], Some(("KD", "Zaria")));
    premium["delivery"]["tier"] = json!("premium");
    let o = place(&app, TEST_TOKEN, &premium).await;
    let state = app.sandbox.state();
    let quote = amigo_sandbox::delivery::quote(
        &state.catalog,
        &state.locations,
        &state.schemes,
        &DeliveryLocationInput {
            state_code: Some("KD".into()),
            lga_name: Some("Zaria".into()),
            ..Default::default()
        },
        &[LineItem {
            product_id: free.id,
            quantity: 1,
        }],
    )
    .unwrap();
    assert!(quote.totals.premium > 0);
    assert_eq!(o["delivery_fee"]["amount"], quote.totals.premium);
    assert_eq!(o["delivery"]["tier"], "premium");
    assert_eq!(o["delivery"]["was_free"], false);
    assert_eq!(
        o["total"]["amount"],
        free.price.amount + quote.totals.premium
    );
}

#[tokio::test]
async fn legacy_orders_ship_free_with_null_delivery_fields() {
    let app = app();
    let p = paid_delivery_product(&app, DEFAULT_DOMESTIC, 1);
    let mut body = order_body(&[(p.id, 1)], None);
    body["delivery"]["city"] = json!("Zaria");
    body["delivery"]["state"] = json!("Kaduna");
    let o = place(&app, TEST_TOKEN, &body).await;
    assert_eq!(o["delivery_fee"]["amount"], 0);
    assert_eq!(o["total"]["amount"], p.price.amount);
    let d = &o["delivery"];
    for k in [
        "scheme_id",
        "scheme_name",
        "tier",
        "was_free",
        "eta_min_days",
        "eta_max_days",
        "state_id",
        "lga_id",
    ] {
        assert_eq!(d[k], Value::Null, "{k}");
    }
    assert_eq!(d["breakdown"], json!([]));
    assert_eq!(
        (d["city"].as_str(), d["state"].as_str()),
        (Some("Zaria"), Some("Kaduna"))
    );
}

#[tokio::test]
async fn invalid_bodies_are_refused_by_field_and_charge_nothing() {
    let app = app();
    let p = paid_delivery_product(&app, DEFAULT_DOMESTIC, 1);
    let good = order_body(&[(p.id, 1)], Some(("KD", "Zaria")));
    let set = |path: &[&str], v: Value| {
        let mut b = good.clone();
        let mut at = &mut b;
        for k in &path[..path.len() - 1] {
            at = &mut at[*k];
        }
        at[path[path.len() - 1]] = v;
        b
    };
    let many: Vec<Value> = (1..=51)
        .map(|i| json!({"product_id": i, "quantity": 1}))
        .collect();
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            set(&["customer", "name"], json!("")),
            "invalid_customer_name",
            "customer.name",
        ),
        (
            set(&["customer", "name"], json!("x".repeat(121))),
            "invalid_customer_name",
            "customer.name",
        ),
        (
            set(&["customer", "phone"], json!("")),
            "invalid_customer_phone",
            "customer.phone",
        ),
        (
            set(&["customer", "phone"], json!("0".repeat(21))),
            "invalid_customer_phone",
            "customer.phone",
        ),
        (
            set(&["customer", "email"], json!("not-an-email")),
            "invalid_customer_email",
            "customer.email",
        ),
        (
            set(&["delivery", "address"], json!(" ")),
            "invalid_delivery_address",
            "delivery.address",
        ),
        (
            set(&["delivery", "tier"], json!("express")),
            "invalid_delivery_tier",
            "delivery.tier",
        ),
        (set(&["items"], json!([])), "invalid_items", "items"),
        (set(&["items"], json!(many)), "invalid_items", "items"),
        (
            set(&["items"], json!([{"product_id": p.id, "quantity": 0}])),
            "invalid_items",
            "items[0].quantity",
        ),
        (
            set(&["items"], json!([{"product_id": p.id, "quantity": 1001}])),
            "invalid_items",
            "items[0].quantity",
        ),
        (
            set(&["delivery", "state_code"], json!("XYZ")),
            "invalid_delivery_location",
            "state_code",
        ),
    ];
    for (body, want_code, want_field) in cases {
        let r = app.post_json(ORDERS, Some(TEST_TOKEN), &body).await;
        assert_eq!(
            r.status,
            422,
            "{want_code}: {}",
            String::from_utf8_lossy(&r.body)
        );
        let v = r.json();
        assert_eq!(
            (v["error"].as_str(), v["field"].as_str()),
            (Some(want_code), Some(want_field))
        );
        assert_eq!(v["success"], false);
    }
    let r = app
        .request(
            axum::http::Method::POST,
            ORDERS,
            Some(TEST_TOKEN),
            &[],
            Some(b"{nope".to_vec()),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), code(&r).as_str()),
        (422, "invalid_json")
    );
    assert_eq!(balance(&app, TEST_TOKEN), 1_000_000);
    assert_eq!(
        app.get(ORDERS, Some(TEST_TOKEN)).await.json()["pagination"]["total"],
        0
    );
    let r = app.post_json(ORDERS, None, &good).await;
    assert_eq!(
        (r.status.as_u16(), code(&r).as_str()),
        (401, "invalid_token")
    );
}

#[tokio::test]
async fn unserviceable_and_out_of_stock_are_refused_with_details() {
    let app = app();
    let metro = pick(&app, |p| {
        p.delivery_scheme_id == LAGOS_METRO && p.stock.count > 0
    });
    let r = app
        .post_json(
            ORDERS,
            Some(TEST_TOKEN),
            &order_body(&[(metro.id, 1)], Some(("KD", "Zaria"))),
        )
        .await;
    assert_eq!(r.status, 422);
    let v = r.json();
    assert_eq!(v["error"], "unserviceable_delivery");
    assert_eq!(
        v["message"],
        "One or more products in the cart can't ship to Zaria, Kaduna. Call POST /api/commerce/delivery/quote/ first to see which."
    );
    assert_eq!(
        v["warnings"],
        json!(["Scheme 'Lagos Metro Only' does not ship to this area."])
    );

    let scarce = pick(&app, |p| (1..=5).contains(&p.stock.count));
    let r = app
        .post_json(
            ORDERS,
            Some(TEST_TOKEN),
            &order_body(&[(scarce.id, scarce.stock.count + 1)], None),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), code(&r).as_str()),
        (422, "out_of_stock")
    );
    assert_eq!(r.json()["product_ids"], json!([scarce.id]));
    let sold_out = pick(&app, |p| p.stock.count == 0);
    let r = app
        .post_json(
            ORDERS,
            Some(LIVE_TOKEN.as_str()),
            &order_body(&[(sold_out.id, 1)], None),
        )
        .await;
    assert_eq!(code(&r), "out_of_stock");
    // Test mode checks stock without taking it: the whole stock can be ordered again and again.
    for _ in 0..2 {
        place(
            &app,
            TEST_TOKEN,
            &order_body(&[(scarce.id, scarce.stock.count)], None),
        )
        .await;
    }
    assert_eq!(
        app.sandbox
            .state()
            .catalog
            .product(scarce.id)
            .unwrap()
            .stock
            .count,
        scarce.stock.count
    );
}

#[tokio::test]
async fn live_orders_take_stock_and_short_wallets_are_refused_untouched() {
    let p = {
        let probe = app();
        paid_delivery_product(&probe, DEFAULT_DOMESTIC, 3)
    };
    let app = app_with(SandboxConfig {
        live_balance: p.price.amount * 2,
        ..SandboxConfig::default()
    });
    let o = place(&app, LIVE_TOKEN.as_str(), &order_body(&[(p.id, 2)], None)).await;
    assert_reference(
        o["reference"].as_str().unwrap(),
        "AMG-COM-",
        &lagos_day(&app),
    );
    assert!(!o["reference"].as_str().unwrap().contains("TEST"));
    let stock = || {
        app.sandbox
            .state()
            .catalog
            .product(p.id)
            .unwrap()
            .stock
            .count
    };
    assert_eq!(stock(), p.stock.count - 2, "live orders decrement stock");
    assert_eq!(balance(&app, LIVE_TOKEN.as_str()), 0);

    let r = app
        .post_json(
            ORDERS,
            Some(LIVE_TOKEN.as_str()),
            &order_body(&[(p.id, 1)], None),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.json(),
        json!({"success": false, "error": "insufficient_balance", "message": "Wallet balance is below the order total.", "required": p.price.amount, "balance": 0})
    );
    assert_eq!(
        stock(),
        p.stock.count - 2,
        "a refused order gives its reservation back"
    );
}

#[tokio::test]
async fn reads_are_scoped_to_the_caller() {
    let app = app();
    let p = paid_delivery_product(&app, DEFAULT_DOMESTIC, 1);
    let o = place(&app, TEST_TOKEN, &order_body(&[(p.id, 1)], None)).await;
    let reference = o["reference"].as_str().unwrap();
    let id = o["id"].as_u64().unwrap();

    for uri in [
        format!("{ORDERS}?ref={reference}"),
        format!("{ORDERS}?id={id}"),
    ] {
        let r = app.get(&uri, Some(TEST_TOKEN)).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["data"], o);
        for other in [OTHER_TEST_TOKEN, LIVE_TOKEN.as_str()] {
            let r = app.get(&uri, Some(other)).await;
            assert_eq!(
                (r.status.as_u16(), code(&r).as_str()),
                (404, "not_found"),
                "{other} {uri}"
            );
        }
    }
    let r = app.get(&format!("{ORDERS}?id=abc"), Some(TEST_TOKEN)).await;
    assert_eq!(code(&r), "invalid_id");
    for other in [OTHER_TEST_TOKEN, LIVE_TOKEN.as_str()] {
        let list = app.get(ORDERS, Some(other)).await.json();
        assert_eq!(list["data"], json!([]), "{other} sees nothing");
    }
}

#[tokio::test]
async fn the_list_filters_pages_and_sorts_newest_first() {
    let app = app();
    let p = paid_delivery_product(&app, DEFAULT_DOMESTIC, 1);
    let day1 = app.sandbox.clock().now().date();
    let mut refs = Vec::new();
    for (i, name) in ["Chidi Okafor", "Ngozi Eze", "Bola Ade"].iter().enumerate() {
        let mut body = order_body(&[(p.id, 1)], None);
        body["customer"]["name"] = json!(name);
        body["customer"]["phone"] = json!(format!("0803000000{i}"));
        refs.push(
            place(&app, TEST_TOKEN, &body).await["reference"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        app.sandbox.advance_clock(86_400);
    }
    let day2 = day1.next_day().unwrap();
    let r = advance(&app, TEST_TOKEN, &refs[0], "cancelled", None).await;
    assert_eq!(r.status, 200);

    let list = |q: &str| {
        let app = app.clone();
        let q = q.to_owned();
        async move {
            let r = app.get(&format!("{ORDERS}{q}"), Some(TEST_TOKEN)).await;
            assert_eq!(r.status, 200, "{q}: {}", String::from_utf8_lossy(&r.body));
            let v = r.json();
            let refs: Vec<String> = v["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["reference"].as_str().unwrap().to_owned())
                .collect();
            (refs, v["pagination"].clone())
        }
    };
    let (all, pagination) = list("").await;
    assert_eq!(all, vec![refs[2].clone(), refs[1].clone(), refs[0].clone()]);
    assert_eq!(
        pagination,
        json!({"total": 3, "limit": 20, "offset": 0, "has_more": false})
    );
    assert_eq!(list("?status=cancelled").await.0, vec![refs[0].clone()]);
    assert_eq!(
        list("?payment_state=refunded").await.0,
        vec![refs[0].clone()]
    );
    assert_eq!(
        list("?status=paid").await.0,
        vec![refs[2].clone(), refs[1].clone()]
    );
    assert_eq!(list("?q=ngozi").await.0, vec![refs[1].clone()]);
    assert_eq!(list("?q=08030000002").await.0, vec![refs[2].clone()]);
    assert_eq!(
        list(&format!("?q={}", &refs[0][refs[0].len() - 6..]))
            .await
            .0,
        vec![refs[0].clone()]
    );
    let iso = |d: time::Date| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    assert_eq!(
        list(&format!("?from={}&to={}", iso(day2), iso(day2)))
            .await
            .0,
        vec![refs[1].clone()]
    );
    assert_eq!(
        list(&format!("?from={}", iso(day2))).await.0,
        vec![refs[2].clone(), refs[1].clone()]
    );
    assert_eq!(
        list(&format!("?to={}", iso(day1))).await.0,
        vec![refs[0].clone()]
    );
    let (page, pagination) = list("?limit=1&offset=1").await;
    assert_eq!(page, vec![refs[1].clone()]);
    assert_eq!(
        pagination,
        json!({"total": 3, "limit": 1, "offset": 1, "has_more": true})
    );
    for (q, want) in [
        ("?status=lost", "invalid_status"),
        ("?payment_state=maybe", "invalid_payment_state"),
        ("?from=2026-02-30", "invalid_from"),
    ] {
        let r = app.get(&format!("{ORDERS}{q}"), Some(TEST_TOKEN)).await;
        assert_eq!((r.status.as_u16(), code(&r)), (422, want.to_owned()), "{q}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_racing_orders_never_overdraw_one_wallet() {
    let probe = app();
    let p = best_stocked(&probe);
    assert!(
        p.stock.count >= 40,
        "the best-stocked product has {}",
        p.stock.count
    );
    // Room for exactly 10 orders of one unit, plus change.
    let start = p.price.amount * 10 + p.price.amount / 2;
    let app = app_with(SandboxConfig {
        live_balance: start,
        ..SandboxConfig::default()
    });
    let body = order_body(&[(p.id, 1)], None);
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let app = app.clone();
            let body = body.clone();
            tokio::spawn(async move {
                app.post_json(ORDERS, Some(LIVE_TOKEN.as_str()), &body)
                    .await
            })
        })
        .collect();
    let mut paid = 0i64;
    let mut created = 0;
    for t in tasks {
        let r = t.await.unwrap();
        let v = r.json();
        match r.status.as_u16() {
            201 => {
                created += 1;
                paid += v["data"]["total"]["amount"].as_i64().unwrap();
            }
            422 => {
                assert_eq!(v["error"], "insufficient_balance");
                let (required, bal) = (
                    v["required"].as_i64().unwrap(),
                    v["balance"].as_i64().unwrap(),
                );
                assert!(bal >= 0 && bal < required, "{v}");
            }
            other => panic!("{other}: {v}"),
        }
    }
    assert_eq!(created, 10);
    let end = balance(&app, LIVE_TOKEN.as_str());
    assert!(end >= 0);
    assert_eq!(end, start - paid);
    assert_eq!(
        app.sandbox
            .state()
            .catalog
            .product(p.id)
            .unwrap()
            .stock
            .count,
        p.stock.count - 10
    );
}
