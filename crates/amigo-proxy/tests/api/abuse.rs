//! Issue 23, "amigo-proxy under abuse": one regression test per item, named `abuse_NN_…` after
//! the item it guards.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use futures::StreamExt;

use crate::helpers::{
    Options, new_key, now, order_body, order_request, payload, request, spawn_app, spawn_app_with,
    webhook_request,
};

/// Item 4: Amigo's `insufficient_balance` carries the merchant's wallet balance; the browser
/// gets the refusal without it, and the merchant's log (and console) gets the figure.
#[tokio::test]
async fn abuse_04_insufficient_balance_hides_the_wallet_balance() {
    let app = spawn_app().await;
    let (id, price) = app.product(true).await;
    // Leave the wallet one Naira short of the order.
    let left = price - 1;
    app.leave_in_wallet(left);
    assert_eq!(app.balance(), left);
    let r = app
        .call(order_request(
            &order_body("08031234567", id, 1),
            Some(&new_key()),
        ))
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        r.everything()
    );
    let j = r.json();
    assert_eq!(j["error"], "insufficient_balance");
    assert!(j.get("balance").is_none(), "{j}");
    let seen = r.everything();
    let grouped = amigo_types::format_naira(left);
    for figure in [left.to_string(), grouped.clone()] {
        assert!(!seen.contains(&figure), "{figure} in {seen}");
    }
    assert!(!seen.to_lowercase().contains("wallet"), "{seen}");
    // the merchant is told, in the log
    let logs = crate::helpers::captured_logs();
    assert!(
        logs.lines()
            .any(|l| l.contains("WARN") && l.contains(&format!("balance=Some({left})"))),
        "no warning with the balance"
    );
}

/// Item 16: `--widget-dir` serves the files a widget build makes and nothing else beside them:
/// no dotfiles, no database, no notes, whatever encoding is asked for.
#[tokio::test]
async fn abuse_16_the_widget_dir_serves_only_the_builds_own_files() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("index.html"), "<html></html>").unwrap();
    std::fs::write(p.join("amigo-widget.js"), "(function(){})()").unwrap();
    // a secret made for this run, so the check below looks for something only that file holds
    let secret = format!("amg_live_{}", new_key().replace('-', ""));
    std::fs::write(p.join(".env"), format!("AMIGO_API_KEY={secret}")).unwrap();
    std::fs::write(p.join("x.db"), "SQLite format 3").unwrap();
    std::fs::write(p.join("x.db.br"), "SQLite format 3").unwrap();
    std::fs::write(p.join("secret.txt"), "the safe's code").unwrap();
    std::fs::create_dir(p.join(".git")).unwrap();
    std::fs::write(p.join(".git/config"), "[remote]").unwrap();
    std::fs::create_dir(p.join("sub")).unwrap();
    std::fs::write(p.join("sub/.hidden.js"), "hidden").unwrap();
    let app = spawn_app_with(Options {
        widget_dir: Some(p.to_path_buf()),
        ..Options::default()
    })
    .await;
    let ok = app.get("/widget/amigo-widget.js").await;
    assert_eq!(ok.status, StatusCode::OK);
    for path in [
        "/widget/.env",
        "/widget/x.db",
        "/widget/secret.txt",
        "/widget/.git/config",
        "/widget/sub/.hidden.js",
        "/widget/%2Eenv",
    ] {
        for accept in ["identity", "br, gzip"] {
            let r = app
                .call(
                    request(Method::GET, path)
                        .header("accept-encoding", accept)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path} ({accept})");
            let seen = r.everything();
            for content in [
                secret.as_str(),
                "SQLite",
                "safe's code",
                "[remote]",
                "hidden",
            ] {
                assert!(!seen.contains(content), "{path}: {seen}");
            }
        }
    }
}

