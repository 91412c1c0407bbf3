//! Going live: `doctor`'s webhook line before and after `webhooks register`, the receiver taking
//! a registered secret without a restart, and a rotation keeping both secrets valid during the
//! overlap, all against the sandbox.

use amigo_proxy::golive::webhooks::DEFAULT_OVERLAP;
use amigo_proxy::golive::{GoLive, GoLiveError, doctor};
use amigo_proxy::webhook_endpoints;
use axum::http::StatusCode;
use secrecy::ExposeSecret;
use serde_json::json;

use crate::helpers::{
    Options, TestApp, captured_logs, eventually, now, spawn_app_with, webhook_request,
};

/// A proxy holding no webhook secret, with no endpoint registered for its URL (the harness's
/// own registration deleted), and a widget build on disk.
async fn bare_app() -> (TestApp, GoLive, tempfile::TempDir) {
    let widget = tempfile::tempdir().unwrap();
    std::fs::write(widget.path().join("index.html"), "<html></html>").unwrap();
    std::fs::write(widget.path().join("amigo-widget.js"), "// loader").unwrap();
    let app = spawn_app_with(Options {
        secrets: Some(Vec::new()),
        widget_dir: Some(widget.path().to_path_buf()),
        ..Options::default()
    })
    .await;
    let golive = GoLive::with_store(app.state.config().clone(), app.state.store().clone()).unwrap();
    for e in golive.platform().list().await.unwrap() {
        assert!(
            !golive.delete(e.id).await.unwrap(),
            "the harness's, not stored"
        );
    }
    (app, golive, widget)
}

async fn report(golive: &GoLive) -> doctor::Report {
    doctor::run(golive.config(), Ok(golive.store())).await
}

/// A body the receiver acknowledges (an order it does not know).
fn event(n: u32) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "event": "order.shipped",
        "livemode": false,
        "data": {"reference": format!("AMG-COM-TEST-ROT{n}"), "status": "shipped"}
    }))
    .unwrap()
}

async fn deliver(app: &TestApp, secret: &str, n: u32) -> StatusCode {
    app.call(webhook_request(
        &event(n),
        Some(secret),
        now(),
        &format!("rot-{n}"),
    ))
    .await
    .status
}

#[tokio::test]
async fn doctor_fails_the_webhook_line_until_register_and_then_passes() {
    let (app, golive, _widget) = bare_app().await;
    let before = report(&golive).await;
    let line = before.check("webhook").unwrap();
    assert!(!line.ok, "{line:?}");
    assert!(
        line.fix.as_deref().unwrap().contains("webhooks register"),
        "{line:?}"
    );
    assert!(!before.passed());
    assert!(line.line().starts_with("✗ webhook: "), "{}", line.line());
    for other in before.checks.iter().filter(|c| c.name != "webhook") {
        assert!(other.ok, "{other:?}");
    }

    let registration = golive.register().await.unwrap();
    let url = format!("{}/webhooks/amigo", app.proxy_url);
    assert_eq!(registration.endpoint.url, url);
    assert_eq!(registration.endpoint.events, "*");

    let after = report(&golive).await;
    let line = after.check("webhook").unwrap();
    assert!(line.ok, "{line:?}");
    assert!(line.detail.contains("no deliveries yet"), "{line:?}");
    assert!(after.passed(), "{after:?}");

    // A second register would double every event: refused, naming what to do instead.
    match golive.register().await {
        Err(GoLiveError::Refused(m)) => assert!(m.contains("rotate"), "{m}"),
        other => panic!("{other:?}"),
    }

    // The running proxy takes the stored secret at once: a real order's webhook is applied and
    // the line then shows the successful delivery.
    let order = app.place_order("08031234567").await;
    let reference = order["reference"].as_str().unwrap().to_owned();
    app.advance(&reference, "accepted").await;
    app.advance(&reference, "shipped").await;
    eventually(10, || async {
        app.tracking(&reference, "08031234567").await.json()["data"]["status"] == "shipped"
    })
    .await;
    eventually(10, || async {
        let r = report(&golive).await;
        let line = r.check("webhook").unwrap().clone();
        line.ok && line.detail.contains("succeeded (1 attempt, 200)")
    })
    .await;

    // Disabled → ✗ with the command that fixes it; enabled again → ✓.
    let disabled = golive.set_active(None, false).await.unwrap();
    assert_eq!(
        disabled.status,
        amigo_types::webhooks::EndpointStatus::Disabled
    );
    let line = report(&golive).await.check("webhook").unwrap().clone();
    assert!(!line.ok);
    assert_eq!(
        line.fix.as_deref(),
        Some(format!("run `amigo-proxy webhooks enable {}`", disabled.id).as_str())
    );
    golive.set_active(None, true).await.unwrap();
    assert!(report(&golive).await.passed());

    let secret = registration.secret.expose_secret();
    assert!(
        !captured_logs().contains(secret),
        "a secret reached the log"
    );
}

