//! `POST /transaction/initialize`, `GET /transaction/verify/{reference}` and the secret key.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};

use crate::helpers::Emulator;

#[tokio::test]
async fn initialize_happy_path_then_verify_shows_it_unpaid() {
    let e = Emulator::new();
    let (status, v) = e
        .api(
            "POST",
            "/transaction/initialize",
            Some(json!({
                "email": "ada@example.com",
                "amount": 500000,
                "reference": "order-42.a=1",
                "callback_url": "https://shop.example/paid",
                "metadata": {"order_id": 42},
            })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["status"], json!(true));
    assert_eq!(v["message"], json!("Authorization URL created"));
    let data = &v["data"];
    assert_eq!(data["reference"], json!("order-42.a=1"));
    let code = data["access_code"].as_str().unwrap();
    assert_eq!(code.len(), 15);
    assert_eq!(
        data["authorization_url"],
        json!(format!("http://127.0.0.1:7800/checkout/{code}"))
    );

    let tx = e.verify("order-42.a=1").await;
    assert_eq!(tx["status"], json!("abandoned"));
    assert_eq!(tx["amount"], json!(500000));
    assert_eq!(tx["requested_amount"], json!(500000));
    assert_eq!(tx["currency"], json!("NGN"));
    assert_eq!(tx["domain"], json!("test"));
    assert_eq!(tx["paid_at"], Value::Null);
    assert_eq!(tx["channel"], Value::Null);
    assert_eq!(tx["fees"], Value::Null);
    assert_eq!(tx["customer"]["email"], json!("ada@example.com"));
    assert!(
        tx["customer"]["customer_code"]
            .as_str()
            .unwrap()
            .starts_with("CUS_")
    );
    assert_eq!(tx["metadata"], json!({"order_id": 42}));
    assert!(tx["id"].as_u64().unwrap() > 0);
    assert!(tx["created_at"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn a_missing_reference_is_generated_and_unique() {
    let e = Emulator::new();
    let a = e
        .initialize(json!({"email": "a@b.co", "amount": "20000"}))
        .await;
    let b = e
        .initialize(json!({"email": "a@b.co", "amount": 20000}))
        .await;
    let (ra, rb) = (
        a["reference"].as_str().unwrap(),
        b["reference"].as_str().unwrap(),
    );
    assert_eq!(ra.len(), 10);
    assert_ne!(ra, rb);
    assert_ne!(a["access_code"], b["access_code"]);
    let (ta, tb) = (e.verify(ra).await, e.verify(rb).await);
    assert_eq!(
        ta["amount"],
        json!(20000),
        "the docs' string amount is kobo too"
    );
    assert_eq!(
        ta["metadata"],
        json!(""),
        "no metadata shows as an empty string"
    );
    assert_eq!(
        ta["customer"]["id"], tb["customer"]["id"],
        "one customer per email"
    );
    assert_ne!(ta["id"], tb["id"]);
}

#[tokio::test]
async fn a_reused_reference_is_refused_and_the_first_kept() {
    let e = Emulator::new();
    e.initialize(json!({"email": "a@b.co", "amount": 1000, "reference": "dup-1"}))
        .await;
    let (status, v) = e
        .api(
            "POST",
            "/transaction/initialize",
            Some(json!({"email": "x@y.co", "amount": 9999, "reference": "dup-1"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        v,
        json!({"status": false, "message": "Duplicate Transaction Reference"})
    );
    let tx = e.verify("dup-1").await;
    assert_eq!(tx["amount"], json!(1000));
    assert_eq!(tx["customer"]["email"], json!("a@b.co"));
}

#[tokio::test]
async fn bad_amount_email_currency_and_body_are_refused() {
    let e = Emulator::new();
    let cases = [
        (
            json!({"email": "a@b.co", "amount": 0, "reference": "r1"}),
            "Invalid Amount Sent",
        ),
        (
            json!({"email": "a@b.co", "amount": -100, "reference": "r2"}),
            "Invalid Amount Sent",
        ),
        (
            json!({"email": "a@b.co", "amount": 100.5, "reference": "r3"}),
            "Invalid Amount Sent",
        ),
        (
            json!({"email": "a@b.co", "reference": "r4"}),
            "Invalid Amount Sent",
        ),
        (
            json!({"email": "not-an-email", "amount": 100, "reference": "r5"}),
            "Invalid Email Address Passed",
        ),
        (
            json!({"amount": 100, "reference": "r6"}),
            "Invalid Email Address Passed",
        ),
        (
            json!({"email": "a@b.co", "amount": 100, "currency": "USD", "reference": "r7"}),
            "Currency not supported by merchant",
        ),
        (
            json!({"email": "a@b.co", "amount": 100, "reference": "bad ref"}),
            "Invalid transaction reference",
        ),
        (
            json!({"email": "a@b.co", "amount": 100, "reference": "r8", "callback_url": "javascript:alert(1)"}),
            "Invalid callback_url",
        ),
        (json!([1, 2, 3]), "Invalid JSON body"),
    ];
    for (body, message) in cases {
        let (status, v) = e
            .api("POST", "/transaction/initialize", Some(body.clone()))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(v, json!({"status": false, "message": message}), "{body}");
    }
    for r in ["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8"] {
        let (status, _) = e
            .api("GET", &format!("/transaction/verify/{r}"), None)
            .await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "{r} must not have been created"
        );
    }
    // Not JSON at all.
    let resp = e
        .send(
            Request::post("/transaction/initialize")
                .header(header::AUTHORIZATION, e.bearer())
                .body(Body::from("email=a@b.co&amount=100"))
                .unwrap(),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap(),
        json!({"status": false, "message": "Invalid JSON body"})
    );
}

#[tokio::test]
async fn a_missing_or_wrong_key_is_401_everywhere() {
    let e = Emulator::new();
    let other = Emulator::new();
    let public = format!("Bearer {}", e.sandbox.public_key());
    let token_scheme = e.bearer().replacen("Bearer", "Token", 1);
    let bad: Vec<Option<String>> = vec![
        None,
        Some(other.bearer()),
        Some(public),
        Some(token_scheme),
        Some("Bearer ".to_owned()),
    ];
    for auth in bad.iter().map(Option::as_deref) {
        for (method, uri, body) in [
            (
                "POST",
                "/transaction/initialize",
                Some(json!({"email": "a@b.co", "amount": 100})),
            ),
            ("GET", "/transaction/verify/anything", None),
            ("POST", "/refund", Some(json!({"transaction": "anything"}))),
            ("GET", "/refund/1", None),
            ("POST", "/_sandbox/transactions/anything/pay", None),
        ] {
            let (status, v) = e.api_as(auth, method, uri, body).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{auth:?} {method} {uri}");
            assert_eq!(v, json!({"status": false, "message": "Invalid key"}));
        }
    }
}

#[tokio::test]
async fn verifying_an_unknown_reference_is_refused() {
    let e = Emulator::new();
    let (status, v) = e.api("GET", "/transaction/verify/nope123", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        v,
        json!({"status": false, "message": "Transaction reference not found"})
    );
}
