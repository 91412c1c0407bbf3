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
    // the sandbox's own plans, read from its state (its flat JSON list is an invention, off in
    // `--docs-only` mode)
    assert_eq!(
        first.json()["data"],
        serde_json::to_value(app.sandbox_plans(amigo_types::data::Network::Glo)).unwrap()
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
        app.upstream
            .controls
            .count(&Method::GET, "/api/plans_catalog.php"),
        1,
        "one proxy call (to the documented catalog); the bad query never went upstream"
    );
    assert_eq!(
        app.upstream.controls.count(&Method::GET, "/api/data/plans"),
        0,
        "never the sandbox's invented path"
    );
}

/// A cached read answered from the kept, ready-made answer: the same headers and bytes the
/// full stack gives, per origin, in the coding asked for, and gone when the entry expires.
#[tokio::test]
async fn cached_reads_are_replayed_ready_made_with_the_full_stacks_headers() {
    use axum::body::Body;
    use std::io::Read;

    use crate::helpers::{SHOP_ORIGIN, request};

    let app = spawn_app().await;
    app.upstream.controls.cache_control(Some("max-age=2"));
    let get = |origin: Option<&'static str>, accept: Option<&'static str>| {
        let mut b = request(Method::GET, "/api/catalog/products?limit=12&sort=new");
        if let Some(o) = origin {
            b = b.header("origin", o);
        }
        if let Some(a) = accept {
            b = b.header("accept-encoding", a);
        }
        app.call(b.body(Body::empty()).unwrap())
    };
    let miss = get(None, None).await;
    assert_eq!(miss.header("x-cache"), Some("MISS"));
    // the full stack's answer, then the kept one: the same headers but those made per answer
    assert_eq!(app.state.ready_answers().len(), 1);
    let ready = get(None, None).await;
    assert_eq!(ready.header("x-cache"), Some("HIT"));
    assert_eq!(ready.body, miss.body);
    let per_answer = [
        "x-cache",
        "x-request-id",
        "cache-control",
        "content-length",
        "date",
    ];
    let strip = |r: &crate::helpers::TestResponse| {
        let mut h: Vec<(String, String)> = r
            .headers
            .iter()
            .filter(|(k, _)| !per_answer.contains(&k.as_str()))
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_owned()))
            .collect();
        h.sort();
        h
    };
    assert_eq!(strip(&ready), strip(&miss));
    assert!(strip(&ready).contains(&("x-content-type-options".to_owned(), "nosniff".to_owned())));
    assert!(
        ready
            .header("cache-control")
            .unwrap()
            .starts_with("public, max-age=")
    );
    let ids = [miss.header("x-request-id"), ready.header("x-request-id")];
    assert!(
        ids[0].is_some() && ids[1].is_some() && ids[0] != ids[1],
        "{ids:?}"
    );

    // an allowed origin gets its own answer, with its CORS headers; a foreign one is refused
    // even though an answer for this target is kept
    let shop = get(Some(SHOP_ORIGIN), None).await;
    let shop_again = get(Some(SHOP_ORIGIN), None).await;
    assert_eq!(shop_again.header("x-cache"), Some("HIT"));
    for r in [&shop, &shop_again] {
        assert_eq!(r.header("access-control-allow-origin"), Some(SHOP_ORIGIN));
    }
    assert_eq!(ready.header("access-control-allow-origin"), None);
    let foreign = get(Some("https://evil.example"), None).await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    assert_eq!(foreign.json()["error"], "origin_not_allowed");

    // Brotli and gzip, from the slow path and the kept answer alike, decode to the same bytes
    for accept in ["gzip, deflate, br", "br", "gzip"] {
        for _ in 0..2 {
            let r = get(Some(SHOP_ORIGIN), Some(accept)).await;
            let mut plain = Vec::new();
            match r.header("content-encoding") {
                Some("br") => {
                    assert!(accept.contains("br"));
                    brotli::Decompressor::new(&r.body[..], 4096)
                        .read_to_end(&mut plain)
                        .unwrap();
                }
                Some("gzip") => {
                    assert_eq!(accept, "gzip");
                    flate2::read::GzDecoder::new(&r.body[..])
                        .read_to_end(&mut plain)
                        .unwrap();
                }
                other => panic!("{accept}: content-encoding {other:?}"),
            }
            assert_eq!(plain, miss.body, "{accept}");
            assert!(r.body.len() < miss.body.len() / 3);
            assert!(r.header("vary").is_some());
            assert!(
                r.headers
                    .get_all("vary")
                    .iter()
                    .any(|v| v.to_str().unwrap().contains("accept-encoding"))
            );
        }
    }

    // one upstream call so far; after expiry the next read goes through the stack again
    assert_eq!(
        app.upstream
            .controls
            .count(&Method::GET, "/api/commerce/products"),
        1
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(get(None, None).await.header("x-cache"), Some("MISS"));
    assert_eq!(get(None, None).await.header("x-cache"), Some("HIT"));
    assert_eq!(
        app.upstream
            .controls
            .count(&Method::GET, "/api/commerce/products"),
        2
    );
}

