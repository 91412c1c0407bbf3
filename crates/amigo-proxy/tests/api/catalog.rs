//! Catalog forwarding: validation before any upstream call, canonical forwarding, unchanged
//! bodies, the cache (lifetime, single flight, stale on error) and upstream failures.

use std::time::Duration;

use axum::http::{Method, StatusCode};

use crate::helpers::{Options, spawn_app, spawn_app_with};

#[tokio::test]
async fn categories_are_amigos_body_unchanged_then_cached() {
    let app = spawn_app().await;
    let first = app.get("/api/catalog/categories").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.header("x-cache"), Some("MISS"));
    assert_eq!(first.header("content-type"), Some("application/json"));
    assert_eq!(
        first.json(),
        app.upstream_get("/commerce/categories/").await
    );
    assert_eq!(first.json()["data"].as_array().unwrap().len(), 14);
    let second = app.get("/api/catalog/categories").await;
    assert_eq!(second.header("x-cache"), Some("HIT"));
    assert_eq!(second.body, first.body);
    assert!(
        second
            .header("cache-control")
            .unwrap()
            .starts_with("public, max-age=")
    );
    // the sandbox saw one call from the proxy (plus the test's own direct one)
    assert_eq!(
        app.upstream
            .controls
            .count(&Method::GET, "/api/commerce/categories"),
        2
    );
}