#[tokio::test]
async fn rotate_keeps_both_secrets_valid_during_the_overlap_then_retires_the_old_one() {
    let (app, golive, _widget) = bare_app().await;
    assert!(matches!(
        golive.rotate(DEFAULT_OVERLAP).await,
        Err(GoLiveError::Refused(m)) if m.contains("webhooks register")
    ));
    let first = golive.register().await.unwrap();
    let old = first.secret.expose_secret().to_owned();
    assert_eq!(deliver(&app, &old, 1).await, StatusCode::OK);

    let rotation = golive.rotate(DEFAULT_OVERLAP).await.unwrap();
    assert_eq!(rotation.old_id, first.endpoint.id);
    assert!(rotation.disable_failed.is_none());
    let stored = webhook_endpoints::all(golive.store()).await.unwrap();
    let new = stored
        .iter()
        .find(|e| e.endpoint_id == rotation.new_id)
        .unwrap()
        .secret
        .expose_secret()
        .to_owned();
    assert_ne!(new, old);
    let window = rotation.retire_at - time::OffsetDateTime::now_utc();
    assert!(window > time::Duration::hours(47) && window <= time::Duration::hours(48));

    // Both secrets verify during the overlap; a stranger's does not.
    assert_eq!(deliver(&app, &old, 2).await, StatusCode::OK);
    assert_eq!(deliver(&app, &new, 3).await, StatusCode::OK);
    assert_eq!(
        deliver(&app, "0123456789abcdef0123456789abcdef", 4).await,
        StatusCode::UNAUTHORIZED
    );
    // Upstream: the old endpoint no longer gets new events, the new one does.
    let upstream = golive.platform().list().await.unwrap();
    let status = |id| upstream.iter().find(|e| e.id == id).map(|e| e.status);
    assert_eq!(
        status(rotation.old_id),
        Some(amigo_types::webhooks::EndpointStatus::Disabled)
    );
    assert_eq!(
        status(rotation.new_id),
        Some(amigo_types::webhooks::EndpointStatus::Active)
    );
    assert!(report(&golive).await.passed());
    // A second rotation waits for the first to finish.
    assert!(matches!(
        golive.rotate(DEFAULT_OVERLAP).await,
        Err(GoLiveError::Refused(m)) if m.contains("--finish")
    ));

    // Once the window has passed the old secret is refused, finished or not.
    webhook_endpoints::set_retire_at(
        golive.store(),
        golive.platform().base(),
        rotation.old_id,
        time::OffsetDateTime::now_utc() - time::Duration::seconds(1),
    )
    .await
    .unwrap();
    assert_eq!(deliver(&app, &old, 5).await, StatusCode::UNAUTHORIZED);
    assert_eq!(deliver(&app, &new, 6).await, StatusCode::OK);

    // --finish deletes the old endpoint upstream and drops its secret.
    assert_eq!(
        golive.finish_rotation().await.unwrap(),
        vec![rotation.old_id]
    );
    let ids: Vec<u64> = golive
        .platform()
        .list()
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(ids, vec![rotation.new_id]);
    assert_eq!(
        webhook_endpoints::all(golive.store()).await.unwrap().len(),
        1
    );
    assert!(matches!(
        golive.finish_rotation().await,
        Err(GoLiveError::Refused(_))
    ));
    let logs = captured_logs();
    assert!(
        !logs.contains(&old) && !logs.contains(&new),
        "a secret reached the log"
    );
}

