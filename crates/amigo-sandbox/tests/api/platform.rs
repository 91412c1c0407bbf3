//! Platform-wide behaviour on the read endpoints: the three token headers, 401/403/429, unknown
//! paths and wrong methods, all as the JSON error envelope.

use amigo_sandbox::{IpWhitelist, SandboxConfig};
use axum::http::Method;

use crate::helpers::*;

const PRODUCTS: &str = "/api/commerce/products/?limit=1";

fn assert_envelope(r: &Reply, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.headers["content-type"], "application/json");
    let body = r.json();
    assert_eq!(body["success"], false);
    assert_eq!(body["error"], code);
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
}

#[tokio::test]
async fn token_in_each_documented_header() {
    let app = app();
    let bearer = format!("Bearer {TEST_TOKEN}");
    let token = format!("Token {TEST_TOKEN}");
    for headers in [
        vec![("x-api-key", TEST_TOKEN)],
        vec![("authorization", token.as_str())],
        vec![("authorization", bearer.as_str())],
    ] {
        let r = app
            .request(Method::GET, PRODUCTS, None, &headers, None)
            .await;
        assert_eq!(r.status, 200, "{headers:?}");
        assert_eq!(r.json()["success"], true);
    }
    let live = app.get(PRODUCTS, Some(LIVE_TOKEN.as_str())).await;
    assert_eq!(live.status, 200);
}

