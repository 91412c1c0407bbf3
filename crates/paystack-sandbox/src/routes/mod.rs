//! The HTTP surface: one module per route group, each handler extracting, calling the domain
//! and answering. [`router`] assembles them.

mod auth;
mod checkout;
mod refunds;
mod sandbox;
mod transactions;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use bytes::Bytes;
use serde_json::Value;

use crate::error::ApiError;
use crate::state::AppState;

/// Largest request body accepted (metadata included).
pub(crate) const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The whole emulator as one router over `state`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(transactions::routes())
        .merge(refunds::routes())
        .merge(checkout::routes())
        .merge(sandbox::routes())
        .fallback(|| async { ApiError::RouteNotFound })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// The body as a JSON value; anything unparsable is `Invalid JSON body`.
fn json_body(body: &Bytes) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|_| ApiError::InvalidBody)
}