#[tokio::test]
async fn finish_ends_the_overlap_early() {
    let (app, golive, _widget) = bare_app().await;
    let old = golive.register().await.unwrap().secret;
    let rotation = golive.rotate(DEFAULT_OVERLAP).await.unwrap();
    assert_eq!(deliver(&app, old.expose_secret(), 1).await, StatusCode::OK);
    golive.finish_rotation().await.unwrap();
    assert_eq!(
        deliver(&app, old.expose_secret(), 2).await,
        StatusCode::UNAUTHORIZED
    );
    assert!(
        golive
            .list()
            .await
            .unwrap()
            .endpoints
            .iter()
            .all(|l| l.endpoint.id == rotation.new_id && l.secret_stored && l.this_url)
    );
}

#[tokio::test]
async fn a_live_token_needs_an_https_public_url() {
    let (app, _, _widget) = bare_app().await;
    let mut config = app.state.config().clone();
    config.api_key = secrecy::SecretString::from(amigo_sandbox::random_live_token());
    let golive = GoLive::with_store(config.clone(), app.state.store().clone()).unwrap();
    match golive.register().await {
        Err(GoLiveError::Refused(m)) => assert!(m.starts_with("AMIGO_PUBLIC_URL"), "{m}"),
        other => panic!("{other:?}"),
    }
    let r = doctor::run(&config, Ok(app.state.store())).await;
    let line = r.check("public_url").unwrap();
    assert!(!line.ok && line.detail.contains("not https"), "{line:?}");
    assert!(r.check("token").unwrap().detail.contains("live mode"));
}

