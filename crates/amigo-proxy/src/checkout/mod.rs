//! Checkouts: the shopper pays the merchant before the merchant's wallet pays Amigo.
//!
//! A checkout is created from the order body (`POST /api/checkouts`) at the retail prices the
//! catalog shows plus Amigo's delivery quote, and kept in the database
//! ([`crate::store::CheckoutRow`]). It moves `awaiting_payment → paid → placed`, or ends
//! `expired`, `failed` or `refunded`:
//!
//! - **paystack**: a Paystack transaction for the retail total is initialized at creation; the
//!   checkout is marked paid only when Paystack's `verify` says `success` for exactly that
//!   amount in NGN, whichever comes first, the shopper's return or the signed webhook
//!   ([`settle`]);
//! - **transfer**: the merchant's "Mark paid" in the console marks it paid.
//!
//! A paid checkout is placed with Amigo once ([`settle::place`]), under the key
//! `chk-{reference}` made and kept here, so a retry, a second caller or a restart after a
//! crash returns the one order. A refusal from Amigo ends it `failed` with the money owed back,
//! refunded through Paystack at once ([`settle::refund`]). A background sweep
//! ([`settle::sweep`]) expires unpaid checkouts and finishes what a crash or an outage left.

pub(crate) mod data;
pub mod paystack;
pub mod settle;
mod view;

use amigo_types::Money;
use amigo_types::checkout::{CheckoutKind, CheckoutView, CreateCheckoutRequest, PaymentMethod};
use amigo_types::envelope::ApiError;
use amigo_types::idempotency::IdempotencyKey;
use amigo_types::orders::{CreateOrderRequest, OrderItem, ValidOrderRequest};
use rand::Rng;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::clock::rfc3339;
use crate::error::{ProxyError, ProxyResult};
use crate::state::AppState;
use crate::store::{CheckoutInsert, CheckoutRow};

pub(crate) use view::shopper_view;

/// The Amigo Idempotency-Key of a checkout's order: made and kept by the proxy, one per
/// checkout, so the order is created at most once whoever places it.
pub(crate) fn amigo_key(reference: &str) -> ProxyResult<IdempotencyKey> {
    Ok(IdempotencyKey::parse(&format!("chk-{reference}"))?)
}

/// A new checkout reference: `CHK-` and 12 characters of an unambiguous alphabet (~60 bits).
fn new_reference() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let tail: String = (0..12)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("CHK-{tail}")
}

