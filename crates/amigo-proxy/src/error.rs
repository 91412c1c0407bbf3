//! The proxy's one error type. Every failure reaches the browser as the documented Amigo
//! envelope (`{"success":false,"error":…,"message":…}` plus `field`, `retryable`,
//! `retry_after`); the cause goes to the log, never to the client.

use amigo_types::envelope::{ApiError, ErrorBody};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

/// Everything a proxy handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// 422 `invalid_*` from the shared validation rules.
    #[error(transparent)]
    Invalid(#[from] ApiError),
    /// 428 `idempotency_key_required`.
    #[error("missing Idempotency-Key")]
    IdempotencyKeyRequired,
    /// 422 `order_total_exceeds_limit`: the spend guard.
    #[error("order total {total} exceeds the limit {limit}")]
    OrderTotalExceedsLimit {
        /// Items total at Amigo's prices.
        total: i64,
        /// `AMIGO_MAX_ORDER_TOTAL`.
        limit: i64,
    },
    /// 403 `orders_disabled`: unpaid orders are off for this token (a live token without
    /// `AMIGO_ALLOW_UNPAID_ORDERS` and `AMIGO_ORDER_DAILY_LIMIT`); refused before any upstream
    /// call, so the wallet is never touched.
    #[error("unpaid orders are off")]
    OrdersDisabled,
    /// 403 `checkouts_disabled`: this store has no payment step (`AMIGO_PAYMENT=none`); its
    /// orders go to `POST /api/orders`.
    #[error("checkouts are off")]
    CheckoutsDisabled,
    /// 502 `payment_unavailable` (`retryable`): Paystack could not be reached or refused to
    /// open a payment; nothing was charged, and a retry with the same key continues.
    #[error("the payment provider is unavailable")]
    PaymentUnavailable,
    /// 401 `invalid_signature`: a Paystack webhook whose `x-paystack-signature` is missing or
    /// is not the body's HMAC under the secret key.
    #[error("bad Paystack signature")]
    PaystackSignature,
    /// 422 `order_daily_limit_reached`: `AMIGO_ORDER_DAILY_LIMIT` has no room for this order;
    /// refused before any upstream call.
    #[error("daily order budget reached")]
    OrderDailyLimit {
        /// Naira of orders placed or in flight today.
        spent: i64,
        /// This order's total (items at Amigo's prices).
        amount: i64,
        limit: i64,
    },
    /// 404 `not_found` (also for a wrong phone, so lookups are no oracle).
    #[error("not found")]
    NotFound,
    /// 404 `not_found` for a path the proxy does not serve.
    #[error("no such route")]
    NoRoute,
    /// 403 `origin_not_allowed`.
    #[error("origin not allowed")]
    OriginNotAllowed,
    /// 413 `payload_too_large`.
    #[error("payload too large")]
    PayloadTooLarge,
    /// 408 `request_timeout` (`retryable`): the request took longer than
    /// `AMIGO_REQUEST_TIMEOUT_SECS`, or its body stalled longer than `AMIGO_BODY_TIMEOUT_SECS`.
    #[error("request timed out")]
    RequestTimeout,
    /// 429 `rate_limited` with `Retry-After`.
    #[error("rate limited")]
    RateLimited {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// 401 `invalid_signature`: a webhook that is unsigned, forged, tampered, stale or future.
    #[error("webhook rejected: {0}")]
    WebhookRejected(amigo_types::webhooks::SignatureError),
    /// 400 `invalid_payload`: a correctly signed webhook we cannot read.
    #[error("bad webhook payload: {0}")]
    BadWebhook(String),
    /// 502 `upstream_error` (`retryable`): Amigo failed or could not be reached.
    #[error("upstream failure: {0}")]
    Upstream(String),
    /// 502 `upstream_rejected_token`: Amigo refused our token; not the shopper's fault and not
    /// retryable.
    #[error("upstream refused the token ({0})")]
    UpstreamAuth(StatusCode),
    /// 503 `upstream_unavailable` (`retryable`, `Retry-After`): the circuit breaker is open
    /// after repeated upstream failures; no call was made.
    #[error("upstream circuit open")]
    UpstreamUnavailable {
        /// Seconds until the breaker lets a probe through.
        retry_after: u64,
    },
    /// 503 `busy` (`retryable`, `Retry-After`): this instance holds as many of a kind of
    /// long-lived request (order event streams) as it is set to; no client is at fault.
    #[error("at capacity")]
    Busy {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// 504 `upstream_timeout` (`retryable`).
    #[error("upstream timed out")]
    UpstreamTimeout,
    /// An upstream error envelope passed through unchanged (4xx the shopper can act on).
    #[error("upstream answered {status}")]
    Passthrough {
        status: StatusCode,
        /// Upstream body (the Amigo envelope).
        body: Bytes,
        /// Upstream `Retry-After`, if any.
        retry_after: Option<u64>,
    },
    /// A data-sales refusal (see [`DataRefusal`]).
    #[error(transparent)]
    Data(#[from] DataRefusal),
    /// 500 `server_error`; the cause is logged.
    #[error("internal: {0}")]
    Internal(String),
    /// 404 `not_found` for an order line whose product the catalog does not have, answered as
    /// the platform's docs answer it (naming the line and the id), before any spending call.
    #[error("unknown product {product_id} at items[{index}]")]
    UnknownProduct {
        /// The line's position in `items`.
        index: usize,
        /// The id the line asked for.
        product_id: u64,
    },
}

/// The data-sales refusals the proxy makes itself, before any spending call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DataRefusal {
    /// 403 `data_sales_disabled`: the merchant has not set `AMIGO_DATA_ENABLED`.
    #[error("data sales are off")]
    Disabled,
    /// 403 `payment_required`: this store takes payment first (`AMIGO_PAYMENT` is `paystack`
    /// or `transfer`), so a plan is bought only from a paid checkout
    /// (`POST /api/data/checkouts`), never straight from `POST /api/data/purchases`.
    #[error("data is bought through a paid checkout")]
    PaymentRequired,
    /// 422 `data_daily_limit_reached`: `AMIGO_DATA_DAILY_LIMIT` has no room for this plan.
    #[error("daily data budget reached")]
    DailyLimit {
        /// Naira spent or in flight today.
        spent: i64,
        /// The plan's price.
        amount: i64,
        limit: i64,
    },
    /// 422 `idempotency_key_reused`: the key was used for another purchase body.
    #[error("idempotency key reused for another body")]
    KeyReused,
    /// 422 `idempotency_key_expired`: the key was first used more than 24 h ago, past the
    /// documented idempotency TTL. Amigo no longer knows it, so re-sending it would be a new,
    /// unbudgeted purchase booked on the old day; the shopper starts a new purchase instead.
    #[error("idempotency key past the platform's 24 h window")]
    KeyExpired,
    /// 404 `not_found`: no purchase matches that reference and phone.
    #[error("no such purchase")]
    NotFound,
}

impl DataRefusal {
    fn to_parts(&self) -> (StatusCode, ErrorBody) {
        match self {
            Self::Disabled => (
                StatusCode::FORBIDDEN,
                ErrorBody::new(
                    "data_sales_disabled",
                    "This store does not sell mobile data. (The merchant turns it on with AMIGO_DATA_ENABLED.)",
                ),
            ),
            Self::PaymentRequired => (
                StatusCode::FORBIDDEN,
                ErrorBody::new(
                    "payment_required",
                    "This store takes payment before it buys data: start a checkout with POST /api/data/checkouts.",
                ),
            ),
            Self::DailyLimit {
                spent,
                amount,
                limit,
            } => {
                let mut b = ErrorBody::new(
                    "data_daily_limit_reached",
                    format!(
                        "This store has sold all the data it sells today ({} of {}). Please try again tomorrow.",
                        amigo_types::format_naira(*spent),
                        amigo_types::format_naira(*limit)
                    ),
                )
                .with_field("plan");
                b.required = Some(*amount);
                b.balance = Some((limit - spent).max(0));
                (StatusCode::UNPROCESSABLE_ENTITY, b)
            }
            Self::KeyReused => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorBody::new(
                    "idempotency_key_reused",
                    "This Idempotency-Key was already used for a different purchase; send a new key for a new purchase.",
                )
                .with_field("Idempotency-Key"),
            ),
            Self::KeyExpired => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorBody::new(
                    "idempotency_key_expired",
                    "This Idempotency-Key was first used more than 24 hours ago; send a new key for a new purchase.",
                )
                .with_field("Idempotency-Key"),
            ),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                ErrorBody::new(
                    "not_found",
                    "No data purchase matches that reference and phone number.",
                ),
            ),
        }
    }
}