#[tokio::test]
async fn an_unreachable_platform_fails_the_upstream_line_and_says_so_on_the_webhook_line() {
    let (app, _, _widget) = bare_app().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let mut config = app.state.config().clone();
    config.api_base = format!("http://127.0.0.1:{port}/api");
    let r = doctor::run(&config, Ok(app.state.store())).await;
    let upstream = r.check("upstream").unwrap();
    assert!(!upstream.ok, "{upstream:?}");
    assert!(upstream.detail.contains("could not reach"), "{upstream:?}");
    assert!(upstream.fix.as_deref().unwrap().contains("AMIGO_API_BASE"));
    let webhook = r.check("webhook").unwrap();
    assert!(!webhook.ok && webhook.fix.as_deref() == Some("fix the upstream line first"));
    assert!(r.check("database").unwrap().ok && r.check("widget").unwrap().ok);
    assert!(!r.passed());
    // `webhooks register` fails with the same one-line cause, and stores nothing.
    let golive = GoLive::with_store(config, app.state.store().clone()).unwrap();
    let e = golive.register().await.unwrap_err().to_string();
    assert!(
        e.starts_with("could not reach the Amigo API at http://127.0.0.1:"),
        "{e}"
    );
    assert!(!e.contains('\n'));
    assert!(
        webhook_endpoints::all(app.state.store())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_refused_token_fails_the_token_and_upstream_lines() {
    let (app, _, _widget) = bare_app().await;
    let mut config = app.state.config().clone();
    config.api_key = secrecy::SecretString::from("amg_test_has space");
    let r = doctor::run(&config, Ok(app.state.store())).await;
    assert!(!r.check("token").unwrap().ok);
    let upstream = r.check("upstream").unwrap();
    assert!(!upstream.ok, "{upstream:?}");
    assert!(
        upstream
            .detail
            .contains("refused the token (401 invalid_token)"),
        "{upstream:?}"
    );
    let printed: Vec<String> = r.checks.iter().map(doctor::Check::line).collect();
    assert!(
        !printed.concat().contains("amg_test_has space"),
        "the token was shown"
    );
}

#[tokio::test]
async fn an_endpoint_deleted_elsewhere_is_listed_as_missing_and_delete_forgets_it() {
    let (_app, golive, _widget) = bare_app().await;
    let id = golive.register().await.unwrap().endpoint.id;
    golive.platform().delete(id).await.unwrap();
    let listing = golive.list().await.unwrap();
    assert!(listing.endpoints.is_empty());
    assert_eq!(listing.missing_upstream, vec![id]);
    assert!(
        golive.delete(id).await.unwrap(),
        "already gone upstream is fine"
    );
    assert!(golive.list().await.unwrap().missing_upstream.is_empty());
    assert!(matches!(
        golive.set_active(None, false).await,
        Err(GoLiveError::Refused(m)) if m.contains("webhooks list")
    ));
}

/// Issue 22 §6: `doctor` probes the plan catalog's location and shape and the outcome lookup,
/// and says what the proxy will do: against the sandbox (catalog found, lookup present), its
/// `--docs-only` mode (lookup absent, still a pass: the proxy degrades), and a catalog nowhere
/// (a failed line naming AMIGO_PLANS_URL).
#[tokio::test]
async fn doctor_probes_the_plan_catalog_and_the_outcome_lookup() {
    for docs_only in [false, true] {
        let app = spawn_app_with(Options {
            docs_only,
            ..Options::default()
        })
        .await;
        let mut config = app.state.config().clone();
        config.data.enabled = false;
        let r = doctor::run(&config, Ok(app.state.store())).await;
        assert!(
            r.check("plan_catalog")
                .unwrap()
                .detail
                .contains("not probed")
        );
        config.data.enabled = true;
        let r = doctor::run(&config, Ok(app.state.store())).await;
        let catalog = r.check("plan_catalog").unwrap();
        assert!(catalog.ok, "{catalog:?}");
        assert!(
            catalog.detail.contains("/api/plans_catalog.php"),
            "{catalog:?}"
        );
        let plans = if docs_only { 39 } else { 52 };
        assert!(
            catalog.detail.starts_with(&format!("{plans} plans read")),
            "{catalog:?}"
        );
        let lookup = r.check("data_lookup").unwrap();
        assert!(lookup.ok);
        let said = if docs_only {
            "no purchase lookup"
        } else {
            "GET /api/data/ answers"
        };
        assert!(lookup.detail.contains(said), "{docs_only}: {lookup:?}");

        config.plans_url = Some(format!("{}/nowhere.php", app.upstream.api_base));
        let r = doctor::run(&config, Ok(app.state.store())).await;
        let missing = r.check("plan_catalog").unwrap();
        assert!(!missing.ok, "{missing:?}");
        assert!(missing.fix.as_deref().unwrap().contains("AMIGO_PLANS_URL"));
    }
}

/// Issue 22 §6: `doctor` probes the quote's CORS for the proxy's own origin and every allowed
/// one (a preflight as a browser sends it) and says the widget falls back to the proxy where it
/// is refused; and says which webhook answers are documented and which are read tolerantly,
/// reading one endpoint's deliveries. Against the sandbox as it runs by default, and in
/// `--docs-only` mode with the quote's CORS off; `--json` carries every line.
#[tokio::test]
async fn doctor_probes_the_quote_cors_and_the_webhook_answers() {
    for (docs_only, quote_cors) in [(false, true), (true, false)] {
        let app = spawn_app_with(Options {
            docs_only,
            quote_cors,
            ..Options::default()
        })
        .await;
        let config = app.state.config().clone();
        let r = doctor::run(&config, Ok(app.state.store())).await;
        let cors = r.check("quote_cors").unwrap();
        assert!(cors.ok, "{cors:?}");
        let origins = format!("{}, {}", app.proxy_url, crate::helpers::SHOP_ORIGIN);
        if quote_cors {
            assert!(
                cors.detail.starts_with(&format!(
                    "browsers at {origins} may call Amigo's quote directly"
                )),
                "{cors:?}"
            );
            assert!(!cors.detail.contains("refuses"), "{cors:?}");
        } else {
            assert!(
                cors.detail.starts_with(&format!(
                    "Amigo's quote refuses browsers at {}",
                    app.proxy_url
                )),
                "{cors:?}"
            );
            assert!(
                cors.detail
                    .contains("(no Access-Control-Allow-Origin; preflight 405)")
                    && cors
                        .detail
                        .contains("asks the proxy's POST /api/delivery/quote instead"),
                "{cors:?}"
            );
        }
        let api = r.check("webhook_api").unwrap();
        assert!(api.ok, "{api:?}");
        assert!(
            api.detail
                .starts_with("register and list answer as documented; endpoint ")
                && api.detail.contains("deliveries read")
                && api
                    .detail
                    .contains("PATCH and DELETE answers are not published"),
            "{api:?}"
        );
        let purchase = r.check("data_purchase").unwrap();
        assert!(
            purchase.ok && purchase.detail.starts_with("not probed"),
            "{purchase:?}"
        );

        let json = serde_json::to_value(&r).unwrap();
        let names: Vec<&str> = json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "token",
                "payment",
                "upstream",
                "public_url",
                "origins",
                "webhook",
                "webhook_api",
                "quote_cors",
                "plan_catalog",
                "data_purchase",
                "data_lookup",
                "database",
                "widget"
            ],
            "{docs_only}"
        );
    }
}

