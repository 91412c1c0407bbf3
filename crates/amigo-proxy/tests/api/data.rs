//! Mobile data through the proxy: opt-in, validation before any spending call, the daily
//! budget, per-IP and per-phone limits, idempotency bound to the body, the shopper's lookup, and
//! token custody — each checked against the sandbox's wallet and purchase history.

use amigo_proxy::config::DataSales;
use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Options, TestApp, TestResponse, new_key, request, spawn_app_with};

/// An MTN line (0803 is MTN in `ng-mobile-prefixes.csv`).
pub(crate) const MTN_LINE: &str = "0803 123 4567";

fn data_request(body: &Value, key: Option<&str>) -> axum::extract::Request {
    let mut b =
        request(Method::POST, "/api/data/purchases").header("content-type", "application/json");
    if let Some(k) = key {
        b = b.header("idempotency-key", k);
    }
    b.body(Body::from(serde_json::to_vec(body).unwrap()))
        .unwrap()
}

fn buy_body(phone: &str, plan: u64) -> Value {
    json!({"network": 1, "mobile_number": phone, "plan": plan, "Ported_number": false})
}

fn with_data(data: DataSales) -> Options {
    Options {
        data,
        ..Options::default()
    }
}

/// Whether the whole suite runs against the sandbox's `--docs-only` mode
/// (`AMIGO_TEST_DOCS_ONLY=1`), where outcomes cannot be looked up.
pub(crate) fn suite_docs_only() -> bool {
    std::env::var("AMIGO_TEST_DOCS_ONLY").is_ok_and(|v| v == "1")
}

fn on() -> DataSales {
    Options::default().data
}

impl TestApp {
    /// The sandbox's plans of `network` now, read from its state (so the invented JSON path is
    /// not needed and the helper works against `--docs-only`).
    pub(crate) fn sandbox_plans(
        &self,
        network: amigo_types::data::Network,
    ) -> Vec<amigo_types::data::DataPlan> {
        let state = self.upstream.sandbox.state();
        state.data_plans.list(Some(network), state.clock.unix())
    }

    /// The cheapest MTN plan: `(plan_id, price)`.
    pub(crate) async fn cheap_mtn_plan(&self) -> (u64, i64) {
        let plans = self.sandbox_plans(amigo_types::data::Network::Mtn);
        let cheapest =
            amigo_types::fixtures::cheapest_plan(&plans, amigo_types::data::Network::Mtn)
                .expect("the sandbox sells MTN plans");
        (cheapest.plan_id, cheapest.price.amount)
    }

    /// A Glo plan id.
    pub(crate) async fn glo_plan(&self) -> u64 {
        self.sandbox_plans(amigo_types::data::Network::Glo)[0].plan_id
    }

    /// Purchases the sandbox holds for this merchant.
    pub(crate) async fn upstream_purchases(&self) -> u64 {
        self.upstream
            .sandbox
            .state()
            .merchants
            .get(&amigo_types::token::ApiToken::parse(&self.token).unwrap())
            .data
            .len() as u64
    }

    async fn buy(&self, body: &Value, key: &str) -> TestResponse {
        self.call(data_request(body, Some(key))).await
    }

    pub(crate) async fn lookup(&self, reference: &str, phone: &str) -> TestResponse {
        let phone = phone.replace('+', "%2B").replace(' ', "%20");
        self.get(&format!("/api/data/purchases/{reference}?phone={phone}"))
            .await
    }

    pub(crate) fn data_posts(&self) -> usize {
        self.upstream.controls.count(&Method::POST, "/api/data/")
    }
}

#[tokio::test]
async fn data_sales_are_off_unless_the_merchant_opts_in() {
    let app = spawn_app_with(with_data(DataSales::default())).await;
    let (plan, _) = app.cheap_mtn_plan().await;
    let r = app.buy(&buy_body(MTN_LINE, plan), &new_key()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"], "data_sales_disabled");
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("AMIGO_DATA_ENABLED")
    );
    let plans = app.get("/api/data/plans?network=1").await;
    assert_eq!(plans.status, StatusCode::FORBIDDEN);
    assert_eq!(plans.json()["error"], "data_sales_disabled");
    let lookup = app.lookup("AMG-DAT-TEST-20261129-ABCDEF", MTN_LINE).await;
    assert_eq!(lookup.status, StatusCode::FORBIDDEN);
    assert_eq!(app.data_posts(), 0);
    assert_eq!(app.upstream_purchases().await, 0);
}

