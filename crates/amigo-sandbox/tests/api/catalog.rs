//! `GET products/`, `GET categories/` and the generated product images: the documented
//! examples, every filter and sort, each bad parameter, pagination arithmetic and determinism.

use std::sync::LazyLock;

use amigo_sandbox::SandboxConfig;
use proptest::prelude::*;
use serde_json::Value;

use crate::helpers::*;

const PRODUCTS: &str = "/api/commerce/products/";

/// Asserts `p` has the documented product shape (the list entry of `GET products/`).
pub(crate) fn assert_product_shape(p: &Value) {
    assert!(p["id"].as_u64().is_some_and(|id| id > 0), "{p}");
    let slug = p["slug"].as_str().unwrap();
    assert!(
        !slug.is_empty()
            && slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "{slug}"
    );
    assert!(
        matches!(p["brand"].as_str(), Some("oraimo" | "amigo")),
        "{p}"
    );
    assert!(!p["name"].as_str().unwrap().is_empty());
    assert!(!p["description"].as_str().unwrap().is_empty());
    let price = &p["price"];
    let amount = price["amount"].as_i64().unwrap();
    assert!(amount > 0);
    assert_eq!(
        price["display"].as_str().unwrap(),
        amigo_types::format_naira(amount)
    );
    assert_eq!(price["currency"], "NGN");
    assert!(
        price.get("market").is_some(),
        "market is present (maybe null)"
    );
    if !price["market"].is_null() {
        assert!(price["market"]["amount"].as_i64().unwrap() > amount);
    }
    let cat = &p["category"];
    assert!(cat["id"].as_u64().is_some() && cat["slug"].is_string() && cat["name"].is_string());
    let count = p["stock"]["count"].as_u64().unwrap();
    assert_eq!(p["stock"]["in_stock"].as_bool().unwrap(), count > 0);
    let rating = p["rating"]["value"].as_f64().unwrap();
    assert!((0.0..=5.0).contains(&rating));
    assert!(p["rating"]["count"].as_u64().is_some());
    let images = p["images"].as_array().unwrap();
    assert!((1..=4).contains(&images.len()));
    for (i, img) in images.iter().enumerate() {
        assert_eq!(img["position"].as_u64().unwrap(), i as u64 + 1);
        assert!(
            img["url"]
                .as_str()
                .unwrap()
                .starts_with("http://127.0.0.1:7700/sandbox-assets/images/")
        );
    }
    let updated = p["updated_at"].as_str().unwrap();
    assert_eq!(updated.len(), 25, "{updated}");
    assert!(
        updated.ends_with("+01:00") && &updated[10..11] == "T",
        "{updated}"
    );
}

#[tokio::test]
async fn documented_list_example() {
    let app = app();
    let r = app
        .get(
            "/api/commerce/products/?category=power-banks&in_stock=true&limit=5",
            Some(TEST_TOKEN),
        )
        .await;
    assert_eq!(r.status, 200);
    let body = r.json();
    assert_eq!(body["success"], true);
    let data = body["data"].as_array().unwrap();
    assert_eq!(data.len(), 5);
    for p in data {
        assert_product_shape(p);
        assert_eq!(p["category"]["slug"], "power-banks");
        assert_eq!(p["category"]["name"], "Power Banks");
        assert_eq!(p["stock"]["in_stock"], true);
    }
    let pg = &body["pagination"];
    assert_eq!(
        (pg["limit"].as_u64(), pg["offset"].as_u64()),
        (Some(5), Some(0))
    );
    assert!(pg["total"].as_u64().unwrap() > 5);
    assert_eq!(pg["has_more"], true);
}

