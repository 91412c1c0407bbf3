//! `POST /refund` and `GET /refund/{id}`: only paid transactions, never beyond the amount,
//! `pending` then `processed` with webhooks.

use axum::http::StatusCode;
use paystack_sandbox::SandboxConfig;
use serde_json::{Value, json};
use std::time::Duration;

use crate::helpers::{Emulator, Receiver, events};

async fn paid(e: &Emulator, reference: &str, amount: u64) -> Value {
    e.initialize(json!({"email": "ada@example.com", "amount": amount, "reference": reference}))
        .await;
    let (status, v) = e
        .api(
            "POST",
            &format!("/_sandbox/transactions/{reference}/pay"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v["data"].clone()
}

async fn refund_status(e: &Emulator, id: &Value) -> Value {
    let (status, v) = e.api("GET", &format!("/refund/{id}"), None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["message"], json!("Refund retrieved"));
    v["data"].clone()
}

#[tokio::test]
async fn refunding_a_paid_transaction_processes_and_notifies() {
    let receiver = Receiver::start(0).await;
    let e = Emulator::with(SandboxConfig {
        webhook_url: Some(receiver.url.clone()),
        refund_delay: Duration::from_millis(30),
        ..SandboxConfig::default()
    });
    let tx = paid(&e, "rf-1", 500000).await;

    let (status, v) = e
        .api(
            "POST",
            "/refund",
            Some(json!({"transaction": "rf-1", "amount": 200000})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["message"], json!("Refund has been queued for processing"));
    let refund = &v["data"];
    assert_eq!(refund["status"], json!("pending"));
    assert_eq!(refund["amount"], json!(200000));
    assert_eq!(refund["deducted_amount"], json!(0));
    assert_eq!(refund["transaction"]["reference"], json!("rf-1"));
    assert_eq!(
        refund["customer_note"],
        json!("Refund for transaction rf-1")
    );
    let id = refund["id"].clone();

    let got = receiver
        .wait_for("refund.processed", |g| {
            events(g)
                .iter()
                .any(|ev| ev["event"] == json!("refund.processed"))
        })
        .await;
    let evs = events(&got);
    let names: Vec<&str> = evs.iter().map(|ev| ev["event"].as_str().unwrap()).collect();
    assert!(
        names.contains(&"charge.success") && names.contains(&"refund.pending"),
        "{names:?}"
    );
    let processed = evs
        .iter()
        .find(|ev| ev["event"] == json!("refund.processed"))
        .unwrap();
    assert_eq!(processed["data"]["status"], json!("processed"));
    assert_eq!(processed["data"]["transaction_reference"], json!("rf-1"));
    assert_eq!(
        processed["data"]["amount"],
        json!("200000"),
        "a string, as in the docs"
    );
    assert_eq!(
        processed["data"]["customer"]["email"],
        json!("ada@example.com")
    );

    let fetched = refund_status(&e, &id).await;
    assert_eq!(fetched["status"], json!("processed"));
    assert_eq!(fetched["deducted_amount"], json!(200000));
    assert_eq!(fetched["fully_deducted"], json!(true));
    assert_eq!(fetched["transaction"], tx["id"]);
    assert!(fetched["refunded_at"].is_string());
    assert_eq!(
        e.verify("rf-1").await["status"],
        json!("success"),
        "a partial refund"
    );

    // Beyond what is left: refused.
    let (status, v) = e
        .api(
            "POST",
            "/refund",
            Some(json!({"transaction": "rf-1", "amount": 300001})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(v["status"], json!(false));
    assert_eq!(
        v["message"],
        json!("Refund amount cannot be more than the unrefunded transaction amount")
    );

    // The rest, named by id, with no amount.
    let (status, v) = e
        .api("POST", "/refund", Some(json!({"transaction": tx["id"]})))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["amount"], json!(300000));
    let second = v["data"]["id"].clone();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while refund_status(&e, &second).await["status"] != json!("processed") {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        e.verify("rf-1").await["status"],
        json!("reversed"),
        "refunded in full"
    );
    let (status, v) = e
        .api(
            "POST",
            "/refund",
            Some(json!({"transaction": "rf-1", "amount": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(v["message"], json!("Transaction has been fully reversed"));
}

#[tokio::test]
async fn pending_refunds_count_against_the_amount() {
    let e = Emulator::with(SandboxConfig {
        refund_delay: Duration::from_secs(3600),
        ..SandboxConfig::default()
    });
    paid(&e, "rf-2", 1000).await;
    let (status, _) = e
        .api(
            "POST",
            "/refund",
            Some(json!({"transaction": "rf-2", "amount": 600})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, v) = e
        .api(
            "POST",
            "/refund",
            Some(json!({"transaction": "rf-2", "amount": 600})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    let (status, v) = e
        .api("POST", "/refund", Some(json!({"transaction": "rf-2"})))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["amount"], json!(400), "what is left");
}

#[tokio::test]
async fn only_a_paid_transaction_can_be_refunded() {
    let e = Emulator::new();
    e.initialize(json!({"email": "a@b.co", "amount": 1000, "reference": "rf-open"}))
        .await;
    e.initialize(json!({"email": "a@b.co", "amount": 1000, "reference": "rf-failed"}))
        .await;
    let (status, _) = e
        .api("POST", "/_sandbox/transactions/rf-failed/decline", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    for reference in ["rf-open", "rf-failed"] {
        let (status, v) = e
            .api("POST", "/refund", Some(json!({"transaction": reference})))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{reference}");
        assert_eq!(
            v,
            json!({"status": false,
                "message": "Transaction has not been successfully completed and cannot be refunded"})
        );
    }
    paid(&e, "rf-ok", 1000).await;
    for (body, status) in [
        (json!({"transaction": "nope"}), StatusCode::NOT_FOUND),
        (json!({"transaction": 1}), StatusCode::NOT_FOUND),
        (json!({}), StatusCode::BAD_REQUEST),
        (
            json!({"transaction": "rf-ok", "amount": 0}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"transaction": "rf-ok", "amount": 1001}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"transaction": "rf-ok", "amount": 10.5}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"transaction": "rf-ok", "currency": "USD"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"transaction": "rf-ok", "customer_note": "x".repeat(501)}),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let (got, v) = e.api("POST", "/refund", Some(body.clone())).await;
        assert_eq!(got, status, "{body} {v}");
        assert_eq!(v["status"], json!(false));
    }
    let (status, _) = e.api("GET", "/refund/999", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = e.api("GET", "/refund/abc", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        e.verify("rf-ok").await["status"],
        json!("success"),
        "refusals change nothing"
    );
}
