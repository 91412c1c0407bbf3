//! A merchant with a legacy token (no `amg_` prefix; the docs list live tokens as "`amg_live_…`
//! (or legacy)") runs the proxy: it starts, the upstream serves it as a live merchant, and the
//! token never reaches the logs.

use amigo_sandbox::SandboxConfig;
use amigo_types::token::ApiToken;
use axum::http::StatusCode;

use crate::helpers::{Options, captured_logs, spawn_app_with};

/// A legacy-shaped token minted at run time (no token-shaped literal in the repository).
pub(crate) fn legacy_token() -> String {
    let live = amigo_sandbox::random_live_token();
    format!("legacy-{}", &live["amg_live_".len()..])
}

#[tokio::test]
async fn a_legacy_token_runs_the_proxy_as_a_live_merchant() {
    let token = legacy_token();
    let parsed = ApiToken::parse(&token).expect("a legacy token parses");
    assert!(parsed.is_legacy() && parsed.mode().is_live());

    let app = spawn_app_with(Options {
        token: Some(token.clone()),
        ..Options::default()
    })
    .await;
    let r = app.get("/api/catalog/categories").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.everything());
    assert_eq!(r.json()["success"], true);

    // the sandbox took the same token as a live merchant: its wallet is the live one
    assert_eq!(
        app.upstream.sandbox.state().merchants.balance(&parsed),
        SandboxConfig::default().live_balance
    );
    assert!(
        !captured_logs().contains(&token),
        "the legacy token reached the logs"
    );
}