impl From<sqlx::Error> for ProxyError {
    fn from(e: sqlx::Error) -> Self {
        ProxyError::Internal(format!("database: {e}"))
    }
}

impl ProxyError {
    /// Status and envelope.
    pub fn to_parts(&self) -> (StatusCode, ErrorBody) {
        use ProxyError as E;
        match self {
            E::Invalid(e) => (StatusCode::UNPROCESSABLE_ENTITY, e.to_body()),
            E::UnknownProduct { index, product_id } => {
                let mut b = ErrorBody::new(
                    "not_found",
                    format!("items[{index}].product_id: product {product_id} does not exist"),
                )
                .with_field(format!("items[{index}].product_id"));
                b.product_ids = Some(vec![*product_id]);
                (StatusCode::NOT_FOUND, b)
            }
            E::IdempotencyKeyRequired => (
                StatusCode::PRECONDITION_REQUIRED,
                ErrorBody::new(
                    "idempotency_key_required",
                    "Send an Idempotency-Key header (up to 80 visible ASCII characters) and reuse it when retrying the same order or purchase.",
                )
                .with_field("Idempotency-Key"),
            ),
            E::OrderTotalExceedsLimit { total, limit } => {
                let mut b = ErrorBody::new(
                    "order_total_exceeds_limit",
                    format!(
                        "This order comes to {} before delivery; this store accepts orders up to {}.",
                        amigo_types::format_naira(*total),
                        amigo_types::format_naira(*limit)
                    ),
                )
                .with_field("items");
                b.required = Some(*total);
                (StatusCode::UNPROCESSABLE_ENTITY, b)
            }
            E::OrdersDisabled => (
                StatusCode::FORBIDDEN,
                ErrorBody::new(
                    "orders_disabled",
                    "This store is not taking orders online yet. (The merchant turns them on with the proxy's payment settings: AMIGO_PAYMENT, AMIGO_ALLOW_UNPAID_ORDERS, AMIGO_ORDER_DAILY_LIMIT.)",
                ),
            ),
            E::CheckoutsDisabled => (
                StatusCode::FORBIDDEN,
                ErrorBody::new(
                    "checkouts_disabled",
                    "This store places orders without a payment step (AMIGO_PAYMENT=none): send the order to POST /api/orders.",
                ),
            ),
            E::PaymentUnavailable => {
                let mut b = ErrorBody::new(
                    "payment_unavailable",
                    "Payment could not be started right now. You have not been charged; please try again.",
                );
                b.retryable = Some(true);
                (StatusCode::BAD_GATEWAY, b)
            }
            E::PaystackSignature => (
                StatusCode::UNAUTHORIZED,
                ErrorBody::new(
                    "invalid_signature",
                    "The x-paystack-signature header is missing or does not match the body.",
                ),
            ),
            E::OrderDailyLimit {
                spent,
                amount,
                limit,
            } => {
                let mut b = ErrorBody::new(
                    "order_daily_limit_reached",
                    format!(
                        "This store has taken all the orders it takes today ({} of {}). Please try again tomorrow.",
                        amigo_types::format_naira(*spent),
                        amigo_types::format_naira(*limit)
                    ),
                )
                .with_field("items");
                b.required = Some(*amount);
                b.balance = Some((limit - spent).max(0));
                (StatusCode::UNPROCESSABLE_ENTITY, b)
            }
            E::NotFound => (
                StatusCode::NOT_FOUND,
                ErrorBody::new(
                    "not_found",
                    "No order matches that reference and phone number.",
                ),
            ),
            E::NoRoute => (
                StatusCode::NOT_FOUND,
                ErrorBody::new("not_found", "No such endpoint."),
            ),
            E::OriginNotAllowed => (
                StatusCode::FORBIDDEN,
                ErrorBody::new(
                    "origin_not_allowed",
                    "This store's API does not accept requests from that website.",
                ),
            ),
            E::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorBody::new(
                    "payload_too_large",
                    "Request bodies are limited to 64 KiB.",
                ),
            ),
            E::RequestTimeout => {
                let mut b = ErrorBody::new(
                    "request_timeout",
                    "The request took too long. Please try again.",
                );
                b.retryable = Some(true);
                (StatusCode::REQUEST_TIMEOUT, b)
            }
            E::RateLimited { retry_after } => {
                let mut b = ErrorBody::new(
                    "rate_limited",
                    format!("Too many requests. Try again in {retry_after} s."),
                );
                b.retry_after = Some(*retry_after);
                b.retryable = Some(true);
                (StatusCode::TOO_MANY_REQUESTS, b)
            }
            E::WebhookRejected(_) => (
                StatusCode::UNAUTHORIZED,
                ErrorBody::new(
                    "invalid_signature",
                    "Missing, invalid or expired webhook signature.",
                ),
            ),
            E::BadWebhook(_) => (
                StatusCode::BAD_REQUEST,
                ErrorBody::new("invalid_payload", "The webhook payload could not be read."),
            ),
            E::Upstream(_) => {
                let mut b = ErrorBody::new(
                    "upstream_error",
                    "The store's supplier could not be reached. Please try again.",
                );
                b.retryable = Some(true);
                (StatusCode::BAD_GATEWAY, b)
            }
            E::UpstreamAuth(_) => {
                let mut b = ErrorBody::new(
                    "upstream_unavailable",
                    "The store is not able to take orders right now.",
                );
                b.retryable = Some(false);
                (StatusCode::BAD_GATEWAY, b)
            }
            E::UpstreamUnavailable { retry_after } => {
                let mut b = ErrorBody::new(
                    "upstream_unavailable",
                    format!(
                        "The store's supplier is not answering right now. Please try again in {retry_after} s."
                    ),
                );
                b.retryable = Some(true);
                b.retry_after = Some(*retry_after);
                (StatusCode::SERVICE_UNAVAILABLE, b)
            }
            E::Busy { retry_after } => {
                let mut b = ErrorBody::new(
                    "busy",
                    format!("The store is busy right now. Please try again in {retry_after} s."),
                );
                b.retryable = Some(true);
                b.retry_after = Some(*retry_after);
                (StatusCode::SERVICE_UNAVAILABLE, b)
            }
            E::UpstreamTimeout => {
                let mut b = ErrorBody::new(
                    "upstream_timeout",
                    "The store's supplier took too long to answer. Please try again.",
                );
                b.retryable = Some(true);
                (StatusCode::GATEWAY_TIMEOUT, b)
            }
            E::Passthrough { status, body, .. } => {
                let mut parsed = serde_json::from_slice::<ErrorBody>(body).unwrap_or_else(|_| {
                    ErrorBody::new("upstream_error", "The store's supplier refused the request.")
                });
                if parsed.error == INSUFFICIENT_BALANCE {
                    // The merchant's wallet is their business, not the shopper's: the balance
                    // (and Amigo's wording, which may quote it) stays in the merchant's log.
                    parsed.balance = None;
                    parsed.message = "This store can't take this order right now. You have not been charged.".to_owned();
                }
                (*status, parsed)
            }
            E::Data(refusal) => refusal.to_parts(),
            E::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorBody::new("server_error", "Unexpected error. Please try again."),
            ),
        }
    }
}