#[tokio::test]
async fn a_purchase_debits_once_and_the_shopper_follows_it_to_delivery() {
    let app = spawn_app_with(with_data(on())).await;
    let (plan, price) = app.cheap_mtn_plan().await;
    let start = app.balance();
    let key = new_key();
    let r = app.buy(&buy_body(MTN_LINE, plan), &key).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.everything());
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let data = r.json()["data"].clone();
    let reference = data["reference"].as_str().unwrap().to_owned();
    assert!(reference.starts_with("AMG-DAT-TEST-"), "{reference}");
    assert_eq!(data["status"], "processing");
    assert_eq!(data["mobile_number"], "08031234567");
    assert_eq!(data["amount"]["amount"], price);
    assert_eq!(app.balance(), start - price);
    assert_eq!(app.upstream_purchases().await, 1);

    // A retry with the same key (a reload during submit) is the same purchase, not a second one.
    let again = app.buy(&buy_body("+234 803 123 4567", plan), &key).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.everything());
    assert_eq!(again.json()["data"]["reference"], reference.as_str());
    assert_eq!(app.balance(), start - price);
    assert_eq!(app.upstream_purchases().await, 1);

    // The shopper sees it with the line in any common format; a wrong line is a plain 404.
    let seen = app.lookup(&reference, "+2348031234567").await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.everything());
    assert_eq!(seen.json()["data"]["status"], "processing");
    for wrong in ["08031234568", "", "not a phone"] {
        let r = app.lookup(&reference, wrong).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{wrong}");
        assert_eq!(r.json()["error"], "not_found");
    }
    let unknown = app.lookup("AMG-DAT-TEST-20261129-ZZZZZZ", MTN_LINE).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(
        unknown.json(),
        app.lookup(&reference, "08031234568").await.json()
    );

    // Delivered upstream: the next lookup shows it.
    app.upstream_post(
        "/data/sandbox/advance/",
        &json!({"reference": reference, "outcome": "delivered"}),
    )
    .await;
    let done = app.lookup(&reference, MTN_LINE).await;
    // Against `--docs-only` there is no outcome lookup: the answer's status stands.
    let shown = if suite_docs_only() {
        "processing"
    } else {
        "delivered"
    };
    assert_eq!(done.json()["data"]["status"], shown);
}

#[tokio::test]
async fn every_bad_body_is_refused_before_any_spending_call() {
    let app = spawn_app_with(with_data(on())).await;
    let (plan, _) = app.cheap_mtn_plan().await;
    let glo = app.glo_plan().await;
    let start = app.balance();

    let no_key = app
        .call(data_request(&buy_body(MTN_LINE, plan), None))
        .await;
    assert_eq!(no_key.status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(no_key.json()["error"], "idempotency_key_required");
    let long_key = app.buy(&buy_body(MTN_LINE, plan), &"k".repeat(81)).await;
    assert_eq!(long_key.json()["error"], "invalid_idempotency_key");

    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"network": 7, "mobile_number": MTN_LINE, "plan": plan}),
            "invalid_network",
            "network",
        ),
        (
            json!({"mobile_number": MTN_LINE, "plan": plan}),
            "invalid_network",
            "network",
        ),
        (
            json!({"network": 1, "mobile_number": "12345", "plan": plan}),
            "invalid_mobile_number",
            "mobile_number",
        ),
        (
            json!({"network": 1, "mobile_number": 8031234567u64, "plan": plan}),
            "invalid_mobile_number",
            "mobile_number",
        ),
        (
            json!({"network": 1, "mobile_number": MTN_LINE, "plan": "1GB"}),
            "invalid_plan",
            "plan",
        ),
        (
            json!({"network": 1, "mobile_number": MTN_LINE, "plan": 999_999}),
            "invalid_plan",
            "plan",
        ),
        (
            json!({"network": 1, "mobile_number": MTN_LINE, "plan": plan, "Ported_number": "yes"}),
            "invalid_ported_number",
            "Ported_number",
        ),
        (
            json!({"network": 1, "mobile_number": MTN_LINE, "plan": glo}),
            "plan_network_mismatch",
            "plan",
        ),
        // A Glo line sold an MTN plan: refused unless the shopper says it was ported.
        (
            json!({"network": 1, "mobile_number": "08051234567", "plan": plan}),
            "network_mismatch",
            "mobile_number",
        ),
    ];
    for (body, code, field) in cases {
        let r = app.buy(&body, &new_key()).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.everything()
        );
        assert_eq!(r.json()["error"], code, "{body}");
        assert_eq!(r.json()["field"], field, "{body}");
    }
    let not_json = app
        .call(
            request(Method::POST, "/api/data/purchases")
                .header("content-type", "application/json")
                .header("idempotency-key", new_key())
                .body(Body::from("{network: 1"))
                .unwrap(),
        )
        .await;
    assert_eq!(not_json.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(not_json.json()["error"], "invalid_json");
    assert_eq!(app.data_posts(), 0, "nothing reached the spending endpoint");
    assert_eq!(app.balance(), start);

    // The same Glo line, declared ported, is sold the MTN plan.
    let ported =
        json!({"network": 1, "mobile_number": "08051234567", "plan": plan, "Ported_number": true});
    let r = app.buy(&ported, &new_key()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.everything());
    assert_eq!(r.json()["data"]["ported_number"], true);
}