/// Item 17: the parsed command line and the settings print no secret and no database password
/// when formatted with `{:?}` (as a startup log or a panic message would).
#[test]
fn abuse_17_debug_of_cli_and_settings_shows_no_secret() {
    use clap::Parser;
    use secrecy::ExposeSecret;

    let token = "amg_test_Sup3rSecretTok3n99";
    let password = "correct horse battery staple";
    let hook_secret = "whsec0123456789abcdefSECRET";
    let cli = amigo_proxy::Cli::try_parse_from([
        "amigo-proxy",
        "--api-key",
        token,
        "--admin-password",
        password,
        "--webhook-secrets",
        hook_secret,
        "--database-url",
        "postgres://u:pw@h/db",
    ])
    .unwrap();
    let settings = cli.clone().into_settings().unwrap();
    let hash = settings
        .config
        .admin_password_hash
        .as_ref()
        .unwrap()
        .expose_secret()
        .to_owned();
    for shown in [
        format!("{cli:?}"),
        format!("{cli:#?}"),
        format!("{settings:?}"),
        format!("{:#?}", settings.config),
    ] {
        for secret in [token, password, hook_secret, hash.as_str(), ":pw@"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        // still useful: which database is meant
        assert!(shown.contains("postgres://u:***@h/db"), "{shown}");
    }
    // the URL itself is intact for connecting
    assert_eq!(
        settings.config.database_url.as_str(),
        "postgres://u:pw@h/db"
    );
}

/// Item 5: the ready-made answers are kept per `Origin`, and the origin guard used to accept
/// `https://shop.example.com////…`: every padded variant was kept as an answer of its own.
/// Now a padded (or otherwise not exactly an) origin is refused and never kept, another
/// spelling of an allowed origin shares its one kept answer, and the count stays bounded.
#[tokio::test]
async fn abuse_05_padded_origins_are_refused_and_the_kept_answers_stay_bounded() {
    use crate::helpers::SHOP_ORIGIN;

    let app = spawn_app().await;
    let get = |origin: String| {
        app.call(
            request(Method::GET, "/api/catalog/categories")
                .header("origin", origin)
                .body(Body::empty())
                .unwrap(),
        )
    };
    let first = get(SHOP_ORIGIN.to_owned()).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.everything());
    assert_eq!(app.state.ready_answers().fresh(), 1);
    for i in 1..=3000 {
        let padded = match i % 4 {
            0 => format!("{SHOP_ORIGIN}{}", "/".repeat(i)),
            1 => format!("{SHOP_ORIGIN}/?pad={i}"),
            2 => format!("{SHOP_ORIGIN}#{i}"),
            _ => format!("https://u{i}@shop.example.com"),
        };
        let r = get(padded.clone()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{padded}");
        assert_eq!(r.json()["error"], "origin_not_allowed");
    }
    assert_eq!(app.state.ready_answers().fresh(), 1);
    assert_eq!(app.state.ready_answers().answers(), 1);
    // the same origin spelled otherwise (case, default port) is that origin: its kept answer
    for spelling in ["HTTPS://Shop.Example.COM", "https://shop.example.com:443"] {
        let r = get(spelling.to_owned()).await;
        assert_eq!(r.status, StatusCode::OK, "{spelling}");
        assert_eq!(r.header("x-cache"), Some("HIT"), "{spelling}");
        assert_eq!(r.header("access-control-allow-origin"), Some(SHOP_ORIGIN));
    }
    assert_eq!(app.state.ready_answers().answers(), 1);
}

/// Item 7: a request that takes longer than the request timeout is answered `408
/// request_timeout` instead of holding its connection, while an order's event stream, whose
/// answer starts at once, runs on past that timeout.
#[tokio::test]
async fn abuse_07_a_stuck_request_times_out_but_event_streams_run_on() {
    use std::time::Duration;

    let app = spawn_app_with(Options {
        request_timeout: Duration::from_secs(1),
        ..Options::default()
    })
    .await;
    let order = app.place_order("08031234567").await;
    let reference = order["reference"].as_str().unwrap().to_owned();
    // upstream answers after 2 s (within the 3 s upstream timeout), the proxy gives up at 1 s
    app.upstream
        .controls
        .delay(Some(("/api/commerce/categories", Duration::from_secs(2))));
    let started = std::time::Instant::now();
    let slow = app.get("/api/catalog/categories").await;
    assert_eq!(
        slow.status,
        StatusCode::REQUEST_TIMEOUT,
        "{}",
        slow.everything()
    );
    assert_eq!(slow.json()["error"], "request_timeout");
    assert!(started.elapsed() < Duration::from_millis(1900));
    app.upstream.controls.delay(None);

    let mut resp = reqwest::Client::new()
        .get(format!(
            "{}/api/orders/{reference}/events?phone=08031234567",
            app.proxy_url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let mut seen = String::new();
    let mut read_until = async |needle: &str, seen: &mut String| {
        while !seen.contains(needle) {
            let chunk = tokio::time::timeout(Duration::from_secs(10), resp.chunk())
                .await
                .expect("the stream is still open")
                .unwrap()
                .expect("the stream did not end");
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    };
    read_until("\"status\":\"paid\"", &mut seen).await;
    // well past the request timeout, the stream still delivers
    tokio::time::sleep(Duration::from_millis(1500)).await;
    app.advance(&reference, "accepted").await;
    read_until("\"status\":\"accepted\"", &mut seen).await;
}

/// Item 7: a client that stops sending its body part-way is cut off after the body timeout.
#[tokio::test]
async fn abuse_07_a_stalled_request_body_is_cut_off() {
    use std::time::Duration;

    let app = spawn_app_with(Options {
        body_timeout: Duration::from_millis(500),
        ..Options::default()
    })
    .await;
    let stalled = futures::stream::once(async {
        Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"{\"customer\":"))
    })
    .chain(futures::stream::pending());
    let req = request(Method::POST, "/api/orders")
        .header("content-type", "application/json")
        .header("idempotency-key", new_key())
        .body(Body::from_stream(stalled))
        .unwrap();
    let r = tokio::time::timeout(Duration::from_secs(5), app.call(req))
        .await
        .expect("the stalled body was cut off");
    assert!(r.status.is_client_error(), "{}", r.everything());
    // in the documented envelope, like every other refusal
    assert_eq!(
        r.header("content-type"),
        Some("application/json"),
        "{}",
        r.everything()
    );
    assert_eq!(r.json()["success"], false);
    assert!(r.json()["error"].is_string(), "{}", r.everything());
}

/// Item 7: no more than `AMIGO_MAX_CONNECTIONS` connections are served at once; the next
/// client is served when one closes.
#[tokio::test]
async fn abuse_07_connections_beyond_the_cap_wait() {
    use std::time::Duration;

    use clap::Parser;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::fresh_database_url(dir.path()).await;
    let settings = amigo_proxy::Cli::try_parse_from([
        "amigo-proxy",
        "--api-key",
        "amg_test_abcdefgh12",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        &url,
        "--max-connections",
        "2",
    ])
    .unwrap()
    .into_settings()
    .unwrap();
    let app = amigo_proxy::app::Application::build(settings)
        .await
        .unwrap();
    let addr = app.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let healthz = async |stream: &mut tokio::net::TcpStream| {
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.unwrap();
        String::from_utf8_lossy(&answer).into_owned()
    };
    // two idle connections take the two places
    let idle_one = tokio::net::TcpStream::connect(addr).await.unwrap();
    let _idle_two = tokio::net::TcpStream::connect(addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut third = tokio::net::TcpStream::connect(addr).await.unwrap();
    let waiting = tokio::time::timeout(Duration::from_millis(700), healthz(&mut third)).await;
    assert!(
        waiting.is_err(),
        "a third connection was served: {waiting:?}"
    );
    drop(idle_one);
    let mut fourth = tokio::net::TcpStream::connect(addr).await.unwrap();
    drop(third);
    let answer = tokio::time::timeout(Duration::from_secs(5), healthz(&mut fourth))
        .await
        .expect("served once a place freed");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let _ = stop.send(());
    drop(fourth);
    drop(_idle_two);
    let _ = tokio::time::timeout(Duration::from_secs(5), served).await;
}

/// Item 12: per-client limits counted each IPv6 address apart, so one subscriber's /64 had
/// 2⁶⁴ quotas. Thirty orders from thirty addresses of one /64 are limited as one client's, an
/// IPv4-mapped address is its IPv4 address, and another /64 is another client.
#[tokio::test]
async fn abuse_12_a_whole_ipv6_64_is_limited_as_one_client() {
    use amigo_proxy::config::RateQuotas;

    use crate::helpers::from_ip;

    let app = spawn_app_with(Options {
        rates: RateQuotas {
            orders_per_ip: 5,
            orders_per_phone: 10_000,
            lookups_per_ip: 10_000,
            catalog_per_ip: 10_000,
        },
        ..Options::default()
    })
    .await;
    let (id, _) = app.product(false).await;
    let order = |ip: String| {
        let req = order_request(&order_body("08031234567", id, 1), Some(&new_key()));
        app.call(from_ip(req, &ip))
    };
    let mut placed = 0;
    let mut limited = 0;
    for i in 1..=30u32 {
        let r = order(format!(
            "2001:db8:abcd:12:{i:x}:{:x}::{i:x}",
            (i * 7919) % 0xffff
        ))
        .await;
        match r.status {
            StatusCode::CREATED => placed += 1,
            StatusCode::TOO_MANY_REQUESTS => limited += 1,
            other => panic!("{other}: {}", r.everything()),
        }
    }
    assert_eq!((placed, limited), (5, 25));
    assert_eq!(
        order("2001:db8:abcd:13::1".to_owned()).await.status,
        StatusCode::CREATED,
        "another /64 is another client"
    );
    // an IPv4 client is the same client written as an IPv4-mapped IPv6 address
    for _ in 0..5 {
        let r = order("::ffff:192.0.2.7".to_owned()).await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    assert_eq!(
        order("192.0.2.7".to_owned()).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// Item 14: the console's shared sign-in budget could be spent by anyone, locking the merchant
/// out. Sixty wrong guesses from other addresses spend it; the right password from an address
/// that has not been guessing still signs in.
#[tokio::test]
async fn abuse_14_guessers_cannot_lock_the_merchant_out_of_the_console() {
    use crate::helpers::{TestApp, from_ip};

    const PASSWORD: &str = "correct horse battery staple";
    let app = spawn_app_with(Options {
        admin_password: Some(PASSWORD.to_owned()),
        ..Options::default()
    })
    .await;
    async fn attempt(app: &TestApp, ip: &str, password: &str) -> StatusCode {
        let page = app
            .call(from_ip(
                request(Method::GET, "/admin/login")
                    .body(Body::empty())
                    .unwrap(),
                ip,
            ))
            .await;
        let pre = page
            .headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("amigo_admin_pre="))
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let html = String::from_utf8(page.body.to_vec()).unwrap();
        let at = html.find("name=\"csrf\" value=\"").unwrap() + 19;
        let csrf = &html[at..at + 64];
        let body = format!("csrf={csrf}&password={}", password.replace(' ', "+"));
        let req = request(Method::POST, "/admin/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", pre)
            .body(Body::from(body))
            .unwrap();
        app.call(from_ip(req, ip)).await.status
    }
    // twelve addresses, five guesses each, in turns: each within its own limit, the shared
    // budget spent to the end
    let mut refused = 0;
    for guess in 0..5 {
        for guesser in 0..12 {
            let status = attempt(
                &app,
                &format!("198.51.100.{guesser}"),
                &format!("guess {guess}"),
            )
            .await;
            match status {
                StatusCode::UNAUTHORIZED => {}
                StatusCode::TOO_MANY_REQUESTS => refused += 1,
                other => panic!("{other}"),
            }
        }
    }
    assert!(refused > 0, "the guessers were limited");
    assert_eq!(
        attempt(&app, "203.0.113.9", PASSWORD).await,
        StatusCode::SEE_OTHER,
        "the merchant signs in"
    );
}

/// Item 9: `X-Amigo-Delivery` is not under the signature. A captured `order.accepted` replayed
/// under the next (sequential) delivery ids used to make the real deliveries with those ids
/// "duplicates", acknowledged and dropped. A delivery is now its id AND its signed body: the
/// real `order.shipped` under a replayed id is applied.
#[tokio::test]
async fn abuse_09_a_replay_under_the_next_delivery_ids_does_not_swallow_them() {
    let app = spawn_app().await;
    let order = app.place_order("08031234567").await;
    let reference = order["reference"].as_str().unwrap().to_owned();
    let secret = app.webhook_secret.clone();
    let accepted = payload(&order, "accepted", "2026-11-23T12:00:00+01:00");
    let ts = now();
    let first = app
        .call(webhook_request(&accepted, Some(&secret), ts, "evt-1000"))
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.everything());
    // the attacker replays the captured delivery (headers and body as sent) under the next ids
    for id in ["evt-1001", "evt-1002", "evt-1003"] {
        let r = app
            .call(webhook_request(&accepted, Some(&secret), ts, id))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.everything());
    }
    // then Amigo's real delivery with id N+1 arrives
    let shipped = payload(&order, "shipped", "2026-11-23T13:00:00+01:00");
    let real = app
        .call(webhook_request(&shipped, Some(&secret), now(), "evt-1001"))
        .await;
    assert_eq!(real.status, StatusCode::OK, "{}", real.everything());
    assert_eq!(
        real.json()["data"]["duplicate"],
        false,
        "{}",
        real.everything()
    );
    let view = app.tracking(&reference, "08031234567").await.json();
    assert_eq!(view["data"]["status"], "shipped", "{view}");
    // Amigo's retry of that same delivery is still a duplicate
    let retry = app
        .call(webhook_request(&shipped, Some(&secret), now(), "evt-1001"))
        .await;
    assert_eq!(
        retry.json()["data"]["duplicate"],
        true,
        "{}",
        retry.everything()
    );
}

/// Item 10: an event for an order the proxy does not know yet (it beat the order's own answer)
/// used to be acknowledged and lost. It now waits, and is applied when the order is recorded.
#[tokio::test]
async fn abuse_10_an_event_that_beats_its_order_is_applied_when_the_order_is_recorded() {
    let app = spawn_app().await;
    // the sandbox's own deliveries are off: the proxy hears only what this test sends
    let endpoints = app.upstream_get("/commerce/webhooks/").await;
    let endpoint = endpoints["data"][0]["id"].as_u64().unwrap();
    let patched = reqwest::Client::new()
        .patch(format!(
            "{}/commerce/webhooks/?id={endpoint}",
            app.upstream.api_base
        ))
        .header("X-API-Key", &app.token)
        .json(&serde_json::json!({"status": "disabled"}))
        .send()
        .await
        .unwrap();
    assert!(patched.status().is_success());
    let (id, _) = app.product(false).await;
    let created = app
        .upstream_post("/commerce/orders/", &order_body("08031234567", id, 1))
        .await;
    let order: amigo_types::orders::Order =
        serde_json::from_value(created["data"].clone()).unwrap();
    // a partial event (only the reference and the status) arrives first
    let event = serde_json::to_vec(&serde_json::json!({
        "event": "order.shipped",
        "livemode": false,
        "created_at": "2026-11-23T13:00:00+01:00",
        "data": {"reference": order.reference, "status": "shipped"},
    }))
    .unwrap();
    let r = app
        .call(webhook_request(
            &event,
            Some(&app.webhook_secret),
            now(),
            "early-1",
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.everything());
    // then the order's own answer is recorded
    app.state
        .store()
        .record_order(&order, "2026-11-23T12:00:00+01:00")
        .await
        .unwrap();
    let view = app.tracking(&order.reference, "08031234567").await.json();
    assert_eq!(view["data"]["status"], "shipped", "{view}");
    let timeline: Vec<&str> = view["data"]["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(timeline, ["paid", "shipped"], "{view}");
}

/// Item 6: order event streams had no caps. One client may hold 8 at once (the 9th gets `429`
/// with `Retry-After`), the instance `AMIGO_MAX_EVENT_STREAMS` (then `503 busy`), and a stream
/// ends after `AMIGO_EVENT_STREAM_LIFETIME_SECS`, giving its place back.
#[tokio::test]
async fn abuse_06_event_streams_are_capped_per_client_in_total_and_in_lifetime() {
    use std::time::Duration;

    async fn open(app: &crate::helpers::TestApp, reference: &str) -> reqwest::Response {
        reqwest::Client::new()
            .get(format!(
                "{}/api/orders/{reference}/events?phone=08031234567",
                app.proxy_url
            ))
            .send()
            .await
            .unwrap()
    }

    let app = spawn_app_with(Options {
        event_streams: amigo_proxy::event_streams::EventStreamCaps {
            per_client: 8,
            total: 1000,
            lifetime: Duration::from_secs(1),
        },
        ..Options::default()
    })
    .await;
    let order = app.place_order("08031234567").await;
    let reference = order["reference"].as_str().unwrap().to_owned();
    let mut held = Vec::new();
    for _ in 0..8 {
        let r = open(&app, &reference).await;
        assert_eq!(r.status(), 200);
        held.push(r);
    }
    let ninth = open(&app, &reference).await;
    assert_eq!(ninth.status(), 429);
    assert!(ninth.headers().get("retry-after").is_some());
    let body: serde_json::Value = ninth.json().await.unwrap();
    assert_eq!(body["error"], "rate_limited", "{body}");
    // each stream ends after its lifetime, and its place is given back
    for mut r in held {
        let ended = tokio::time::timeout(Duration::from_secs(10), async {
            while r.chunk().await.unwrap().is_some() {}
        })
        .await;
        assert!(ended.is_ok(), "a stream outlived its lifetime");
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(open(&app, &reference).await.status(), 200);

    // the total cap, whoever asks
    let app = spawn_app_with(Options {
        event_streams: amigo_proxy::event_streams::EventStreamCaps {
            per_client: 8,
            total: 2,
            lifetime: Duration::from_secs(60),
        },
        ..Options::default()
    })
    .await;
    let order = app.place_order("08031234567").await;
    let reference = order["reference"].as_str().unwrap().to_owned();
    let _a = open(&app, &reference).await;
    let _b = open(&app, &reference).await;
    let third = open(&app, &reference).await;
    assert_eq!(third.status(), 503);
    assert!(third.headers().get("retry-after").is_some());
    let body: serde_json::Value = third.json().await.unwrap();
    assert_eq!(body["error"], "busy", "{body}");
}

/// Item 13: phone-proof lookups were limited only per address, so wrong phones spread over
/// many addresses were never stopped. Five wrong phones for one reference, from five
/// addresses, lock that reference's lookups (the right phone from a sixth address gets `429`
/// with `Retry-After`) until the lock expires.
#[tokio::test]
async fn abuse_13_wrong_phones_from_many_addresses_lock_the_reference() {
    use std::time::Duration;

    use crate::helpers::from_ip;

    let app = spawn_app_with(Options {
        lookup_lock: Duration::from_secs(1),
        ..Options::default()
    })
    .await;
    let order = app.place_order("08031234567").await;
    let reference = order["reference"].as_str().unwrap().to_owned();
    let lookup = |ip: String, phone: &str| {
        let req = request(
            Method::GET,
            &format!("/api/orders/{reference}?phone={phone}"),
        )
        .body(Body::empty())
        .unwrap();
        app.call(from_ip(req, &ip))
    };
    for i in 1..=5 {
        let r = lookup(format!("198.51.100.{i}"), "08039999999").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.everything());
    }
    let locked = lookup("198.51.100.6".into(), "08031234567").await;
    assert_eq!(
        locked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        locked.everything()
    );
    assert!(locked.header("retry-after").is_some());
    assert_eq!(locked.json()["error"], "rate_limited");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let after = lookup("198.51.100.6".into(), "08031234567").await;
    assert_eq!(after.status, StatusCode::OK, "{}", after.everything());
}

/// Item 2: anyone could spend the merchant's Amigo rate limit (shared by orders and data): every
/// new catalog search was an upstream call, `404`s were asked again every time, and an order
/// naming 50 unknown ids made 50 lookups. Now a client's uncached catalog reads are limited, a
/// `404` is remembered, the spend guard stops at the first unknown product, and the merchant's
/// own order still goes through after ten junk orders of 50 unknown ids.
#[tokio::test]
async fn abuse_02_junk_reads_and_orders_cannot_spend_the_merchants_amigo_quota() {
    use amigo_proxy::config::RateQuotas;

    use crate::helpers::from_ip;

    let app = spawn_app_with(Options {
        rates: RateQuotas {
            catalog_per_ip: 20,
            ..Options::default().rates
        },
        ..Options::default()
    })
    .await;
    let (id, _) = app.product(false).await;
    let lookups = || {
        app.upstream
            .controls
            .count(&Method::GET, "/api/commerce/products")
    };
    let read = |uri: String, ip: &'static str| {
        app.call(from_ip(
            request(Method::GET, &uri).body(Body::empty()).unwrap(),
            ip,
        ))
    };

    // 100 distinct searches from one client: 20 reach Amigo, the rest are refused here
    let before = lookups();
    let mut limited = 0;
    for n in 0..100 {
        let r = read(format!("/api/catalog/products?q=junk{n}"), "203.0.113.9").await;
        match r.status {
            StatusCode::OK => {}
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(r.header("retry-after").is_some());
                assert_eq!(r.json()["error"], "rate_limited");
                limited += 1;
            }
            other => panic!("{other}: {}", r.everything()),
        }
    }
    assert_eq!((lookups() - before, limited), (20, 80));
    // what is cached is still served to that client, and another client reads as before
    let r = read("/api/catalog/products?q=junk0".to_owned(), "203.0.113.9").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.everything());
    let r = read(format!("/api/catalog/products?id={id}"), "198.51.100.1").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.everything());

    // a product that does not exist is asked for once, then remembered
    let before = lookups();
    for _ in 0..5 {
        let r = read("/api/catalog/products?id=987654".to_owned(), "198.51.100.2").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.everything());
        assert_eq!(r.json()["error"], "not_found");
    }
    assert_eq!(lookups() - before, 1);

    // ten orders of 50 unknown ids each cost one lookup apiece
    let before = lookups();
    for o in 0..10u64 {
        let mut body = order_body("08031234567", id, 1);
        body["items"] = (0..50u64)
            .map(|i| serde_json::json!({"product_id": 500_000 + o * 50 + i, "quantity": 1}))
            .collect();
        let r = app
            .call(from_ip(
                order_request(&body, Some(&new_key())),
                "203.0.113.10",
            ))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.everything());
        assert_eq!(r.json()["field"], "items[0].product_id");
    }
    assert_eq!(lookups() - before, 10);
    assert_eq!(
        app.upstream
            .controls
            .count(&Method::POST, "/api/commerce/orders"),
        0
    );
    // and the merchant's own order goes through
    let r = app
        .call(from_ip(
            order_request(&order_body("08031234567", id, 1), Some(&new_key())),
            "198.51.100.3",
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.everything());
}

