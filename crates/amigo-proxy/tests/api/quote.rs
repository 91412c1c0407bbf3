//! `POST /api/delivery/quote`: the browser's fallback when Amigo's public quote is out of its
//! reach (CORS). The proxy checks the body, asks Amigo and passes its answer through.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, request, spawn_app};

const QUOTES: &str = "/api/commerce/delivery/quote";

async fn quote(app: &TestApp, body: &Value) -> crate::helpers::TestResponse {
    app.call(
        request(Method::POST, "/api/delivery/quote")
            .header("content-type", "application/json")
            .body(Body::from(serde_json::to_vec(body).unwrap()))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn the_proxy_answers_amigos_quote_and_checks_the_body_first() {
    let app = spawn_app().await;
    let (id, _) = app.product(false).await;
    let body = json!({"state_code": "LA", "lga_name": "Ikeja", "items": [{"product_id": id, "quantity": 2}]});
    let r = quote(&app, &body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.everything());
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let direct = app.upstream_post("/commerce/delivery/quote/", &body).await;
    assert_eq!(r.json()["data"]["totals"], direct["data"]["totals"]);
    assert_eq!(
        r.json()["data"]["serviceable"],
        direct["data"]["serviceable"]
    );
    let asked = app.upstream.controls.count(&Method::POST, QUOTES);

    // bad bodies are refused here, without an upstream call
    for (bad, field) in [
        (json!({"items": [{"product_id": id, "quantity": 1}]}), None),
        (json!({"state_code": "LA", "items": []}), Some("items")),
        (
            json!({"state_code": "LA", "items": [{"product_id": id, "quantity": 0}]}),
            Some("items[0].quantity"),
        ),
    ] {
        let r = quote(&app, &bad).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            r.everything()
        );
        assert_eq!(r.json()["success"], false);
        if let Some(field) = field {
            assert_eq!(r.json()["field"], field, "{bad}");
        }
    }
    let r = app
        .call(
            request(Method::POST, "/api/delivery/quote")
                .header("content-type", "application/json")
                .body(Body::from("{not json"))
                .unwrap(),
        )
        .await;
    assert!(r.status.is_client_error());
    assert_eq!(app.upstream.controls.count(&Method::POST, QUOTES), asked);

    // Amigo's own refusal passes through in its envelope
    let r = quote(
        &app,
        &json!({"state_code": "LA", "items": [{"product_id": 999_999_999u64, "quantity": 1}]}),
    )
    .await;
    assert!(r.status.is_client_error(), "{}", r.everything());
    assert_eq!(r.json()["success"], false);
}