#[tokio::test]
async fn a_key_is_bound_to_its_body() {
    let app = spawn_app_with(with_data(on())).await;
    let (plan, price) = app.cheap_mtn_plan().await;
    let start = app.balance();
    let key = new_key();
    assert_eq!(
        app.buy(&buy_body(MTN_LINE, plan), &key).await.status,
        StatusCode::CREATED
    );
    let other = app.buy(&buy_body("08031112222", plan), &key).await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(other.json()["error"], "idempotency_key_reused");
    assert_eq!(other.json()["field"], "Idempotency-Key");
    assert!(
        !other.everything().contains("08031234567"),
        "no leak of the first body"
    );
    assert_eq!(app.data_posts(), 1);
    assert_eq!(app.balance(), start - price);
}

#[tokio::test]
async fn sixteen_tabs_with_one_key_make_one_purchase() {
    let app = spawn_app_with(with_data(on())).await;
    let (plan, price) = app.cheap_mtn_plan().await;
    let start = app.balance();
    let key = new_key();
    let body = buy_body(MTN_LINE, plan);
    let answers = futures::future::join_all((0..16).map(|_| app.buy(&body, &key))).await;
    let mut references = std::collections::HashSet::new();
    for a in &answers {
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.everything());
        references.insert(a.json()["data"]["reference"].as_str().unwrap().to_owned());
    }
    assert_eq!(references.len(), 1);
    assert_eq!(app.upstream_purchases().await, 1);
    assert_eq!(app.balance(), start - price);
}

