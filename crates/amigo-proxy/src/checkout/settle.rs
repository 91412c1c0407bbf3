//! What happens to a checkout after it is created: its Paystack page, the payment confirmed
//! (Paystack's verify, or the merchant's "Mark paid"), the Amigo order placed once, a refund
//! when Amigo refuses, and the sweep that expires the unpaid and finishes what a crash or an
//! outage left half done.

use std::time::Duration;

use amigo_types::checkout::{CheckoutKind, CheckoutStatus, PaymentMethod};
use amigo_types::envelope::ErrorBody;
use axum::http::StatusCode;
use serde_json::json;

use super::paystack::PaystackError;
use super::{amigo_key, order_phone};
use crate::clock::{now_iso, now_ms};
use crate::error::{ProxyError, ProxyResult};
use crate::orders;
use crate::state::AppState;
use crate::store::{CheckoutRow, RetailSale};

/// How often the sweep runs.
pub(crate) const SWEEP_EVERY: Duration = Duration::from_secs(15);

/// Most Paystack transactions one checkout may open (a declined card gets a fresh page).
const MAX_PAYMENT_PAGES: u32 = 5;

fn paystack_unavailable(e: &PaystackError) -> ProxyError {
    tracing::warn!(error = %e, "Paystack call failed");
    ProxyError::PaymentUnavailable
}

