//! `GET /api/first-view` and the demo page's first view: rendered from the catalog cache (no
//! upstream call of its own), at the merchant's retail prices, with the cache's validators, and
//! every parameter checked.

use amigo_types::pricing::PriceRule;
use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{Options, TestApp, request, spawn_app, spawn_app_with};

fn html(r: &crate::helpers::TestResponse) -> String {
    String::from_utf8(r.body.to_vec()).unwrap()
}

/// The grid's first page as the widget asks for it, through the proxy.
async fn first_page(app: &TestApp) -> Value {
    app.get("/api/catalog/products?sort=new&limit=12&offset=0")
        .await
        .json()
}

#[tokio::test]
async fn the_first_view_shows_the_first_page_lists_and_categories_from_the_cache() {
    let app = spawn_app().await;
    let r = app.get("/api/first-view").await;
    assert_eq!(r.status, StatusCode::OK, "{}", html(&r));
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    let page = html(&r);
    assert!(page.starts_with("<style data-first-view-style>"), "{page}");
    assert!(page.contains("data-first-view"), "{page}");
    // every product of the grid's first page, with its price as text and its link
    let products = first_page(&app).await;
    for p in products["data"].as_array().unwrap() {
        let slug = p["slug"].as_str().unwrap();
        assert!(page.contains(&format!("href=\"#/p/{slug}\"")), "{slug}");
        assert!(page.contains(p["price"]["display"].as_str().unwrap()));
    }
    let total = products["pagination"]["total"].as_u64().unwrap();
    assert!(page.contains(&format!("Showing 12 of {total} products")));
    // every category chip with its count, and a carousel per list that holds products
    let categories = app.get("/api/catalog/categories").await.json();
    for c in categories["data"].as_array().unwrap() {
        assert!(page.contains(&format!("href=\"#/c/{}\"", c["slug"].as_str().unwrap())));
    }
    let lists = app.get("/api/catalog/curation").await.json();
    for l in lists["data"].as_array().unwrap() {
        let id = format!("amigo-list-{}", l["slug"].as_str().unwrap());
        assert_eq!(
            page.contains(&id),
            l["product_count"].as_u64().unwrap() > 0,
            "{id}"
        );
    }
    // the store's data link only when the store sells data
    assert!(!page.contains("Buy data"));
    let with_data = html(&app.get("/api/first-view?features=data").await);
    assert!(with_data.contains("Buy data"));
}

#[tokio::test]
async fn the_first_view_costs_no_upstream_call_beyond_the_catalog_cache() {
    let app = spawn_app().await;
    let upstream = |app: &TestApp| app.upstream.controls.count(&Method::GET, "/api/commerce/");
    assert_eq!(app.get("/api/first-view").await.status, StatusCode::OK);
    let first = upstream(&app);
    assert!(
        first > 3,
        "categories, a page, the lists and each list: {first}"
    );
    // the same bodies serve the widget's own reads and every later first view
    for uri in [
        "/api/first-view",
        "/api/first-view?form=shadow",
        "/api/first-view?features=data",
        "/api/catalog/categories",
        "/api/catalog/products?sort=new&limit=12&offset=0",
        "/api/catalog/curation",
    ] {
        assert_eq!(app.get(uri).await.status, StatusCode::OK, "{uri}");
    }
    assert_eq!(upstream(&app), first);
}