impl IntoResponse for ProxyError {
    fn into_response(self) -> Response {
        match &self {
            ProxyError::Internal(cause) => tracing::error!(%cause, "internal error"),
            ProxyError::Upstream(cause) => tracing::warn!(%cause, "upstream failure"),
            ProxyError::UpstreamAuth(status) => {
                tracing::error!(%status, "upstream refused the API token; check AMIGO_API_KEY");
            }
            ProxyError::UpstreamTimeout => tracing::warn!("upstream timed out"),
            ProxyError::WebhookRejected(reason) => tracing::warn!(%reason, "webhook rejected"),
            ProxyError::BadWebhook(cause) => tracing::warn!(%cause, "unreadable webhook payload"),
            ProxyError::Passthrough { .. } => {
                if let Some(short) = self.wallet_shortfall() {
                    tracing::warn!(
                        balance = ?short.balance,
                        required = ?short.required,
                        "Amigo refused a spend: the wallet balance is below it; top up the wallet"
                    );
                }
            }
            _ => {}
        }
        let (status, mut body) = self.to_parts();
        let retry_after = match &self {
            ProxyError::RateLimited { retry_after }
            | ProxyError::Busy { retry_after }
            | ProxyError::UpstreamUnavailable { retry_after } => Some(*retry_after),
            ProxyError::Passthrough { retry_after, .. } => {
                if status == StatusCode::TOO_MANY_REQUESTS {
                    let secs = retry_after.or(body.retry_after).unwrap_or(60);
                    body.retry_after = Some(secs);
                    body.retryable = Some(true);
                    Some(secs)
                } else {
                    *retry_after
                }
            }
            _ => None,
        };
        let note = self.refusal_note();
        let mut resp = (status, axum::Json(body)).into_response();
        if let Some(note) = note {
            resp.extensions_mut().insert(note);
        }
        if let Some(secs) = retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp
    }
}

