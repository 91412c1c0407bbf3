//! `POST /refund` and `GET /refund/{id}`.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use bytes::Bytes;

use super::auth::SecretKey;
use super::json_body;
use crate::error::{ApiError, success};
use crate::refunds::{RefundRequest, view};
use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/refund", post(create))
        .route("/refund/{id}", get(fetch))
}

async fn create(
    State(state): State<AppState>,
    _key: SecretKey,
    body: Bytes,
) -> Result<Response, ApiError> {
    let req = RefundRequest::parse(&json_body(&body)?)?;
    let (refund, tx) = state.refund_desk().queue(&req)?;
    Ok(success(
        "Refund has been queued for processing",
        view::created_data(&refund, &tx, state.domain(), state.settings.integration_id),
    ))
}

async fn fetch(
    State(state): State<AppState>,
    _key: SecretKey,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let refund = id
        .parse::<u64>()
        .ok()
        .and_then(|id| state.ledger.refund(id))
        .ok_or(ApiError::RefundNotFound)?;
    Ok(success(
        "Refund retrieved",
        view::fetch_data(&refund, state.domain(), state.settings.integration_id),
    ))
}
