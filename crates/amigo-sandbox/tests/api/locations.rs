//! `GET locations.php`: states, LGAs of a state, the typeahead, its headers, and bad input.

use amigo_sandbox::SandboxConfig;
use axum::http::Method;
use serde_json::Value;

use crate::helpers::*;

const LOCATIONS: &str = "/api/commerce/locations.php";

fn lga_names(body: &Value) -> Vec<String> {
    body["lgas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn documented_states_example() {
    let app = app();
    for uri in [format!("{LOCATIONS}?type=states"), LOCATIONS.to_owned()] {
        let r = app.get(&uri, None).await;
        assert_eq!(r.status, 200, "no token needed");
        assert_eq!(r.headers["cache-control"], "public, max-age=300");
        let body = r.json();
        assert_eq!(body["success"], true);
        assert_eq!(body["count"], 37);
        let states = body["data"].as_array().unwrap();
        assert_eq!(states.len(), 37);
        let lagos = states.iter().find(|s| s["code"] == "LA").unwrap();
        assert_eq!(
            lagos,
            &serde_json::json!({"id": 25, "code": "LA", "name": "Lagos", "capital": "Ikeja", "region": "South-West", "sort_order": 250})
        );
        let kaduna = states.iter().find(|s| s["code"] == "KD").unwrap();
        assert_eq!(
            kaduna,
            &serde_json::json!({"id": 19, "code": "KD", "name": "Kaduna", "capital": "Kaduna", "region": "North-West", "sort_order": 190})
        );
        assert!(states.iter().any(|s| s["code"] == "FCT"));
    }
}

#[tokio::test]
async fn documented_lgas_example() {
    let app = app();
    let r = app
        .get(&format!("{LOCATIONS}?type=lgas&state_code=KD"), None)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers["cache-control"], "public, max-age=300");
    let body = r.json();
    assert_eq!(body["count"], 23);
    let lgas = body["data"].as_array().unwrap();
    assert_eq!(lgas.len(), 23);
    let kn = lgas.iter().find(|l| l["name"] == "Kaduna North").unwrap();
    assert_eq!(
        kn,
        &serde_json::json!({"id": 142, "state_id": 19, "name": "Kaduna North", "slug": "kaduna-north", "is_capital": 1, "state_code": "KD", "state_name": "Kaduna"})
    );
    let zaria = lgas.iter().find(|l| l["name"] == "Zaria").unwrap();
    assert_eq!(
        zaria,
        &serde_json::json!({"id": 155, "state_id": 19, "name": "Zaria", "slug": "zaria", "is_capital": 0, "state_code": "KD", "state_name": "Kaduna"})
    );
    assert_eq!(kn["state_id"], 19);
    assert_eq!(kn["slug"], "kaduna-north");
    assert_eq!(kn["is_capital"], 1);
    assert_eq!(kn["state_code"], "KD");
    assert_eq!(kn["state_name"], "Kaduna");
    let zaria = lgas.iter().find(|l| l["name"] == "Zaria").unwrap();
    assert_eq!(
        (zaria["slug"].as_str(), zaria["is_capital"].as_u64()),
        (Some("zaria"), Some(0))
    );
    assert_eq!(lgas.iter().filter(|l| l["is_capital"] == 1).count(), 1);
    // Same answer by id, and lower-case codes work.
    let by_id = app
        .get(&format!("{LOCATIONS}?type=lgas&state_id=19"), None)
        .await
        .json();
    assert_eq!(by_id["data"], body["data"]);
    let lower = app
        .get(&format!("{LOCATIONS}?type=lgas&state_code=kd"), None)
        .await
        .json();
    assert_eq!(lower["data"], body["data"]);
    // All 774 without a state.
    let all = app
        .get(&format!("{LOCATIONS}?type=lgas"), None)
        .await
        .json();
    assert_eq!(all["count"], 774);
    let fct = app
        .get(&format!("{LOCATIONS}?type=lgas&state_code=FCT"), None)
        .await
        .json();
    assert_eq!(fct["count"], 6);
}