#[tokio::test]
async fn the_first_view_revalidates_with_its_etag() {
    let app = spawn_app().await;
    let r = app.get("/api/first-view").await;
    let etag = r.header("etag").unwrap().to_owned();
    assert!(etag.starts_with("W/\""), "{etag}");
    let max_age = r.header("cache-control").unwrap();
    assert!(max_age.starts_with("public, max-age="), "{max_age}");
    let again = app
        .call(
            request(Method::GET, "/api/first-view")
                .header("if-none-match", &etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    // another form is another representation
    let shadow = app.get("/api/first-view?form=shadow").await;
    assert_ne!(shadow.header("etag"), Some(etag.as_str()));
    // compressed when the browser takes it
    let br = app
        .call(
            request(Method::GET, "/api/first-view")
                .header("accept-encoding", "br")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert!(
        br.body.len() * 4 < r.body.len(),
        "{} of {}",
        br.body.len(),
        r.body.len()
    );
}

#[tokio::test]
async fn the_declarative_form_is_a_shadow_root_template_with_the_stylesheet() {
    let app = spawn_app().await;
    let page = html(&app.get("/api/first-view?form=shadow&features=data").await);
    assert!(
        page.starts_with("<template shadowrootmode=\"open\"><style data-first-view-style>"),
        "{page}"
    );
    assert!(page.ends_with("</template>"));
    assert!(page.contains("Buy data"));
}

#[tokio::test]
async fn the_first_view_is_at_the_merchants_retail_prices() {
    let app = spawn_app_with(Options {
        price_rule: PriceRule::parse("15%+100 round 50").unwrap(),
        ..Options::default()
    })
    .await;
    let page = html(&app.get("/api/first-view").await);
    let retail = first_page(&app).await;
    let upstream = app
        .upstream_get("/commerce/products/?sort=new&limit=12&offset=0")
        .await;
    let mut differs = 0;
    for (shown, cost) in retail["data"]
        .as_array()
        .unwrap()
        .iter()
        .zip(upstream["data"].as_array().unwrap())
    {
        // the price on this product's own card, the first after its link
        let link = format!("href=\"#/p/{}\"", shown["slug"].as_str().unwrap());
        let card = &page[page.find(&link).unwrap()..];
        let now = &card[card.find("<span class=\"now\">").unwrap() + 18..];
        let now = &now[..now.find('<').unwrap()];
        assert_eq!(now, shown["price"]["display"].as_str().unwrap());
        if shown["price"]["amount"] != cost["price"]["amount"] {
            differs += 1;
            assert_ne!(now, cost["price"]["display"].as_str().unwrap());
        }
    }
    assert!(differs > 0);
}

#[tokio::test]
async fn the_first_view_speaks_the_stores_language() {
    let app = spawn_app().await;
    let total = first_page(&app).await["pagination"]["total"]
        .as_u64()
        .unwrap();
    let whole = html(&app.get("/api/first-view?lang=pcm&features=data").await);
    // the markup after the stylesheet (whose comments are English)
    let pcm = whole.split_once("</style>").map_or("", |(_, m)| m);
    assert!(
        pcm.contains(&format!("We dey show 12 out of {total} goods")),
        "{pcm}"
    );
    assert!(pcm.contains("Add am to cart"), "{pcm}");
    assert!(pcm.contains("data-adding=\"E dey add am…\""), "{pcm}");
    for english in ["Add to cart", "Showing 12", "Search products", "Sort by"] {
        assert!(!pcm.contains(english), "{english} in {pcm}");
    }
    // English is the default, and a render of one language is never served for the other
    let en = html(&app.get("/api/first-view?lang=en&features=data").await);
    assert!(en.contains("Add to cart") && !en.contains("Add am to cart"));
    assert_eq!(en, html(&app.get("/api/first-view?features=data").await));
}

#[tokio::test]
async fn bad_parameters_are_refused_in_the_envelope() {
    let app = spawn_app().await;
    for (uri, code, field) in [
        ("/api/first-view?form=page", "invalid_form", "form"),
        (
            "/api/first-view?features=dat",
            "invalid_features",
            "features",
        ),
        ("/api/first-view?size=1", "invalid_query", "query"),
        ("/api/first-view?lang=fr", "invalid_lang", "lang"),
        (
            "/api/first-view?features=%FF",
            "invalid_features",
            "features",
        ),
        ("/api/first-view?%FF=1", "invalid_query", "query"),
    ] {
        let r = app.get(uri).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}");
        let body = r.json();
        assert_eq!(body["success"], false, "{uri}");
        assert_eq!(body["error"], code, "{uri}: {body}");
        assert_eq!(body["field"], field, "{uri}: {body}");
    }
}

#[tokio::test]
async fn without_the_catalog_there_is_no_first_view_and_the_error_says_so() {
    let app = spawn_app().await;
    app.upstream
        .controls
        .fail(Some(("/api/commerce/products/", StatusCode::BAD_GATEWAY)));
    let r = app.get("/api/first-view").await;
    assert!(r.status.is_server_error(), "{}", r.status);
    assert_eq!(r.json()["success"], false);
}

async fn demo_app() -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<html><body><div id=\"amigo-store\"><!--{{AMIGO_FIRST_VIEW}}--></div></body></html>",
    )
    .unwrap();
    let app = spawn_app_with(Options {
        widget_dir: Some(dir.path().to_path_buf()),
        ..Options::default()
    })
    .await;
    (app, dir)
}

#[tokio::test]
async fn the_demo_page_carries_the_first_view_inside_the_store_element() {
    let (app, _dir) = demo_app().await;
    let page = html(&app.get("/").await);
    assert!(
        page.contains("<div id=\"amigo-store\"><template shadowrootmode=\"open\">"),
        "{page}"
    );
    assert!(page.contains("Buy data"), "the test proxy sells data");
    assert!(!page.contains("{{"));
}

#[tokio::test]
async fn without_the_catalog_the_demo_page_comes_without_a_first_view() {
    let (app, _dir) = demo_app().await;
    app.upstream
        .controls
        .fail(Some(("/api/commerce/", StatusCode::BAD_GATEWAY)));
    let r = app.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    let page = html(&r);
    assert!(page.contains("<div id=\"amigo-store\"></div>"), "{page}");
}
