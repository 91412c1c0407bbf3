//! The going-live commands as a merchant runs them: the built binary against a sandbox, its
//! lines, its exit status, and no secret in its output.

use std::path::Path;
use std::process::{Output, Stdio};

use secrecy::ExposeSecret;

use crate::binary::{proxy, sandbox, serve};

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn widget_dir(dir: &Path) -> std::path::PathBuf {
    let w = dir.join("widget");
    std::fs::create_dir_all(&w).unwrap();
    std::fs::write(w.join("index.html"), "<html></html>").unwrap();
    std::fs::write(w.join("amigo-widget.js"), "// loader").unwrap();
    w
}

#[test]
fn doctor_fails_the_webhook_line_until_webhooks_register() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sandbox = rt.block_on(amigo_proxy::sandbox::start(600, true)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let widget = widget_dir(dir.path());
    let run = |args: &[&str]| {
        proxy()
            .args(args)
            .env("AMIGO_API_BASE", &sandbox.api_base)
            .env("AMIGO_API_KEY", sandbox.token.expose_secret())
            .env("AMIGO_PUBLIC_URL", "http://127.0.0.1:9")
            .env(
                "AMIGO_DATABASE_URL",
                format!("sqlite://{}", dir.path().join("p.db").display()),
            )
            .env("AMIGO_WIDGET_DIR", &widget)
            .output()
            .unwrap()
    };
    let before = run(&["doctor"]);
    let out = text(&before);
    assert_eq!(before.status.code(), Some(1), "{out}");
    assert!(
        out.contains("✗ webhook: no endpoint is registered for http://127.0.0.1:9/webhooks/amigo — fix: run `amigo-proxy webhooks register`"),
        "{out}"
    );
    for name in [
        "token",
        "payment",
        "upstream",
        "public_url",
        "origins",
        "webhook_api",
        "quote_cors",
        "plan_catalog",
        "data_purchase",
        "data_lookup",
        "database",
        "widget",
    ] {
        assert!(out.contains(&format!("✓ {name}: ")), "{name}: {out}");
    }

    let register = run(&["webhooks", "register"]);
    let out = text(&register);
    assert!(register.status.success(), "{out}");
    assert!(
        out.starts_with("registered endpoint 1 for http://127.0.0.1:9/webhooks/amigo"),
        "{out}"
    );
    let again = run(&["webhooks", "register"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again).contains("already receives every event"),
        "{}",
        text(&again)
    );

    let after = run(&["doctor"]);
    let out = text(&after);
    assert!(after.status.success(), "{out}");
    assert!(
        out.contains("✓ webhook: endpoint 1 for http://127.0.0.1:9/webhooks/amigo is active"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 13, "{out}");

    let json = run(&["doctor", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["ok"] == true)
    );

    let list = run(&["webhooks", "list"]);
    assert!(
        text(&list).contains(
            "1\tactive\t*\thttp://127.0.0.1:9/webhooks/amigo\t(this proxy's URL, secret stored)"
        ),
        "{}",
        text(&list)
    );
    let disable = run(&["webhooks", "disable"]);
    assert_eq!(text(&disable).trim(), "endpoint 1 is disabled");
    assert_eq!(run(&["doctor"]).status.code(), Some(1));
    assert_eq!(
        text(&run(&["webhooks", "enable", "1"])).trim(),
        "endpoint 1 is active"
    );
    let bad = run(&["webhooks", "rotate", "--overlap", "soon"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad).contains("--overlap: 'soon'"), "{}", text(&bad));
    let rotate = run(&["webhooks", "rotate", "--overlap", "2h"]);
    assert!(rotate.status.success(), "{}", text(&rotate));
    assert!(text(&rotate).contains("endpoint 1 is disabled and its secret is accepted until"));
    assert!(run(&["doctor"]).status.success());
    let finish = run(&["webhooks", "rotate", "--finish"]);
    assert!(
        text(&finish).contains("deleted rotated-out endpoint 1"),
        "{}",
        text(&finish)
    );
    let delete = run(&["webhooks", "delete", "2"]);
    assert_eq!(
        text(&delete).trim(),
        "deleted endpoint 2 and its stored secret"
    );
    assert_eq!(run(&["doctor"]).status.code(), Some(1));

    // No secret in anything printed: the database holds them all.
    let db = rt.block_on(async {
        let store = amigo_proxy::store::Store::connect(&format!(
            "sqlite://{}",
            dir.path().join("p.db").display()
        ))
        .await
        .unwrap();
        let n = amigo_proxy::webhook_endpoints::all(&store)
            .await
            .unwrap()
            .len();
        store.close().await;
        n
    });
    assert_eq!(db, 0, "delete and --finish dropped every stored secret");
    for out in [&before, &register, &after, &json, &list, &rotate] {
        let t = text(out);
        assert!(
            !t.contains(sandbox.token.expose_secret()),
            "token printed: {t}"
        );
        assert!(
            !t.split(|c: char| !c.is_ascii_hexdigit())
                .any(|w| w.len() >= 64),
            "something secret-shaped printed: {t}"
        );
    }
}

#[test]
fn register_shows_the_secret_only_when_asked() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sandbox = rt.block_on(amigo_proxy::sandbox::start(600, true)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = proxy()
        .args(["webhooks", "register", "--show-secret"])
        .env("AMIGO_API_BASE", &sandbox.api_base)
        .env("AMIGO_API_KEY", sandbox.token.expose_secret())
        .env(
            "AMIGO_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("p.db").display()),
        )
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let secret = stdout
        .lines()
        .find_map(|l| {
            l.rsplit_once("other databases): ")
                .map(|(_, s)| s.to_owned())
        })
        .unwrap_or_else(|| panic!("{stdout}"));
    assert_eq!(secret.len(), 64);
    assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
}

#[test]
fn doctor_reports_bad_settings_as_a_failed_line() {
    let out = proxy()
        .args(["doctor"])
        .env("AMIGO_API_KEY", "amg_test_abcdefgh12")
        .env("AMIGO_ALLOWED_ORIGINS", "shop.example.com")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let t = text(&out);
    assert!(t.starts_with("✗ settings: AMIGO_ALLOWED_ORIGINS: "), "{t}");
    assert_eq!(t.lines().count(), 1, "{t}");
}

#[test]
fn sandbox_commands_work_against_a_running_sandbox_store() {
    let dir = tempfile::tempdir().unwrap();
    let info = dir.path().join("sandbox.json");
    let db = format!("sqlite://{}", dir.path().join("p.db").display());
    let widget = widget_dir(dir.path());
    let mut server = serve(
        sandbox(&info)
            .env("AMIGO_DATABASE_URL", &db)
            .current_dir(dir.path())
            .stderr(Stdio::null()),
    );
    let url = server.url.clone();
    let run = |args: &[&str]| {
        let mut c = proxy();
        c.args(["--sandbox", "--sandbox-info-file"])
            .arg(&info)
            .args(["--widget-dir"])
            .arg(&widget)
            .args(args)
            .env("AMIGO_DATABASE_URL", &db);
        c.output().unwrap()
    };
    // The store registered its own endpoint at start and keeps the secret in its database.
    let doctor = run(&["doctor"]);
    let t = text(&doctor);
    assert!(doctor.status.success(), "{t}");
    assert!(
        t.contains(&format!(
            "✓ webhook: endpoint 1 for {url}/webhooks/amigo is active, secret in the database"
        )),
        "{t}"
    );
    let rotate = run(&["webhooks", "rotate"]);
    assert!(rotate.status.success(), "{}", text(&rotate));
    let doctor = run(&["doctor"]);
    let t = text(&doctor);
    assert!(doctor.status.success(), "{t}");
    assert!(
        t.contains("✓ webhook: endpoint 2 ")
            && t.contains("rotating: endpoint 1's secret is accepted until"),
        "{t}"
    );
    // Without an info file, a throwaway sandbox: nothing registered there yet.
    let mut c = proxy();
    let solo = c
        .args(["--sandbox", "--widget-dir"])
        .arg(&widget)
        .arg("doctor")
        .env(
            "AMIGO_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("solo.db").display()),
        )
        .output()
        .unwrap();
    assert_eq!(solo.status.code(), Some(1));
    assert!(
        text(&solo).contains("✗ webhook: no endpoint"),
        "{}",
        text(&solo)
    );
    assert!(
        String::from_utf8_lossy(&solo.stderr).contains("a throwaway sandbox for this command only"),
        "{}",
        text(&solo)
    );

    server.terminate();
}