/// The email Paystack needs for its receipt: the shopper's, or one made from their phone
/// on the proxy's own host when they gave none.
fn payer_email(state: &AppState, row: &CheckoutRow) -> String {
    let body: serde_json::Value = serde_json::from_str(&row.order_body).unwrap_or_default();
    if let Some(email) = body
        .pointer("/customer/email")
        .and_then(serde_json::Value::as_str)
        .map(str::trim)
        .filter(|e| e.contains('@') && e.len() <= 200)
    {
        return email.to_owned();
    }
    let digits: String = order_phone(row)
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let host = reqwest::Url::parse(&state.config().public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .filter(|h| h.contains('.') && h.parse::<std::net::IpAddr>().is_err())
        .unwrap_or_else(|| "shoppers.invalid".to_owned());
    format!("shopper-{digits}@{host}")
}

/// Opens a Paystack transaction for `row`'s total and records its page. A reference Paystack
/// already has (an earlier attempt whose answer was lost, or a declined card) moves to the
/// next `{reference}-{n}`.
pub(crate) async fn open_payment_page(
    state: &AppState,
    row: CheckoutRow,
) -> ProxyResult<CheckoutRow> {
    let Some(paystack) = state.paystack() else {
        return Err(ProxyError::PaymentUnavailable);
    };
    let callback = format!(
        "{}/pay/{}/return",
        state.config().public_url.trim_end_matches('/'),
        row.reference
    );
    // the transaction after the last one: `{reference}` is the first, `{reference}-{n}` the nth
    let first = match row.payment_reference.as_deref() {
        None => 1,
        Some(p) => {
            p.strip_prefix(&format!("{}-", row.reference))
                .and_then(|n| n.parse::<u32>().ok())
                .unwrap_or(1)
                + 1
        }
    };
    for n in first..=MAX_PAYMENT_PAGES {
        let payment_reference = if n == 1 {
            row.reference.clone()
        } else {
            format!("{}-{n}", row.reference)
        };
        let metadata = json!({
            "checkout_reference": row.reference,
            // Paystack's page sends "Cancel" here (documented): back through the proxy too
            "cancel_action": callback,
        });
        match paystack
            .initialize(
                &payer_email(state, &row),
                row.total.saturating_mul(100),
                &payment_reference,
                &callback,
                metadata,
            )
            .await
        {
            Ok(page) => {
                state
                    .store()
                    .set_payment_page(&row.reference, &payment_reference, &page.authorization_url)
                    .await?;
                return Ok(state.store().checkout(&row.reference).await?.unwrap_or(row));
            }
            Err(PaystackError::Refused { message, .. })
                if message.to_ascii_lowercase().contains("duplicate") => {}
            Err(e) => return Err(paystack_unavailable(&e)),
        }
    }
    Err(ProxyError::PaymentUnavailable)
}

/// Asks Paystack about `row`'s transaction and acts on the answer: `success` for exactly the
/// total in NGN marks it paid and places the order; another amount or currency ends it failed
/// (money owed back) and is logged; a declined card gets a fresh payment page. Safe to call
/// from any number of places at once: only one of them marks it paid.
pub(crate) async fn confirm_paystack(state: &AppState, row: &CheckoutRow) -> ProxyResult<()> {
    let (Some(paystack), Some(payment_reference)) =
        (state.paystack(), row.payment_reference.as_deref())
    else {
        return Ok(());
    };
    if !matches!(
        row.status,
        CheckoutStatus::AwaitingPayment | CheckoutStatus::Expired
    ) {
        return Ok(());
    }
    let verified = paystack
        .verify(payment_reference)
        .await
        .map_err(|e| paystack_unavailable(&e))?;
    match verified.status.as_str() {
        "success" => {
            let expected = row.total.saturating_mul(100);
            if verified.amount != expected || !verified.currency.eq_ignore_ascii_case("NGN") {
                tracing::error!(
                    reference = %row.reference,
                    expected_kobo = expected,
                    verified_kobo = verified.amount,
                    currency = %verified.currency,
                    "a Paystack payment is not the checkout's total: not placing the order, refunding it"
                );
                if state
                    .store()
                    .checkout_failed(
                        &row.reference,
                        "amount_mismatch",
                        "Your payment did not match this order's total, so the order was not placed. It is being refunded.",
                        Some("due"),
                    )
                    .await?
                {
                    refund(state, &row.reference).await;
                }
                return Ok(());
            }
            let paid_at = verified.paid_at.clone().unwrap_or_else(now_iso);
            let via = verified
                .channel
                .clone()
                .unwrap_or_else(|| "paystack".to_owned());
            if state
                .store()
                .mark_checkout_paid(&row.reference, &via, verified.amount, &paid_at)
                .await?
            {
                tracing::info!(reference = %row.reference, channel = %via, "checkout paid");
                spawn_place(state, &row.reference);
            }
        }
        "failed" if row.status == CheckoutStatus::AwaitingPayment => {
            // The card was declined: that transaction is over, so the shopper may try again
            // on a new one.
            if let Err(e) = open_payment_page(state, row.clone()).await {
                tracing::warn!(reference = %row.reference, error = %e, "no new payment page after a decline");
            }
        }
        _ => {}
    }
    Ok(())
}

/// The merchant confirmed a bank transfer: marks the checkout paid and places its order.
/// `false` when it was not awaiting payment (already paid, placed, or ended).
pub async fn mark_paid_by_merchant(state: &AppState, reference: &str) -> ProxyResult<bool> {
    let Some(row) = state.store().checkout(reference).await? else {
        return Err(ProxyError::NotFound);
    };
    if row.method != PaymentMethod::Transfer {
        return Ok(false);
    }
    let paid_at = now_iso();
    let marked = state
        .store()
        .mark_checkout_paid(
            reference,
            "merchant",
            row.total.saturating_mul(100),
            &paid_at,
        )
        .await?;
    if marked {
        tracing::info!(reference, "transfer marked paid by the merchant");
        place(state, reference).await;
    }
    Ok(marked)
}

/// Places `reference`'s order in the background.
pub(crate) fn spawn_place(state: &AppState, reference: &str) {
    let state = state.clone();
    let reference = reference.to_owned();
    tokio::spawn(async move { place(&state, &reference).await });
}

/// The sentence a shopper reads when Amigo refused their paid order.
fn refusal_message(code: &str, method: PaymentMethod) -> String {
    let why = match code {
        "out_of_stock" => "An item sold out before your order could be placed.",
        "unserviceable_delivery" => "The store can't deliver these items to your area.",
        _ => "The store could not place your order.",
    };
    format!("{why} {}", money_back(method))
}

/// What happens to the shopper's money when a paid checkout is not placed.
fn money_back(method: PaymentMethod) -> &'static str {
    match method {
        PaymentMethod::Paystack => "Your payment is being refunded.",
        _ => "The store will refund your transfer.",
    }
}

/// Buys a paid data checkout's plan (the caller holds its placing claim) and records how it
/// ended: bought, refused (refunded), or not known yet (the claim is let go for the sweep).
async fn place_data(state: &AppState, row: &CheckoutRow) -> ProxyResult<()> {
    let reference = row.reference.as_str();
    match super::data::buy(state, row).await {
        Ok(super::data::Bought::Placed(purchase)) => {
            state.store().checkout_placed(reference, &purchase).await?;
        }
        Ok(super::data::Bought::Refused(code)) => {
            tracing::warn!(reference, code = %code, "a paid data checkout could not be bought; the shopper is owed a refund");
            let message = format!(
                "{} {}",
                super::data::refusal_message(&code),
                money_back(row.method)
            );
            if state
                .store()
                .checkout_failed(reference, &code, &message, Some("due"))
                .await?
            {
                refund(state, reference).await;
            }
        }
        Ok(super::data::Bought::Later(why)) => {
            tracing::warn!(reference, why = %why, "a paid data checkout is not bought yet; retrying later");
            state.store().release_checkout_placing(reference).await?;
        }
        Err(e) => {
            state.store().release_checkout_placing(reference).await?;
            return Err(e);
        }
    }
    Ok(())
}