/// Item 8: the tables anyone's requests grow (webhook deliveries and rejections, data
/// purchases, the refusal log, order keys, console sessions and, on PostgreSQL, the shared limit
/// rows) were never pruned. The pruner, on its schedule, removes the rows past their age and
/// keeps the recent ones, on either database.
#[tokio::test]
async fn abuse_08_old_rows_are_pruned_on_a_schedule() {
    use std::time::Duration;

    use amigo_proxy::store::retention::Retention;

    use crate::helpers::{eventually, on_postgres};

    let app = spawn_app_with(Options {
        retention: Retention {
            every: Duration::from_millis(200),
            ..Retention::default()
        },
        ..Options::default()
    })
    .await;
    let db = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    let unix = now();
    let ms = unix * 1000;
    let iso = |t: i64| {
        time::OffsetDateTime::from_unix_timestamp(t)
            .unwrap()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    let (long_ago, today) = (unix - 200 * 86_400, unix - 60);
    for (n, at) in [("old", long_ago), ("new", today)] {
        sqlx::query(
            "INSERT INTO webhook_deliveries (delivery_id, body_sha256, event, reference, status,
                 event_created_at, received_at, payload)
             VALUES ($1, 'h', 'order.shipped', 'AMG-X', 'shipped', $2, $2, NULL)",
        )
        .bind(format!("{n}-delivery"))
        .bind(iso(at))
        .execute(&db)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO webhook_rejections (received_at, received_unix, reason, client_ip,
                 body_bytes)
             VALUES ($1, $2, $3, '192.0.2.1', 10)",
        )
        .bind(iso(at))
        .bind(at)
        .bind(n)
        .execute(&db)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO data_purchases (idempotency_key, body_hash, phone_hash, plan, amount,
                 lagos_day, state, created_at, updated_at)
             VALUES ($1, 'h', 'p', 1, 100, '2026-01-01', 'delivered', $2, $2)",
        )
        .bind(format!("{n}-purchase"))
        .bind(iso(at))
        .execute(&db)
        .await
        .unwrap();
        // the refusal log keeps a week, order keys Amigo's 24 hours
        let refused_at = if n == "old" { unix - 8 * 86_400 } else { today };
        sqlx::query(
            "INSERT INTO refusals (at_unix, at, code, route, client_ip, detail)
             VALUES ($1, $2, $3, '/api/orders', '192.0.2.1', '')",
        )
        .bind(refused_at)
        .bind(iso(refused_at))
        .bind(n)
        .execute(&db)
        .await
        .unwrap();
        let key_ms = if n == "old" { ms - 25 * 3_600_000 } else { ms };
        sqlx::query(
            "INSERT INTO order_keys (idempotency_key, body_hash, created_ms) VALUES ($1, 'h', $2)",
        )
        .bind(format!("{n}-key"))
        .bind(key_ms)
        .execute(&db)
        .await
        .unwrap();
        let expires = if n == "old" { unix - 1 } else { unix + 3600 };
        sqlx::query(
            "INSERT INTO admin_sessions (token_hash, created_at, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(format!("{n}-session"))
        .bind(iso(at))
        .bind(expires)
        .execute(&db)
        .await
        .unwrap();
        // a checkout that expired unpaid; long ago also one that was paid (the books: kept)
        let checkout = |reference: String, status: &'static str, paid: Option<String>| {
            sqlx::query(
                "INSERT INTO checkouts (reference, idempotency_key, body_hash, method, status,
                 phone_hash, order_body, return_url, items_json, retail_units, subtotal,
                 delivery_fee, total, amigo_cost, paid_at, created_at, expires_at, expires_at_ms,
                 updated_at)
                 VALUES ($1, $1, 'h', 'paystack', $2, 'p', '{}', 'https://shop.example.com/',
                 '[]', '{}', 1, 0, 1, 1, $3, $4, $4, $5, $4)",
            )
            .bind(reference)
            .bind(status)
            .bind(paid)
            .bind(iso(at))
            .bind(at * 1000)
        };
        checkout(format!("{n}-checkout"), "expired", None)
            .execute(&db)
            .await
            .unwrap();
        if n == "old" {
            checkout("paid-long-ago".into(), "placed", Some(iso(at)))
                .execute(&db)
                .await
                .unwrap();
        }
        if on_postgres() {
            let tat = if n == "old" {
                ms - 1000
            } else {
                ms + 3_600_000
            };
            sqlx::query("INSERT INTO shared_limits (limit_key, tat_ms) VALUES ($1, $2)")
                .bind(format!("{n}-limit"))
                .bind(tat)
                .execute(&db)
                .await
                .unwrap();
        }
    }
    let tables: &[(&str, &str)] = &[
        ("webhook_deliveries", "delivery_id"),
        ("webhook_rejections", "reason"),
        ("data_purchases", "idempotency_key"),
        ("refusals", "code"),
        ("order_keys", "idempotency_key"),
        ("admin_sessions", "token_hash"),
        ("checkouts", "reference"),
        ("shared_limits", "limit_key"),
    ];
    let left = || async {
        let mut left = Vec::new();
        for (table, column) in tables {
            if *table == "shared_limits" && !on_postgres() {
                continue;
            }
            // table and column names come from the list above
            let sql = format!("SELECT {column} FROM {table} ORDER BY {column}");
            let rows: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_all(&db)
                .await
                .unwrap();
            left.extend(rows.into_iter().map(|(v,)| format!("{table}:{v}")));
        }
        left
    };
    eventually(5, || async {
        !left().await.iter().any(|r| r.contains(":old"))
    })
    .await;
    let kept = left().await;
    assert!(
        kept.contains(&"checkouts:paid-long-ago".to_owned()),
        "a paid checkout is the merchant's books: {kept:?}"
    );
    for (table, _) in tables {
        if *table == "shared_limits" && !on_postgres() {
            continue;
        }
        assert!(
            kept.iter().any(|r| r.starts_with(&format!("{table}:new"))),
            "{table}: {kept:?}"
        );
    }
}

