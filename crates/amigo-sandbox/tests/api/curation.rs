//! `GET curation/`: discovery, token-seeded fetches, caching headers, schedule windows and the
//! documented errors.

use amigo_types::delivery::LineItem;
use axum::http::Method;
use serde_json::Value;

use crate::catalog::assert_product_shape;
use crate::helpers::*;

const CURATION: &str = "/api/commerce/curation/";

fn ids(body: &Value) -> Vec<u64> {
    body["data"]["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn discover_lists_the_documented_four_and_active_custom_ones() {
    let app = app();
    let r = app.get(CURATION, Some(TEST_TOKEN)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers["cache-control"], "private, max-age=60");
    assert_eq!(r.headers["vary"], "X-API-Key");
    let body = r.json();
    assert_eq!(body["success"], true);
    let lists = body["data"].as_array().unwrap();
    let expected = [
        ("featured", "Featured", "manual", "Admin-picked highlights."),
        ("new", "New arrivals", "new", "Recently added products."),
        (
            "bestsellers",
            "Bestsellers",
            "bestseller",
            "Top sellers, last 90 days.",
        ),
        ("deals", "Deals", "deals", "Products with market discount."),
    ];
    for (slug, name, source, description) in expected {
        let l = lists
            .iter()
            .find(|l| l["slug"] == slug)
            .unwrap_or_else(|| panic!("{slug}"));
        assert_eq!(l["name"], name);
        assert_eq!(l["source_type"], source);
        assert_eq!(l["description"], description);
        assert_eq!(l["default_limit"], 8);
        assert_eq!(l["pool_size"], 50);
        let n = l["product_count"].as_u64().unwrap();
        assert!(n > 0 && n <= 50, "{slug}: {n}");
    }
    let slugs: Vec<&str> = lists.iter().map(|l| l["slug"].as_str().unwrap()).collect();
    assert!(
        slugs.contains(&"black-friday-picks"),
        "the running custom list is listed"
    );
    for hidden in ["easter-specials", "clearance-2025", "christmas-gifts"] {
        assert!(!slugs.contains(&hidden), "{hidden} is not active");
    }
}

#[tokio::test]
async fn documented_fetch_example() {
    let app = app();
    let r = app
        .get(
            &format!("{CURATION}?type=featured&limit=8"),
            Some(TEST_TOKEN),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers["cache-control"], "private, max-age=60");
    assert_eq!(r.headers["vary"], "X-API-Key");
    let body = r.json();
    let list = &body["data"]["list"];
    assert_eq!(list["slug"], "featured");
    assert_eq!(list["name"], "Featured");
    assert_eq!(list["source_type"], "manual");
    assert_eq!(list["default_limit"], 8);
    assert_eq!(list["pool_size"], 50);
    assert!(
        list.get("product_count").is_none(),
        "fetch's list has no count"
    );
    let products = body["data"]["products"].as_array().unwrap();
    assert_eq!(products.len(), 8);
    for p in products {
        assert_product_shape(p);
        assert_eq!(p["stock"]["in_stock"], true);
    }
}

#[tokio::test]
async fn order_is_stable_per_token_and_differs_across_tokens() {
    let app = app();
    let uri = format!("{CURATION}?type=new&limit=20");
    let a1 = ids(&app.get(&uri, Some(TEST_TOKEN)).await.json());
    let a2 = ids(&app.get(&uri, Some(TEST_TOKEN)).await.json());
    let b = ids(&app.get(&uri, Some(OTHER_TEST_TOKEN)).await.json());
    assert_eq!(a1, a2);
    assert_ne!(a1, b);
    // `slug=` is an alias of `type=`.
    let alias = ids(&app
        .get(&format!("{CURATION}?slug=new&limit=20"), Some(TEST_TOKEN))
        .await
        .json());
    assert_eq!(alias, a1);
    // A cache-buster parameter is ignored.
    let busted = ids(&app
        .get(&format!("{uri}&_=123"), Some(TEST_TOKEN))
        .await
        .json());
    assert_eq!(busted, a1);
}

#[tokio::test]
async fn limit_defaults_and_is_capped_at_pool_size() {
    let app = app();
    let default = app
        .get(&format!("{CURATION}?type=deals"), Some(TEST_TOKEN))
        .await
        .json();
    assert_eq!(ids(&default).len(), 8);
    let big = app
        .get(
            &format!("{CURATION}?type=deals&limit=500"),
            Some(TEST_TOKEN),
        )
        .await
        .json();
    assert_eq!(ids(&big).len(), 50);
    for p in big["data"]["products"].as_array().unwrap() {
        assert!(!p["price"]["market"].is_null(), "deals are discounted");
        assert_eq!(p["stock"]["in_stock"], true);
    }
    // "capped server-side at the list's pool_size": a limit above it (even a huge one) is
    // capped, not refused
    for limit in ["51", "1001", "99999999999999999999"] {
        let capped = app
            .get(
                &format!("{CURATION}?type=deals&limit={limit}"),
                Some(TEST_TOKEN),
            )
            .await;
        assert_eq!(capped.status, 200, "limit={limit}");
        assert_eq!(ids(&capped.json()), ids(&big), "limit={limit}");
    }
    let r = app
        .get(&format!("{CURATION}?type=deals&limit=0"), Some(TEST_TOKEN))
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["error"], "invalid_limit");
}