#[tokio::test]
async fn the_daily_budget_holds_under_a_race_and_a_refund_frees_it() {
    let probe = spawn_app_with(with_data(on())).await;
    let (plan, price) = probe.cheap_mtn_plan().await;
    drop(probe);
    let app = spawn_app_with(with_data(DataSales {
        daily_limit: price * 3,
        ..on()
    }))
    .await;
    let start = app.balance();
    // Ten shoppers at once, room for three.
    let bodies: Vec<Value> = (0..10)
        .map(|i| buy_body(&format!("0803{:07}", 1_000_000 + i), plan))
        .collect();
    let keys: Vec<String> = bodies.iter().map(|_| new_key()).collect();
    let answers =
        futures::future::join_all(bodies.iter().zip(&keys).map(|(b, k)| app.buy(b, k))).await;
    let placed: Vec<&TestResponse> = answers
        .iter()
        .filter(|a| a.status == StatusCode::CREATED)
        .collect();
    assert_eq!(placed.len(), 3);
    for refused in answers.iter().filter(|a| a.status != StatusCode::CREATED) {
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let j = refused.json();
        assert_eq!(j["error"], "data_daily_limit_reached");
        assert_eq!(j["field"], "plan");
        assert_eq!(j["required"], price);
        assert_eq!(j["balance"], 0);
    }
    assert_eq!(app.data_posts(), 3);
    assert_eq!(app.balance(), start - 3 * price);

    // A purchase that failed was refunded: once the proxy learns it, its Naira count again.
    let reference = placed[0].json()["data"]["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let phone = placed[0].json()["data"]["mobile_number"]
        .as_str()
        .unwrap()
        .to_owned();
    app.upstream_post(
        "/data/sandbox/advance/",
        &json!({"reference": reference, "outcome": "failed"}),
    )
    .await;
    let failed = app.lookup(&reference, &phone).await;
    if suite_docs_only() {
        // No outcome lookup on a docs-only platform: the refund is never learnt, so the
        // budget stays spent (the safe side) and the status is what the answer said.
        assert_eq!(failed.json()["data"]["status"], "processing");
        return;
    }
    assert_eq!(failed.json()["data"]["status"], "failed");
    assert_eq!(failed.json()["data"]["refunded"], true);
    let r = app.buy(&bodies[9], &new_key()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.everything());
}

#[tokio::test]
async fn per_phone_and_per_ip_limits_count_new_purchases_only() {
    let app = spawn_app_with(with_data(DataSales {
        per_phone_per_hour: 2,
        per_ip_per_minute: 4,
        ..on()
    }))
    .await;
    let (plan, _) = app.cheap_mtn_plan().await;
    let first_key = new_key();
    for key in [first_key.clone(), new_key()] {
        assert_eq!(
            app.buy(&buy_body(MTN_LINE, plan), &key).await.status,
            StatusCode::CREATED
        );
    }
    let third = app.buy(&buy_body(MTN_LINE, plan), &new_key()).await;
    assert_eq!(third.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(third.json()["error"], "rate_limited");
    let wait: u64 = third.header("retry-after").unwrap().parse().unwrap();
    assert!((60..=1800).contains(&wait), "{wait}");
    // A retry of a purchase already made is not a new purchase.
    let retry = app.buy(&buy_body(MTN_LINE, plan), &first_key).await;
    assert_eq!(retry.status, StatusCode::CREATED);
    // Another line from the same IP: the IP counted three new attempts (the refused one too),
    // so it has one left of four.
    let other = app.buy(&buy_body("08039998888", plan), &new_key()).await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.everything());
    let ip_spent = app.buy(&buy_body("08037776666", plan), &new_key()).await;
    assert_eq!(ip_spent.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.data_posts(), 3 + 1, "three purchases and the retry");
}

#[tokio::test]
async fn an_upstream_failure_keeps_the_key_and_a_retry_completes() {
    let app = spawn_app_with(with_data(on())).await;
    let (plan, price) = app.cheap_mtn_plan().await;
    let start = app.balance();
    let key = new_key();
    app.upstream
        .controls
        .fail(Some(("/api/data/", StatusCode::SERVICE_UNAVAILABLE)));
    let failed = app.buy(&buy_body(MTN_LINE, plan), &key).await;
    assert_eq!(failed.status, StatusCode::BAD_GATEWAY);
    assert_eq!(failed.json()["error"], "upstream_error");
    assert_eq!(failed.json()["retryable"], true);
    app.upstream.controls.fail(None);
    let ok = app.buy(&buy_body(MTN_LINE, plan), &key).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.everything());
    assert_eq!(app.upstream_purchases().await, 1);
    assert_eq!(app.balance(), start - price);
}

#[tokio::test]
async fn a_refusal_from_amigo_holds_no_budget_and_the_token_never_shows() {
    let app = spawn_app_with(with_data(on())).await;
    let (plan, price) = app.cheap_mtn_plan().await;
    // Empty the wallet down to less than the plan, using the sandbox directly.
    let balance = app.balance();
    let dear = app
        .sandbox_plans(amigo_types::data::Network::Mtn)
        .iter()
        .map(|p| p.price.amount)
        .max()
        .unwrap();
    assert!(dear < balance);
    app.leave_in_wallet(price - 1);
    let r = app.buy(&buy_body(MTN_LINE, plan), &new_key()).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        r.everything()
    );
    assert_eq!(r.json()["error"], "insufficient_balance");
    assert!(!r.everything().contains(&app.token));
    let today_spent = app.state.store().data_spent(&lagos_today()).await.unwrap();
    assert_eq!(today_spent, 0, "a refused purchase holds no budget");
    let logs = crate::helpers::captured_logs();
    assert!(!logs.contains(&app.token));
    assert!(!logs.contains("08031234567") && !logs.contains("8031234567"));
}

