//! Every request example in the platform's docs (`shared/spec/amigo-developer-platform.txt`),
//! sent as written, with only the token and real ids substituted. Each answer must have the
//! documented shape, and the documented values where the docs fix them: ids, state ids,
//! `sort_order`, the reset-balance answer, the error codes of the error table. Where the docs
//! contradict themselves (`power-banks` is category 5 in the products example and 2 in the
//! categories example) the sandbox keeps the categories example, and the README says so.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use amigo_sandbox::{IpWhitelist, SandboxConfig};

use crate::fixtures::{ORDERS, RESET, WEBHOOKS, paid_delivery_product, pick};
use crate::helpers::{OTHER_TEST_TOKEN, TEST_TOKEN, TestApp, app, app_with};

/// The keys of an object, sorted, for shape checks.
fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect();
    k.sort();
    k
}

/// Asserts `v` has at least every key in `want`.
fn has_keys(v: &Value, want: &[&str]) {
    let k = keys(v);
    for w in want {
        assert!(k.iter().any(|x| x == w), "missing `{w}` in {v}");
    }
}

/// The documented product shape (list entry, single product, curation product).
fn assert_product_shape(p: &Value) {
    has_keys(
        p,
        &[
            "id",
            "slug",
            "brand",
            "name",
            "description",
            "price",
            "category",
            "stock",
            "rating",
            "images",
            "updated_at",
        ],
    );
    has_keys(&p["price"], &["amount", "display", "currency", "market"]);
    assert_eq!(p["price"]["currency"], "NGN");
    has_keys(&p["category"], &["id", "slug", "name"]);
    has_keys(&p["stock"], &["in_stock", "count"]);
    has_keys(&p["rating"], &["value", "count"]);
    for image in p["images"].as_array().unwrap() {
        has_keys(image, &["position", "url"]);
    }
    assert!(["oraimo", "amigo"].contains(&p["brand"].as_str().unwrap()));
}

