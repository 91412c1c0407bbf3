//! The API's one error type. Every refusal answers in Paystack's envelope,
//! `{"status": false, "message": "…"}`, with the status code Paystack uses for it; the message is
//! the one Paystack sends where its docs or its users' reports show it.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Why an API call was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ApiError {
    /// No `Authorization: Bearer` header, or not our secret key.
    #[error("Invalid key")]
    InvalidKey,
    /// The body is not a JSON object.
    #[error("Invalid JSON body")]
    InvalidBody,
    /// A field failed validation; the message names it the way Paystack does.
    #[error("{0}")]
    Validation(String),
    /// `reference` is already taken on this integration.
    #[error("Duplicate Transaction Reference")]
    DuplicateReference,
    /// No transaction has this reference (verify).
    #[error("Transaction reference not found")]
    ReferenceNotFound,
    /// No transaction has this reference or id (refund).
    #[error("Transaction not found")]
    TransactionNotFound,
    /// No refund has this id.
    #[error("Refund not found")]
    RefundNotFound,
    /// The transaction is not in a state that allows the action.
    #[error("{0}")]
    Conflict(String),
    /// No such route.
    #[error("Route not found")]
    RouteNotFound,
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::InvalidKey => StatusCode::UNAUTHORIZED,
            ApiError::RefundNotFound | ApiError::TransactionNotFound | ApiError::RouteNotFound => {
                StatusCode::NOT_FOUND
            }
            ApiError::InvalidBody
            | ApiError::Validation(_)
            | ApiError::DuplicateReference
            | ApiError::ReferenceNotFound
            | ApiError::Conflict(_) => StatusCode::BAD_REQUEST,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "status": false, "message": self.to_string() });
        (self.status(), Json(body)).into_response()
    }
}

/// Paystack's success envelope: `{"status": true, "message": …, "data": …}`.
pub fn success(message: &str, data: serde_json::Value) -> Response {
    let mut body = serde_json::Map::new();
    body.insert("status".into(), serde_json::Value::Bool(true));
    body.insert(
        "message".into(),
        serde_json::Value::String(message.to_owned()),
    );
    body.insert("data".into(), data);
    Json(serde_json::Value::Object(body)).into_response()
}