fn lagos_today() -> String {
    let d = time::OffsetDateTime::now_utc()
        .to_offset(time::UtcOffset::from_hms(1, 0, 0).unwrap())
        .date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// A database written by the build before the shared budget table: today's data spending
/// (pending, unknown and delivered purchases, not failed ones) still counts after the upgrade,
/// and the upgraded store refuses what no longer fits.
#[tokio::test]
async fn an_upgrade_keeps_todays_data_spending_in_the_budget() {
    use amigo_proxy::store::{Budget, BudgetClaim, BudgetReserved, Store};
    use std::borrow::Cow;
    sqlx::any::install_default_drivers();
    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::fresh_database_url(dir.path()).await;
    let folder = if crate::helpers::on_postgres() {
        "migrations-postgres"
    } else {
        "migrations"
    };
    if !crate::helpers::on_postgres() {
        std::fs::File::create(dir.path().join("proxy.db")).unwrap();
    }
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let mut before =
        sqlx::migrate::Migrator::new(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(folder))
            .await
            .unwrap();
    let budget_version = 20261201000001;
    before.migrations = Cow::Owned(
        before
            .migrations
            .iter()
            .filter(|m| m.version < budget_version)
            .cloned()
            .collect(),
    );
    assert!(before.migrations.len() >= 4);
    before.run(&pool).await.unwrap();
    let today = lagos_today();
    for (key, amount, day, state) in [
        ("k-pending", 1_000, today.as_str(), "pending"),
        ("k-unknown", 2_000, today.as_str(), "unknown"),
        ("k-delivered", 4_000, today.as_str(), "delivered"),
        ("k-failed", 8_000, today.as_str(), "failed"),
        ("k-yesterday", 16_000, "2000-01-01", "delivered"),
    ] {
        sqlx::query(
            "INSERT INTO data_purchases (idempotency_key, body_hash, phone_hash, plan, amount,
                 lagos_day, state, created_at, updated_at)
             VALUES ($1, 'h', 'p', 1001, $2, $3, $4, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        )
        .bind(key)
        .bind(amount as i64)
        .bind(day)
        .bind(state)
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;

    let store = Store::connect(&url).await.unwrap();
    assert_eq!(store.data_spent(&today).await.unwrap(), 7_000);
    assert_eq!(store.data_spent("2000-01-01").await.unwrap(), 16_000);
    let claim = |key, amount| BudgetClaim {
        budget: Budget::DataSales,
        key,
        body_hash: "h2",
        amount,
        lagos_day: &today,
        daily_limit: 10_000,
    };
    assert_eq!(
        store.reserve_budget(&claim("k-new", 3_001)).await.unwrap(),
        BudgetReserved::OverBudget { spent: 7_000 }
    );
    assert_eq!(
        store.reserve_budget(&claim("k-new", 3_000)).await.unwrap(),
        BudgetReserved::New
    );
    // the unpaid-order budget is another budget: the data spending does not touch it
    assert_eq!(
        store
            .budget_spent(Budget::UnpaidOrders, &today)
            .await
            .unwrap(),
        0
    );
    store.close().await;
}

/// Issue 22 §1: the plans come from the documented `/plans_catalog.php` (here under the API
/// base, as `{base}/plans_catalog.php`), never from the sandbox's invented `/api/data/plans/`,
/// and reach the widget in its own shape with the efficiency taken from the separate table.
#[tokio::test]
async fn plans_come_from_the_documented_catalog_in_the_widgets_shape() {
    // the sandbox's scores drift by the hour: compare within one hour's reading
    let (app, plans, direct) = loop {
        let app = spawn_app_with(with_data(on())).await;
        let before = app.sandbox_plans(amigo_types::data::Network::Mtn);
        let r = app.get("/api/data/plans?network=1").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.everything());
        let after = app.sandbox_plans(amigo_types::data::Network::Mtn);
        if before == after {
            let direct = serde_json::to_value(after)
                .unwrap()
                .as_array()
                .unwrap()
                .clone();
            break (app, r.json()["data"].as_array().unwrap().clone(), direct);
        }
    };
    assert_eq!(plans.len(), direct.len());
    for (mine, theirs) in plans.iter().zip(&direct) {
        for field in [
            "plan_id",
            "network",
            "network_name",
            "capacity",
            "capacity_mb",
            "validity",
            "validity_days",
            "price",
            "efficiency",
            "efficiency_rating",
        ] {
            assert_eq!(
                mine[field], theirs[field],
                "{field} of {}",
                theirs["plan_id"]
            );
        }
    }
    let get = Method::GET;
    assert_eq!(
        app.upstream.controls.count(&get, "/api/data/plans"),
        0,
        "never the invented path"
    );
    assert_eq!(
        app.upstream.controls.count(&get, "/api/plans_catalog.php"),
        1
    );
    // and a purchase checks its plan against the same catalog
    let (plan, _) = app.cheap_mtn_plan().await;
    let ok = app.buy(&buy_body(MTN_LINE, plan), &new_key()).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.everything());
    assert_eq!(app.upstream.controls.count(&get, "/api/data/plans"), 0);
    assert_eq!(
        app.upstream.controls.count(&get, "/api/plans_catalog.php"),
        2,
        "one read per cache entry: network 1, then all plans for the purchase"
    );
}