#[tokio::test]
async fn products_are_validated_before_any_upstream_call() {
    let app = spawn_app().await;
    for (query, code, field) in [
        ("limit=0", "invalid_limit", "limit"),
        ("brand=tecno", "invalid_brand", "brand"),
        ("sort=cheapest", "invalid_sort", "sort"),
        ("in_stock=maybe", "invalid_in_stock", "in_stock"),
        ("id=abc", "invalid_id", "id"),
        ("slug=a%20b", "invalid_slug", "slug"),
        ("category=%3Cscript%3E", "invalid_category", "category"),
    ] {
        let r = app.get(&format!("/api/catalog/products?{query}")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        let j = r.json();
        assert_eq!(j["success"], false);
        assert_eq!(j["error"], code, "{query}");
        assert_eq!(j["field"], field, "{query}");
    }
    let r = app.get("/api/catalog/curation?type=no%20spaces").await;
    assert_eq!(r.json()["error"], "invalid_type");
    assert_eq!(
        app.upstream.controls.count(&Method::GET, "/api/commerce/"),
        0
    );
}

#[tokio::test]
async fn products_are_canonicalised_so_equivalent_queries_share_one_entry() {
    let app = spawn_app().await;
    let a = app
        .get("/api/catalog/products?limit=5&utm_source=ad&category=Power-Banks&in_stock=1")
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.header("x-cache"), Some("MISS"));
    let b = app
        .get("/api/catalog/products?in_stock=true&category=power-banks&limit=5&sort=new")
        .await;
    assert_eq!(b.header("x-cache"), Some("HIT"));
    assert_eq!(
        app.upstream
            .controls
            .count(&Method::GET, "/api/commerce/products"),
        1
    );
    let direct = app
        .upstream_get("/commerce/products/?category=power-banks&in_stock=true&limit=5")
        .await;
    assert_eq!(a.json(), direct);
    assert_eq!(direct["data"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn one_product_by_id_or_slug_and_unknown_is_404() {
    let app = spawn_app().await;
    let (id, price) = app.product(false).await;
    let by_id = app
        .get(&format!("/api/catalog/products?id={id}"))
        .await
        .json();
    assert_eq!(by_id["data"]["id"], id);
    assert_eq!(by_id["data"]["price"]["amount"], price);
    let slug = by_id["data"]["slug"].as_str().unwrap().to_owned();
    let by_slug = app.get(&format!("/api/catalog/products?slug={slug}")).await;
    assert_eq!(by_slug.json()["data"]["id"], id);
    let missing = app.get("/api/catalog/products?id=999999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()["error"], "not_found");
}

#[tokio::test]
async fn curation_discover_fetch_and_unknown_list() {
    let app = spawn_app().await;
    let lists = app.get("/api/catalog/curation").await;
    assert_eq!(lists.status, StatusCode::OK);
    assert_eq!(lists.json(), app.upstream_get("/commerce/curation/").await);
    let featured = app.get("/api/catalog/curation?slug=featured&limit=3").await;
    assert_eq!(featured.status, StatusCode::OK);
    assert_eq!(
        featured.json(),
        app.upstream_get("/commerce/curation/?type=featured&limit=3")
            .await
    );
    assert_eq!(
        featured.json()["data"]["products"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let unknown = app.get("/api/catalog/curation?type=nope").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.json()["error"], "list_not_found");
}

#[tokio::test]
async fn concurrent_identical_misses_make_one_upstream_call() {
    let app = spawn_app().await;
    app.upstream
        .controls
        .delay(Some(("/api/commerce/products", Duration::from_millis(200))));
    let mut tasks = Vec::new();
    for _ in 0..120 {
        let router = app.router.clone();
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let req = crate::helpers::request(
                Method::GET,
                "/api/catalog/products?category=earbuds&limit=10",
            )
            .body(axum::body::Body::empty())
            .unwrap();
            let resp = router.oneshot(req).await.unwrap();
            let status = resp.status();
            let body = http_body_util::BodyExt::collect(resp.into_body())
                .await
                .unwrap()
                .to_bytes();
            (status, body)
        }));
    }
    let mut bodies = Vec::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        assert_eq!(status, StatusCode::OK);
        bodies.push(body);
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(
        app.upstream
            .controls
            .count(&Method::GET, "/api/commerce/products"),
        1
    );
}

#[tokio::test]
async fn cache_honours_upstream_lifetime_and_no_store() {
    let app = spawn_app().await;
    app.upstream
        .controls
        .cache_control(Some("private, max-age=1"));
    assert_eq!(
        app.get("/api/catalog/categories").await.header("x-cache"),
        Some("MISS")
    );
    assert_eq!(
        app.get("/api/catalog/categories").await.header("x-cache"),
        Some("HIT")
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        app.get("/api/catalog/categories").await.header("x-cache"),
        Some("MISS")
    );
    assert_eq!(
        app.upstream
            .controls
            .count(&Method::GET, "/api/commerce/categories"),
        2
    );

    app.upstream.controls.cache_control(Some("no-store"));
    for _ in 0..3 {
        let r = app.get("/api/catalog/curation").await;
        assert_eq!(r.header("x-cache"), Some("BYPASS"));
        assert_eq!(r.header("cache-control"), Some("no-store"));
    }
    assert_eq!(
        app.upstream
            .controls
            .count(&Method::GET, "/api/commerce/curation"),
        3
    );
}

#[tokio::test]
async fn upstream_failure_serves_the_stale_copy_or_a_retryable_502() {
    let app = spawn_app().await;
    app.upstream.controls.cache_control(Some("max-age=1"));
    let fresh = app.get("/api/catalog/categories").await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    app.upstream
        .controls
        .fail(Some(("/api/commerce/", StatusCode::SERVICE_UNAVAILABLE)));
    let stale = app.get("/api/catalog/categories").await;
    assert_eq!(stale.status, StatusCode::OK);
    assert_eq!(stale.header("x-cache"), Some("STALE"));
    assert_eq!(stale.body, fresh.body);

    let nothing_cached = app.get("/api/catalog/curation?type=deals").await;
    assert_eq!(nothing_cached.status, StatusCode::BAD_GATEWAY);
    let j = nothing_cached.json();
    assert_eq!(j["error"], "upstream_error");
    assert_eq!(j["retryable"], true);

    app.upstream.controls.fail(None);
    let healed = app.get("/api/catalog/categories").await;
    assert_eq!(healed.header("x-cache"), Some("MISS"));
}

#[tokio::test]
async fn upstream_timeout_is_a_retryable_504() {
    let app = spawn_app_with(Options {
        timeout: Duration::from_millis(300),
        ..Options::default()
    })
    .await;
    app.upstream
        .controls
        .delay(Some(("/api/commerce/categories", Duration::from_secs(2))));
    let started = std::time::Instant::now();
    let r = app.get("/api/catalog/categories").await;
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert_eq!(r.status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(r.json()["error"], "upstream_timeout");
    assert_eq!(r.json()["retryable"], true);
}

#[tokio::test]
async fn upstream_refusing_the_token_is_a_502_that_names_no_token() {
    let app = spawn_app().await;
    app.upstream
        .controls
        .fail(Some(("/api/commerce/categories", StatusCode::UNAUTHORIZED)));
    let r = app.get("/api/catalog/categories").await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY);
    assert_eq!(r.json()["retryable"], false);
    assert!(!r.everything().contains(&app.token));
}

#[tokio::test]
async fn data_plans_come_from_the_cache_with_efficiency() {
    let app = spawn_app().await;
    let first = app.get("/api/data/plans?network=2").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.header("x-cache"), Some("MISS"));
    assert_eq!(
        first.json(),
        app.upstream_get("/data/plans/?network=2").await
    );
    let plans = first.json()["data"].as_array().unwrap().clone();
    assert!(!plans.is_empty());
    assert!(plans.iter().all(|p| p["network"] == 2
        && p["efficiency"].is_u64()
        && p["efficiency_rating"].is_string()));
    // A padded spelling of the same query is the same cache entry.
    let second = app.get("/api/data/plans?network=%202").await;
    assert_eq!(second.header("x-cache"), Some("HIT"));
    assert_eq!(second.body, first.body);
    let bad = app.get("/api/data/plans?network=5").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["error"], "invalid_network");
    assert_eq!(
        app.upstream.controls.count(&Method::GET, "/api/data/plans"),
        2,
        "one proxy call plus the test's own; the bad query never went upstream"
    );
}
