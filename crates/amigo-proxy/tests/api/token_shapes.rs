//! Issue 22: the docs fix only the token prefixes (`amg_test_…`, `amg_live_…`, or legacy), so a
//! real token whose tail has `-` or `_`, or is longer than anything seen so far, must start the
//! proxy, be taken in the mode its prefix says, and be served by the upstream; a token with
//! whitespace or an empty tail still stops it at start.

use amigo_types::token::{ApiToken, Mode};
use axum::http::StatusCode;

use crate::helpers::{Options, captured_logs, spawn_app_with};

/// A test token minted at run time with `-` and `_` in a 100-character tail (no token-shaped
/// literal in the repository).
fn dashed_test_token() -> String {
    let random = amigo_sandbox::random_test_token();
    let tail = &random["amg_test_".len()..];
    let mut long = format!("{tail}-with_dashes-and_underscores-");
    while long.len() < 100 {
        long.push_str(tail);
    }
    long.truncate(100);
    format!("amg_test_{long}")
}

fn settings_for(token: &str) -> Result<amigo_proxy::config::Settings, String> {
    use clap::Parser;
    amigo_proxy::Cli::try_parse_from(["amigo-proxy", "--api-key", token])
        .map_err(|e| e.to_string())?
        .into_settings()
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn a_token_with_dashes_underscores_and_a_100_character_tail_starts_the_proxy() {
    let token = dashed_test_token();
    assert_eq!(token.len(), "amg_test_".len() + 100);
    assert!(token.contains('-') && token["amg_test_".len()..].contains('_'));
    // the start-up check of AMIGO_API_KEY takes it, in the mode its prefix says
    settings_for(&token).unwrap_or_else(|e| panic!("refused at start: {e}"));
    assert_eq!(ApiToken::parse(&token).map(|t| t.mode()), Some(Mode::Test));

    let app = spawn_app_with(Options {
        token: Some(token.clone()),
        ..Options::default()
    })
    .await;
    let r = app.get("/api/catalog/categories").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.everything());
    // the upstream took the same token as a test merchant: the sandbox wallet
    assert_eq!(
        app.upstream
            .sandbox
            .state()
            .merchants
            .balance(&ApiToken::parse(&token).unwrap()),
        1_000_000
    );
    assert!(
        !captured_logs().contains(&token),
        "the token reached the logs"
    );
}

#[test]
fn a_live_token_of_any_printable_tail_is_live_and_unsafe_ones_stop_the_start() {
    let random = amigo_sandbox::random_live_token();
    let tail = &random["amg_live_".len()..];
    let live = format!("amg_live_{tail}_-{tail}");
    settings_for(&live).unwrap_or_else(|e| panic!("refused at start: {e}"));
    assert_eq!(ApiToken::parse(&live).map(|t| t.mode()), Some(Mode::Live));

    for bad in [
        "amg_live_".to_owned(),
        format!("amg_live_{tail} {tail}"),
        format!("amg_live_{tail}\u{7}"),
        format!("amg_live_{}", "a".repeat(600)),
    ] {
        let e = settings_for(&bad).expect_err("an unsafe token must stop the start");
        assert!(e.contains("AMIGO_API_KEY"), "{e}");
        assert!(!e.contains(tail), "the token was echoed: {e}");
    }
}
