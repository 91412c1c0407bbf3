//! The binary: configuration errors name their variable on one line; `--sandbox` with
//! `--listen 127.0.0.1:0` prints the real port, writes the info file and stops on SIGTERM.

use std::process::Stdio;

use crate::binary::{proxy, sandbox, serve};

#[test]
fn bad_configuration_stops_startup_with_one_line_naming_the_variable() {
    let live = amigo_sandbox::random_live_token();
    let key = ("AMIGO_API_KEY", live.as_str());
    for (env, var) in [
        (vec![], "AMIGO_API_KEY"),
        (vec![("AMIGO_API_KEY", "sk_live_nope")], "AMIGO_API_KEY"),
        (vec![key, ("AMIGO_API_BASE", "not a url")], "AMIGO_API_BASE"),
        (
            vec![
                key,
                ("AMIGO_ALLOWED_ORIGINS", "https://ok.com,shop.example.com"),
            ],
            "AMIGO_ALLOWED_ORIGINS",
        ),
        (
            vec![key, ("AMIGO_MAX_ORDER_TOTAL", "lots")],
            "AMIGO_MAX_ORDER_TOTAL",
        ),
        (
            vec![key, ("AMIGO_PRICE_MARKUP", "15")],
            "AMIGO_PRICE_MARKUP",
        ),
        (
            vec![key, ("AMIGO_PRICE_MARKUP", "15%+200 round 0")],
            "AMIGO_PRICE_MARKUP",
        ),
        (
            vec![key, ("AMIGO_DATABASE_URL", "mysql://x")],
            "AMIGO_DATABASE_URL",
        ),
        (
            vec![key, ("AMIGO_WEBHOOK_SECRETS", "tiny")],
            "AMIGO_WEBHOOK_SECRETS",
        ),
        (
            vec![key, ("AMIGO_ORDER_DAILY_LIMIT", "0")],
            "AMIGO_ORDER_DAILY_LIMIT",
        ),
        (
            vec![key, ("AMIGO_ORDER_DAILY_LIMIT", "lots")],
            "AMIGO_ORDER_DAILY_LIMIT",
        ),
    ] {
        let out = proxy().envs(env.iter().copied()).output().unwrap();
        assert!(!out.status.success(), "{var}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(var), "{var}: {stderr}");
        assert!(!stderr.contains(&live), "the token was echoed");
    }
}

#[test]
fn paid_modes_without_their_settings_are_refused_at_start_in_one_line() {
    let live = amigo_sandbox::random_live_token();
    for (mode, var) in [
        ("paystack", "AMIGO_PAYSTACK_SECRET_KEY"),
        ("transfer", "AMIGO_TRANSFER_ACCOUNT_NAME"),
    ] {
        let out = proxy()
            .env("AMIGO_API_KEY", &live)
            .env("AMIGO_PAYMENT", mode)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{mode}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with(&format!(
                "amigo-proxy: {var}: required with AMIGO_PAYMENT={mode}"
            )),
            "{stderr}"
        );
        assert!(out.stdout.is_empty(), "it must not start: {:?}", out.stdout);
    }
}