#[tokio::test]
async fn single_product_by_id_and_slug() {
    let app = app();
    let first = app.get(PRODUCTS, Some(TEST_TOKEN)).await.json()["data"][0].clone();
    let slug = first["slug"].as_str().unwrap();
    let by_slug = app
        .get(&format!("{PRODUCTS}?slug={slug}"), Some(TEST_TOKEN))
        .await;
    assert_eq!(by_slug.status, 200);
    assert_eq!(by_slug.json()["success"], true);
    assert_eq!(by_slug.json()["data"], first);
    let id = first["id"].as_u64().unwrap();
    let by_id = app
        .get(&format!("{PRODUCTS}?id={id}"), Some(TEST_TOKEN))
        .await;
    assert_eq!(by_id.json()["data"], first);
    assert_product_shape(&by_id.json()["data"]);

    for uri in [
        format!("{PRODUCTS}?id=999999"),
        format!("{PRODUCTS}?slug=no-such-product"),
    ] {
        let r = app.get(&uri, Some(TEST_TOKEN)).await;
        assert_eq!(r.status, 404, "{uri}");
        assert_eq!(r.json()["error"], "not_found");
        assert_eq!(r.json()["success"], false);
    }
}

#[tokio::test]
async fn defaults_newest_first_twenty() {
    let app = app();
    let body = app.get(PRODUCTS, Some(TEST_TOKEN)).await.json();
    let data = body["data"].as_array().unwrap();
    assert_eq!(data.len(), 20);
    assert_eq!(body["pagination"]["total"], 1297);
    let dates: Vec<&str> = data
        .iter()
        .map(|p| p["updated_at"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
}

#[tokio::test]
async fn filters_and_sorts() {
    let app = app();
    let get = |q: &'static str| {
        let app = app.clone();
        async move {
            let r = app.get(&format!("{PRODUCTS}?{q}"), Some(TEST_TOKEN)).await;
            assert_eq!(r.status, 200, "{q}");
            r.json()
        }
    };
    let amigo = get("brand=amigo&limit=100").await;
    assert!(
        amigo["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["brand"] == "amigo")
    );
    let oraimo_total = get("brand=ORAIMO").await["pagination"]["total"]
        .as_u64()
        .unwrap();
    assert_eq!(
        amigo["pagination"]["total"].as_u64().unwrap() + oraimo_total,
        1297
    );

    let asc = get("sort=price_asc&limit=100").await;
    let prices: Vec<i64> = asc["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["price"]["amount"].as_i64().unwrap())
        .collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]));
    let desc = get("sort=price_desc&limit=100").await;
    let prices: Vec<i64> = desc["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["price"]["amount"].as_i64().unwrap())
        .collect();
    assert!(prices.windows(2).all(|w| w[0] >= w[1]));
    let names = get("sort=name&limit=100").await;
    let names: Vec<String> = names["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_lowercase())
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]));

    let q = get("q=POWER%20BANK&limit=100").await;
    assert!(q["pagination"]["total"].as_u64().unwrap() > 0);
    for p in q["data"].as_array().unwrap() {
        let text = format!("{} {}", p["name"], p["description"]).to_lowercase();
        assert!(text.contains("power bank"), "{text}");
    }
    let none = get("q=zzzqqq").await;
    assert_eq!(none["pagination"]["total"], 0);
    assert_eq!(none["data"].as_array().unwrap().len(), 0);
    assert_eq!(none["pagination"]["has_more"], false);

    let all = get("in_stock=false").await["pagination"]["total"]
        .as_u64()
        .unwrap();
    let stocked = get("in_stock=true").await["pagination"]["total"]
        .as_u64()
        .unwrap();
    assert_eq!(all, 1297);
    assert!(stocked < all, "some products are out of stock");
}

