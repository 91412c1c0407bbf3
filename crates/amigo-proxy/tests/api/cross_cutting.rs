//! What holds on every route: health, the OpenAPI document, security headers, request ids,
//! unknown routes, and the token, secrets and phones absent from responses and logs.

use axum::body::Body;
use axum::http::{Method, StatusCode};

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

/// Every property a schema requires is in `value`, recursively through `$ref`s, arrays and
/// nested objects (a minimal conformance check: enough to catch a schema that drifted from the
/// bodies the proxy really sends).
fn conforms(
    doc: &serde_json::Value,
    schema: &serde_json::Value,
    value: &serde_json::Value,
    at: &str,
) {
    let schema = match schema["$ref"].as_str() {
        Some(r) => &doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")],
        None => schema,
    };
    if let Some(items) = schema.get("items") {
        for (i, v) in value.as_array().into_iter().flatten().enumerate() {
            conforms(doc, items, v, &format!("{at}[{i}]"));
        }
        return;
    }
    for field in schema["required"].as_array().into_iter().flatten() {
        let f = field.as_str().unwrap();
        assert!(
            !value[f].is_null(),
            "{at}.{f} is required by the schema: {value}"
        );
    }
    for (name, prop) in schema["properties"].as_object().into_iter().flatten() {
        if !value[name].is_null() && (prop.get("$ref").is_some() || prop.get("items").is_some()) {
            conforms(doc, prop, &value[name], &format!("{at}.{name}"));
        }
    }
}

#[tokio::test]
async fn openapi_success_schemas_match_what_the_proxy_sends() {
    let app = spawn_app().await;
    let doc = app.get("/api/openapi.json").await.json();
    let schema = |path: &str, method: &str, status: &str| {
        doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
            .clone()
    };
    let order = app.place_order("+234 803 123 4567").await;
    conforms(
        &doc,
        &schema("/api/orders", "post", "201"),
        &serde_json::json!({"success": true, "data": order}),
        "order",
    );
    let reference = order["reference"].as_str().unwrap();
    let tracking = app.tracking(reference, "08031234567").await.json();
    conforms(
        &doc,
        &schema("/api/orders/{reference}", "get", "200"),
        &tracking,
        "tracking",
    );
    let plans = app.get("/api/data/plans?network=1").await.json();
    conforms(
        &doc,
        &schema("/api/data/plans", "get", "200"),
        &plans,
        "plans",
    );
    assert!(
        doc["components"]["schemas"]["DataPurchase"]["required"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "reference"),
        "the purchase schema is described"
    );
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