#[tokio::test]
async fn documented_search_example() {
    let app = app();
    let r = app.get(&format!("{LOCATIONS}?search=zar"), None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers["cache-control"], "public, max-age=300");
    let body = r.json();
    assert_eq!(body["success"], true);
    assert_eq!(body["query"], "zar");
    assert_eq!(body["states"], serde_json::json!([]));
    let first = &body["lgas"][0];
    assert_eq!(first["name"], "Zaria");
    assert_eq!(first["state_code"], "KD");
    assert_eq!(first["state_name"], "Kaduna");
    let zaria_id = first["id"].as_u64().unwrap();
    assert_eq!(
        first,
        &serde_json::json!({"id": 155, "name": "Zaria", "state_code": "KD", "state_name": "Kaduna"}),
        "the docs' typeahead example, verbatim"
    );
    let kd = app
        .get(&format!("{LOCATIONS}?type=lgas&state_code=KD"), None)
        .await
        .json();
    assert!(
        kd["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == zaria_id)
    );
    assert_eq!(
        first.as_object().unwrap().len(),
        4,
        "id, name, state_code, state_name"
    );
}

#[tokio::test]
async fn search_is_forgiving_and_ranked() {
    let app = app();
    let search = |q: &'static str| {
        let app = app.clone();
        async move {
            app.get(&format!("{LOCATIONS}?search={q}"), None)
                .await
                .json()
        }
    };
    assert_eq!(lga_names(&search("Otukpo").await), ["Oturkpo"]);
    assert_eq!(lga_names(&search("SAGAMU").await), ["Shagamu"]);
    assert_eq!(
        lga_names(&search("egbado").await),
        ["Yewa North", "Yewa South"]
    );
    assert_eq!(
        lga_names(&search("%C3%8Cl%C3%A9sha").await),
        ["Ilesa East", "Ilesa West"]
    );
    assert_eq!(lga_names(&search("jema%27a").await), ["Jema'a"]);
    let lagos = search("LAGOS").await;
    assert_eq!(lagos["query"], "LAGOS");
    assert_eq!(lagos["states"][0]["code"], "LA");
    assert_eq!(lga_names(&lagos), ["Lagos Island", "Lagos Mainland"]);
    // Prefix matches come before word-prefix matches.
    let ife = lga_names(&search("ife").await);
    let ajeromi = ife.iter().position(|n| n == "Ajeromi-Ifelodun").unwrap();
    assert!(
        ife[..ajeromi].iter().all(|n| n.starts_with("Ife")),
        "{ife:?}"
    );
    let many = search("a").await;
    assert!(many["lgas"].as_array().unwrap().len() <= 25);
    assert!(many["states"].as_array().unwrap().len() <= 10);
    assert_eq!(search("qqqxx").await["lgas"], serde_json::json!([]));
}

#[tokio::test]
async fn bad_input_is_422_with_its_code() {
    let app = app();
    let long = "a".repeat(61);
    for (query, code) in [
        ("type=lgas&state_code=XX", "invalid_state_code"),
        ("type=lgas&state_code=KB", "invalid_state_code"),
        ("type=lgas&state_id=38", "invalid_state_id"),
        ("type=lgas&state_id=0", "invalid_state_id"),
        ("type=lgas&state_id=abc", "invalid_state_id"),
        ("type=cities", "invalid_type"),
        ("search=", "invalid_search"),
        ("search=%20%20", "invalid_search"),
        (&format!("search={long}"), "invalid_search"),
    ] {
        let r = app.get(&format!("{LOCATIONS}?{query}"), None).await;
        assert_eq!(r.status, 422, "{query}");
        assert_eq!(r.json()["error"], code, "{query}");
        assert!(r.json()["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

#[tokio::test]
async fn public_cors_and_methods() {
    let app = app();
    let r = app
        .request(
            Method::GET,
            &format!("{LOCATIONS}?type=states"),
            None,
            &[("origin", "https://shop.example")],
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers["access-control-allow-origin"], "*");
    let r = app
        .request(
            Method::OPTIONS,
            LOCATIONS,
            None,
            &[
                ("origin", "https://shop.example"),
                ("access-control-request-method", "GET"),
            ],
            None,
        )
        .await;
    assert!(r.status.is_success(), "{}", r.status);
    assert_eq!(r.headers["access-control-allow-origin"], "*");
    let r = app
        .request(Method::DELETE, LOCATIONS, None, &[], None)
        .await;
    assert_eq!(r.status, 405);
    assert_eq!(r.json()["error"], "method_not_allowed");
}

#[tokio::test]
async fn public_endpoints_are_limited_per_ip() {
    let app = app_with(SandboxConfig {
        public_rate_limit_per_minute: 2,
        ..SandboxConfig::default()
    });
    // Keep clear of a minute boundary so the three calls share one window.
    let now = app.sandbox.clock().unix();
    if now.rem_euclid(60) > 55 {
        app.sandbox.advance_clock(10);
    }
    assert_eq!(app.get(LOCATIONS, None).await.status, 200);
    assert_eq!(app.get(LOCATIONS, None).await.status, 200);
    let r = app.get(LOCATIONS, None).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.json()["error"], "rate_limited");
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
}
