//! Checkout routes, thin: extract, call [`crate::checkout`], respond.
//!
//! - `GET /api/payment`: how this store takes money (no secret in it);
//! - `POST /api/checkouts` (Idempotency-Key) and `GET /api/checkouts/{reference}?phone=…`;
//! - `GET /pay/{reference}/return`: where Paystack sends the shopper back (verify, then a
//!   `303` to the widget's tracking page on the origin the checkout was made from);
//! - `POST /webhooks/paystack`: Paystack's signed events (`charge.success` is verified with
//!   Paystack before anything is marked paid).

use amigo_types::DataEnvelope;
use amigo_types::checkout::{
    CheckoutStatus, CreateCheckoutRequest, CreateDataCheckoutRequest, PaymentMethod,
    PaymentSettings,
};
use amigo_types::envelope::parse_json_body;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use bytes::Bytes;
use serde_json::Value;

use crate::checkout::{self, settle};
use crate::config::PaymentMode;
use crate::error::{ProxyError, ProxyResult};
use crate::middleware::ClientIp;
use crate::orders::idempotency_key;
use crate::routes::tracking::PhoneQuery;
use crate::state::AppState;

fn no_store(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// How this store takes money.
#[utoipa::path(
    get,
    path = "/api/payment",
    tag = "checkouts",
    responses(
        (status = 200, description = "`{success, data: PaymentSettings}`: `method` (`none`, `paystack`, `transfer`), Paystack's public key, how long an unpaid checkout waits", body = amigo_types::DataEnvelope<amigo_types::checkout::PaymentSettings>, content_type = "application/json"),
        (status = 403, description = "`origin_not_allowed`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
    )
)]
pub(crate) async fn payment(State(state): State<AppState>) -> Response {
    let minutes = u32::try_from(state.config().checkout.expiry.as_secs() / 60).unwrap_or(u32::MAX);
    let settings = match state.config().payment.mode {
        PaymentMode::None => PaymentSettings {
            method: PaymentMethod::None,
            public_key: None,
            expires_after_minutes: None,
        },
        PaymentMode::Paystack => PaymentSettings {
            method: PaymentMethod::Paystack,
            public_key: state.paystack().map(|p| p.public_key().to_owned()),
            expires_after_minutes: Some(minutes),
        },
        PaymentMode::Transfer => PaymentSettings {
            method: PaymentMethod::Transfer,
            public_key: None,
            expires_after_minutes: Some(minutes),
        },
    };
    no_store(Json(DataEnvelope::new(settings)).into_response())
}

/// Starts paying for an order.
#[utoipa::path(
    post,
    path = "/api/checkouts",
    tag = "checkouts",
    params(
        ("Idempotency-Key" = String, Header, description = "Required; ≤ 80 visible ASCII characters; the same key and body answer the same checkout, as it was made (no new delivery quote, not counted again toward the phone's limit)"),
    ),
    request_body(content = amigo_types::checkout::CreateCheckoutRequest, content_type = "application/json", description = "`order` (the body `POST /api/orders` takes) and `return_url` (the page to come back to after paying, on an allowed origin)"),
    responses(
        (status = 201, description = "The checkout: `awaiting_payment`, its lines and total at retail prices, and how to pay (`pay`: Paystack's page, or the merchant's account)", body = amigo_types::DataEnvelope<amigo_types::checkout::CheckoutView>, content_type = "application/json"),
        (status = 403, description = "`checkouts_disabled` (this store has no payment step: use `POST /api/orders`), or `origin_not_allowed`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 404, description = "`not_found` naming a line whose product the catalog does not have", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 422, description = "`invalid_<field>`, `invalid_return_url`, `invalid_idempotency_key`, `idempotency_key_reused`, `order_total_exceeds_limit`, `unserviceable_delivery`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 428, description = "`idempotency_key_required`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 429, description = "`rate_limited`, with `Retry-After`: this client's attempts over `AMIGO_ORDER_RATE_PER_IP` this minute, or a new checkout over `AMIGO_ORDER_RATE_PER_PHONE` for its phone", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 502, description = "`payment_unavailable` or `upstream_error` (`retryable`): nothing was charged; retry with the same key", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
    )
)]
pub(crate) async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> ProxyResult<Response> {
    if state.config().payment.mode == PaymentMode::None {
        return Err(ProxyError::CheckoutsDisabled);
    }
    state.limits().order_from_ip(ip)?;
    let key = idempotency_key(&headers)?;
    let request: CreateCheckoutRequest = parse_json_body(&body)?;
    let view = checkout::create(&state, &key, request).await?;
    Ok(no_store(
        (StatusCode::CREATED, Json(DataEnvelope::new(view))).into_response(),
    ))
}