/// Item 11: every stored webhook secret was accepted, whatever platform and token mode it was
/// registered with, so a secret from a sandbox registration could sign events for the live
/// store. Now only secrets registered with this proxy's API base in its token's mode sign.
#[tokio::test]
async fn abuse_11_stored_secrets_sign_only_for_their_platform_and_mode() {
    use amigo_proxy::webhook_endpoints::{StoredEndpoint, insert};
    use amigo_types::token::Mode;
    use secrecy::SecretString;

    let app = spawn_app_with(Options {
        secrets: Some(Vec::new()),
        ..Options::default()
    })
    .await;
    let here = app.state.config().api_base.clone();
    let order = app.place_order("08031234567").await;
    let cases = [
        // (secret, api base, mode, accepted): the test token's proxy on `here`
        (
            "sandbox-elsewhere-0123456789abcdef",
            "http://127.0.0.1:9/api",
            Some(Mode::Test),
            false,
        ),
        (
            "live-registration-0123456789abcdef",
            here.as_str(),
            Some(Mode::Live),
            false,
        ),
        (
            "this-registration-0123456789abcdef",
            here.as_str(),
            Some(Mode::Test),
            true,
        ),
        (
            "before-modes-kept-0123456789abcdef",
            here.as_str(),
            None,
            true,
        ),
    ];
    for (n, (secret, api_base, mode, _)) in cases.iter().enumerate() {
        insert(
            app.state.store(),
            &StoredEndpoint {
                api_base: (*api_base).to_owned(),
                mode: *mode,
                endpoint_id: 100 + n as u64,
                url: format!("{}/webhooks/amigo", app.proxy_url),
                secret: SecretString::from(*secret),
                created_at: time::OffsetDateTime::now_utc(),
                retire_at: None,
            },
        )
        .await
        .unwrap();
    }
    for (n, (secret, api_base, mode, accepted)) in cases.iter().enumerate() {
        let r = app
            .call(webhook_request(
                &payload(&order, "accepted", "2026-11-23T12:00:00+01:00"),
                Some(secret),
                now(),
                &format!("scope-{n}"),
            ))
            .await;
        let want = if *accepted {
            StatusCode::OK
        } else {
            StatusCode::UNAUTHORIZED
        };
        assert_eq!(r.status, want, "{api_base} {mode:?}: {}", r.everything());
    }
}

