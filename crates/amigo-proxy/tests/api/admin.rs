//! The merchant console, in-process: off without a password; sign-in with its cookie rules,
//! CSRF and rate limit; orders with filters, a placed order's page and the sandbox buttons; the
//! webhook deliveries (a forged one listed as refused); the refusals; no CORS; and no secret or
//! full phone number in the HTML or the logs.

use axum::body::Body;
use axum::http::{Method, StatusCode};

use crate::helpers::{
    Options, TestApp, TestResponse, captured_logs, eventually, new_key, now, order_body,
    order_request, request, spawn_app, spawn_app_with, webhook_request,
};

pub(crate) const PASSWORD: &str = "correct horse battery staple";
const PHONE: &str = "+234 803 123 4567";

async fn console() -> TestApp {
    spawn_app_with(Options {
        admin_password: Some(PASSWORD.to_owned()),
        ..Options::default()
    })
    .await
}

pub(crate) fn html(r: &TestResponse) -> String {
    String::from_utf8(r.body.to_vec()).unwrap()
}

/// The value of `name="csrf"` in a page.
pub(crate) fn csrf_in(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    page[at..at + 64].to_owned()
}

/// `name=value` of a `Set-Cookie` for `name`.
pub(crate) fn cookie(r: &TestResponse, name: &str) -> Option<(String, String)> {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| {
            let pair = c.split(';').next().unwrap().to_owned();
            (pair, c.to_owned())
        })
}

