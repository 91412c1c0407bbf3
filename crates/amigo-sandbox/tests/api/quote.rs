//! `POST delivery/quote/`: the documented example, the resolution chain, the free bucket,
//! unserviceable areas, bad input, and property tests of the resolver's invariants.

use std::sync::LazyLock;

use amigo_sandbox::catalog::Catalog;
use amigo_sandbox::delivery::{DeliverySchemes, quote};
use amigo_sandbox::locations::Locations;
use amigo_types::catalog::Product;
use amigo_types::delivery::{DeliveryLocationInput, LineItem, TierResolution};
use axum::http::Method;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::helpers::*;

const QUOTE: &str = "/api/commerce/delivery/quote/";

/// The first `n` products (live stock) matching `pred`.
fn products(app: &TestApp, n: usize, pred: impl Fn(&Product) -> bool) -> Vec<u64> {
    let catalog = &app.sandbox.state().catalog;
    let found: Vec<u64> = (1..=catalog.len() as u64)
        .filter_map(|id| catalog.product(id))
        .filter(|p| pred(p))
        .take(n)
        .map(|p| p.id)
        .collect();
    assert_eq!(found.len(), n, "the seeded catalog has {n} such products");
    found
}

fn items(ids: &[u64]) -> Value {
    ids.iter()
        .map(|id| json!({"product_id": id, "quantity": 1}))
        .collect()
}

