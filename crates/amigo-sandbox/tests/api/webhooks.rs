//! `POST/GET/PATCH/DELETE /api/commerce/webhooks/`: registration with a once-shown secret,
//! validation, updates, cascading deletes, and per-token scoping.

use axum::http::Method;
use serde_json::json;

use crate::fixtures::*;
use crate::helpers::*;

async fn patch(app: &TestApp, token: &str, id: u64, body: serde_json::Value) -> Reply {
    app.request(
        Method::PATCH,
        &format!("{WEBHOOKS}?id={id}"),
        Some(token),
        &[],
        Some(serde_json::to_vec(&body).unwrap()),
    )
    .await
}

async fn delete(app: &TestApp, token: &str, id: u64) -> Reply {
    app.request(
        Method::DELETE,
        &format!("{WEBHOOKS}?id={id}"),
        Some(token),
        &[],
        None,
    )
    .await
}

#[tokio::test]
async fn the_secret_is_returned_once_with_the_documented_message() {
    let app = app();
    let r = app
        .post_json(
            WEBHOOKS,
            Some(TEST_TOKEN),
            &json!({"url": "https://your-app.com/amigo/webhook", "events": "*"}),
        )
        .await;
    assert_eq!(r.status, 201);
    let v = r.json();
    assert_eq!(
        v["message"],
        "Save this secret now — it will not be shown again."
    );
    let d = &v["data"];
    let secret = d["secret"].as_str().unwrap();
    assert_eq!(secret.len(), 64);
    assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(
        (
            d["url"].as_str(),
            d["events"].as_str(),
            d["status"].as_str()
        ),
        (
            Some("https://your-app.com/amigo/webhook"),
            Some("*"),
            Some("active")
        )
    );
    let id = d["id"].as_u64().unwrap();

    let list = app.get(WEBHOOKS, Some(TEST_TOKEN)).await;
    assert_eq!(list.status, 200);
    assert_eq!(
        list.json()["data"],
        json!([{"id": id, "url": "https://your-app.com/amigo/webhook", "events": "*", "status": "active"}])
    );
    let one = app
        .get(&format!("{WEBHOOKS}?id={id}"), Some(TEST_TOKEN))
        .await
        .json();
    assert_eq!(one["data"]["deliveries"], json!([]));
    assert!(one["data"].get("secret").is_none());
    assert!(!String::from_utf8_lossy(&list.body).contains(secret));
}

#[tokio::test]
async fn bad_urls_and_event_filters_are_refused() {
    let app = app();
    let long = format!("https://x.com/{}", "a".repeat(500));
    for (body, want) in [
        (json!({"url": "ftp://x.com/hook"}), "invalid_url"),
        (json!({"url": long}), "invalid_url"),
        (json!({}), "invalid_url"),
        (
            json!({"url": "https://x.com", "events": "order.refunded"}),
            "invalid_events",
        ),
        (
            json!({"url": "https://x.com", "events": "pay*"}),
            "invalid_events",
        ),
    ] {
        let r = app.post_json(WEBHOOKS, Some(TEST_TOKEN), &body).await;
        assert_eq!(
            (r.status.as_u16(), code(&r)),
            (422, want.to_owned()),
            "{body}"
        );
    }
    for events in ["order.*", "order.shipped,order.delivered"] {
        let r = app
            .post_json(
                WEBHOOKS,
                Some(TEST_TOKEN),
                &json!({"url": "http://127.0.0.1:9/h", "events": events}),
            )
            .await;
        assert_eq!(r.status, 201, "{events}");
        assert_eq!(r.json()["data"]["events"], events);
    }
    let r = app
        .post_json(WEBHOOKS, Some(TEST_TOKEN), &json!({"url": "https://x.com"}))
        .await;
    assert_eq!(
        r.json()["data"]["events"],
        "*",
        "events default to everything"
    );
}

#[tokio::test]
async fn patch_updates_fields_and_delete_cascades() {
    let app = app();
    let (id, _) = subscribe(&app, TEST_TOKEN, "https://a.example/h", "*").await;
    let r = patch(
        &app,
        TEST_TOKEN,
        id,
        json!({"url": "https://b.example/h", "events": "order.shipped", "status": "disabled"}),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json()["data"],
        json!({"id": id, "url": "https://b.example/h", "events": "order.shipped", "status": "disabled"})
    );
    for (body, want) in [
        (json!({"status": "paused"}), "invalid_status"),
        (json!({"url": "nope"}), "invalid_url"),
        (json!({"events": "order.lost"}), "invalid_events"),
        (json!({}), "invalid_request"),
    ] {
        let r = patch(&app, TEST_TOKEN, id, body.clone()).await;
        assert_eq!(
            (r.status.as_u16(), code(&r)),
            (422, want.to_owned()),
            "{body}"
        );
    }
    let r = app
        .request(
            Method::PATCH,
            WEBHOOKS,
            Some(TEST_TOKEN),
            &[],
            Some(b"{}".to_vec()),
        )
        .await;
    assert_eq!(code(&r), "invalid_id");
    assert_eq!(
        patch(&app, TEST_TOKEN, id, json!({"status": "active"}))
            .await
            .json()["data"]["status"],
        "active"
    );

    let r = delete(&app, TEST_TOKEN, id).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["data"], json!({"id": id, "deleted": true}));
    assert_eq!(
        app.get(&format!("{WEBHOOKS}?id={id}"), Some(TEST_TOKEN))
            .await
            .status,
        404
    );
    assert_eq!(delete(&app, TEST_TOKEN, id).await.status, 404);
    assert_eq!(
        app.get(WEBHOOKS, Some(TEST_TOKEN)).await.json()["data"],
        json!([])
    );
}

#[tokio::test]
async fn endpoints_are_invisible_to_other_tokens_and_modes() {
    let app = app();
    let (id, _) = subscribe(&app, TEST_TOKEN, "https://a.example/h", "*").await;
    for other in [OTHER_TEST_TOKEN, LIVE_TOKEN.as_str()] {
        assert_eq!(
            app.get(WEBHOOKS, Some(other)).await.json()["data"],
            json!([])
        );
        let r = app.get(&format!("{WEBHOOKS}?id={id}"), Some(other)).await;
        assert_eq!((r.status.as_u16(), code(&r).as_str()), (404, "not_found"));
        assert_eq!(
            patch(&app, other, id, json!({"status": "disabled"}))
                .await
                .status,
            404
        );
        assert_eq!(delete(&app, other, id).await.status, 404);
    }
    assert_eq!(
        app.get(WEBHOOKS, Some(TEST_TOKEN)).await.json()["data"][0]["status"],
        "active"
    );
    assert_eq!(app.get(WEBHOOKS, None).await.status, 401);
}
