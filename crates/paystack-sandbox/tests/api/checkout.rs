//! The hosted payment page: pay, decline, abandon, paying twice, escaping, and the `/_sandbox`
//! test controls.

use axum::http::{StatusCode, header};
use serde_json::{Value, json};

use crate::helpers::Emulator;

fn location(headers: &axum::http::HeaderMap) -> reqwest::Url {
    reqwest::Url::parse(headers[header::LOCATION].to_str().unwrap()).unwrap()
}

fn query(url: &reqwest::Url) -> Vec<(String, String)> {
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[tokio::test]
async fn paying_on_the_page_redirects_to_the_callback_and_verify_says_success() {
    let e = Emulator::new();
    let init = e
        .initialize(json!({
            "email": "ada@example.com",
            "amount": 1234567,
            "reference": "pay-1",
            "callback_url": "https://shop.example/return?cart=9",
        }))
        .await;
    let path = Emulator::page_path(&init["authorization_url"]);

    let (status, headers, html) = e.get_page(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert!(html.contains("₦12,345.67"), "{html}");
    assert!(html.contains("Amigo Store (sandbox)"));
    for channel in ["card", "bank_transfer", "ussd"] {
        assert!(html.contains(&format!("value=\"{channel}\"")), "{channel}");
    }
    for action in ["pay", "decline", "abandon"] {
        assert!(
            html.contains(&format!("name=\"action\" value=\"{action}\"")),
            "{action}"
        );
    }

    let (status, headers, _) = e.press(&path, "action=pay&channel=bank_transfer").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = location(&headers);
    assert_eq!(to.host_str(), Some("shop.example"));
    assert_eq!(to.path(), "/return");
    assert_eq!(
        query(&to),
        vec![
            ("cart".into(), "9".into()),
            ("trxref".into(), "pay-1".into()),
            ("reference".into(), "pay-1".into()),
        ]
    );

    let tx = e.verify("pay-1").await;
    assert_eq!(tx["status"], json!("success"));
    assert_eq!(tx["amount"], json!(1234567));
    assert_eq!(tx["channel"], json!("bank_transfer"));
    assert_eq!(tx["gateway_response"], json!("Successful"));
    assert!(tx["paid_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(tx["paid_at"], tx["paidAt"]);
    assert_eq!(tx["authorization"]["channel"], json!("bank_transfer"));
    assert!(
        tx["authorization"]["authorization_code"]
            .as_str()
            .unwrap()
            .starts_with("AUTH_")
    );
    // 1.5 % + ₦100, capped at ₦2,000: 18,518.5 + 10,000 kobo, rounded half up.
    assert_eq!(tx["fees"], json!(28519));
}

#[tokio::test]
async fn declining_fails_the_transaction_and_redirects() {
    let e = Emulator::new();
    let init = e
        .initialize(
            json!({"email": "a@b.co", "amount": 5000, "reference": "dec-1",
            "callback_url": "http://127.0.0.1:9/back"}),
        )
        .await;
    let path = Emulator::page_path(&init["authorization_url"]);
    let (status, headers, _) = e.press(&path, "action=decline&channel=card").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&headers).as_str(),
        "http://127.0.0.1:9/back?trxref=dec-1&reference=dec-1"
    );
    let tx = e.verify("dec-1").await;
    assert_eq!(tx["status"], json!("failed"));
    assert_eq!(tx["gateway_response"], json!("Declined"));
    assert_eq!(tx["paid_at"], Value::Null);
    assert_eq!(tx["channel"], json!("card"));
}

#[tokio::test]
async fn abandoning_keeps_it_abandoned_and_payable() {
    let e = Emulator::new();
    let init = e
        .initialize(
            json!({"email": "a@b.co", "amount": 5000, "reference": "ab-1",
            "callback_url": "https://shop.example/cb",
            "metadata": {"cancel_action": "https://shop.example/cart"}}),
        )
        .await;
    let path = Emulator::page_path(&init["authorization_url"]);
    let (status, headers, _) = e.press(&path, "action=abandon").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&headers).as_str(),
        "https://shop.example/cart",
        "metadata.cancel_action"
    );
    assert_eq!(e.verify("ab-1").await["status"], json!("abandoned"));

    // Without cancel_action or callback_url the page says so itself.
    let bare = e
        .initialize(json!({"email": "a@b.co", "amount": 5000, "reference": "ab-2"}))
        .await;
    let bare_path = Emulator::page_path(&bare["authorization_url"]);
    let (status, _, html) = e.press(&bare_path, "action=abandon").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Payment abandoned."));

    // The payer can come back and pay.
    let (status, _, _) = e.press(&path, "action=pay&channel=ussd").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(e.verify("ab-1").await["status"], json!("success"));
}