pub(crate) fn form(uri: &str, cookies: &str, body: &str) -> axum::extract::Request {
    request(Method::POST, uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookies)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

pub(crate) fn get_with(uri: &str, cookies: &str) -> axum::extract::Request {
    request(Method::GET, uri)
        .header("cookie", cookies)
        .body(Body::empty())
        .unwrap()
}

pub(crate) fn encode(s: &str) -> String {
    amigo_types::catalog::encode_pairs(&[("x".to_owned(), s.to_owned())])[2..].to_owned()
}

/// Signs in and returns the session cookie pair.
pub(crate) async fn sign_in(app: &TestApp) -> String {
    let page = app.get("/admin/login").await;
    let (pre, _) = cookie(&page, "amigo_admin_pre").unwrap();
    let csrf = csrf_in(&html(&page));
    let r = app
        .call(form(
            "/admin/login",
            &pre,
            &format!("csrf={csrf}&password={}", encode(PASSWORD)),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.everything());
    assert_eq!(r.header("location"), Some("/admin"));
    cookie(&r, "amigo_admin").unwrap().0
}

#[tokio::test]
async fn without_a_password_there_is_no_console() {
    let app = spawn_app().await;
    for path in ["/admin", "/admin/login", "/admin/webhooks"] {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(r.json()["error"], "not_found");
    }
}

#[tokio::test]
async fn sign_in_sets_a_strict_cookie_and_a_wrong_password_is_refused_then_limited() {
    let app = console().await;
    let r = app.get("/admin").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location"), Some("/admin/login"));

    let page = app.get("/admin/login").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(
        page.header("content-security-policy")
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    let (pre, pre_attrs) = cookie(&page, "amigo_admin_pre").unwrap();
    assert!(pre_attrs.contains("HttpOnly") && pre_attrs.contains("SameSite=Strict"));
    let csrf = csrf_in(&html(&page));

    // no CSRF token, or another site's: refused before the password is even looked at
    let no_csrf = app
        .call(form(
            "/admin/login",
            &pre,
            &format!("password={}", encode(PASSWORD)),
        ))
        .await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    let mut cross = form(
        "/admin/login",
        &pre,
        &format!("csrf={csrf}&password={}", encode(PASSWORD)),
    );
    cross
        .headers_mut()
        .insert("origin", "https://shop.example.com".parse().unwrap());
    assert_eq!(app.call(cross).await.status, StatusCode::FORBIDDEN);

    let wrong = app
        .call(form(
            "/admin/login",
            &pre,
            &format!("csrf={csrf}&password=guess"),
        ))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(html(&wrong).contains("That password is not right."));
    assert!(cookie(&wrong, "amigo_admin").is_none());
    for _ in 0..4 {
        app.call(form(
            "/admin/login",
            &pre,
            &format!("csrf={csrf}&password=guess"),
        ))
        .await;
    }
    // the sixth attempt is refused even with the right password
    let limited = app
        .call(form(
            "/admin/login",
            &pre,
            &format!("csrf={csrf}&password={}", encode(PASSWORD)),
        ))
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.header("retry-after").is_some());
    assert!(html(&limited).contains("Too many sign-in attempts"));

    let other = console().await;
    let session = sign_in(&other).await;
    let r = other.call(get_with("/admin", &session)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.everything());
    assert!(html(&r).contains("<h1>Orders</h1>"));
}

#[tokio::test]
async fn the_console_shows_orders_and_moves_a_sandbox_order_along() {
    let app = console().await;
    let order = app.place_order(PHONE).await;
    let reference = order["reference"].as_str().unwrap().to_owned();
    let session = sign_in(&app).await;

    let list = app.call(get_with("/admin", &session)).await;
    let page = html(&list);
    assert!(page.contains(&reference), "{page}");
    assert!(page.contains("•••• 4567"));
    assert!(page.contains("✓"), "the health strip");
    for secret in [
        app.token.as_str(),
        "8031234567",
        PASSWORD,
        app.webhook_secret.as_str(),
    ] {
        assert!(!page.contains(secret), "{secret} leaked");
    }

    // filters: by the last 4 digits, by reference, by status; a bad filter is a clear 400
    for (query, found) in [
        ("q=4567", true),
        ("q=9999", false),
        (
            &format!(
                "q={}",
                &reference[reference.len() - 6..].to_ascii_lowercase()
            ) as &str,
            true,
        ),
        ("status=paid", true),
        ("status=shipped", false),
        ("from=2000-01-01&to=2100-01-01", true),
        ("to=2000-01-01", false),
    ] {
        let r = app
            .call(get_with(&format!("/admin?{query}"), &session))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{query}");
        assert_eq!(html(&r).contains(&reference), found, "{query}");
    }
    let bad = app.call(get_with("/admin?status=lost", &session)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(html(&bad).contains("Unknown status"));

    let detail = app
        .call(get_with(&format!("/admin/orders/{reference}"), &session))
        .await;
    let page = html(&detail);
    assert!(page.contains("Move it along (sandbox)"));
    let csrf = csrf_in(&page);

    // a move without the session's CSRF token is refused and changes nothing
    let forged = app
        .call(form(
            &format!("/admin/orders/{reference}/advance"),
            &session,
            "status=accepted&csrf=0000000000000000000000000000000000000000000000000000000000000000",
        ))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let moved = app
        .call(form(
            &format!("/admin/orders/{reference}/advance"),
            &session,
            &format!("status=accepted&csrf={csrf}"),
        ))
        .await;
    assert_eq!(
        moved.status,
        StatusCode::SEE_OTHER,
        "{}",
        moved.everything()
    );
    // the sandbox sends its webhook; the console's order list then shows it
    eventually(10, || async {
        let r = app.call(get_with("/admin?status=accepted", &session)).await;
        html(&r).contains(&reference)
    })
    .await;
    let refused = app
        .call(form(
            &format!("/admin/orders/{reference}/advance"),
            &session,
            &format!("status=paid&csrf={csrf}"),
        ))
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);

    // sign out: the session no longer opens the console
    let out = app
        .call(form("/admin/logout", &session, &format!("csrf={csrf}")))
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let after = app.call(get_with("/admin", &session)).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);

    let logs = captured_logs();
    for secret in [PASSWORD, "8031234567", app.token.as_str()] {
        assert!(!logs.contains(secret), "{secret} in the logs");
    }
}

#[tokio::test]
async fn a_forged_webhook_is_listed_as_refused_and_refusals_are_counted() {
    let app = console().await;
    let session = sign_in(&app).await;
    let forged = app
        .call(webhook_request(
            br#"{"event":"order.shipped","data":{"reference":"AMG-COM-TEST-X"}}"#,
            Some("not-the-secret-at-all-0123456789"),
            now(),
            "dlv-forged-1",
        ))
        .await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);
    let stale = app
        .call(webhook_request(
            b"{}",
            Some(&app.webhook_secret),
            now() - 3600,
            "dlv-stale-1",
        ))
        .await;
    assert_eq!(stale.status, StatusCode::UNAUTHORIZED);
    eventually(5, || async {
        let page = html(&app.call(get_with("/admin/webhooks", &session)).await);
        page.contains("dlv-forged-1") && page.contains("dlv-stale-1")
    })
    .await;
    let page = html(&app.call(get_with("/admin/webhooks", &session)).await);
    assert!(page.contains("bad signature") && page.contains("stale or future timestamp"));
    assert!(!page.contains(&app.webhook_secret));

    // a spend-guard refusal
    let (dear, price) = app.product(true).await;
    let capped = spawn_app_with(Options {
        admin_password: Some(PASSWORD.to_owned()),
        max_order_total: price - 1,
        ..Options::default()
    })
    .await;
    let refused = capped
        .call(order_request(&order_body(PHONE, dear, 1), Some(&new_key())))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let session = sign_in(&capped).await;
    eventually(5, || async {
        let page = html(&capped.call(get_with("/admin/refusals", &session)).await);
        page.contains("order_total_exceeds_limit") && page.contains("/api/orders")
    })
    .await;
}

