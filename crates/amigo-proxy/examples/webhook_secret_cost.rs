//! What reading the accepted webhook secrets from the database costs each delivery.
//!
//! `cargo run --release -p amigo-proxy --example webhook_secret_cost [N]` sends N (default 2000)
//! signed deliveries through the router in-process, on a fresh SQLite file: first with the secret
//! only in `AMIGO_WEBHOOK_SECRETS` (the lookup still runs, on an empty table), then with the
//! secret only in the database (as `webhooks register` leaves it) next to a rotated-out one, and
//! prints the mean time per delivery of each and the time of the lookup alone. No network: the deliveries are
//! for an order the proxy does not know, which it stores and acknowledges.

use std::io::Write;
use std::time::Instant;

use amigo_proxy::webhook_endpoints::{self, StoredEndpoint};
use amigo_proxy::{AppState, ProxyConfig};
use axum::body::Body;
use axum::http::Request;
use secrecy::SecretString;
use tower::ServiceExt;

const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

async fn run(state: &AppState, n: u32, tag: &str) -> f64 {
    let router = amigo_proxy::router(state.clone());
    let start = Instant::now();
    for i in 0..n {
        let body = format!(
            r#"{{"event":"order.shipped","livemode":false,"data":{{"reference":"AMG-COM-TEST-{tag}{i}","status":"shipped"}}}}"#
        );
        let ts = time::OffsetDateTime::now_utc().unix_timestamp();
        let req = Request::post("/webhooks/amigo")
            .header("content-type", "application/json")
            .header("x-amigo-delivery", format!("{tag}-{i}"))
            .header("x-amigo-timestamp", ts.to_string())
            .header(
                "x-amigo-signature",
                amigo_types::webhooks::sign(SECRET.as_bytes(), ts, body.as_bytes()),
            )
            .body(Body::from(body))
            .expect("request");
        let resp = router.clone().oneshot(req).await.expect("response");
        assert!(resp.status().is_success(), "{}", resp.status());
    }
    start.elapsed().as_secs_f64() * 1e6 / f64::from(n)
}

#[tokio::main]
async fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);
    let dir = tempfile::tempdir().expect("temp dir");
    let db = |name: &str| format!("sqlite://{}", dir.path().join(name).display());

    let mut config = ProxyConfig::new(
        "http://127.0.0.1:9/api",
        SecretString::from("amg_test_bench0001"),
    );
    config.database_url = db("env.db").into();
    config.webhook_secrets = vec![SecretString::from(SECRET)];
    let from_env = AppState::build(config).await.expect("state");
    let env_us = run(&from_env, n, "env").await;

    let mut config = ProxyConfig::new(
        "http://127.0.0.1:9/api",
        SecretString::from("amg_test_bench0001"),
    );
    config.database_url = db("stored.db").into();
    let stored = AppState::build(config).await.expect("state");
    let now = time::OffsetDateTime::now_utc();
    for (id, secret, retire_at) in [
        (
            1,
            "fedcba9876543210fedcba9876543210",
            Some(now + time::Duration::hours(48)),
        ),
        (2, SECRET, None),
    ] {
        webhook_endpoints::insert(
            stored.store(),
            &StoredEndpoint {
                api_base: "http://127.0.0.1:9/api".into(),
                mode: Some(amigo_types::token::Mode::Test),
                endpoint_id: id,
                url: "http://127.0.0.1:8080/webhooks/amigo".into(),
                secret: SecretString::from(secret),
                created_at: now,
                retire_at,
            },
        )
        .await
        .expect("insert");
    }
    let db_us = run(&stored, n, "db").await;

    let start = Instant::now();
    for _ in 0..n {
        let s = webhook_endpoints::accepted_secrets(
            stored.store(),
            "http://127.0.0.1:9/api",
            amigo_types::token::Mode::Test,
            time::OffsetDateTime::now_utc(),
        )
        .await
        .expect("lookup");
        assert_eq!(s.len(), 2);
    }
    let lookup_us = start.elapsed().as_secs_f64() * 1e6 / f64::from(n);

    let mut out = std::io::stdout();
    let _ = writeln!(out, "deliveries: {n} each");
    let _ = writeln!(
        out,
        "secret in AMIGO_WEBHOOK_SECRETS: {env_us:.0} µs per delivery"
    );
    let _ = writeln!(
        out,
        "secrets in the database (2 rows): {db_us:.0} µs per delivery"
    );
    let _ = writeln!(out, "the lookup alone: {lookup_us:.0} µs");
}