#[tokio::test]
async fn categories_add_up() {
    let app = app();
    let r = app.get("/api/commerce/categories/", Some(TEST_TOKEN)).await;
    assert_eq!(r.status, 200);
    let body = r.json();
    assert_eq!(body["success"], true);
    let cats = body["data"].as_array().unwrap();
    assert_eq!(cats.len(), 14);
    assert_eq!(cats[0]["slug"], "charging-accessories");
    assert_eq!(cats[0]["name"], "Charging Accessories");
    assert_eq!(cats[1]["slug"], "power-banks");
    let mut sum = 0;
    for (i, c) in cats.iter().enumerate() {
        assert_eq!(c["id"].as_u64().unwrap(), i as u64 + 1);
        let slug = c["slug"].as_str().unwrap();
        let n = c["product_count"].as_u64().unwrap();
        sum += n;
        let listed = app
            .get(
                &format!("{PRODUCTS}?category={slug}&limit=1"),
                Some(TEST_TOKEN),
            )
            .await
            .json();
        assert_eq!(listed["pagination"]["total"].as_u64().unwrap(), n, "{slug}");
    }
    assert_eq!(sum, 1297);
    for slug in [
        "charging-accessories",
        "power-banks",
        "earbuds",
        "smart-wear",
        "cables",
    ] {
        assert!(cats.iter().any(|c| c["slug"] == slug), "{slug}");
    }
}

#[tokio::test]
async fn each_bad_parameter_is_422_naming_it() {
    let app = app();
    let long_q = format!("q={}", "x".repeat(101));
    for (query, code) in [
        ("category=%3Cscript%3E", "invalid_category"),
        ("brand=tecno", "invalid_brand"),
        ("in_stock=maybe", "invalid_in_stock"),
        ("sort=cheapest", "invalid_sort"),
        ("limit=0", "invalid_limit"),
        ("limit=ten", "invalid_limit"),
        ("offset=-1", "invalid_offset"),
        ("id=abc", "invalid_id"),
        ("id=0", "invalid_id"),
        ("slug=not%20a%20slug", "invalid_slug"),
        (long_q.as_str(), "invalid_q"),
    ] {
        let r = app
            .get(&format!("{PRODUCTS}?{query}"), Some(TEST_TOKEN))
            .await;
        assert_eq!(r.status, 422, "{query}");
        let body = r.json();
        assert_eq!(body["error"], code, "{query}");
        assert_eq!(body["success"], false);
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

#[tokio::test]
async fn same_seed_same_catalog_other_seed_other_catalog() {
    let fetch = |seed: u64| async move {
        let app = app_with(SandboxConfig {
            seed,
            ..SandboxConfig::default()
        });
        let page = app
            .get(&format!("{PRODUCTS}?sort=name&limit=100"), Some(TEST_TOKEN))
            .await;
        let cats = app.get("/api/commerce/categories/", Some(TEST_TOKEN)).await;
        (page.json(), cats.json())
    };
    let (a, ca) = fetch(42).await;
    let (b, cb) = fetch(42).await;
    let (c, _) = fetch(7).await;
    assert_eq!(a, b);
    assert_eq!(ca, cb);
    assert_ne!(a, c);
}

#[tokio::test]
async fn large_catalog_keeps_exact_size() {
    let app = app_with(SandboxConfig {
        catalog_size: 20_000,
        ..SandboxConfig::default()
    });
    let body = app
        .get("/api/commerce/categories/", Some(TEST_TOKEN))
        .await
        .json();
    let sum: u64 = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["product_count"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, 20_000);
    let page = app
        .get(
            &format!("{PRODUCTS}?offset=19990&limit=100&sort=price_desc"),
            Some(TEST_TOKEN),
        )
        .await
        .json();
    assert_eq!(page["data"].as_array().unwrap().len(), 10);
    assert_eq!(page["pagination"]["has_more"], false);
}

#[tokio::test]
async fn product_images_are_served_as_svg() {
    let app = app();
    let p = app
        .get(&format!("{PRODUCTS}?id=42"), Some(TEST_TOKEN))
        .await
        .json()["data"]
        .clone();
    for img in p["images"].as_array().unwrap() {
        let url = img["url"].as_str().unwrap();
        let path = url.strip_prefix("http://127.0.0.1:7700").unwrap();
        let r = app.get(path, None).await;
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.headers["content-type"], "image/svg+xml");
        let cache = r.headers["cache-control"].to_str().unwrap();
        assert!(cache.contains("immutable") && cache.contains("max-age=31536000"));
        let svg = String::from_utf8(r.body.to_vec()).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains(p["brand"].as_str().unwrap()));
    }
    let count = p["images"].as_array().unwrap().len();
    let mut bad = vec![
        "p0-1.svg".to_owned(),
        "p42-0.svg".to_owned(),
        "p042-1.svg".to_owned(),
        "p42-1.png".to_owned(),
        "p999999-1.svg".to_owned(),
        "..%2F..%2Fetc%2Fpasswd".to_owned(),
        "p42-1.svg%00".to_owned(),
    ];
    if count < 4 {
        bad.push(format!("p42-{}.svg", count + 1));
    }
    for file in bad {
        let r = app
            .get(&format!("/sandbox-assets/images/{file}"), None)
            .await;
        assert_eq!(r.status, 404, "{file}");
        assert_eq!(r.json()["error"], "not_found");
    }
}

