//! `POST /transaction/initialize` and `GET /transaction/verify/{reference}`.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use bytes::Bytes;
use serde_json::json;

use super::auth::SecretKey;
use super::json_body;
use crate::error::{ApiError, success};
use crate::state::AppState;
use crate::transactions::initialize::NewTransaction;
use crate::transactions::view;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/transaction/initialize", post(initialize))
        .route("/transaction/verify/{reference}", get(verify))
}

async fn initialize(
    State(state): State<AppState>,
    _key: SecretKey,
    body: Bytes,
) -> Result<Response, ApiError> {
    let new = NewTransaction::parse(&json_body(&body)?)?;
    let tx = state.ledger.initialize(new, state.clock.now())?;
    Ok(success(
        "Authorization URL created",
        json!({
            "authorization_url": state.settings.checkout_url(&tx.access_code),
            "access_code": tx.access_code,
            "reference": tx.reference,
        }),
    ))
}

async fn verify(
    State(state): State<AppState>,
    _key: SecretKey,
    Path(reference): Path<String>,
) -> Result<Response, ApiError> {
    let tx = state
        .ledger
        .by_reference(&reference)
        .ok_or(ApiError::ReferenceNotFound)?;
    Ok(success(
        "Verification successful",
        view::verify_data(&tx, state.domain()),
    ))
}