/// Issue 22 §1: where `{base}/plans_catalog.php` is missing, the host root's answers, and the
/// proxy remembers it (the next uncached read goes there first).
#[tokio::test]
async fn the_catalog_at_the_host_root_is_found_and_remembered() {
    let app = spawn_app_with(with_data(on())).await;
    app.upstream
        .controls
        .fail(Some(("/api/plans_catalog.php", StatusCode::NOT_FOUND)));
    let r = app.get("/api/data/plans?network=2").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.everything());
    assert_eq!(r.json()["data"][0]["network"], 2);
    let get = Method::GET;
    assert_eq!(
        app.upstream.controls.count(&get, "/api/plans_catalog.php"),
        1
    );
    assert_eq!(app.upstream.controls.count(&get, "/plans_catalog.php"), 1);
    assert_eq!(
        app.state.plan_catalog().answered(),
        Some(app.state.plan_catalog().candidates()[1].as_str())
    );
    let again = app.get("/api/data/plans?network=4").await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(
        app.upstream.controls.count(&get, "/api/plans_catalog.php"),
        1,
        "remembered"
    );
    assert_eq!(app.upstream.controls.count(&get, "/plans_catalog.php"), 2);
}

/// Issue 22 (its second "done when"): an upstream whose catalog uses other field names, prices
/// as text and objects, a separate efficiency table with fractions and percent strings, and one
/// record nobody can read, and whose products' `market` holds only `amount`: the shop lists
/// every readable plan (an unrated one with no score, not a made-up one), leaves the bad one out
/// (logged), still sells data, and places an order for a discounted product.
#[tokio::test]
async fn another_catalog_shape_still_lists_plans_and_sells_data() {
    let app = spawn_app_with(with_data(on())).await;
    app.upstream.controls.bare_market_prices(true);
    let (plan, price) = app.cheap_mtn_plan().await;
    let catalog = json!({
        "status": "ok",
        "catalog": [
            {"network": "MTN", "plans": [
                {"planId": plan.to_string(), "size": "110MB", "duration": "Daily", "cost": format!("₦{price}")},
                {"planId": 1001, "size": "1GB", "duration": "1 day", "cost": {"amount": 350}},
                {"planId": 1999, "size": "9GB", "cost": "ask"}
            ]},
            {"network": 4, "plans": [
                {"planId": 4001, "size": "1GB", "duration": "1 day", "cost": 350}
            ]}
        ],
        "efficiencies": [
            {"planId": plan, "score": 0.99},
            {"planId": 1001, "score": "61%"}
        ]
    });
    app.upstream
        .controls
        .answer("/api/plans_catalog.php", Some(catalog));
    let r = app.get("/api/data/plans").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.everything());
    let plans = r.json()["data"].as_array().unwrap().clone();
    let ids: Vec<u64> = plans
        .iter()
        .map(|p| p["plan_id"].as_u64().unwrap())
        .collect();
    let mut want = vec![plan, 1001, 4001];
    want.sort_unstable();
    want.dedup();
    assert_eq!(ids, want, "the unreadable 1999 is left out, nothing else");
    let cheap = plans.iter().find(|p| p["plan_id"] == plan).unwrap();
    assert_eq!(cheap["price"]["amount"], price);
    assert_eq!(cheap["efficiency"], 99);
    assert_eq!(cheap["efficiency_rating"], "excellent");
    let mtn1 = plans.iter().find(|p| p["plan_id"] == 1001).unwrap();
    assert_eq!(
        (mtn1["efficiency"].as_u64(), mtn1["capacity_mb"].as_u64()),
        (Some(61), Some(1024))
    );
    assert_eq!(mtn1["efficiency_rating"], "poor");
    let airtel = plans.iter().find(|p| p["plan_id"] == 4001).unwrap();
    assert!(
        airtel["efficiency"].is_null() && airtel["efficiency_rating"].is_null(),
        "rated nowhere: unknown, never 75 ({airtel})"
    );
    assert!(crate::helpers::captured_logs().contains("plan 1999: no readable price"));

    let ok = app.buy(&buy_body(MTN_LINE, plan), &new_key()).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.everything());
    assert_eq!(app.upstream_purchases().await, 1);

    let (id, _, _) = crate::market_prices::bare_discounted_product(&app).await;
    let order = crate::market_prices::place(&app, id).await;
    assert_eq!(order.status, StatusCode::CREATED, "{}", order.everything());
}