#[tokio::test]
async fn a_transaction_is_paid_once() {
    let e = Emulator::new();
    let init = e
        .initialize(json!({"email": "a@b.co", "amount": 5000, "reference": "once-1"}))
        .await;
    let path = Emulator::page_path(&init["authorization_url"]);
    let (status, _, html) = e.press(&path, "action=pay&channel=card").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "no callback: the page shows the outcome"
    );
    assert!(html.contains("Payment successful."));
    let paid = e.verify("once-1").await;

    for form in ["action=pay&channel=ussd", "action=decline&channel=card"] {
        let (status, _, html) = e.press(&path, form).await;
        assert_eq!(status, StatusCode::CONFLICT, "{form}");
        assert!(html.contains("already been completed"));
    }
    let (status, v) = e
        .api(
            "POST",
            "/_sandbox/transactions/once-1/pay",
            Some(json!({"channel": "ussd"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        v,
        json!({"status": false, "message": "Transaction has already been completed"})
    );
    let (_, _, html) = e.get_page(&path).await;
    assert!(
        !html.contains("value=\"pay\""),
        "no buttons on a completed transaction"
    );
    assert_eq!(e.verify("once-1").await, paid, "nothing changed");
}

#[tokio::test]
async fn bad_page_requests_change_nothing() {
    let e = Emulator::new();
    let init = e
        .initialize(
            json!({"email": "a@b.co", "amount": 5000, "reference": "bad-1",
            "channels": ["card"]}),
        )
        .await;
    let path = Emulator::page_path(&init["authorization_url"]);
    for (form, status) in [
        ("action=pay", StatusCode::BAD_REQUEST),
        ("action=pay&channel=ussd", StatusCode::BAD_REQUEST),
        ("action=pay&channel=bitcoin", StatusCode::BAD_REQUEST),
        ("action=refund&channel=card", StatusCode::BAD_REQUEST),
        ("", StatusCode::BAD_REQUEST),
    ] {
        let (got, _, _) = e.press(&path, form).await;
        assert_eq!(got, status, "{form}");
    }
    assert_eq!(e.verify("bad-1").await["status"], json!("abandoned"));
    let (status, _, _) = e.get_page("/checkout/doesnotexist12").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = e
        .press("/checkout/doesnotexist12", "action=pay&channel=card")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_page_escapes_hostile_values() {
    let e = Emulator::new();
    let init = e
        .initialize(json!({
            "email": "o'neil&co@example.com",
            "amount": 5000,
            "reference": "esc-1",
            "metadata": {"note": "<script>alert(1)</script>", "q": "\"><img src=x onerror=alert(2)>"},
        }))
        .await;
    let path = Emulator::page_path(&init["authorization_url"]);
    let (status, headers, html) = e.get_page(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(html.contains("o'neil&amp;co@example.com"), "{html}");
    assert!(
        headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
}

#[tokio::test]
async fn the_sandbox_controls_pay_and_decline_without_a_browser() {
    let e = Emulator::new();
    e.initialize(json!({"email": "a@b.co", "amount": 7000, "reference": "ctl-1"}))
        .await;
    e.initialize(json!({"email": "a@b.co", "amount": 7000, "reference": "ctl-2"}))
        .await;
    let (status, v) = e
        .api("POST", "/_sandbox/transactions/ctl-1/pay", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["status"], json!("success"));
    assert_eq!(
        v["data"]["channel"],
        json!("card"),
        "the first offered channel by default"
    );
    let (status, v) = e
        .api(
            "POST",
            "/_sandbox/transactions/ctl-2/decline",
            Some(json!({"channel": "ussd"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(e.verify("ctl-2").await["status"], json!("failed"));
    let (status, _) = e.api("POST", "/_sandbox/transactions/nope/pay", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = e
        .api(
            "POST",
            "/_sandbox/transactions/ctl-1/pay",
            Some(json!({"channel": "gold"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
