//! What holds on every route: health, the OpenAPI document, security headers, request ids,
//! unknown routes, and the token, secrets and phones absent from responses and logs.

use amigo_types::delivery::{DeliveryLocationInput, LineItem};
use amigo_types::orders::{CreateOrderRequest, CustomerInput, DeliveryInput};
use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{
    captured_logs, new_key, now, order_body, order_request, payload, request, spawn_app,
    webhook_request,
};

#[tokio::test]
async fn healthz_answers() {
    let app = spawn_app().await;
    let r = app.get("/healthz").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["status"], "ok");
}

#[tokio::test]
async fn openapi_documents_every_browser_facing_route() {
    let app = spawn_app().await;
    let r = app.get("/api/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for (path, method) in [
        ("/api/catalog/categories", "get"),
        ("/api/catalog/products", "get"),
        ("/api/catalog/curation", "get"),
        ("/api/orders", "post"),
        ("/api/orders/{reference}", "get"),
        ("/api/orders/{reference}/events", "get"),
        ("/webhooks/amigo", "post"),
        ("/healthz", "get"),
        ("/api/openapi.json", "get"),
        ("/", "get"),
        ("/widget/{path}", "get"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} missing"
        );
    }
    let params = doc["paths"]["/api/catalog/products"]["get"]["parameters"]
        .as_array()
        .unwrap();
    assert!(params.iter().any(|p| p["name"] == "category"));
}