/// Issue 23 §3: with the circuit breaker open no request leaves the proxy, so the purchase's
/// budget reservation is released, not held as "unknown": an outage cannot fill the day's
/// budget with nothing spent, and the same key buys once the platform is back.
#[tokio::test]
async fn an_open_breaker_releases_the_data_budget() {
    let app = spawn_app_with(Options {
        resilience: amigo_proxy::upstream::Resilience {
            retries: 0,
            retry_base: std::time::Duration::from_millis(5),
            breaker_threshold: 3,
            breaker_cooldown: std::time::Duration::from_millis(300),
        },
        ..with_data(on())
    })
    .await;
    let (plan, price) = app.cheap_mtn_plan().await;
    // the catalog is cached before the outage, as it would be in a busy shop
    assert_eq!(app.get("/api/data/plans").await.status, StatusCode::OK);
    for _ in 0..3 {
        app.state
            .amigo()
            .spending_breaker()
            .acquire()
            .unwrap()
            .record(false);
    }
    let key = new_key();
    let r = app.buy(&buy_body(MTN_LINE, plan), &key).await;
    assert_eq!(
        r.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        r.everything()
    );
    assert_eq!(r.json()["error"], "upstream_unavailable");
    assert_eq!(app.data_posts(), 0, "nothing left the proxy");
    let spent = app.state.store().data_spent(&lagos_today()).await.unwrap();
    assert_eq!(spent, 0, "nothing held for a purchase that was never sent");
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let ok = app.buy(&buy_body(MTN_LINE, plan), &key).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.everything());
    assert_eq!(
        app.state.store().data_spent(&lagos_today()).await.unwrap(),
        price
    );
}

/// Issue 22 §8 / issue 23 §1: Amigo keeps an Idempotency-Key for 24 h. A known key first used
/// longer ago is not re-sent as a retry (Amigo would buy again, unbudgeted, booked on the old
/// day): it is refused before any upstream call, and a new key is a new, budgeted purchase.
#[tokio::test]
async fn a_data_key_older_than_a_day_is_never_resent() {
    let app = spawn_app_with(with_data(on())).await;
    let (plan, price) = app.cheap_mtn_plan().await;
    let start = app.balance();
    let key = new_key();
    let first = app.buy(&buy_body(MTN_LINE, plan), &key).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.everything());
    // within the day, the same key is still a retry
    let retry = app.buy(&buy_body(MTN_LINE, plan), &key).await;
    assert_eq!(retry.status, StatusCode::CREATED);
    assert_eq!(app.data_posts(), 2);
    let db = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    let day_ago = (time::OffsetDateTime::now_utc() - time::Duration::hours(25))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    sqlx::query("UPDATE data_purchases SET created_at = $1 WHERE idempotency_key = $2")
        .bind(&day_ago)
        .bind(&key)
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    let late = app.buy(&buy_body(MTN_LINE, plan), &key).await;
    assert_eq!(
        late.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        late.everything()
    );
    assert_eq!(late.json()["error"], "idempotency_key_expired");
    assert_eq!(app.data_posts(), 2, "the old key was not sent again");
    assert_eq!(app.upstream_purchases().await, 1);
    assert_eq!(app.balance(), start - price);
}