/// The return URL, checked: `http(s)`, at most 2,000 characters, on an origin the proxy
/// allows (so Paystack's way back can never be turned into an open redirect), without its
/// fragment (the widget's route is appended on the way back).
pub(crate) fn return_url(state: &AppState, raw: &str) -> ProxyResult<String> {
    let refuse = |why: &str| {
        ProxyError::from(ApiError::invalid(
            "invalid_return_url",
            "return_url",
            format!("return_url {why}"),
        ))
    };
    if raw.len() > 2000 {
        return Err(refuse("is longer than 2,000 characters"));
    }
    let mut url = reqwest::Url::parse(raw.trim()).map_err(|_| refuse("is not a URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(refuse("must be an http or https page"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("must not carry a user name or password"));
    }
    let origin = url.origin().ascii_serialization();
    let canonical = crate::config::canonical_origin(&origin).unwrap_or(origin);
    if !state.origin_allowed(&canonical) {
        return Err(refuse(
            "is not on an origin this store allows (AMIGO_ALLOWED_ORIGINS)",
        ));
    }
    url.set_fragment(None);
    Ok(url.to_string())
}

/// What Amigo's quote charges for delivering `order` at its tier; 0 for an order without a
/// location (Amigo's legacy free shipping). An area the cart cannot ship to is refused here,
/// before the shopper is asked to pay.
async fn delivery_fee(
    state: &AppState,
    order: &CreateOrderRequest,
    valid: &ValidOrderRequest,
) -> ProxyResult<i64> {
    if !order.delivery.location.is_present() {
        return Ok(0);
    }
    let quote = amigo_types::delivery::QuoteRequest {
        location: order.delivery.location.clone(),
        items: order.items.clone(),
    };
    let payload = serde_json::to_vec(&quote)
        .map_err(|e| ProxyError::Internal(format!("serialising a quote: {e}")))?;
    let resp = state
        .amigo()
        .post_json("/commerce/delivery/quote/", payload, &[])
        .await?;
    if !resp.status.is_success() {
        return Err(crate::upstream::classify_failure(resp));
    }
    // Read tolerantly: only `serviceable` and the chosen tier's total.
    let quote: Value = serde_json::from_slice(&resp.body)
        .map_err(|e| ProxyError::Upstream(format!("unreadable delivery quote: {e}")))?;
    let data = quote.get("data").unwrap_or(&Value::Null);
    if data.get("serviceable").and_then(Value::as_bool) == Some(false) {
        return Err(ApiError::invalid(
            "unserviceable_delivery",
            "delivery",
            "One or more products in the cart can't ship to this area.",
        )
        .into());
    }
    data.pointer(&format!("/totals/{}", valid.tier.as_str()))
        .and_then(Value::as_i64)
        .filter(|fee| *fee >= 0)
        .ok_or_else(|| ProxyError::Upstream("delivery quote without the tier's total".into()))
}

/// Creates (or, for the same key and body, finds again) the checkout for `request`, and for
/// Paystack the transaction the shopper pays. Answers the shopper's view.
pub(crate) async fn create(
    state: &AppState,
    key: &IdempotencyKey,
    request: CreateCheckoutRequest,
) -> ProxyResult<CheckoutView> {
    let method = payment_method(state)?;
    let valid = request.order.validate()?;
    let return_url = return_url(state, &request.return_url)?;
    let body_hash = hex::encode(Sha256::digest(
        json!({"order": &request.order, "return_url": &return_url}).to_string(),
    ));
    if let Some(view) = made_before(state, key, &body_hash, CheckoutKind::Order).await? {
        return Ok(view);
    }
    let phone_hash = state.store().phone_hash(&valid.phone);
    crate::orders::guard::limit_phone(state, &phone_hash).await?;
    let (amigo_cost, lines) =
        crate::orders::guard::spend_guard_lines(state, &request.order).await?;
    let fee = delivery_fee(state, &request.order, &valid).await?;

    let order_body = serde_json::to_string(&request.order)
        .map_err(|e| ProxyError::Internal(format!("serialising the order: {e}")))?;
    let items: Vec<OrderItem> = lines
        .iter()
        .map(|l| OrderItem {
            product_id: l.product_id,
            name: l.name.clone(),
            quantity: l.quantity,
            unit_price: Money::naira(l.retail),
            line_total: Money::naira(l.retail.saturating_mul(i64::from(l.quantity))),
        })
        .collect();
    let subtotal: i64 = items.iter().map(|i| i.line_total.amount).sum();
    let total = subtotal.saturating_add(fee);
    let units: std::collections::BTreeMap<u64, i64> =
        lines.iter().map(|l| (l.product_id, l.retail)).collect();
    let row = CheckoutRow {
        body_hash,
        phone_hash,
        order_body,
        return_url,
        items_json: to_json(&items)?,
        retail_units: to_json(&units)?,
        subtotal,
        delivery_fee: fee,
        total,
        amigo_cost,
        ..unpaid_row(state, key, CheckoutKind::Order, method)
    };
    store_and_open(state, row).await
}

/// How this store's checkouts are paid; `checkouts_disabled` without a payment step.
fn payment_method(state: &AppState) -> ProxyResult<PaymentMethod> {
    match state.config().payment.mode {
        crate::config::PaymentMode::Paystack => Ok(PaymentMethod::Paystack),
        crate::config::PaymentMode::Transfer => Ok(PaymentMethod::Transfer),
        crate::config::PaymentMode::None => Err(ProxyError::CheckoutsDisabled),
    }
}

/// A new checkout under `key`, awaiting payment from now until the store's expiry, with
/// nothing paid or placed yet; the caller fills in what it buys and what it costs.
fn unpaid_row(
    state: &AppState,
    key: &IdempotencyKey,
    kind: CheckoutKind,
    method: PaymentMethod,
) -> CheckoutRow {
    let now = time::OffsetDateTime::now_utc();
    let expiry =
        time::Duration::try_from(state.config().checkout.expiry).unwrap_or(time::Duration::HOUR);
    let expires = now + expiry;
    CheckoutRow {
        reference: new_reference(),
        idempotency_key: key.as_str().to_owned(),
        body_hash: String::new(),
        kind,
        method,
        status: amigo_types::checkout::CheckoutStatus::AwaitingPayment,
        phone_hash: String::new(),
        order_body: String::new(),
        return_url: String::new(),
        items_json: String::new(),
        retail_units: String::new(),
        subtotal: 0,
        delivery_fee: 0,
        total: 0,
        amigo_cost: 0,
        payment_reference: None,
        authorization_url: None,
        paid_via: None,
        paid_amount_kobo: None,
        paid_at: None,
        placing_since: None,
        order_reference: None,
        failure_code: None,
        failure_message: None,
        refund_state: None,
        created_at: rfc3339(now),
        expires_at: rfc3339(expires),
        expires_at_ms: i64::try_from(expires.unix_timestamp_nanos() / 1_000_000)
            .unwrap_or(i64::MAX),
    }
}

/// Stores a new checkout under its key (or finds what the key made before, refusing the key
/// for another body), and for Paystack opens the page the shopper pays on. Answers the
/// shopper's view.
async fn store_and_open(state: &AppState, mut row: CheckoutRow) -> ProxyResult<CheckoutView> {
    let mut tries = 0;
    let row = loop {
        match state.store().insert_checkout(&row).await {
            Ok(CheckoutInsert::Created) => {
                tracing::info!(reference = %row.reference, kind = row.kind.as_str(), total = row.total, "checkout created");
                break row;
            }
            Ok(CheckoutInsert::Existing(existing)) => break *existing,
            Ok(CheckoutInsert::Reused) => return Err(key_reused(row.kind)),
            Err(sqlx::Error::Protocol(_)) if tries < 3 => {
                tries += 1;
                row.reference = new_reference();
            }
            Err(e) => return Err(e.into()),
        }
    };
    open(state, row).await
}

/// What a retry of `key` gets, `None` for a new key. A retry (its answer lost, the page reloaded)
/// gets the checkout the key made, as it was made: none of a new checkout's checks, limits or
/// upstream calls run again, so Amigo's quote or catalog failing does not keep the shopper from
/// a checkout they already have, and the limits count it once. The key with another body is
/// refused.
async fn made_before(
    state: &AppState,
    key: &IdempotencyKey,
    body_hash: &str,
    kind: CheckoutKind,
) -> ProxyResult<Option<CheckoutView>> {
    let Some(existing) = state.store().checkout_by_key(key.as_str()).await? else {
        return Ok(None);
    };
    if existing.body_hash != body_hash {
        return Err(key_reused(kind));
    }
    open(state, existing).await.map(Some)
}

/// The shopper's view of a stored checkout, opening its Paystack page first if it has none yet
/// (its first opening failed, or the process stopped before it).
async fn open(state: &AppState, row: CheckoutRow) -> ProxyResult<CheckoutView> {
    let row = if row.method == PaymentMethod::Paystack && row.authorization_url.is_none() {
        settle::open_payment_page(state, row).await?
    } else {
        row
    };
    Ok(shopper_view(state, &row))
}

/// The refusal of a key already used for another checkout body.
fn key_reused(kind: CheckoutKind) -> ProxyError {
    let what = match kind {
        CheckoutKind::Order => "order",
        CheckoutKind::Data => "purchase",
    };
    ApiError::invalid(
        "idempotency_key_reused",
        "Idempotency-Key",
        format!(
            "This Idempotency-Key was already used for a different {what}; use a new key for a new {what}."
        ),
    )
    .into()
}

/// The shopper's checkout, if `phone` is the one it was made with (a wrong phone gets exactly
/// the answer an unknown reference gets, and counts toward the reference's lookup lock).
pub(crate) async fn find(
    state: &AppState,
    reference: &str,
    phone: Option<&str>,
) -> ProxyResult<CheckoutRow> {
    let proof = crate::routes::tracking::PhoneProof::new(state, phone);
    if !amigo_types::checkout::is_checkout_reference(reference) {
        return Err(ProxyError::NotFound);
    }
    state.lookup_locks().check(reference)?;
    match state.store().checkout(reference).await? {
        Some(row) if proof.matches(&row.phone_hash) => Ok(row),
        _ => {
            state.lookup_locks().failed(reference);
            Err(ProxyError::NotFound)
        }
    }
}

/// The shopper's phone in the checkout's stored body: the order's customer, or the line a
/// data plan is for.
pub(crate) fn order_phone(row: &CheckoutRow) -> String {
    let pointer = match row.kind {
        CheckoutKind::Order => "/customer/phone",
        CheckoutKind::Data => "/mobile_number",
    };
    serde_json::from_str::<Value>(&row.order_body)
        .ok()
        .and_then(|v| {
            v.pointer(pointer)
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

/// JSON text of a value, as a checkout column.
fn to_json<T: serde::Serialize>(value: &T) -> ProxyResult<String> {
    serde_json::to_string(value)
        .map_err(|e| ProxyError::Internal(format!("serialising a checkout: {e}")))
}