#[tokio::test]
async fn the_console_is_never_open_to_the_storefront_origins() {
    let app = console().await;
    let preflight = app
        .call(
            request(Method::OPTIONS, "/admin/login")
                .header("origin", crate::helpers::SHOP_ORIGIN)
                .header("access-control-request-method", "POST")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(preflight.header("access-control-allow-origin").is_none());
    let page = app
        .call(
            request(Method::GET, "/admin/login")
                .header("origin", crate::helpers::SHOP_ORIGIN)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(page.header("access-control-allow-origin").is_none());
}

/// Issue 22 §2: a data purchase whose answer the proxy could not read is on the console's Data
/// page for the merchant to check, with the reference the shopper was given and Amigo's answer
/// as it came; a purchase answered in the known shape is not.
#[tokio::test]
async fn an_unreadable_data_answer_is_listed_for_the_merchant_to_check() {
    let app = console().await;
    let session = sign_in(&app).await;
    let buy = |key: String| {
        crate::helpers::request(Method::POST, "/api/data/purchases")
            .header("content-type", "application/json")
            .header("idempotency-key", key)
            .body(Body::from(
                r#"{"network":1,"mobile_number":"08031234567","plan":1002,"Ported_number":false}"#,
            ))
            .unwrap()
    };
    let known = app.call(buy(new_key())).await;
    assert_eq!(known.status, StatusCode::CREATED, "{}", known.everything());
    let page = html(&app.call(get_with("/admin/data", &session)).await);
    assert!(page.contains("None."), "{page}");
    app.upstream.controls.answer(
        "/api/data/",
        Some(serde_json::json!({"status": "ok", "note": "queued-7731"})),
    );
    let odd = app.call(buy(new_key())).await;
    assert_eq!(odd.status, StatusCode::OK, "{}", odd.everything());
    let reference = odd.json()["data"]["reference"].as_str().unwrap().to_owned();
    let page = html(&app.call(get_with("/admin/data", &session)).await);
    assert!(page.contains(&reference), "{page}");
    assert!(page.contains("queued-7731"), "{page}");
    assert!(!page.contains(known.json()["data"]["reference"].as_str().unwrap()));
}