/// Answers that must not be replayed are not kept: errors, and stale copies served while
/// upstream is down.
#[tokio::test]
async fn errors_and_stale_copies_are_never_replayed() {
    let app = spawn_app().await;
    let bad = app.get("/api/catalog/products?limit=0").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.get("/api/catalog/products?limit=0").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    app.upstream.controls.cache_control(Some("max-age=1"));
    app.get("/api/catalog/categories").await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    app.upstream
        .controls
        .fail(Some(("/api/commerce/", StatusCode::SERVICE_UNAVAILABLE)));
    for _ in 0..2 {
        let r = app.get("/api/catalog/categories").await;
        assert_eq!(r.header("x-cache"), Some("STALE"));
        assert_eq!(r.header("cache-control"), Some("no-store"));
    }
    // only the fresh read of the categories was ever kept, and it has expired
    assert_eq!(app.state.ready_answers().len(), 1);
    assert_eq!(app.state.ready_answers().fresh(), 0);
}

/// Catalog reads carry a weak `ETag` shared by every coding of the same bytes, and a client
/// holding it gets `304` with no body, from the full stack and the ready-made path alike.
#[tokio::test]
async fn revalidation_with_the_etag_gets_304_on_both_paths() {
    use axum::body::Body;

    use crate::helpers::{SHOP_ORIGIN, request};

    let app = spawn_app().await;
    let get = |origin: Option<&'static str>, accept: &'static str, tag: Option<String>| {
        let mut b =
            request(Method::GET, "/api/catalog/categories").header("accept-encoding", accept);
        if let Some(o) = origin {
            b = b.header("origin", o);
        }
        if let Some(t) = tag {
            b = b.header("if-none-match", t);
        }
        app.call(b.body(Body::empty()).unwrap())
    };
    let first = get(None, "identity", None).await;
    let tag = first.header("etag").unwrap().to_owned();
    assert!(tag.starts_with("W/\"") && tag.len() == 2 + 2 + 32, "{tag}");
    // the same tag for the Brotli form of the same bytes, kept answer or not
    let br = get(None, "br", None).await;
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(br.header("etag"), Some(tag.as_str()));

    // ready-made path (an answer for no Origin is kept)
    assert!(!app.state.ready_answers().is_empty());
    let ready_304 = get(None, "br", Some(tag.clone())).await;
    assert_eq!(ready_304.status, StatusCode::NOT_MODIFIED);
    assert!(ready_304.body.is_empty());
    assert_eq!(ready_304.header("etag"), Some(tag.as_str()));
    assert_eq!(ready_304.header("x-cache"), Some("HIT"));
    assert!(
        ready_304
            .header("cache-control")
            .unwrap()
            .starts_with("public, max-age=")
    );
    assert_eq!(ready_304.header("content-encoding"), None);

    // full-stack path: the first read from this origin, with the tag among others, strong form
    let strong = tag.trim_start_matches("W/").to_owned();
    let stack_304 = get(Some(SHOP_ORIGIN), "br", Some(format!("\"nope\", {strong}"))).await;
    assert_eq!(stack_304.status, StatusCode::NOT_MODIFIED);
    assert!(stack_304.body.is_empty());
    assert_eq!(
        stack_304.header("access-control-allow-origin"),
        Some(SHOP_ORIGIN)
    );
    assert_eq!(stack_304.header("content-encoding"), None);

    // another tag: the whole body, both paths
    for origin in [None, Some(SHOP_ORIGIN)] {
        let other = get(origin, "identity", Some("W/\"0123\"".to_owned())).await;
        assert_eq!(other.status, StatusCode::OK);
        assert_eq!(other.body, first.body);
    }
    // one upstream call for all of it
    assert_eq!(
        app.upstream
            .controls
            .count(&Method::GET, "/api/commerce/categories"),
        1
    );
}