/// Left on a refused response (spend guard, daily order and data budgets, orders off, rate
/// limits) so the layer that knows the route and the client can log it for the merchant
/// console. Holds no personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusalNote {
    /// The error code answered.
    pub code: &'static str,
    /// What was refused, in figures.
    pub detail: String,
}

/// Amigo's code for a spend the merchant's wallet cannot cover.
const INSUFFICIENT_BALANCE: &str = "insufficient_balance";

/// What Amigo said of the wallet when it refused a spend: for the merchant's log and console
/// only, never for the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct WalletShortfall {
    /// The wallet balance at the time.
    balance: Option<i64>,
    /// What the spend needed.
    required: Option<i64>,
}

impl ProxyError {
    /// Amigo's `insufficient_balance` figures, when this is that refusal passed through.
    fn wallet_shortfall(&self) -> Option<WalletShortfall> {
        let ProxyError::Passthrough { body, .. } = self else {
            return None;
        };
        let parsed = serde_json::from_slice::<ErrorBody>(body).ok()?;
        (parsed.error == INSUFFICIENT_BALANCE).then_some(WalletShortfall {
            balance: parsed.balance,
            required: parsed.required,
        })
    }

    /// The note the console logs for this error, when it is a refusal worth showing.
    fn refusal_note(&self) -> Option<RefusalNote> {
        if let Some(short) = self.wallet_shortfall() {
            let naira =
                |n: Option<i64>| n.map_or_else(|| "?".to_owned(), amigo_types::format_naira);
            return Some(RefusalNote {
                code: INSUFFICIENT_BALANCE,
                detail: format!(
                    "wallet balance {} below the {} needed",
                    naira(short.balance),
                    naira(short.required)
                ),
            });
        }
        match self {
            ProxyError::RateLimited { retry_after } => Some(RefusalNote {
                code: "rate_limited",
                detail: format!("retry after {retry_after} s"),
            }),
            ProxyError::OrderTotalExceedsLimit { total, limit } => Some(RefusalNote {
                code: "order_total_exceeds_limit",
                detail: format!(
                    "order of {} over the {} limit",
                    amigo_types::format_naira(*total),
                    amigo_types::format_naira(*limit)
                ),
            }),
            ProxyError::OrdersDisabled => Some(RefusalNote {
                code: "orders_disabled",
                detail: "unpaid orders are off for this live token".to_owned(),
            }),
            ProxyError::OrderDailyLimit {
                spent,
                amount,
                limit,
            } => Some(RefusalNote {
                code: "order_daily_limit_reached",
                detail: format!(
                    "order of {} with {} of {} taken today",
                    amigo_types::format_naira(*amount),
                    amigo_types::format_naira(*spent),
                    amigo_types::format_naira(*limit)
                ),
            }),
            ProxyError::Data(DataRefusal::DailyLimit {
                spent,
                amount,
                limit,
            }) => Some(RefusalNote {
                code: "data_daily_limit_reached",
                detail: format!(
                    "{} plan with {} of {} sold today",
                    amigo_types::format_naira(*amount),
                    amigo_types::format_naira(*spent),
                    amigo_types::format_naira(*limit)
                ),
            }),
            ProxyError::Passthrough { status, .. } if *status == StatusCode::TOO_MANY_REQUESTS => {
                Some(RefusalNote {
                    code: "upstream_rate_limited",
                    detail: "Amigo's per-token rate limit".to_owned(),
                })
            }
            _ => None,
        }
    }
}

pub type ProxyResult<T> = Result<T, ProxyError>;