/// Places a paid checkout's order with Amigo, once: claims it (no other caller, here or on
/// another instance, places it meanwhile), sends it under the checkout's own key, and records
/// the answer. A refusal ends it failed and refunds; an unknown outcome leaves it paid for the
/// sweep, which sends it again under the same key.
pub(crate) async fn place(state: &AppState, reference: &str) {
    if let Err(e) = try_place(state, reference, stale_claims_before(state)).await {
        tracing::error!(reference, error = %e, "placing a paid checkout failed; the sweep retries it");
    }
}

/// A claim to place older than this belongs to a caller that died.
fn stale_claims_before(state: &AppState) -> i64 {
    let patience = i64::try_from(state.config().upstream_patience().as_millis()).unwrap_or(60_000);
    now_ms() - patience - 5_000
}

async fn try_place(state: &AppState, reference: &str, stale_before: i64) -> ProxyResult<()> {
    if !state
        .store()
        .claim_checkout_placing(reference, now_ms(), stale_before)
        .await?
    {
        return Ok(());
    }
    let Some(row) = state.store().checkout(reference).await? else {
        return Ok(());
    };
    if row.kind == CheckoutKind::Data {
        return place_data(state, &row).await;
    }
    let key = amigo_key(reference)?;
    // the same path as an unpaid order's: sent under its key, recorded at the shopper's prices
    let sent = orders::record::forward(state, row.order_body.clone().into_bytes(), &key).await;
    match sent {
        Ok(resp) if matches!(resp.status, StatusCode::OK | StatusCode::CREATED) => {
            let units: std::collections::BTreeMap<u64, i64> =
                serde_json::from_str(&row.retail_units).unwrap_or_default();
            let sale = RetailSale::new(units);
            let Some(order) = orders::record::remember(state, &resp.body, &sale).await else {
                // The order exists; its webhook records it. The sweep asks again (the same key
                // replays the answer).
                state.store().release_checkout_placing(reference).await?;
                return Err(ProxyError::Upstream("unreadable order answer".into()));
            };
            state
                .store()
                .checkout_placed(reference, &order.reference)
                .await?;
            tracing::info!(reference, order = %order.reference, "paid checkout placed");
        }
        Ok(resp)
            if resp.status.is_client_error()
                && !matches!(
                    resp.status,
                    StatusCode::REQUEST_TIMEOUT
                        | StatusCode::TOO_MANY_REQUESTS
                        | StatusCode::UNAUTHORIZED
                        | StatusCode::FORBIDDEN
                ) =>
        {
            let code = serde_json::from_slice::<ErrorBody>(&resp.body)
                .map(|b| b.error)
                .unwrap_or_else(|_| "order_refused".to_owned());
            tracing::warn!(reference, status = %resp.status, code = %code, "Amigo refused a paid checkout; the shopper is owed a refund");
            if state
                .store()
                .checkout_failed(
                    reference,
                    &code,
                    &refusal_message(&code, row.method),
                    Some("due"),
                )
                .await?
            {
                refund(state, reference).await;
            }
        }
        other => {
            let why = match other {
                Ok(resp) => format!("Amigo answered {}", resp.status),
                Err(e) => e.to_string(),
            };
            tracing::warn!(reference, why = %why, "a paid checkout's order is not placed yet; retrying later");
            state.store().release_checkout_placing(reference).await?;
        }
    }
    Ok(())
}

/// Refunds a failed Paystack checkout in full; marks it refunded once Paystack accepts.
/// Transfers are refunded by the merchant (the console lists them as owed).
pub(crate) async fn refund(state: &AppState, reference: &str) {
    let Ok(Some(row)) = state.store().checkout(reference).await else {
        return;
    };
    let (Some(paystack), Some(payment_reference), PaymentMethod::Paystack) = (
        state.paystack(),
        row.payment_reference.as_deref(),
        row.method,
    ) else {
        return;
    };
    match paystack
        .refund(
            payment_reference,
            &format!("checkout {reference}: order not placed"),
        )
        .await
    {
        Ok(()) => match state.store().checkout_refunded(reference).await {
            Ok(_) => tracing::info!(reference, "checkout refunded through Paystack"),
            Err(e) => tracing::error!(reference, error = %e, "could not record a refund"),
        },
        Err(e) if e.is_retryable() => {
            tracing::warn!(reference, error = %e, "Paystack refund not made yet; retrying later");
        }
        Err(e) => {
            tracing::error!(reference, error = %e, "Paystack refused a refund the shopper is owed: refund it from the Paystack dashboard (retrying meanwhile)");
        }
    }
}