/// Starts paying for a data plan: the plan is bought for the line only once the checkout is
/// paid.
#[utoipa::path(
    post,
    path = "/api/data/checkouts",
    tag = "checkouts",
    params(
        ("Idempotency-Key" = String, Header, description = "Required; ≤ 80 visible ASCII characters; the same key and body answer the same checkout (not counted again toward the limits)"),
    ),
    request_body(content = amigo_types::checkout::CreateDataCheckoutRequest, content_type = "application/json", description = "`purchase` (the body `POST /api/data/purchases` takes: `network`, `mobile_number`, `plan`, `Ported_number`) and `return_url` (the page to come back to after paying, on an allowed origin)"),
    responses(
        (status = 201, description = "The checkout (`kind: data`): `awaiting_payment`, one line for the plan at its catalog price, and how to pay. Track it at `GET /api/checkouts/{reference}?phone=` with the topped-up number; once `placed`, `order_reference` is the data purchase", body = amigo_types::DataEnvelope<amigo_types::checkout::CheckoutView>, content_type = "application/json"),
        (status = 403, description = "`checkouts_disabled` (no payment step: use `POST /api/data/purchases`), `data_sales_disabled`, or `origin_not_allowed`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 422, description = "`invalid_<field>`, `plan_network_mismatch`, `network_mismatch`, `data_daily_limit_reached`, `invalid_return_url`, `invalid_idempotency_key`, `idempotency_key_reused`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 428, description = "`idempotency_key_required`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 429, description = "`rate_limited` (per client IP per minute, per line per hour), with `Retry-After`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 502, description = "`payment_unavailable` or `upstream_error` (`retryable`): nothing was charged; retry with the same key", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 503, description = "`upstream_unavailable` (`retryable`): the plan catalog cannot be read now", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
    )
)]
pub(crate) async fn create_data(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> ProxyResult<Response> {
    crate::routes::data::enabled(&state)?;
    if state.config().payment.mode == PaymentMode::None {
        return Err(ProxyError::CheckoutsDisabled);
    }
    let key = idempotency_key(&headers)?;
    let request: CreateDataCheckoutRequest = parse_json_body(&body)?;
    let view = checkout::data::create_data(&state, ip, &key, request).await?;
    Ok(no_store(
        (StatusCode::CREATED, Json(DataEnvelope::new(view))).into_response(),
    ))
}

/// The shopper's checkout.
#[utoipa::path(
    get,
    path = "/api/checkouts/{reference}",
    tag = "checkouts",
    params(
        ("reference" = String, Path, description = "The checkout reference (`CHK-…`)"),
        ("phone" = String, Query, description = "The phone number the checkout was made with"),
    ),
    responses(
        (status = 200, description = "`{success, data: CheckoutView}`", body = amigo_types::DataEnvelope<amigo_types::checkout::CheckoutView>, content_type = "application/json"),
        (status = 404, description = "`not_found`: unknown reference, or wrong or missing phone", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 429, description = "`rate_limited` (`Retry-After`)", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
    )
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(reference): Path<String>,
    Query(q): Query<PhoneQuery>,
) -> ProxyResult<Response> {
    state.limits().lookup_from_ip(ip)?;
    let row = checkout::find(&state, &reference, q.phone.as_deref()).await?;
    Ok(no_store(
        Json(DataEnvelope::new(checkout::shopper_view(&state, &row))).into_response(),
    ))
}

/// Paystack's way back: asks Paystack about the payment (settling it when paid), then sends
/// the shopper to the tracking page on the page the checkout was made from. Only that page,
/// checked when the checkout was made and again here against the allowed origins: the
/// callback cannot be made to redirect anywhere else.
pub(crate) async fn paystack_return(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(reference): Path<String>,
) -> ProxyResult<Response> {
    state.limits().lookup_from_ip(ip)?;
    if !amigo_types::checkout::is_checkout_reference(&reference) {
        return Err(ProxyError::NotFound);
    }
    // Only a Paystack checkout has a way back from Paystack.
    let Some(row) = state
        .store()
        .checkout(&reference)
        .await?
        .filter(|r| r.method == PaymentMethod::Paystack)
    else {
        return Err(ProxyError::NotFound);
    };
    if row.status == CheckoutStatus::AwaitingPayment
        && let Err(e) = settle::confirm_paystack(&state, &row).await
    {
        // The webhook or the sweep settles it; the tracking page shows where it is.
        tracing::warn!(reference, error = %e, "could not confirm a payment on the shopper's return");
    }
    let back = checkout::return_url(&state, &row.return_url)
        .unwrap_or_else(|_| format!("{}/", state.config().public_url.trim_end_matches('/')));
    // No phone in the way back: anyone who learns a checkout reference (it is Paystack's
    // transaction reference too) must not read the shopper's number from this redirect. The
    // widget keeps the phone with the checkout it made.
    let target = format!("{back}#/order/{reference}");
    Ok(no_store(Redirect::to(&target).into_response()))
}

/// Paystack's signed events. Only `charge.success` acts, and only after Paystack's own
/// `verify` confirms it for the checkout's exact total; everything else is acknowledged.
pub(crate) async fn paystack_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ProxyResult<StatusCode> {
    let Some(paystack) = state.paystack() else {
        return Err(ProxyError::NoRoute);
    };
    let signature = headers
        .get("x-paystack-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !paystack.signature_valid(&body, signature) {
        tracing::warn!(
            bytes = body.len(),
            "refused a Paystack webhook with a bad signature"
        );
        return Err(ProxyError::PaystackSignature);
    }
    let event: Value =
        serde_json::from_slice(&body).map_err(|_| ProxyError::BadWebhook("not JSON".to_owned()))?;
    let kind = event.get("event").and_then(Value::as_str).unwrap_or("");
    let reference = event
        .pointer("/data/reference")
        .or_else(|| event.pointer("/data/transaction_reference"))
        .and_then(Value::as_str)
        .unwrap_or("");
    match kind {
        "charge.success" => {
            let Some(row) = state.store().checkout_by_payment(reference).await? else {
                tracing::info!(
                    reference,
                    "a Paystack charge for no checkout of this store; acknowledged"
                );
                return Ok(StatusCode::OK);
            };
            // A failed verify answers 5xx so Paystack sends the event again.
            settle::confirm_paystack(&state, &row).await?;
        }
        "refund.processed" => tracing::info!(reference, "Paystack processed a refund"),
        other => tracing::debug!(event = other, "Paystack event acknowledged"),
    }
    Ok(StatusCode::OK)
}