/// The documented error envelope: `{success: false, error, message}`.
fn assert_error(r: &crate::helpers::Reply, status: u16, error: &str) {
    assert_eq!(
        r.status.as_u16(),
        status,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let body = r.json();
    assert_eq!(body["success"], false);
    assert_eq!(body["error"], error, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

async fn send(
    app: &TestApp,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> crate::helpers::Reply {
    app.request(
        method,
        uri,
        None,
        headers,
        body.map(|b| b.as_bytes().to_vec()),
    )
    .await
}

#[tokio::test]
async fn authentication_every_documented_header() {
    let app = app();
    let token = format!("Token {TEST_TOKEN}");
    let bearer = format!("Bearer {TEST_TOKEN}");
    for header in [
        ("X-API-Key", TEST_TOKEN),
        ("Authorization", token.as_str()),
        ("Authorization", bearer.as_str()),
    ] {
        let r = send(
            &app,
            Method::GET,
            "/api/commerce/products/?limit=1",
            &[header],
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{header:?}");
    }
}

#[tokio::test]
async fn reset_balance_answers_exactly_as_documented() {
    let app = app();
    // spend something first, so the reset has work to do
    let r = send(
        &app,
        Method::POST,
        RESET,
        &[("X-API-Key", TEST_TOKEN)],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.json(),
        json!({ "success": true, "data": { "test_balance": 1000000, "display": "₦1,000,000", "livemode": false } })
    );
    let live = amigo_sandbox::random_live_token();
    let r = send(
        &app,
        Method::POST,
        RESET,
        &[("X-API-Key", live.as_str())],
        None,
    )
    .await;
    assert_error(&r, 403, "live_token_not_allowed");
}

#[tokio::test]
async fn the_error_table() {
    // 401 invalid_token
    let app = app();
    assert_error(
        &app.get("/api/commerce/products/", None).await,
        401,
        "invalid_token",
    );
    // 404 not_found: an order, a product, an endpoint that is not there (or not yours)
    assert_error(
        &app.get(
            "/api/commerce/orders/?ref=AMG-COM-TEST-20260520-AB12CD",
            Some(TEST_TOKEN),
        )
        .await,
        404,
        "not_found",
    );
    assert_error(
        &app.get(
            "/api/commerce/products/?slug=no-such-product",
            Some(TEST_TOKEN),
        )
        .await,
        404,
        "not_found",
    );
    assert_error(
        &app.get("/api/commerce/webhooks/?id=999", Some(TEST_TOKEN))
            .await,
        404,
        "not_found",
    );
    // a product that doesn't exist, in a quote or an order: 404 not_found naming the line; the
    // order's Idempotency-Key is not consumed (nothing was started)
    let real = json!(two_products(&app).0);
    let unknown = json!([{ "product_id": real, "quantity": 1 }, { "product_id": 99_999_999u64, "quantity": 1 }]);
    let quote = app
        .post_json(
            "/api/commerce/delivery/quote/",
            None,
            &json!({ "state_code": "KD", "items": unknown }),
        )
        .await;
    assert_error(&quote, 404, "not_found");
    assert_eq!(quote.json()["field"], "items[1].product_id");
    assert_eq!(quote.json()["product_ids"], json!([99_999_999u64]));
    let order = json!({
        "customer": { "name": "Aisha Bello", "phone": "08012345678" },
        "delivery": { "address": "Plot 12", "state_code": "KD", "lga_name": "Zaria" },
        "items": unknown,
    });
    let key = [("Idempotency-Key", "docs-unknown-product")];
    let body = serde_json::to_vec(&order).unwrap();
    let r = app
        .request(Method::POST, ORDERS, Some(TEST_TOKEN), &key, Some(body))
        .await;
    assert_error(&r, 404, "not_found");
    assert_eq!(r.json()["field"], "items[1].product_id");
    let mut fixed = order.clone();
    fixed["items"] = json!([{ "product_id": real, "quantity": 1 }]);
    let r = app
        .request(
            Method::POST,
            ORDERS,
            Some(TEST_TOKEN),
            &key,
            Some(serde_json::to_vec(&fixed).unwrap()),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "the key is free for the corrected order: {}",
        String::from_utf8_lossy(&r.body)
    );
    // 422 invalid_*
    let r = app
        .get("/api/commerce/products/?limit=lots", Some(TEST_TOKEN))
        .await;
    assert_eq!(r.status.as_u16(), 422);
    assert!(
        r.json()["error"].as_str().unwrap().starts_with("invalid_"),
        "{}",
        r.json()
    );
    // 403 ip_not_whitelisted
    let list = IpWhitelist::parse(&format!("{TEST_TOKEN} 10.1.2.3\n")).unwrap();
    let locked = app_with(SandboxConfig {
        ip_whitelist: Some(list),
        ..SandboxConfig::default()
    });
    assert_error(
        &locked
            .get("/api/commerce/products/", Some(TEST_TOKEN))
            .await,
        403,
        "ip_not_whitelisted",
    );
    // 429 rate_limited
    let slow = app_with(SandboxConfig {
        rate_limit_per_minute: 1,
        ..SandboxConfig::default()
    });
    assert_eq!(
        slow.get("/api/commerce/products/", Some(TEST_TOKEN))
            .await
            .status,
        StatusCode::OK
    );
    assert_error(
        &slow.get("/api/commerce/products/", Some(TEST_TOKEN)).await,
        429,
        "rate_limited",
    );
}

#[tokio::test]
async fn list_products_example() {
    let app = app();
    let r = app
        .get(
            "/api/commerce/products/?category=power-banks&in_stock=true&limit=5",
            Some(TEST_TOKEN),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let body = r.json();
    assert_eq!(body["success"], true);
    let data = body["data"].as_array().unwrap();
    assert!(!data.is_empty() && data.len() <= 5);
    for p in data {
        assert_product_shape(p);
        assert_eq!(p["category"]["slug"], "power-banks");
        // the categories example's id (the products example says 5: the docs disagree)
        assert_eq!(p["category"]["id"], 2);
        assert_eq!(p["stock"]["in_stock"], true);
    }
    has_keys(
        &body["pagination"],
        &["total", "limit", "offset", "has_more"],
    );
    assert_eq!(body["pagination"]["limit"], 5);
    assert_eq!(body["pagination"]["offset"], 0);
    assert_eq!(
        body["pagination"]["has_more"],
        body["pagination"]["total"].as_u64().unwrap() > 5
    );
}

#[tokio::test]
async fn single_product_by_slug_and_by_id() {
    let app = app();
    let listed = app
        .get("/api/commerce/products/?limit=1", Some(TEST_TOKEN))
        .await
        .json()["data"][0]
        .clone();
    let slug = listed["slug"].as_str().unwrap();
    let by_slug = app
        .get(
            &format!("/api/commerce/products/?slug={slug}"),
            Some(TEST_TOKEN),
        )
        .await;
    assert_eq!(by_slug.status, StatusCode::OK);
    assert_product_shape(&by_slug.json()["data"]);
    assert_eq!(by_slug.json()["data"], listed, "same shape as a list entry");
    let by_id = app
        .get(
            &format!("/api/commerce/products/?id={}", listed["id"]),
            Some(TEST_TOKEN),
        )
        .await;
    assert_eq!(by_id.json()["data"], listed);
}

#[tokio::test]
async fn categories_example() {
    let app = app();
    let body = app
        .get("/api/commerce/categories/", Some(TEST_TOKEN))
        .await
        .json();
    let data = body["data"].as_array().unwrap();
    assert_eq!(data.len(), 14, "all 14 consolidated categories");
    for c in data {
        assert_eq!(keys(c), ["id", "name", "product_count", "slug"]);
    }
    assert_eq!(
        data[0],
        json!({ "id": 1, "slug": "charging-accessories", "name": "Charging Accessories", "product_count": data[0]["product_count"] })
    );
    assert_eq!(data[1]["id"], 2);
    assert_eq!(data[1]["slug"], "power-banks");
    let total: u64 = data
        .iter()
        .map(|c| c["product_count"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 1297, "1,297 products across 14 categories");
}

#[tokio::test]
async fn curation_discover_and_fetch_examples() {
    let app = app();
    let discover = app.get("/api/commerce/curation/", Some(TEST_TOKEN)).await;
    assert_eq!(discover.status, StatusCode::OK);
    let lists = discover.json()["data"].as_array().unwrap().clone();
    for slug in ["featured", "new", "bestsellers", "deals"] {
        let l = lists
            .iter()
            .find(|l| l["slug"] == slug)
            .unwrap_or_else(|| panic!("{slug} listed"));
        has_keys(
            l,
            &[
                "slug",
                "name",
                "source_type",
                "description",
                "default_limit",
                "pool_size",
                "product_count",
            ],
        );
    }
    let fetch = app
        .get(
            "/api/commerce/curation/?type=featured&limit=8",
            Some(TEST_TOKEN),
        )
        .await;
    assert_eq!(fetch.status, StatusCode::OK);
    assert_eq!(fetch.headers["cache-control"], "private, max-age=60");
    assert!(
        fetch.headers["vary"]
            .to_str()
            .unwrap()
            .to_ascii_lowercase()
            .contains("x-api-key")
    );
    let data = fetch.json()["data"].clone();
    assert_eq!(
        keys(&data["list"]),
        [
            "default_limit",
            "description",
            "name",
            "pool_size",
            "slug",
            "source_type"
        ]
    );
    assert_eq!(data["list"]["slug"], "featured");
    let products = data["products"].as_array().unwrap();
    assert!(products.len() <= 8);
    for p in products {
        assert_product_shape(p);
        assert_eq!(
            p["stock"]["in_stock"], true,
            "only in-stock products surface"
        );
    }
    // `slug` is an alias of `type`, and the order is stable per token
    let alias = app
        .get(
            "/api/commerce/curation/?slug=featured&limit=8",
            Some(TEST_TOKEN),
        )
        .await;
    assert_eq!(alias.json()["data"], data);
    assert_error(
        &app.get(
            "/api/commerce/curation/?type=no-such-list",
            Some(TEST_TOKEN),
        )
        .await,
        404,
        "list_not_found",
    );
    let r = app
        .request(
            Method::POST,
            "/api/commerce/curation/",
            Some(TEST_TOKEN),
            &[],
            None,
        )
        .await;
    assert_error(&r, 405, "method_not_allowed");
}

#[tokio::test]
async fn locations_examples() {
    let app = app();
    // public: no token
    let states = app
        .get("/api/commerce/locations.php?type=states", None)
        .await
        .json();
    assert_eq!(states["count"], 37);
    let rows = states["data"].as_array().unwrap();
    let row = |code: &str| rows.iter().find(|s| s["code"] == code).unwrap().clone();
    assert_eq!(
        row("LA"),
        json!({ "id": 25, "code": "LA", "name": "Lagos", "capital": "Ikeja", "region": "South-West", "sort_order": 250 })
    );
    assert_eq!(
        row("KD"),
        json!({ "id": 19, "code": "KD", "name": "Kaduna", "capital": "Kaduna", "region": "North-West", "sort_order": 190 })
    );

    let lgas = app
        .get("/api/commerce/locations.php?type=lgas&state_code=KD", None)
        .await
        .json();
    assert_eq!(lgas["count"], 23);
    let rows = lgas["data"].as_array().unwrap();
    let lga = |name: &str| rows.iter().find(|l| l["name"] == name).unwrap().clone();
    assert_eq!(
        lga("Kaduna North"),
        json!({ "id": 142, "state_id": 19, "name": "Kaduna North", "slug": "kaduna-north", "is_capital": 1, "state_code": "KD", "state_name": "Kaduna" })
    );
    assert_eq!(
        lga("Zaria"),
        json!({ "id": 155, "state_id": 19, "name": "Zaria", "slug": "zaria", "is_capital": 0, "state_code": "KD", "state_name": "Kaduna" })
    );

    let search = app
        .get("/api/commerce/locations.php?search=zar", None)
        .await
        .json();
    assert_eq!(search["success"], true);
    assert_eq!(search["query"], "zar");
    assert_eq!(search["states"], json!([]));
    assert!(
        search["lgas"].as_array().unwrap().contains(
            &json!({ "id": 155, "name": "Zaria", "state_code": "KD", "state_name": "Kaduna" })
        ),
        "{search}"
    );
}

/// Two real products of the Default Domestic scheme that ship to Zaria.
fn two_products(app: &TestApp) -> (u64, u64) {
    let a = paid_delivery_product(app, Some(1), 5);
    let b = pick(app, |p| {
        p.delivery_scheme_id == Some(1) && p.stock.count >= 5 && p.id != a.id
    });
    (a.id, b.id)
}

#[tokio::test]
async fn delivery_quote_example() {
    let app = app();
    let (a, b) = two_products(&app);
    let body = format!(
        r#"{{
  "state_code": "KD",
  "lga_name":   "Zaria",
  "items": [
    {{ "product_id": {a}, "quantity": 2 }},
    {{ "product_id": {b}, "quantity": 1 }}
  ]
}}"#
    );
    let r = send(
        &app,
        Method::POST,
        "/api/commerce/delivery/quote/",
        &[("Content-Type", "application/json")],
        Some(&body),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let data = r.json()["data"].clone();
    assert_eq!(
        data["location"],
        json!({ "state_id": 19, "state_code": "KD", "state_name": "Kaduna", "lga_id": 155, "lga_name": "Zaria" })
    );
    assert_eq!(data["serviceable"], true);
    has_keys(
        &data,
        &[
            "location",
            "serviceable",
            "schemes",
            "totals",
            "eta",
            "warnings",
        ],
    );
    for s in data["schemes"].as_array().unwrap() {
        has_keys(
            s,
            &[
                "scheme_id",
                "scheme_name",
                "product_ids",
                "product_count",
                "all_free",
                "serviceable",
                "tier_resolution",
                "standard",
                "premium",
            ],
        );
        has_keys(
            &s["standard"],
            &["price", "free_for_customer", "eta_min", "eta_max"],
        );
        has_keys(&s["premium"], &["price", "eta_min", "eta_max"]);
    }
    has_keys(&data["totals"], &["standard", "premium"]);
    has_keys(&data["eta"], &["min", "max"]);
    // the docs' other spelling of the same place
    let by_ids = format!(
        r#"{{ "state_id": 19, "lga_id": 155, "items": [ {{ "product_id": {a}, "quantity": 2 }}, {{ "product_id": {b}, "quantity": 1 }} ] }}"#
    );
    let r2 = send(
        &app,
        Method::POST,
        "/api/commerce/delivery/quote/",
        &[("Content-Type", "application/json")],
        Some(&by_ids),
    )
    .await;
    assert_eq!(r2.json()["data"], data);
}

/// The create-order example body, with real product ids.
fn order_example(a: u64, b: u64) -> String {
    format!(
        r#"{{
  "customer": {{
    "name":  "Aisha Bello",
    "phone": "08012345678",
    "email": "aisha@example.com"
  }},
  "delivery": {{
    "address":    "Plot 12, Sabon Gari, off PZ Road",
    "state_code": "KD",
    "lga_name":   "Zaria",
    "tier":       "standard",
    "city":       "Zaria",
    "state":      "Kaduna",
    "notes":      "Call on arrival"
  }},
  "items": [
    {{ "product_id": {a}, "quantity": 1 }},
    {{ "product_id": {b},  "quantity": 2 }}
  ]
}}"#
    )
}

#[tokio::test]
async fn create_get_and_list_order_examples() {
    let app = app();
    let (a, b) = two_products(&app);
    let body = order_example(a, b);
    let headers = [
        ("X-API-Key", TEST_TOKEN),
        ("Idempotency-Key", "ord-2026-05-17-7f3a"),
        ("Content-Type", "application/json"),
    ];
    let r = send(&app, Method::POST, ORDERS, &headers, Some(&body)).await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let order = r.json()["data"].clone();
    has_keys(
        &order,
        &[
            "id",
            "reference",
            "status",
            "payment_state",
            "subtotal",
            "delivery_fee",
            "total",
            "customer",
            "delivery",
            "items",
            "created_at",
            "paid_at",
        ],
    );
    assert!(
        order["reference"]
            .as_str()
            .unwrap()
            .starts_with("AMG-COM-TEST-")
    );
    assert_eq!(
        (order["status"].as_str(), order["payment_state"].as_str()),
        (Some("paid"), Some("paid"))
    );
    for money in ["subtotal", "delivery_fee", "total"] {
        assert_eq!(keys(&order[money]), ["amount", "display"]);
    }
    assert_eq!(
        order["customer"],
        json!({ "name": "Aisha Bello", "phone": "08012345678", "email": "aisha@example.com" })
    );
    let d = &order["delivery"];
    has_keys(
        d,
        &[
            "address",
            "city",
            "state",
            "state_id",
            "lga_id",
            "scheme_id",
            "scheme_name",
            "tier",
            "was_free",
            "eta_min_days",
            "eta_max_days",
            "breakdown",
            "notes",
        ],
    );
    assert_eq!(
        (d["city"].as_str(), d["state"].as_str()),
        (Some("Zaria"), Some("Kaduna"))
    );
    assert_eq!(
        (d["state_id"].as_u64(), d["lga_id"].as_u64()),
        (Some(19), Some(155))
    );
    assert_eq!(d["tier"], "standard");
    assert_eq!(d["notes"], "Call on arrival");
    for line in d["breakdown"].as_array().unwrap() {
        has_keys(
            line,
            &[
                "scheme_id",
                "scheme_name",
                "tier",
                "price",
                "eta_min_days",
                "eta_max_days",
                "product_count",
            ],
        );
    }
    for item in order["items"].as_array().unwrap() {
        has_keys(
            item,
            &["product_id", "name", "quantity", "unit_price", "line_total"],
        );
    }

    // the same key: the original answer
    let again = send(&app, Method::POST, ORDERS, &headers, Some(&body)).await;
    assert_eq!(again.json()["data"], order);

    let reference = order["reference"].as_str().unwrap();
    let got = app
        .get(&format!("{ORDERS}?ref={reference}"), Some(TEST_TOKEN))
        .await;
    assert_eq!(got.json()["data"], order);
    let by_id = app
        .get(&format!("{ORDERS}?id={}", order["id"]), Some(TEST_TOKEN))
        .await;
    assert_eq!(by_id.json()["data"], order);
    assert_error(
        &app.get(&format!("{ORDERS}?ref={reference}"), Some(OTHER_TEST_TOKEN))
            .await,
        404,
        "not_found",
    );

    let list = app
        .get(&format!("{ORDERS}?status=paid&limit=10"), Some(TEST_TOKEN))
        .await
        .json();
    assert!(
        list["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["reference"] == reference)
    );
    has_keys(
        &list["pagination"],
        &["total", "limit", "offset", "has_more"],
    );
}

#[tokio::test]
async fn order_refusal_examples() {
    let (body, live) = {
        let app = app();
        let (a, b) = two_products(&app);
        (order_example(a, b), amigo_sandbox::random_live_token())
    };
    // insufficient balance: a live wallet below the order total
    let poor = app_with(SandboxConfig {
        live_balance: 100,
        ..SandboxConfig::default()
    });
    let r = send(
        &poor,
        Method::POST,
        ORDERS,
        &[
            ("X-API-Key", live.as_str()),
            ("Content-Type", "application/json"),
        ],
        Some(&body),
    )
    .await;
    assert_error(&r, 422, "insufficient_balance");
    assert!(r.json()["required"].as_i64().unwrap() > 100);
    assert_eq!(r.json()["balance"], 100);
    // invalid delivery location, with the field hint
    let bad = body.replace(r#""state_code": "KD""#, r#""state_code": "XYZ""#);
    let app = app();
    let r = send(
        &app,
        Method::POST,
        ORDERS,
        &[
            ("X-API-Key", TEST_TOKEN),
            ("Content-Type", "application/json"),
        ],
        Some(&bad),
    )
    .await;
    assert_error(&r, 422, "invalid_delivery_location");
    assert_eq!(r.json()["field"], "state_code");
}

#[tokio::test]
async fn webhook_register_list_patch_delete_examples() {
    let app = app();
    let r = send(
        &app,
        Method::POST,
        WEBHOOKS,
        &[
            ("X-API-Key", TEST_TOKEN),
            ("Content-Type", "application/json"),
        ],
        Some(
            r#"{
  "url":    "https://your-app.com/amigo/webhook",
  "events": "*"
}"#,
        ),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let body = r.json();
    assert_eq!(body["success"], true);
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("secret"))
    );
    let created = body["data"].clone();
    assert_eq!(
        (
            created["url"].as_str(),
            created["events"].as_str(),
            created["status"].as_str()
        ),
        (
            Some("https://your-app.com/amigo/webhook"),
            Some("*"),
            Some("active")
        )
    );
    let secret = created["secret"].as_str().unwrap();
    assert!(
        secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit()),
        "a 64-char hex secret"
    );
    let id = created["id"].as_u64().unwrap();

    let list = app.get(WEBHOOKS, Some(TEST_TOKEN)).await.json();
    let listed = list["data"].as_array().unwrap();
    assert!(listed.iter().any(|e| e["id"] == id));
    assert!(
        !list.to_string().contains(secret),
        "later GETs never include the secret"
    );
    let one = app
        .get(&format!("{WEBHOOKS}?id={id}"), Some(TEST_TOKEN))
        .await
        .json();
    assert_eq!(one["data"]["id"], id);
    assert!(one["data"]["deliveries"].is_array());
    assert!(!one.to_string().contains(secret));

    let patched = send(
        &app,
        Method::PATCH,
        &format!("{WEBHOOKS}?id={id}"),
        &[
            ("X-API-Key", TEST_TOKEN),
            ("Content-Type", "application/json"),
        ],
        Some(r#"{ "status": "disabled" }"#),
    )
    .await;
    assert_eq!(
        patched.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&patched.body)
    );
    assert_eq!(patched.json()["data"]["status"], "disabled");

    let deleted = send(
        &app,
        Method::DELETE,
        &format!("{WEBHOOKS}?id={id}"),
        &[("X-API-Key", TEST_TOKEN)],
        None,
    )
    .await;
    assert!(deleted.status.is_success(), "{}", deleted.status);
    assert_error(
        &app.get(&format!("{WEBHOOKS}?id={id}"), Some(TEST_TOKEN))
            .await,
        404,
        "not_found",
    );
}