/// A platform whose `DELETE` answers `204` with no body and whose `PATCH` answers without the
/// endpoint (the docs publish neither answer): `webhooks delete` still forgets the secret and
/// `disable` reads the endpoint back from the list.
#[tokio::test]
async fn webhook_management_reads_undocumented_answers_tolerantly() {
    use axum::routing::any;
    let (app, _, _widget) = bare_app().await;
    // a front that answers PATCH and DELETE as a live platform might, passing the rest through
    let upstream = app.upstream.api_base.clone();
    let front = axum::Router::new().fallback(any(
        move |method: axum::http::Method,
              uri: axum::http::Uri,
              headers: axum::http::HeaderMap,
              body: bytes::Bytes| {
            let upstream = upstream.clone();
            async move {
                let url = format!(
                    "{upstream}{}",
                    uri.path_and_query()
                        .unwrap()
                        .as_str()
                        .trim_start_matches("/api")
                );
                let mut req = reqwest::Client::new()
                    .request(method.clone(), url)
                    .body(body);
                for (k, v) in &headers {
                    if k != "host" {
                        req = req.header(k, v);
                    }
                }
                let resp = req.send().await.unwrap();
                let status = resp.status();
                let bytes = resp.bytes().await.unwrap();
                match method {
                    axum::http::Method::DELETE if status.is_success() => {
                        (StatusCode::NO_CONTENT, bytes::Bytes::new())
                    }
                    axum::http::Method::PATCH if status.is_success() => (
                        StatusCode::OK,
                        bytes::Bytes::from_static(b"{\"success\":true}"),
                    ),
                    _ => (status, bytes),
                }
            }
        },
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, front).await.unwrap() });
    let mut config = app.state.config().clone();
    config.api_base = format!("http://{addr}/api");
    let golive = GoLive::with_store(config, app.state.store().clone()).unwrap();
    let id = golive.register().await.unwrap().endpoint.id;
    let disabled = golive.set_active(Some(id), false).await.unwrap();
    assert_eq!((disabled.id, disabled.status.as_str()), (id, "disabled"));
    assert!(
        golive.delete(id).await.unwrap(),
        "a 204 counts as deleted, and the secret it held is forgotten"
    );
    assert!(
        webhook_endpoints::for_api(app.state.store(), &format!("http://{addr}/api"))
            .await
            .unwrap()
            .iter()
            .all(|s| s.endpoint_id != id)
    );
}
