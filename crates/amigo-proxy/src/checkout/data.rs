//! Data top-ups paid for first: a checkout of kind `data` is created for one plan and one line
//! (`POST /api/data/checkouts`), paid like an order's (Paystack or a confirmed transfer), and
//! only then bought from Amigo's Data API, once, under the checkout's own key `chk-{reference}`.
//! Nobody receives data the merchant was not paid for.
//!
//! Data is sold at Amigo's catalog price (the catalog's price rule is for goods), so the
//! checkout's total is the plan's price. The day's data budget (`AMIGO_DATA_DAILY_LIMIT`) is
//! looked at when the checkout is made, so a shopper is not asked to pay for what the store
//! cannot sell today, and reserved when the plan is bought; a paid checkout that finds the day
//! full is refunded.

use std::net::IpAddr;

use amigo_types::checkout::{CheckoutKind, CheckoutView, CreateDataCheckoutRequest};
use amigo_types::data::{DataPlan, DataPurchaseRequest, ValidDataPurchase};
use amigo_types::envelope::ErrorBody;
use amigo_types::idempotency::IdempotencyKey;
use amigo_types::orders::OrderItem;
use axum::http::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{
    amigo_key, made_before, payment_method, return_url, store_and_open, to_json, unpaid_row,
};
use crate::data_answer::read_purchase_answer;
use crate::error::{DataRefusal, ProxyError, ProxyResult};
use crate::routes::data::{catalog, enabled, limit_new_purchase, recorded_purchase};
use crate::state::AppState;
use crate::store::{CheckoutRow, Reservation, Reserved, lagos_day};

/// The line a data checkout shows: the plan, as the shopper chose it.
fn plan_line(plan: &DataPlan) -> OrderItem {
    OrderItem {
        product_id: plan.plan_id,
        name: format!(
            "{} {} data · {}",
            plan.network.name(),
            plan.capacity,
            plan.validity
        ),
        quantity: 1,
        unit_price: plan.price.clone(),
        line_total: plan.price.clone(),
    }
}

/// Creates (or, for the same key and body, finds again) the checkout for a data plan, and for
/// Paystack the transaction the shopper pays. Refused before anyone pays: data sales off, a
/// body the catalog refuses, the client's or the line's limits, and a day whose data budget
/// has no room for the plan.
pub(crate) async fn create_data(
    state: &AppState,
    ip: IpAddr,
    key: &IdempotencyKey,
    request: CreateDataCheckoutRequest,
) -> ProxyResult<CheckoutView> {
    enabled(state)?;
    let method = payment_method(state)?;
    let valid = request.purchase.validate()?;
    let return_url = return_url(state, &request.return_url)?;
    let upstream_body = valid.to_body();
    let body_hash = hex::encode(Sha256::digest(
        json!({"data": &upstream_body, "return_url": &return_url}).to_string(),
    ));
    if let Some(view) = made_before(state, key, &body_hash, CheckoutKind::Data).await? {
        return Ok(view);
    }
    let plans = catalog(state).await?;
    let plan = valid.check_against(plans.iter().find(|p| p.plan_id == valid.plan))?;
    let phone_hash = state.store().phone_hash(valid.mobile_number.as_str());
    let settings = state.config().data;
    limit_new_purchase(state, ip, &phone_hash).await?;
    let spent = state.store().data_spent(&lagos_day()).await?;
    if spent.saturating_add(plan.price.amount) > settings.daily_limit {
        return Err(DataRefusal::DailyLimit {
            spent,
            amount: plan.price.amount,
            limit: settings.daily_limit,
        }
        .into());
    }
    let price = plan.price.amount;
    let row = CheckoutRow {
        body_hash,
        phone_hash,
        order_body: upstream_body.to_string(),
        return_url,
        items_json: to_json(&vec![plan_line(plan)])?,
        retail_units: "{}".to_owned(),
        subtotal: price,
        delivery_fee: 0,
        total: price,
        amigo_cost: price,
        ..unpaid_row(state, key, CheckoutKind::Data, method)
    };
    store_and_open(state, row).await
}

/// What placing a paid data checkout came to.
pub(super) enum Bought {
    /// Amigo took it: the purchase's reference.
    Placed(String),
    /// Refused for good (Amigo's code, or the proxy's own before sending): the shopper is
    /// owed their money.
    Refused(String),
    /// Not known yet (no answer, a 5xx, an open breaker): the sweep sends it again under the
    /// same key.
    Later(String),
}

/// The paid checkout's purchase, checked again against today's catalog.
async fn purchase_of(
    state: &AppState,
    row: &CheckoutRow,
) -> ProxyResult<Result<(ValidDataPurchase, DataPlan), String>> {
    let request: DataPurchaseRequest = serde_json::from_str(&row.order_body)
        .map_err(|e| ProxyError::Internal(format!("a data checkout's stored body: {e}")))?;
    let valid = request
        .validate()
        .map_err(|e| ProxyError::Internal(format!("a data checkout's stored body: {e:?}")))?;
    let plans = catalog(state).await?;
    match plans.into_iter().find(|p| p.plan_id == valid.plan) {
        Some(plan) => Ok(Ok((valid, plan))),
        // The plan left the catalog after the shopper paid: nothing can be bought.
        None => Ok(Err("plan_unavailable".to_owned())),
    }
}

