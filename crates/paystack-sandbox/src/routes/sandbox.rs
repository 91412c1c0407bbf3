//! Test controls, not part of Paystack: settle a transaction without a browser.
//! `POST /_sandbox/transactions/{reference}/pay` and `…/decline`, body `{"channel": "…"}`
//! (optional: the first channel the page offers). Same rules and webhooks as the page's
//! buttons; the secret key is required.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use bytes::Bytes;
use serde_json::Value;

use super::auth::SecretKey;
use super::json_body;
use crate::checkout::settle_and_notify;
use crate::error::{ApiError, success};
use crate::state::AppState;
use crate::transactions::settle::Outcome;
use crate::transactions::{Channel, view};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/_sandbox/transactions/{reference}/{action}", post(settle))
}

async fn settle(
    State(state): State<AppState>,
    _key: SecretKey,
    Path((reference, action)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let tx = state
        .ledger
        .by_reference(&reference)
        .ok_or(ApiError::ReferenceNotFound)?;
    let body = if body.is_empty() {
        Value::Object(serde_json::Map::new())
    } else {
        json_body(&body)?
    };
    let body = body.as_object().ok_or(ApiError::InvalidBody)?;
    let channel = match body.get("channel") {
        None | Some(Value::Null) => tx.channels.first().copied().unwrap_or(Channel::Card),
        Some(v) => v
            .as_str()
            .and_then(Channel::parse)
            .ok_or_else(|| ApiError::Validation("Invalid channel".into()))?,
    };
    let outcome = match action.as_str() {
        "pay" => Outcome::Pay(channel),
        "decline" => Outcome::Decline(channel),
        _ => return Err(ApiError::RouteNotFound),
    };
    let tx = settle_and_notify(
        &state.ledger,
        &state.clock,
        &state.webhooks,
        state.domain(),
        &reference,
        outcome,
    )
    .map_err(|e| ApiError::Conflict(e.to_string()))?
    .ok_or(ApiError::ReferenceNotFound)?;
    Ok(success(
        "Transaction settled (sandbox)",
        view::verify_data(&tx, state.domain()),
    ))
}
