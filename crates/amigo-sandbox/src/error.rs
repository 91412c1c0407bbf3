//! The sandbox's one error type. Every failure becomes the documented envelope
//! `{"success":false,"error":…,"message":…}` plus the documented extra fields.

use amigo_types::envelope::{ApiError, ErrorBody};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Everything a sandbox handler can refuse with.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// 401: missing or malformed token.
    #[error("invalid token")]
    InvalidToken,
    /// 403: the token is IP-locked and the caller is elsewhere.
    #[error("ip not whitelisted")]
    IpNotWhitelisted,
    /// 403: a test-only endpoint called with a live token.
    #[error("live token not allowed")]
    LiveTokenNotAllowed,
    /// 404 `not_found` with a message naming what was missing.
    #[error("not found: {0}")]
    NotFound(String),
    /// 404 `list_not_found`.
    #[error("list not found: {0}")]
    ListNotFound(String),
    /// 405 `method_not_allowed`; carries the allowed methods for the `Allow` header.
    #[error("method not allowed")]
    MethodNotAllowed(&'static str),
    /// 422 `invalid_*` (body or query validation).
    #[error(transparent)]
    Invalid(#[from] ApiError),
    /// 422 `insufficient_balance`.
    #[error("insufficient balance")]
    InsufficientBalance {
        /// Order total.
        required: i64,
        /// Wallet balance.
        balance: i64,
    },
    /// 422 `out_of_stock` naming the products short of stock.
    #[error("out of stock")]
    OutOfStock(Vec<u64>),
    /// 422 `unserviceable_delivery`.
    #[error("unserviceable delivery")]
    Unserviceable {
        /// Human message naming the area.
        message: String,
        /// One warning per failing scheme.
        warnings: Vec<String>,
    },
    /// 422 `invalid_transition` (lifecycle extension).
    #[error("invalid transition: {0}")]
    InvalidTransition(String),
    /// 422 `idempotency_key_reused`: same key, different body (Stripe's rule).
    #[error("idempotency key reused")]
    IdempotencyKeyReused,
    /// 429 `rate_limited` with `Retry-After` seconds.
    #[error("rate limited")]
    RateLimited {
        /// Seconds until the window resets.
        retry_after: u64,
    },
    /// 500 `server_error`; the cause is logged, not sent.
    #[error("internal: {0}")]
    Internal(String),
    /// 404 `not_found` for an order or quote line whose product the catalog does not have: the
    /// docs' error table answers a product that doesn't exist with `404 not_found`. It names the
    /// line (`field: items[i].product_id`) and the id (`product_ids`).
    #[error("unknown product {product_id} at items[{index}]")]
    UnknownProduct {
        /// The line's position in `items`.
        index: usize,
        /// The id the line asked for.
        product_id: u64,
    },
}

impl SandboxError {
    /// Status and envelope for this error.
    pub fn to_parts(&self) -> (StatusCode, ErrorBody) {
        use SandboxError as E;
        match self {
            E::InvalidToken => (
                StatusCode::UNAUTHORIZED,
                ErrorBody::new(
                    "invalid_token",
                    "Missing, expired, or revoked token. Pass it as X-API-Key, Authorization: Token …, or Authorization: Bearer ….",
                ),
            ),
            E::IpNotWhitelisted => (
                StatusCode::FORBIDDEN,
                ErrorBody::new(
                    "ip_not_whitelisted",
                    "This token has an IP whitelist and your IP isn't on it.",
                ),
            ),
            E::LiveTokenNotAllowed => (
                StatusCode::FORBIDDEN,
                ErrorBody::new(
                    "live_token_not_allowed",
                    "This endpoint is test mode only; use an amg_test_ token.",
                ),
            ),
            E::NotFound(what) => (
                StatusCode::NOT_FOUND,
                ErrorBody::new("not_found", what.clone()),
            ),
            E::ListNotFound(slug) => (
                StatusCode::NOT_FOUND,
                ErrorBody::new(
                    "list_not_found",
                    format!(
                        "Curation list '{slug}' doesn't exist or is outside its active window."
                    ),
                ),
            ),
            E::MethodNotAllowed(allow) => (
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorBody::new(
                    "method_not_allowed",
                    format!("This endpoint supports only {allow}."),
                ),
            ),
            E::Invalid(e) => (StatusCode::UNPROCESSABLE_ENTITY, e.to_body()),
            E::InsufficientBalance { required, balance } => {
                let mut b = ErrorBody::new(
                    "insufficient_balance",
                    "Wallet balance is below the order total.",
                );
                b.required = Some(*required);
                b.balance = Some(*balance);
                (StatusCode::UNPROCESSABLE_ENTITY, b)
            }
            E::OutOfStock(ids) => {
                let list = ids
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut b = ErrorBody::new(
                    "out_of_stock",
                    format!("Not enough stock for product(s) {list}."),
                );
                b.product_ids = Some(ids.clone());
                (StatusCode::UNPROCESSABLE_ENTITY, b)
            }
            E::Unserviceable { message, warnings } => {
                let mut b = ErrorBody::new("unserviceable_delivery", message.clone());
                b.warnings = Some(warnings.clone());
                (StatusCode::UNPROCESSABLE_ENTITY, b)
            }
            E::InvalidTransition(msg) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorBody::new("invalid_transition", msg.clone()),
            ),
            E::IdempotencyKeyReused => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorBody::new(
                    "idempotency_key_reused",
                    "This Idempotency-Key was already used with a different request body. Use a new key for a new request.",
                ),
            ),
            E::RateLimited { retry_after } => {
                let mut b = ErrorBody::new(
                    "rate_limited",
                    format!("Too many requests in this minute window. Retry in {retry_after} s."),
                );
                b.retry_after = Some(*retry_after);
                (StatusCode::TOO_MANY_REQUESTS, b)
            }
            E::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorBody::new("server_error", "Unexpected error. Retry with backoff."),
            ),
            E::UnknownProduct { index, product_id } => {
                let mut b = ErrorBody::new(
                    "not_found",
                    format!("items[{index}].product_id: product {product_id} does not exist"),
                );
                b.field = Some(format!("items[{index}].product_id"));
                b.product_ids = Some(vec![*product_id]);
                (StatusCode::NOT_FOUND, b)
            }
        }
    }
}

impl IntoResponse for SandboxError {
    fn into_response(self) -> Response {
        if let SandboxError::Internal(cause) = &self {
            tracing::error!(%cause, "internal error");
        }
        let (status, body) = self.to_parts();
        let mut resp = (status, axum::Json(body)).into_response();
        match &self {
            SandboxError::RateLimited { retry_after } => {
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
            }
            SandboxError::MethodNotAllowed(allow) => {
                resp.headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static(allow));
            }
            _ => {}
        }
        resp
    }
}

/// Handler result.
pub type SandboxResult<T> = Result<T, SandboxError>;
