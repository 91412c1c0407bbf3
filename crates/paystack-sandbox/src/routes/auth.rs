//! `Authorization: Bearer <secret key>` on every API route, checked before the body is read.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::error::ApiError;
use crate::state::AppState;

/// Proof that the request carried the integration's secret key.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SecretKey;

impl FromRequestParts<AppState> for SecretKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        if state.keys.authorizes(header) {
            Ok(SecretKey)
        } else {
            Err(ApiError::InvalidKey)
        }
    }
}