/// Item 15: console hardening. A supplied argon2 hash with a cost below OWASP's minimums is
/// refused at start in one line; over https the console's cookies carry the `__Host-` prefix
/// (so `Secure`, `Path=/`, no `Domain`: no sibling host can plant one); and a session signed in
/// under one password ends when the proxy restarts with another.
#[tokio::test]
async fn abuse_15_console_cookies_sessions_and_password_hashes_are_hardened() {
    use argon2::password_hash::{PasswordHasher, SaltString};
    use clap::Parser;

    use crate::admin::{cookie, csrf_in, encode, form, get_with, html};
    use crate::helpers::spawn_beside;

    let settings = |hash: &str| {
        amigo_proxy::Cli::try_parse_from([
            "amigo-proxy",
            "--api-key",
            "amg_test_abcdefgh12",
            "--admin-password-hash",
            hash,
        ])
        .unwrap()
        .into_settings()
    };
    // the `argon2` tool's defaults: 4 MiB, 3 passes
    let weak = "$argon2id$v=19$m=4096,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$JfVx0GbhNhN7TyWGI7uYdLOw2hmBzZJ0AV0hO7yTjWM";
    let err = settings(weak).unwrap_err();
    assert_eq!(err.var, "AMIGO_ADMIN_PASSWORD_HASH");
    let line = err.to_string();
    assert!(line.contains("too weak") && !line.contains('\n'), "{line}");
    let salt = SaltString::encode_b64(b"abuse-15-salt-16").unwrap();
    let strong = argon2::Argon2::default()
        .hash_password(b"correct horse battery staple", &salt)
        .unwrap()
        .to_string();
    assert!(settings(&strong).is_ok());

    let public = "https://shop-admin.example.com";
    let options = |password: &str| Options {
        admin_password: Some(password.to_owned()),
        public_url: Some(public.to_owned()),
        ..Options::default()
    };
    let first_password = "correct horse battery staple";
    let app = spawn_app_with(options(first_password)).await;
    let host_cookie = |attrs: &str| {
        let parts: Vec<&str> = attrs.split(';').map(str::trim).collect();
        parts.contains(&"Secure")
            && parts.contains(&"Path=/")
            && !parts.iter().any(|p| p.starts_with("Domain"))
    };
    let page = app.get("/admin/login").await;
    let (pre, attrs) = cookie(&page, "__Host-amigo_admin_pre").expect("a __Host- cookie");
    assert!(host_cookie(&attrs), "{attrs}");
    let r = app
        .call(form(
            "/admin/login",
            &pre,
            &format!(
                "csrf={}&password={}",
                csrf_in(&html(&page)),
                encode(first_password)
            ),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.everything());
    let (session, attrs) = cookie(&r, "__Host-amigo_admin").expect("a __Host- session");
    assert!(host_cookie(&attrs), "{attrs}");
    assert_eq!(
        app.call(get_with("/admin", &session)).await.status,
        StatusCode::OK
    );
    // the proxy restarted on the same database with a new password: that session is over
    let restarted = spawn_beside(&app, options("a new password for the console")).await;
    let r = restarted.call(get_with("/admin", &session)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location"), Some("/admin/login"));
    // (under the old password it still holds: it is the password that ended it)
    let same = spawn_beside(&app, options(first_password)).await;
    assert_eq!(
        same.call(get_with("/admin", &session)).await.status,
        StatusCode::OK
    );
}

/// Item 2, the breaker: reads that fail opened the one circuit breaker every call shared, so a
/// flood of failing catalog reads refused the shop's orders too. Orders now pass a breaker of
/// their own: with the reads' breaker open, an order for a product the shopper has seen (its
/// price cached) is placed.
#[tokio::test]
async fn abuse_02_failing_reads_do_not_open_the_orders_breaker() {
    use std::time::Duration;

    let app = spawn_app_with(Options {
        resilience: amigo_proxy::upstream::Resilience {
            retries: 0,
            retry_base: Duration::from_millis(5),
            breaker_threshold: 3,
            breaker_cooldown: Duration::from_secs(60),
        },
        ..Options::default()
    })
    .await;
    let (id, _) = app.product(false).await;
    // the shopper's product page: its price is now cached
    let r = app.get(&format!("/api/catalog/products?id={id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    app.upstream.controls.fail(Some((
        "/api/commerce/categories",
        StatusCode::INTERNAL_SERVER_ERROR,
    )));
    for _ in 0..3 {
        let r = app.get("/api/catalog/categories").await;
        assert_eq!(r.status, StatusCode::BAD_GATEWAY);
    }
    let r = app.get("/api/catalog/categories").await;
    assert_eq!(
        r.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "the reads' breaker is open"
    );
    let r = app
        .call(order_request(
            &order_body("08031234567", id, 1),
            Some(&new_key()),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.everything());
}