/// Issue 22 §2: an answer to `POST /api/data/` the proxy cannot read (the docs show none) is
/// still a purchase: it is recorded and counted under the proxy's own reference, its body kept,
/// and the shopper is told it was sent and can follow it by that reference.
#[tokio::test]
async fn an_unreadable_purchase_answer_is_recorded_under_the_proxys_reference() {
    let app = spawn_app_with(with_data(on())).await;
    let (plan, price) = app.cheap_mtn_plan().await;
    app.upstream.controls.answer(
        "/api/data/",
        Some(json!({"status": "ok", "message": "Your request is being processed"})),
    );
    let key = new_key();
    let r = app.buy(&buy_body(MTN_LINE, plan), &key).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.everything());
    let data = r.json()["data"].clone();
    let reference = data["reference"].as_str().unwrap().to_owned();
    assert!(reference.starts_with("PRX-DAT-"), "{reference}");
    assert_eq!(data["status"], "processing");
    assert_eq!(data["amount"]["amount"], price);
    assert_eq!(data["mobile_number"], "08031234567");
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("we'll confirm")
    );
    // the money is tracked: counted against today's budget
    let spent = app.state.store().data_spent(&lagos_today()).await.unwrap();
    assert_eq!(spent, price);
    // the raw answer is kept
    let db = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    let kept: String =
        sqlx::query_scalar("SELECT upstream_body FROM data_purchases WHERE reference = $1")
            .bind(&reference)
            .fetch_one(&db)
            .await
            .unwrap();
    db.close().await;
    assert!(kept.contains("being processed"), "{kept}");
    // a retry finds the same record; the shopper can look it up
    let again = app.buy(&buy_body(MTN_LINE, plan), &key).await;
    assert_eq!(again.json()["data"]["reference"], reference.as_str());
    let seen = app.lookup(&reference, MTN_LINE).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.everything());
    assert_eq!(seen.json()["data"]["status"], "processing");
}

/// Issue 22 §2: a reference and a status under other names (and under `data`) are found.
#[tokio::test]
async fn a_reference_and_status_are_read_from_another_answer_shape() {
    let app = spawn_app_with(with_data(on())).await;
    let (plan, _) = app.cheap_mtn_plan().await;
    app.upstream.controls.answer(
        "/api/data/",
        Some(json!({"success": true, "data": {"ref": "AMG-DATA-7731", "state": "successful"}})),
    );
    let r = app.buy(&buy_body(MTN_LINE, plan), &new_key()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.everything());
    assert_eq!(r.json()["data"]["reference"], "AMG-DATA-7731");
    assert_eq!(r.json()["data"]["status"], "delivered");
    assert!(r.json().get("message").is_none());
    let seen = app.lookup("AMG-DATA-7731", MTN_LINE).await;
    assert_eq!(seen.json()["data"]["status"], "delivered");
}

/// Issue 22 §2 and §7: against a platform without the sandbox's invented outcome lookup
/// (`--docs-only`), a probe finds none and the proxy never asks for outcomes: the shopper sees
/// what the purchase answer said; and the data API still lists plans and sells.
#[tokio::test]
async fn outcomes_are_not_asked_for_where_the_platform_has_no_lookup() {
    let app = spawn_app_with(Options {
        docs_only: true,
        ..with_data(on())
    })
    .await;
    let plans = app.get("/api/data/plans?network=1").await;
    assert_eq!(plans.status, StatusCode::OK, "{}", plans.everything());
    assert_eq!(plans.json()["data"][0]["plan_id"], 1001);
    let (plan, _) = app.cheap_mtn_plan().await;
    let r = app.buy(&buy_body(MTN_LINE, plan), &new_key()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.everything());
    let reference = r.json()["data"]["reference"].as_str().unwrap().to_owned();
    app.upstream_post(
        "/data/sandbox/advance/",
        &json!({"reference": reference, "outcome": "delivered"}),
    )
    .await;
    for _ in 0..2 {
        let seen = app.lookup(&reference, MTN_LINE).await;
        assert_eq!(seen.status, StatusCode::OK);
        assert_eq!(seen.json()["data"]["status"], "processing");
    }
    assert_eq!(
        app.upstream.controls.count(&Method::GET, "/api/data/"),
        1,
        "one probe, remembered; never a ?ref= lookup"
    );
    assert!(matches!(
        app.state.outcome_lookup().known(),
        amigo_proxy::outcome_lookup::LookupProbe::Absent(_)
    ));
}