#[tokio::test]
async fn openapi_describes_every_json_error_with_the_envelope_schema() {
    let app = spawn_app().await;
    let doc = app.get("/api/openapi.json").await.json();
    let schema = &doc["components"]["schemas"]["ErrorBody"];
    let required: Vec<&str> = schema["required"]
        .as_array()
        .expect("ErrorBody has required fields")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    for field in ["success", "error", "message"] {
        assert!(required.contains(&field), "{field} not required: {schema}");
    }
    assert!(schema["properties"]["field"].is_object());
    assert!(!required.contains(&"field"), "field is optional");
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !(path.starts_with("/api/") || path.starts_with("/webhooks/")) {
            continue;
        }
        for (method, op) in item.as_object().unwrap() {
            for (status, resp) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') {
                    assert_eq!(
                        resp["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorBody",
                        "{method} {path} {status}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 20, "only {checked} error responses described");
    // and a real error has that shape
    let r = app.get("/api/catalog/products?limit=0").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.json();
    assert_eq!(body["success"], false);
    assert!(body["error"].is_string() && body["message"].is_string());
}

/// A JSON-Schema (2020-12, which OpenAPI 3.1 schemas are) validator for `schema`, one schema
/// object of `doc`, with its `$ref`s resolved against the document's components.
fn validator(doc: &Value, schema: &Value) -> jsonschema::Validator {
    let mut root = schema.clone();
    root["components"] = doc["components"].clone();
    jsonschema::draft202012::new(&root)
        .unwrap_or_else(|e| panic!("not a valid JSON Schema ({e}): {schema}"))
}

/// The schema violations of `value`, one line each (empty: it conforms).
fn violations(doc: &Value, schema: &Value, value: &Value) -> Vec<String> {
    validator(doc, schema)
        .iter_errors(value)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Asserts that `value` conforms to `schema`, naming every violation.
fn assert_conforms(doc: &Value, schema: &Value, value: &Value, what: &str) {
    assert!(
        schema.is_object() && schema != &json!({}),
        "{what}: no schema in the document"
    );
    let errors = violations(doc, schema, value);
    assert!(
        errors.is_empty(),
        "{what} does not conform to its schema:\n{}\nbody: {value}",
        errors.join("\n")
    );
}

/// The schema of a response body in `doc`.
fn response_schema(doc: &Value, path: &str, method: &str, status: &str) -> Value {
    doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"].clone()
}

/// The schema of a request body in `doc`.
fn request_schema(doc: &Value, path: &str, method: &str) -> Value {
    doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"].clone()
}

#[tokio::test]
async fn openapi_success_schemas_match_what_the_proxy_sends() {
    let app = spawn_app().await;
    let doc = app.get("/api/openapi.json").await.json();
    let check = |path: &str, method: &str, status: &str, body: &Value, what: &str| {
        assert_conforms(
            &doc,
            &response_schema(&doc, path, method, status),
            body,
            what,
        );
    };
    let get_ok = |uri: &'static str| {
        let app = &app;
        async move {
            let r = app.get(uri).await;
            assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.everything());
            r.json()
        }
    };

    // the catalog: Amigo's bodies, passed through
    let categories = get_ok("/api/catalog/categories").await;
    check(
        "/api/catalog/categories",
        "get",
        "200",
        &categories,
        "categories",
    );
    let products = "/api/catalog/products";
    let page = get_ok("/api/catalog/products?limit=100").await;
    check(products, "get", "200", &page, "a product page");
    let items = page["data"].as_array().unwrap();
    // both shapes of `price.market` (a discount, and `null`) are in the page checked
    assert!(items.iter().any(|p| p["price"]["market"].is_null()));
    assert!(items.iter().any(|p| p["price"]["market"].is_object()));
    let first = &items[0];
    let by_id = app.get(&format!("{products}?id={}", first["id"])).await;
    assert_eq!(by_id.status, StatusCode::OK);
    check(products, "get", "200", &by_id.json(), "a product by id");
    let slug = first["slug"].as_str().unwrap();
    let by_slug = app.get(&format!("{products}?slug={slug}")).await;
    assert_eq!(by_slug.status, StatusCode::OK);
    check(products, "get", "200", &by_slug.json(), "a product by slug");
    let curation = "/api/catalog/curation";
    let lists = get_ok("/api/catalog/curation").await;
    check(curation, "get", "200", &lists, "curation discovery");
    let list = get_ok("/api/catalog/curation?type=deals").await;
    assert!(!list["data"]["products"].as_array().unwrap().is_empty());
    check(curation, "get", "200", &list, "one curation list");
    // each body matches exactly one of the two shapes, so a page that lost its `pagination`
    // (or a product its `price`) is refused, not read as the other shape
    let page_schema = response_schema(&doc, products, "get", "200");
    let mut broken = page.clone();
    broken.as_object_mut().unwrap().remove("pagination");
    assert!(!violations(&doc, &page_schema, &broken).is_empty());
    let mut broken = by_id.json();
    broken["data"].as_object_mut().unwrap().remove("price");
    assert!(!violations(&doc, &page_schema, &broken).is_empty());
    // `market` is always sent (an object or `null`): a product without it is refused
    let mut broken = by_id.json();
    broken["data"]["price"]
        .as_object_mut()
        .unwrap()
        .remove("market");
    assert!(!violations(&doc, &page_schema, &broken).is_empty());
    let mut broken = list.clone();
    broken["data"]["list"]
        .as_object_mut()
        .unwrap()
        .remove("pool_size");
    let curation_schema = response_schema(&doc, curation, "get", "200");
    assert!(!violations(&doc, &curation_schema, &broken).is_empty());

    // orders, tracking, data, webhooks, health
    let order = app.place_order("+234 803 123 4567").await;
    check(
        "/api/orders",
        "post",
        "201",
        &json!({"success": true, "data": order}),
        "an order",
    );
    let reference = order["reference"].as_str().unwrap();
    let tracking = app.tracking(reference, "08031234567").await.json();
    check(
        "/api/orders/{reference}",
        "get",
        "200",
        &tracking,
        "tracking",
    );
    let plans = get_ok("/api/data/plans?network=1").await;
    check("/api/data/plans", "get", "200", &plans, "plans");
    let plan = plans["data"][0]["plan_id"].as_u64().unwrap();
    let bought = app
        .call(
            request(Method::POST, "/api/data/purchases")
                .header("content-type", "application/json")
                .header("idempotency-key", new_key())
                .body(Body::from(
                    json!({"network": 1, "mobile_number": "0803 123 4567", "plan": plan, "Ported_number": false})
                        .to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(
        bought.status,
        StatusCode::CREATED,
        "{}",
        bought.everything()
    );
    check(
        "/api/data/purchases",
        "post",
        "201",
        &bought.json(),
        "a data purchase",
    );
    let purchase = bought.json()["data"]["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let shown = app
        .get(&format!("/api/data/purchases/{purchase}?phone=08031234567"))
        .await;
    assert_eq!(shown.status, StatusCode::OK);
    check(
        "/api/data/purchases/{reference}",
        "get",
        "200",
        &shown.json(),
        "a data purchase lookup",
    );
    let event = payload(&order, "accepted", "2026-11-23T12:00:00+01:00");
    let ack = app
        .call(webhook_request(
            &event,
            Some(&app.webhook_secret),
            now(),
            "schema-1",
        ))
        .await;
    assert_eq!(ack.status, StatusCode::OK);
    check(
        "/webhooks/amigo",
        "post",
        "200",
        &ack.json(),
        "a webhook receipt",
    );
    let health = get_ok("/healthz").await;
    check("/healthz", "get", "200", &health, "health");
}

#[tokio::test]
async fn openapi_request_schemas_accept_what_the_widget_and_amigo_send() {
    let app = spawn_app().await;
    let doc = app.get("/api/openapi.json").await.json();

    // the order body exactly as the widget builds it (src/checkout/details.rs): no email,
    // structured location, explicit tier, notes
    let (id, _) = app.product(false).await;
    let widget_order = CreateOrderRequest {
        customer: CustomerInput {
            name: "Aisha Bello".into(),
            phone: "08031234567".into(),
            email: None,
        },
        delivery: DeliveryInput {
            address: "Plot 12, Sabon Gari".into(),
            location: DeliveryLocationInput {
                state_code: Some("KD".into()),
                state_id: None,
                lga_name: Some("Zaria".into()),
                lga_id: None,
            },
            tier: Some("premium".into()),
            city: None,
            state: None,
            notes: Some("Call at the gate".into()),
        },
        items: vec![LineItem {
            product_id: id,
            quantity: 1,
        }],
    };
    let order = serde_json::to_value(&widget_order).unwrap();
    let order_schema = request_schema(&doc, "/api/orders", "post");
    assert_conforms(&doc, &order_schema, &order, "the widget's order body");
    // and the proxy really takes it
    let placed = app.call(order_request(&order, Some(&new_key()))).await;
    assert_eq!(
        placed.status,
        StatusCode::CREATED,
        "{}",
        placed.everything()
    );
    // a legacy body (no location, with email and city) is valid too
    assert_conforms(
        &doc,
        &order_schema,
        &json!({
            "customer": {"name": "A", "phone": "08031234567", "email": "a@example.com"},
            "delivery": {"address": "1 Road", "city": "Zaria"},
            "items": [{"product_id": id, "quantity": 2}]
        }),
        "a legacy order body",
    );
    for (pointer, field) in [
        ("/customer", "name"),
        ("/customer", "phone"),
        ("/delivery", "address"),
        ("", "items"),
        ("", "customer"),
    ] {
        let mut bad = order.clone();
        bad.pointer_mut(pointer)
            .and_then(Value::as_object_mut)
            .unwrap()
            .remove(field);
        assert!(
            !violations(&doc, &order_schema, &bad).is_empty(),
            "an order body without {pointer}/{field} is accepted by the schema"
        );
        // the proxy refuses it too
        let r = app.call(order_request(&bad, Some(&new_key()))).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{pointer}/{field}"
        );
    }
    for bad in [
        json!({"items": []}),
        json!({"items": [{"product_id": id, "quantity": 0}]}),
        json!({"delivery": {"address": "1 Road", "tier": "express"}}),
    ] {
        let mut body = order.clone();
        for (k, v) in bad.as_object().unwrap() {
            body[k] = v.clone();
        }
        assert!(
            !violations(&doc, &order_schema, &body).is_empty(),
            "accepted by the schema: {body}"
        );
    }

    // the purchase body exactly as the widget builds it (src/topup/mod.rs)
    let purchase_schema = request_schema(&doc, "/api/data/purchases", "post");
    let widget_purchase =
        json!({"network": 4, "mobile_number": "08021234567", "plan": 4001, "Ported_number": true});
    assert_conforms(
        &doc,
        &purchase_schema,
        &widget_purchase,
        "the widget's purchase body",
    );
    assert_conforms(
        &doc,
        &purchase_schema,
        &json!({"network": 1, "mobile_number": "0803 123 4567", "plan": 1001}),
        "a purchase body without the optional Ported_number",
    );
    for field in ["network", "mobile_number", "plan"] {
        let mut bad = widget_purchase.clone();
        bad.as_object_mut().unwrap().remove(field);
        assert!(
            !violations(&doc, &purchase_schema, &bad).is_empty(),
            "a purchase body without {field} is accepted by the schema"
        );
    }
    let mut bad = widget_purchase.clone();
    bad["network"] = json!(5);
    assert!(!violations(&doc, &purchase_schema, &bad).is_empty());

    // the webhook event as the sandbox (standing in for Amigo) signs and sends it
    let event = serde_json::to_value(amigo_types::webhooks::WebhookPayload {
        event: "order.created".into(),
        livemode: false,
        created_at: "2026-11-23T12:00:00+01:00".into(),
        data: serde_json::from_value(placed.json()["data"].clone()).unwrap(),
    })
    .unwrap();
    let webhook_schema = request_schema(&doc, "/webhooks/amigo", "post");
    assert_conforms(&doc, &webhook_schema, &event, "a webhook event");
    let mut bad = event.clone();
    bad["data"].as_object_mut().unwrap().remove("reference");
    assert!(!violations(&doc, &webhook_schema, &bad).is_empty());

    // the documented examples are valid bodies
    for path in ["/api/orders", "/api/data/purchases"] {
        let content = &doc["paths"][path]["post"]["requestBody"]["content"]["application/json"];
        assert_conforms(
            &doc,
            &content["schema"],
            &content["example"],
            &format!("the example body of {path}"),
        );
    }

    // every JSON request body and 2xx answer of the API is a schema, not prose
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(body) = op.get("requestBody") {
                assert!(
                    body["content"]["application/json"]["schema"].is_object(),
                    "{method} {path}: request body without a schema"
                );
            }
            for (status, resp) in op["responses"].as_object().unwrap() {
                if let Some(json) = resp["content"].get("application/json") {
                    assert!(
                        json["schema"].is_object(),
                        "{method} {path} {status}: JSON body without a schema"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn security_headers_and_request_ids_on_every_response() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for uri in [
        "/healthz",
        "/api/catalog/categories",
        "/",
        "/nope",
        "/api/catalog/products?limit=0",
    ] {
        let r = app.get(uri).await;
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{uri}");
        assert!(r.header("referrer-policy").is_some(), "{uri}");
        assert!(r.header("x-frame-options").is_some(), "{uri}");
        assert!(r.header("content-security-policy").is_some(), "{uri}");
        ids.push(r.header("x-request-id").expect("request id").to_owned());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5);
    let nope = app.get("/nope").await;
    assert_eq!(nope.status, StatusCode::NOT_FOUND);
    assert_eq!(nope.json()["error"], "not_found");
    let wrong_method = app
        .call(
            request(Method::DELETE, "/api/orders")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn the_token_secrets_and_phones_never_reach_responses_or_logs() {
    let app = spawn_app().await;
    let phone = "08051239876";
    let mut seen = Vec::new();
    seen.push(app.get("/api/catalog/categories").await);
    seen.push(app.get("/api/catalog/products?limit=3&q=power").await);
    seen.push(app.get("/api/catalog/curation?type=featured").await);
    let (id, _) = app.product(false).await;
    let placed = app
        .call(order_request(&order_body(phone, id, 1), Some(&new_key())))
        .await;
    assert_eq!(placed.status, StatusCode::CREATED);
    let order = placed.json()["data"].clone();
    let reference = order["reference"].as_str().unwrap().to_owned();
    seen.push(app.tracking(&reference, phone).await);
    seen.push(app.tracking(&reference, "+234 805 123 9876").await);
    seen.push(app.tracking(&reference, "08051239870").await);
    seen.push(
        app.call(webhook_request(
            &payload(&order, "accepted", "2026-11-23T12:00:00+01:00"),
            Some(&app.webhook_secret),
            now(),
            "log-1",
        ))
        .await,
    );
    seen.push(
        app.call(webhook_request(
            b"{}",
            Some("forged-secret-000000000000"),
            now(),
            "log-2",
        ))
        .await,
    );
    seen.push(app.get("/api/openapi.json").await);
    seen.push(app.get("/").await);
    app.upstream
        .controls
        .fail(Some(("/api/commerce/orders", StatusCode::BAD_GATEWAY)));
    seen.push(
        app.call(order_request(&order_body(phone, id, 1), Some(&new_key())))
            .await,
    );
    for r in &seen {
        let text = r.everything();
        assert!(!text.contains(&app.token), "token in a response: {text}");
        assert!(!text.contains(&app.webhook_secret), "secret in a response");
    }
    // the placing response echoes the shopper's own order back to them; nothing else may
    assert!(seen[3..].iter().all(|r| !r.everything().contains(phone)));

    // let the sandbox's own webhook deliveries land, then read the logs
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let logs = captured_logs();
    let request_id = seen[0].header("x-request-id").unwrap();
    assert!(logs.contains(request_id), "request ids are logged");
    assert!(logs.contains("/api/catalog/categories"));
    for (what, needle) in [
        ("token", app.token.as_str()),
        ("token tail", &app.token[9..]),
        ("webhook secret", app.webhook_secret.as_str()),
        ("phone", phone),
        ("phone digits", "8051239876"),
        ("wrong phone", "08051239870"),
    ] {
        assert!(!logs.contains(needle), "{what} appears in the logs");
    }
}