#[tokio::test]
async fn missing_or_malformed_token_is_401() {
    let app = app();
    for uri in [
        PRODUCTS,
        "/api/commerce/categories/",
        "/api/commerce/curation/",
    ] {
        assert_envelope(&app.get(uri, None).await, 401, "invalid_token");
    }
    // a live-prefixed token made for this run, refused for the space in it
    let live_with_space = format!("amg_live_{} x", std::process::id());
    for headers in [
        // a documented prefix with nothing after it, or with whitespace or a control character
        vec![("x-api-key", "amg_test_")],
        vec![("x-api-key", live_with_space.as_str())],
        vec![("authorization", "Bearer amg_test_")],
        // neither an amg_ token nor a legacy one: too short, or with whitespace inside
        vec![("x-api-key", "sk_test_short")],
        vec![("x-api-key", "legacy token with spaces")],
        vec![("x-api-key", "amg_prod_abcdefghijkl")],
        vec![("authorization", "Basic YWJjOmRlZg==")],
        vec![("authorization", "Bearer")],
        vec![("authorization", "amg_test_abcdefghijkl")],
    ] {
        let r = app
            .request(Method::GET, PRODUCTS, None, &headers, None)
            .await;
        assert_envelope(&r, 401, "invalid_token");
    }
    // the three headers are interchangeable: a malformed X-API-Key falls back to Authorization
    let bearer = format!("Bearer {TEST_TOKEN}");
    let r = app
        .request(
            Method::GET,
            PRODUCTS,
            None,
            &[("x-api-key", "amg_test_"), ("authorization", &bearer)],
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
}

/// The docs fix only the prefixes: a tail with `-` and `_`, or of 100 characters, is a merchant
/// of the mode its prefix says, as the proxy takes it.
#[tokio::test]
async fn any_printable_tail_after_a_documented_prefix_is_a_merchant() {
    let app = app();
    let tail = &amigo_sandbox::random_test_token()["amg_test_".len()..];
    let test = format!("amg_test_{tail}-{tail}_{tail}-{tail}");
    let long = format!("amg_live_{}", &tail.repeat(5)[..100]);
    for token in [&test, &long] {
        let r = app.get(PRODUCTS, Some(token.as_str())).await;
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    }
    // the prefix decides the mode: only the test token may refill its wallet
    for (token, status) in [(&test, 200), (&long, 403)] {
        let r = app
            .request(
                Method::POST,
                "/api/commerce/sandbox/reset-balance/",
                None,
                &[("x-api-key", token.as_str())],
                None,
            )
            .await;
        assert_eq!(r.status, status, "{}", String::from_utf8_lossy(&r.body));
    }
}

/// The docs list live tokens as "`amg_live_…` (or legacy)": a token without the `amg_` prefix is
/// a live merchant, in every header form.
#[tokio::test]
async fn a_legacy_token_is_a_live_merchant() {
    let app = app();
    let legacy = format!(
        "legacy-{}",
        &amigo_sandbox::random_live_token()["amg_live_".len()..]
    );
    let bearer = format!("Bearer {legacy}");
    let token = format!("Token {legacy}");
    for headers in [
        vec![("x-api-key", legacy.as_str())],
        vec![("authorization", bearer.as_str())],
        vec![("authorization", token.as_str())],
    ] {
        let r = app
            .request(Method::GET, PRODUCTS, None, &headers, None)
            .await;
        assert_eq!(r.status, 200, "{headers:?}");
    }
    // live: the test-wallet reset is refused
    let r = app
        .request(
            Method::POST,
            "/api/commerce/sandbox/reset-balance/",
            None,
            &[("x-api-key", legacy.as_str())],
            None,
        )
        .await;
    assert_envelope(&r, 403, "live_token_not_allowed");
}

#[tokio::test]
async fn whitelisted_token_from_elsewhere_is_403() {
    let list = IpWhitelist::parse(&format!("{TEST_TOKEN} 10.1.2.3\n")).unwrap();
    let app = app_with(SandboxConfig {
        ip_whitelist: Some(list),
        ..SandboxConfig::default()
    });
    // In-process requests come from loopback, which isn't on the token's list.
    assert_envelope(
        &app.get(PRODUCTS, Some(TEST_TOKEN)).await,
        403,
        "ip_not_whitelisted",
    );
    assert_eq!(app.get(PRODUCTS, Some(OTHER_TEST_TOKEN)).await.status, 200);
}

#[tokio::test]
async fn over_the_limit_is_429_with_retry_after() {
    let app = app_with(SandboxConfig {
        rate_limit_per_minute: 3,
        ..SandboxConfig::default()
    });
    if app.sandbox.clock().unix().rem_euclid(60) > 55 {
        app.sandbox.advance_clock(10);
    }
    for _ in 0..3 {
        assert_eq!(app.get(PRODUCTS, Some(TEST_TOKEN)).await.status, 200);
    }
    let r = app.get("/api/commerce/categories/", Some(TEST_TOKEN)).await;
    assert_envelope(&r, 429, "rate_limited");
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(r.json()["retry_after"].as_u64(), Some(retry));
    // Per token: another merchant is unaffected, and the next window admits again.
    assert_eq!(app.get(PRODUCTS, Some(OTHER_TEST_TOKEN)).await.status, 200);
    app.sandbox.advance_clock(60);
    assert_eq!(app.get(PRODUCTS, Some(TEST_TOKEN)).await.status, 200);
}

#[tokio::test]
async fn unknown_paths_and_wrong_methods() {
    let app = app();
    for uri in [
        "/api/commerce/nope/",
        "/api/data/nope/",
        "/",
        "/api/commerce/products/extra",
    ] {
        assert_envelope(&app.get(uri, Some(TEST_TOKEN)).await, 404, "not_found");
    }
    for (method, uri, allow) in [
        (Method::POST, "/api/commerce/products/", "GET"),
        (Method::DELETE, "/api/commerce/categories/", "GET"),
        (Method::PUT, "/api/commerce/curation/", "GET"),
        (Method::PATCH, "/api/commerce/locations.php", "GET"),
        (Method::GET, "/api/commerce/delivery/quote/", "POST"),
    ] {
        let r = app
            .request(method.clone(), uri, Some(TEST_TOKEN), &[], None)
            .await;
        assert_envelope(&r, 405, "method_not_allowed");
        assert_eq!(r.headers["allow"], allow, "{method} {uri}");
    }
    // Both spellings of a path work.
    assert_eq!(
        app.get("/api/commerce/products?limit=1", Some(TEST_TOKEN))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_in_the_envelope() {
    let app = app();
    let huge = vec![b' '; 1024 * 1024 + 1];
    for (uri, token) in [
        ("/api/commerce/orders/", Some(TEST_TOKEN)),
        ("/api/commerce/webhooks/", Some(TEST_TOKEN)),
        ("/api/commerce/delivery/quote/", None),
    ] {
        let r = app
            .request(
                Method::POST,
                uri,
                token,
                &[("origin", "https://shop.example")],
                Some(huge.clone()),
            )
            .await;
        assert_envelope(&r, 413, "payload_too_large");
        assert!(
            r.json()["message"].as_str().unwrap().contains("1048576"),
            "{uri}"
        );
        if token.is_none() {
            // the public endpoint's CORS headers survive the rewrite
            assert_eq!(r.headers["access-control-allow-origin"], "*");
        }
    }
    // exactly at the limit is read (and refused for what it says, not for its size)
    let r = app
        .request(
            Method::POST,
            "/api/commerce/orders/",
            Some(TEST_TOKEN),
            &[],
            Some(vec![b' '; 1024 * 1024]),
        )
        .await;
    assert_eq!(r.status, 422, "{}", String::from_utf8_lossy(&r.body));
}