#[tokio::test]
async fn unknown_expired_archived_and_future_lists_are_404() {
    let app = app();
    for slug in [
        "nope",
        "easter-specials",
        "clearance-2025",
        "christmas-gifts",
    ] {
        let r = app
            .get(&format!("{CURATION}?type={slug}"), Some(TEST_TOKEN))
            .await;
        assert_eq!(r.status, 404, "{slug}");
        assert_eq!(r.json()["error"], "list_not_found");
        assert_eq!(r.json()["success"], false);
    }
    let r = app
        .get(&format!("{CURATION}?type=bad%20slug"), Some(TEST_TOKEN))
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["error"], "invalid_type");
}

#[tokio::test]
async fn windows_follow_the_sandbox_clock() {
    let app = app();
    let running = format!("{CURATION}?type=black-friday-picks");
    let upcoming = format!("{CURATION}?type=christmas-gifts");
    assert_eq!(app.get(&running, Some(TEST_TOKEN)).await.status, 200);
    app.sandbox.advance_clock(21 * 86_400);
    assert_eq!(app.get(&upcoming, Some(TEST_TOKEN)).await.status, 200);
    app.sandbox.advance_clock(8 * 86_400);
    let r = app.get(&running, Some(TEST_TOKEN)).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"], "list_not_found");
}

#[tokio::test]
async fn empty_pool_is_200_with_no_products() {
    let app = app();
    let list = app
        .sandbox
        .state()
        .curation
        .all()
        .iter()
        .find(|l| l.info.slug == "black-friday-picks")
        .unwrap()
        .clone();
    let catalog = &app.sandbox.state().catalog;
    let drain: Vec<LineItem> = list
        .candidates
        .iter()
        .filter_map(|&id| {
            let n = catalog.live_count(id).unwrap();
            (n > 0).then_some(LineItem {
                product_id: id,
                quantity: n,
            })
        })
        .collect();
    catalog.reserve_live(&drain).unwrap();
    let r = app
        .get(
            &format!("{CURATION}?type=black-friday-picks"),
            Some(TEST_TOKEN),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["data"]["products"], serde_json::json!([]));
    let discover = app.get(CURATION, Some(TEST_TOKEN)).await.json();
    let entry = discover["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["slug"] == "black-friday-picks")
        .unwrap()
        .clone();
    assert_eq!(entry["product_count"], 0);
}

#[tokio::test]
async fn documented_errors() {
    let app = app();
    let r = app.get(CURATION, None).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"], "invalid_token");
    let r = app
        .request(Method::POST, CURATION, Some(TEST_TOKEN), &[], None)
        .await;
    assert_eq!(r.status, 405);
    assert_eq!(r.json()["error"], "method_not_allowed");
    assert_eq!(r.headers["allow"], "GET");
}