#[tokio::test]
async fn documented_example_kaduna_zaria() {
    let app = app();
    let ids = products(&app, 2, |p| {
        p.delivery_scheme_id == Some(1) && p.free_delivery
    });
    let r = app
        .post_json(
            QUOTE,
            None,
            &json!({"state_code": "KD", "lga_name": "Zaria", "items": [
                {"product_id": ids[0], "quantity": 2},
                {"product_id": ids[1], "quantity": 1}
            ]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let body = r.json();
    assert_eq!(body["success"], true);
    let data = &body["data"];
    let zaria = app
        .get("/api/commerce/locations.php?search=zaria", None)
        .await
        .json()["lgas"][0]["id"]
        .clone();
    assert_eq!(
        data["location"],
        json!({"state_id": 19, "state_code": "KD", "state_name": "Kaduna", "lga_id": zaria, "lga_name": "Zaria"})
    );
    assert_eq!(data["serviceable"], true);
    assert_eq!(
        data["schemes"],
        json!([{
            "scheme_id": 1,
            "scheme_name": "Default Domestic",
            "product_ids": ids,
            "product_count": 2,
            "all_free": true,
            "serviceable": true,
            "tier_resolution": "state",
            "standard": {"price": 1500, "free_for_customer": true, "eta_min": 0, "eta_max": 2},
            "premium": {"price": 5000, "eta_min": 0, "eta_max": 2}
        }])
    );
    assert_eq!(data["totals"], json!({"standard": 0, "premium": 5000}));
    assert_eq!(data["eta"], json!({"min": 0, "max": 2}));
    assert_eq!(data["warnings"], json!([]));
    assert_eq!(zaria, 155, "the docs' id for Zaria");
    // The docs' `"state_id": 19, "lga_id": 155` form resolves to the same place and price.
    let by_ids = app
        .post_json(
            QUOTE,
            None,
            &json!({"state_id": 19, "lga_id": 155, "items": [
                {"product_id": ids[0], "quantity": 2},
                {"product_id": ids[1], "quantity": 1}
            ]}),
        )
        .await;
    assert_eq!(
        by_ids.status,
        200,
        "{}",
        String::from_utf8_lossy(&by_ids.body)
    );
    assert_eq!(by_ids.json()["data"], body["data"]);
}

#[tokio::test]
async fn ids_instead_of_codes_and_lga_resolution() {
    let app = app();
    let ids = products(&app, 1, |p| {
        p.delivery_scheme_id == Some(1) && !p.free_delivery
    });
    let ikeja = app
        .get("/api/commerce/locations.php?search=ikeja", None)
        .await
        .json()["lgas"][0]["id"]
        .as_u64()
        .unwrap();
    let r = app
        .post_json(
            QUOTE,
            None,
            &json!({"state_id": 25, "lga_id": ikeja, "items": items(&ids)}),
        )
        .await;
    assert_eq!(r.status, 200);
    let s = &r.json()["data"]["schemes"][0];
    assert_eq!(s["tier_resolution"], "lga");
    assert_eq!(s["standard"]["free_for_customer"], false);
    assert_eq!(
        r.json()["data"]["totals"]["standard"],
        s["standard"]["price"]
    );
    // Case-insensitive LGA names.
    let r = app
        .post_json(
            QUOTE,
            None,
            &json!({"state_code": "la", "lga_name": "IKEJA", "items": items(&ids)}),
        )
        .await;
    assert_eq!(r.json()["data"]["location"]["lga_name"], "Ikeja");
    // Outside every group: the rest-of-Nigeria fallback.
    let r = app
        .post_json(
            QUOTE,
            None,
            &json!({"state_code": "SO", "items": items(&ids)}),
        )
        .await;
    assert_eq!(
        r.json()["data"]["schemes"][0]["tier_resolution"],
        "fallback"
    );
    assert!(r.json()["data"]["location"]["lga_id"].is_null());
}

#[tokio::test]
async fn unserviceable_is_still_200_with_a_warning() {
    let app = app();
    let lagos_only = products(&app, 1, |p| p.delivery_scheme_id == Some(2));
    let no_scheme = products(&app, 1, |p| p.delivery_scheme_id.is_none());
    let mut cart = lagos_only.clone();
    cart.extend(&no_scheme);
    let r = app
        .post_json(
            QUOTE,
            None,
            &json!({"state_code": "KD", "lga_name": "Zaria", "items": items(&cart)}),
        )
        .await;
    assert_eq!(r.status, 200);
    let data = &r.json()["data"];
    assert_eq!(data["serviceable"], false);
    assert_eq!(
        data["warnings"],
        json!(["Scheme 'Lagos Metro Only' does not ship to this area."])
    );
    let lm = &data["schemes"][0];
    assert_eq!(
        (lm["scheme_id"].as_u64(), lm["serviceable"].as_bool()),
        (Some(2), Some(false))
    );
    assert!(lm["tier_resolution"].is_null() && lm["standard"].is_null());
    let free = &data["schemes"][1];
    assert!(free["scheme_id"].is_null() && free["scheme_name"].is_null());
    assert_eq!(free["tier_resolution"], "free");
    assert_eq!(free["standard"]["price"], 0);
    assert_eq!(free["standard"]["free_for_customer"], true);
    // The same cart in Lagos ships.
    let r = app
        .post_json(
            QUOTE,
            None,
            &json!({"state_code": "LA", "lga_name": "Epe", "items": items(&cart)}),
        )
        .await;
    assert_eq!(r.json()["data"]["serviceable"], true);
    assert_eq!(r.json()["data"]["schemes"][0]["tier_resolution"], "state");
}

#[tokio::test]
async fn bad_locations_are_422_with_a_field() {
    let app = app();
    let ids = products(&app, 1, |_| true);
    for (loc, field) in [
        (json!({"state_code": "XYZ"}), "state_code"),
        (json!({"state_code": "ZZ"}), "state_code"),
        (json!({"state_id": 99}), "state_id"),
        (json!({"state_id": 25, "state_code": "KD"}), "state_id"),
        (json!({"state_code": "KD", "lga_name": "Ikeja"}), "lga_name"),
        (
            json!({"state_code": "KD", "lga_name": "Atlantis"}),
            "lga_name",
        ),
        (json!({"state_code": "KD", "lga_id": 99999}), "lga_id"),
        (json!({"state_code": "KD", "lga_id": 1}), "lga_id"),
        (json!({"lga_name": "Surulere"}), "lga_name"),
        (json!({}), "state_code"),
    ] {
        let mut body = loc.clone();
        body["items"] = items(&ids);
        let r = app.post_json(QUOTE, None, &body).await;
        assert_eq!(r.status, 422, "{loc}");
        let e = r.json();
        assert_eq!(e["error"], "invalid_delivery_location", "{loc}");
        assert_eq!(e["field"], field, "{loc}");
        assert_eq!(e["success"], false);
    }
    let r = app
        .post_json(
            QUOTE,
            None,
            &json!({"state_code": "XYZ", "items": items(&ids)}),
        )
        .await;
    assert_eq!(r.json()["message"], "state_code 'XYZ' is not recognised");
}

#[tokio::test]
async fn bad_items_and_bodies_are_422() {
    let app = app();
    let many: Vec<u64> = (1..=101).collect();
    let cases = [
        (
            json!({"state_code": "KD", "items": []}),
            "invalid_items",
            Some("items"),
        ),
        (
            json!({"state_code": "KD", "items": items(&many)}),
            "invalid_items",
            Some("items"),
        ),
        (
            json!({"state_code": "KD", "items": [{"product_id": 1, "quantity": 0}]}),
            "invalid_items",
            Some("items[0].quantity"),
        ),
        (
            json!({"state_code": "KD", "items": [{"product_id": "x", "quantity": 1}]}),
            "invalid_items",
            Some("items[0].product_id"),
        ),
        (json!({"state_code": "KD"}), "invalid_items", Some("items")),
        (
            json!({"state_id": "19", "items": [{"product_id": 1, "quantity": 1}]}),
            "invalid_delivery_location",
            Some("state_id"),
        ),
    ];
    for (body, code, field) in cases {
        let r = app.post_json(QUOTE, None, &body).await;
        assert_eq!(r.status, 422, "{body}");
        assert_eq!(r.json()["error"], code, "{body}");
        if let Some(f) = field {
            assert_eq!(r.json()["field"], f, "{body}");
        }
    }
    let hundred: Vec<u64> = (1..=100).collect();
    let r = app
        .post_json(
            QUOTE,
            None,
            &json!({"state_code": "KD", "items": items(&hundred)}),
        )
        .await;
    assert_eq!(r.status, 200, "100 items is the documented maximum");
    let r = app
        .request(Method::POST, QUOTE, None, &[], Some(b"{not json".to_vec()))
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["error"], "invalid_json");
    let r = app.get(QUOTE, None).await;
    assert_eq!(r.status, 405);
    assert_eq!(r.json()["error"], "method_not_allowed");
    assert_eq!(r.headers["allow"], "POST");
}

#[tokio::test]
async fn public_with_open_cors() {
    let app = app();
    let ids = products(&app, 1, |_| true);
    let r = app
        .request(
            Method::POST,
            QUOTE,
            None,
            &[("origin", "https://shop.example")],
            Some(serde_json::to_vec(&json!({"state_code": "LA", "items": items(&ids)})).unwrap()),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers["access-control-allow-origin"], "*");
}

#[tokio::test]
async fn with_quote_cors_off_browsers_elsewhere_cannot_read_the_quote_but_locations_stay_open() {
    let app = crate::helpers::app_with(amigo_sandbox::SandboxConfig {
        quote_cors: false,
        ..amigo_sandbox::SandboxConfig::default()
    });
    let ids = products(&app, 1, |_| true);
    let r = app
        .request(
            Method::POST,
            QUOTE,
            None,
            &[("origin", "https://shop.example")],
            Some(serde_json::to_vec(&json!({"state_code": "LA", "items": items(&ids)})).unwrap()),
        )
        .await;
    // the quote itself still works (a server or the proxy can ask), but no CORS header
    assert_eq!(r.status, 200);
    assert!(
        r.headers.get("access-control-allow-origin").is_none(),
        "{:?}",
        r.headers
    );
    let r = app
        .request(
            Method::GET,
            "/api/commerce/locations.php?q=zar",
            None,
            &[("origin", "https://shop.example")],
            None,
        )
        .await;
    assert_eq!(r.headers["access-control-allow-origin"], "*");
}

struct World {
    catalog: Catalog,
    locations: Locations,
    schemes: DeliverySchemes,
}

static WORLD: LazyLock<World> = LazyLock::new(|| {
    let locations = Locations::load();
    World {
        catalog: Catalog::generate(42, 1297, "http://x"),
        schemes: DeliverySchemes::seed(&locations),
        locations,
    }
});

proptest! {
    /// Invariants of the one resolver for any cart at any place: every product lands in exactly
    /// one bucket; totals are the sums of the tiers; standard is free exactly when every product
    /// in the scheme has free delivery; premium is paid for every real scheme; the cart ETA is
    /// the slowest scheme's; serviceable iff no warnings.
    #[test]
    fn quote_invariants(
        ids in proptest::collection::hash_set(1u64..=1297, 1..=30),
        lga_index in 0usize..774,
        with_lga in any::<bool>(),
    ) {
        let w = &*WORLD;
        let lga = &w.locations.lgas()[lga_index];
        let location = DeliveryLocationInput {
            state_id: Some(lga.state_id),
            lga_id: with_lga.then_some(lga.id),
            ..DeliveryLocationInput::default()
        };
        let cart: Vec<LineItem> = ids.iter().map(|&product_id| LineItem { product_id, quantity: 1 }).collect();
        let q = quote(&w.catalog, &w.locations, &w.schemes, &location, &cart).unwrap();

        let mut seen: Vec<u64> = q.schemes.iter().flat_map(|s| s.product_ids.clone()).collect();
        seen.sort_unstable();
        let mut want: Vec<u64> = ids.iter().copied().collect();
        want.sort_unstable();
        prop_assert_eq!(seen, want);

        let mut standard = 0;
        let mut premium = 0;
        let mut eta_max = 0;
        for s in &q.schemes {
            prop_assert_eq!(s.product_count as usize, s.product_ids.len());
            let products: Vec<&Product> = s.product_ids.iter().map(|&id| w.catalog.seeded(id).unwrap()).collect();
            prop_assert!(products.iter().all(|p| p.delivery_scheme_id == s.scheme_id));
            if s.scheme_id.is_none() {
                prop_assert_eq!(s.tier_resolution, Some(TierResolution::Free));
                prop_assert_eq!(s.standard.unwrap().price, 0);
            }
            match (&s.standard, &s.premium) {
                (Some(st), Some(pr)) => {
                    prop_assert!(s.serviceable);
                    let all_free = products.iter().all(|p| p.free_delivery) || s.scheme_id.is_none();
                    prop_assert_eq!(st.free_for_customer, all_free);
                    prop_assert_eq!(s.all_free, all_free);
                    if !st.free_for_customer { standard += st.price; }
                    premium += pr.price;
                    if s.scheme_id.is_some() { prop_assert!(pr.price > 0, "premium is always paid"); }
                    prop_assert!(st.eta_min <= st.eta_max);
                    eta_max = eta_max.max(st.eta_max);
                    if s.tier_resolution == Some(TierResolution::Lga) { prop_assert!(with_lga); }
                }
                (None, None) => {
                    prop_assert!(!s.serviceable);
                    prop_assert_eq!(s.scheme_id, Some(2), "only Lagos Metro Only lacks a fallback");
                    prop_assert!(lga.state_code != "LA");
                }
                _ => prop_assert!(false, "tiers come together"),
            }
        }
        prop_assert_eq!(q.totals.standard, standard);
        prop_assert_eq!(q.totals.premium, premium);
        prop_assert_eq!(q.eta.max, eta_max);
        prop_assert_eq!(q.serviceable, q.warnings.is_empty());
        prop_assert_eq!(q.location.state_id, lga.state_id);
    }
}