static SHARED: LazyLock<TestApp> = LazyLock::new(|| {
    app_with(SandboxConfig {
        rate_limit_per_minute: u32::MAX,
        ..SandboxConfig::default()
    })
});

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Pagination over the real endpoint: counts, `has_more`, and pages that tile the result
    /// with no gap or overlap.
    #[test]
    fn pagination_arithmetic_over_the_endpoint(
        limit in 1u32..=100,
        offset in 0u64..1400,
        category in proptest::option::of(prop::sample::select(vec!["power-banks", "cables", "earbuds", "storage"])),
        in_stock in any::<bool>(),
        sort in prop::sample::select(vec!["new", "price_asc", "price_desc", "name"]),
    ) {
        let mut filter = format!("sort={sort}&in_stock={in_stock}");
        if let Some(c) = category {
            filter.push_str(&format!("&category={c}"));
        }
        let (page, next, whole) = block_on(async {
            let get = |q: String| async move {
                SHARED.get(&format!("{PRODUCTS}?{q}"), Some(TEST_TOKEN)).await.json()
            };
            let page = get(format!("{filter}&limit={limit}&offset={offset}")).await;
            let next = get(format!("{filter}&limit={limit}&offset={}", offset + u64::from(limit))).await;
            let whole = get(format!("{filter}&limit=100&offset={offset}")).await;
            (page, next, whole)
        });
        let total = page["pagination"]["total"].as_u64().unwrap();
        let got = page["data"].as_array().unwrap();
        let expect = total.saturating_sub(offset).min(u64::from(limit));
        prop_assert_eq!(got.len() as u64, expect);
        prop_assert_eq!(page["pagination"]["limit"].as_u64().unwrap(), u64::from(limit));
        prop_assert_eq!(page["pagination"]["offset"].as_u64().unwrap(), offset);
        prop_assert_eq!(page["pagination"]["has_more"].as_bool().unwrap(), offset + u64::from(limit) < total);
        prop_assert_eq!(next["pagination"]["total"].as_u64().unwrap(), total);
        // This page followed by the next is a prefix of one big page from the same offset.
        let ids = |v: &Value| v["data"].as_array().unwrap().iter().map(|p| p["id"].as_u64().unwrap()).collect::<Vec<_>>();
        let mut joined = ids(&page);
        joined.extend(ids(&next));
        let big = ids(&whole);
        let n = joined.len().min(big.len());
        prop_assert_eq!(&joined[..n], &big[..n]);
    }
}

/// The docs describe `category` as a filter and `limit` as "max 100": a slug of no category is an
/// empty page, and a larger limit is capped.
#[tokio::test]
async fn an_unknown_category_is_an_empty_page_and_a_large_limit_is_capped() {
    let app = app();
    let r = app
        .get(&format!("{PRODUCTS}?category=spaceships"), Some(TEST_TOKEN))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["data"], serde_json::json!([]));
    assert_eq!(r.json()["pagination"]["total"], 0);
    let r = app
        .get(&format!("{PRODUCTS}?limit=500"), Some(TEST_TOKEN))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["pagination"]["limit"], 100);
    assert_eq!(r.json()["data"].as_array().unwrap().len(), 100);
}