#[test]
fn sandbox_mode_serves_on_a_free_port_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let info = dir.path().join("sandbox.json");
    let mut served = serve(
        sandbox(&info)
            .env(
                "AMIGO_DATABASE_URL",
                format!("sqlite://{}", dir.path().join("p.db").display()),
            )
            .env("RUST_LOG", "debug")
            .current_dir(dir.path())
            .stderr(Stdio::piped()),
    );
    let url = served.url.clone();
    assert!(!url.ends_with(":0"));
    let rest = served.banner(2);
    assert!(
        rest.iter()
            .any(|l| l.contains(&format!("demo store: {url}/"))),
        "{rest:?}"
    );

    let info: serde_json::Value = serde_json::from_slice(&std::fs::read(&info).unwrap()).unwrap();
    let token = info["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("amg_test_"));
    assert_eq!(info["proxy_url"], url.as_str());
    assert_eq!(
        info["api_base"].as_str().unwrap(),
        format!("{}/api", info["sandbox_url"].as_str().unwrap())
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("sandbox.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the info file is private");
    }

    let rt = tokio::runtime::Runtime::new().unwrap();
    let events = rt.block_on(async {
        let health = reqwest::get(format!("{url}/healthz")).await.unwrap();
        assert_eq!(health.status(), 200);
        let cats: serde_json::Value = reqwest::get(format!("{url}/api/catalog/categories"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(cats["success"], true);
        // the proxy's own origin is allowed
        let own = reqwest::Client::new()
            .get(format!("{url}/api/catalog/categories"))
            .header("origin", url.as_str())
            .send()
            .await
            .unwrap();
        assert_eq!(own.status(), 200);
        // a shopper following an order keeps an event stream open across the shutdown
        let reference = place_cheapest_order(&url, "startup-test-1").await;
        let mut events = reqwest::get(format!(
            "{url}/api/orders/{reference}/events?phone=08031234567"
        ))
        .await
        .unwrap();
        assert_eq!(events.status(), 200);
        let first = events.chunk().await.unwrap().unwrap();
        assert!(String::from_utf8_lossy(&first).contains("event: status"));
        events
    });

    let status = served.terminate();
    assert!(status.success(), "{status:?}");
    drop(events);
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut served.child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("shutting down"));
    assert!(!stderr.contains(&token), "the sandbox token was logged");
}

/// Regression: a second `--sandbox` run in the same directory used to reopen the first run's
/// database, whose delivery-id dedupe rows swallowed the new sandbox's webhooks (its ids restart
/// at 1), so tracking never moved. The default sandbox database now starts fresh each run.
#[test]
fn sandbox_mode_starts_with_a_fresh_default_database_each_run() {
    let dir = tempfile::tempdir().unwrap();
    // Starts `--sandbox` in `dir` with the default database, optionally places an order, then
    // asks for `probe` (or the order just placed) and returns the reference and the status.
    let run = |probe: Option<&str>| -> (String, u16) {
        let info = dir.path().join("sandbox.json");
        let _ = std::fs::remove_file(&info);
        let mut served = serve(sandbox(&info).current_dir(dir.path()).stderr(Stdio::null()));
        let url = served.url.clone();
        let rt = tokio::runtime::Runtime::new().unwrap();
        let result = rt.block_on(async {
            let client = reqwest::Client::new();
            let reference = match probe {
                Some(r) => r.to_owned(),
                None => place_cheapest_order(&url, "fresh-db-1").await,
            };
            let status = client
                .get(format!("{url}/api/orders/{reference}?phone=08031234567"))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            (reference, status)
        });
        served.terminate();
        result
    };
    let (reference, status) = run(None);
    assert_eq!(status, 200, "the first run tracks its own order");
    assert!(dir.path().join("amigo-proxy-sandbox.db").exists());
    let (_, status) = run(Some(&reference));
    assert_eq!(status, 404, "the second run starts with an empty database");
}

/// Places one order for the cheapest in-stock product through a running proxy at `url` (phone
/// 08031234567) and returns its reference.
async fn place_cheapest_order(url: &str, idempotency_key: &str) -> String {
    let product: serde_json::Value = reqwest::get(format!(
        "{url}/api/catalog/products?in_stock=true&sort=price_asc&limit=1"
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let order: serde_json::Value = reqwest::Client::new()
        .post(format!("{url}/api/orders"))
        .header("idempotency-key", idempotency_key)
        .json(&crate::helpers::order_body(
            "08031234567",
            product["data"][0]["id"].as_u64().unwrap(),
            1,
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    order["data"]["reference"].as_str().unwrap().to_owned()
}

/// A legacy token (no `amg_` prefix) starts the proxy, and the banner says the proxy will spend
/// the live wallet, without showing the token.
#[test]
fn a_legacy_token_starts_the_proxy_in_live_mode() {
    let dir = tempfile::tempdir().unwrap();
    let token = crate::legacy_token::legacy_token();
    let mut served = serve(
        proxy()
            .args(["--listen", "127.0.0.1:0"])
            .env("AMIGO_API_KEY", &token)
            .env("AMIGO_API_BASE", "http://127.0.0.1:9/api")
            .env(
                "AMIGO_DATABASE_URL",
                format!("sqlite://{}", dir.path().join("p.db").display()),
            )
            .current_dir(dir.path())
            .stderr(Stdio::piped()),
    );
    let banner = served.banner(2);
    let _ = served.child.kill();
    let _ = served.child.wait();
    assert!(!served.url.contains(&token), "the token was printed");
    assert!(
        banner
            .iter()
            .any(|l| l.trim() == "token: live (legacy token)"),
        "{banner:?}"
    );
    assert!(!banner.join("\n").contains(&token), "the token was printed");
}