/// A paid data plan the network did not deliver (Amigo refunded the wallet): the checkout
/// ends failed and the shopper's money goes back. `true` when this caller ended it.
async fn undelivered(state: &AppState, reference: &str) -> ProxyResult<bool> {
    let Some(row) = state.store().checkout(reference).await? else {
        return Ok(false);
    };
    let message = format!(
        "The network could not deliver this data plan. {}",
        money_back(row.method)
    );
    if !state
        .store()
        .checkout_undelivered(reference, &message)
        .await?
    {
        return Ok(false);
    }
    tracing::warn!(
        reference,
        "a paid data plan was not delivered; the shopper is owed a refund"
    );
    refund(state, reference).await;
    Ok(true)
}

/// What one sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    /// Paid checkouts sent to Amigo again.
    pub placed: usize,
    /// Refunds asked for again, and paid data plans found undelivered (refunded).
    pub refunds: usize,
    /// Unpaid checkouts past their time (each confirmed unpaid with Paystack first).
    pub expired: usize,
}

/// One pass: paid checkouts nobody is placing are placed (after a crash, `reclaim_all` on
/// SQLite takes every claim: this process is the only one), owed Paystack refunds are asked
/// for, unpaid checkouts past their time are expired (a Paystack one only after `verify` says
/// it was not paid: a late payment is placed instead).
pub async fn sweep(state: &AppState, reclaim_all: bool) -> Swept {
    let mut done = Swept::default();
    let stale_before = if reclaim_all {
        i64::MAX
    } else {
        stale_claims_before(state)
    };
    match state.store().checkouts_to_place(stale_before, 50).await {
        Ok(rows) => {
            for row in rows {
                if let Err(e) = try_place(state, &row.reference, stale_before).await {
                    tracing::error!(reference = %row.reference, error = %e, "placing a paid checkout failed");
                }
                done.placed += 1;
            }
        }
        Err(e) => tracing::error!(error = %e, "could not list paid checkouts"),
    }
    match state.store().data_checkouts_undelivered(50).await {
        Ok(references) => {
            for reference in references {
                match undelivered(state, &reference).await {
                    Ok(true) => done.refunds += 1,
                    Ok(false) => {}
                    Err(e) => {
                        tracing::error!(reference, error = %e, "could not end an undelivered data checkout");
                    }
                }
            }
        }
        Err(e) => tracing::error!(error = %e, "could not list undelivered data checkouts"),
    }
    match state.store().checkout_refunds_due(50).await {
        Ok(rows) => {
            for row in rows {
                refund(state, &row.reference).await;
                done.refunds += 1;
            }
        }
        Err(e) => tracing::error!(error = %e, "could not list refunds owed"),
    }
    match state.store().checkouts_due_to_expire(now_ms(), 100).await {
        Ok(rows) => {
            for row in rows {
                if row.method == PaymentMethod::Paystack
                    && row.payment_reference.is_some()
                    && let Err(e) = confirm_paystack(state, &row).await
                {
                    tracing::warn!(reference = %row.reference, error = %e, "could not ask Paystack before expiring; later");
                    continue;
                }
                match state.store().expire_checkout(&row.reference).await {
                    Ok(true) => {
                        tracing::info!(reference = %row.reference, "unpaid checkout expired");
                        done.expired += 1;
                    }
                    Ok(false) => {}
                    Err(e) => tracing::error!(error = %e, "could not expire a checkout"),
                }
            }
        }
        Err(e) => tracing::error!(error = %e, "could not list checkouts to expire"),
    }
    done
}

/// Runs [`sweep`] now (taking over every claim on SQLite: a previous run of this process may
/// have died placing) and then every [`SWEEP_EVERY`] until the server stops.
pub async fn run_sweeper(state: AppState) {
    let sqlite = state.store().backend() == crate::store::Backend::Sqlite;
    let swept = sweep(&state, sqlite).await;
    if swept.placed > 0 {
        tracing::warn!(
            placed = swept.placed,
            "placed paid checkouts a previous run left"
        );
    }
    let stopping = state.stopping();
    tokio::pin!(stopping);
    loop {
        tokio::select! {
            () = &mut stopping => return,
            () = tokio::time::sleep(SWEEP_EVERY) => {}
        }
        sweep(&state, false).await;
    }
}