/// Buys a paid data checkout's plan (the caller holds the checkout's placing claim): reserves
/// it in the day's data budget under `chk-{reference}`, sends it to Amigo under that key, and
/// records the purchase from whatever Amigo answers, as a direct purchase is recorded.
pub(super) async fn buy(state: &AppState, row: &CheckoutRow) -> ProxyResult<Bought> {
    let key = amigo_key(&row.reference)?;
    let (valid, plan) = match purchase_of(state, row).await? {
        Ok(found) => found,
        Err(code) => return Ok(Bought::Refused(code)),
    };
    // Amigo forgets a key after 24 h: past that, a resend would be a second purchase.
    if state
        .store()
        .data_key_older_than(key.as_str(), amigo_types::idempotency::KEY_WINDOW)
        .await?
    {
        return Ok(Bought::Later(
            "its first attempt is past Amigo's 24 h key window; check it on Amigo's dashboard before refunding or buying again".to_owned(),
        ));
    }
    let upstream_body = valid.to_body();
    let body_hash = hex::encode(Sha256::digest(upstream_body.to_string().as_bytes()));
    let reserved = state
        .store()
        .reserve_data(&Reservation {
            key: key.as_str(),
            body_hash: &body_hash,
            phone_hash: &row.phone_hash,
            plan: plan.plan_id,
            amount: plan.price.amount,
            lagos_day: &lagos_day(),
            daily_limit: state.config().data.daily_limit,
        })
        .await?;
    match reserved {
        Reserved::New | Reserved::Retry => {}
        Reserved::OverBudget { .. } => {
            return Ok(Bought::Refused("data_daily_limit_reached".to_owned()));
        }
        Reserved::OtherBody => {
            return Err(ProxyError::Internal(format!(
                "the key of checkout {} holds another purchase",
                row.reference
            )));
        }
    }
    let payload = serde_json::to_vec(&upstream_body)
        .map_err(|e| ProxyError::Internal(format!("serialising the purchase: {e}")))?;
    let (result, sent) = state
        .amigo()
        .post_idempotent_sent("/data/", payload, &key)
        .await;
    let resp = match result {
        Ok(resp) => resp,
        Err(e) => {
            if !sent && reserved == Reserved::New {
                state.store().release_data(key.as_str()).await?;
            } else {
                state.store().data_unknown(key.as_str()).await?;
            }
            return Ok(Bought::Later(e.to_string()));
        }
    };
    if !matches!(resp.status, StatusCode::OK | StatusCode::CREATED) {
        let definite = resp.status.is_client_error()
            && !matches!(
                resp.status,
                StatusCode::REQUEST_TIMEOUT
                    | StatusCode::TOO_MANY_REQUESTS
                    | StatusCode::UNAUTHORIZED
                    | StatusCode::FORBIDDEN
            );
        if definite {
            state.store().release_data(key.as_str()).await?;
            let code = serde_json::from_slice::<ErrorBody>(&resp.body)
                .map(|b| b.error)
                .unwrap_or_else(|_| "purchase_refused".to_owned());
            return Ok(Bought::Refused(code));
        }
        state.store().data_unknown(key.as_str()).await?;
        return Ok(Bought::Later(format!("Amigo answered {}", resp.status)));
    }
    state
        .store()
        .keep_data_answer(key.as_str(), &resp.body)
        .await?;
    let answer = read_purchase_answer(&resp.body);
    let purchase = match answer.purchase {
        Some(purchase) => purchase,
        None => recorded_purchase(state, &valid, &plan, &key, &answer),
    };
    state.store().settle_data(key.as_str(), &purchase).await?;
    tracing::info!(
        checkout = %row.reference,
        reference = %purchase.reference,
        amount = purchase.amount.amount,
        "paid data checkout bought"
    );
    Ok(Bought::Placed(purchase.reference))
}

/// The sentence a shopper reads when their paid plan could not be bought.
pub(super) fn refusal_message(code: &str) -> &'static str {
    match code {
        "data_daily_limit_reached" => "The store has sold all the data it sells today.",
        "plan_unavailable" | "invalid_plan" => "This data plan is no longer offered.",
        "network_mismatch" | "invalid_mobile_number" => {
            "The network did not accept this number for that plan."
        }
        _ => "The store could not buy this data plan.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_has_a_sentence_and_unknown_codes_a_general_one() {
        for code in [
            "data_daily_limit_reached",
            "plan_unavailable",
            "invalid_plan",
            "network_mismatch",
        ] {
            assert_ne!(
                refusal_message(code),
                refusal_message("anything_else"),
                "{code}"
            );
        }
        assert_eq!(
            refusal_message("insufficient_balance"),
            "The store could not buy this data plan."
        );
    }
}
