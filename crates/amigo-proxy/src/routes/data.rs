//! The Data API through the proxy: the plan catalog (`GET /api/data/plans`, cached, with each
//! plan's efficiency), buying a plan (`POST /api/data/purchases`) and the shopper's view of a
//! purchase (`GET /api/data/purchases/{reference}?phone=`).
//!
//! Every purchase spends the merchant's wallet at once, so the proxy refuses before any
//! spending call unless: the merchant opted in (`AMIGO_DATA_ENABLED`), the body is valid against
//! the catalog, the per-IP and per-phone limits allow a new purchase, and the day's Naira budget
//! (`AMIGO_DATA_DAILY_LIMIT`) has room. The purchase is recorded under its Idempotency-Key before
//! the upstream call, so a retry (same key, same body) is forwarded with the same key and never
//! counted twice, and the key cannot be reused for another body.

use amigo_types::DataEnvelope;
use amigo_types::data::{DataPlan, DataPurchase, DataPurchaseRequest, DataPurchaseStatus, Network};
use amigo_types::envelope::parse_json_body;
use amigo_types::idempotency::KEY_WINDOW;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use sha2::{Digest, Sha256};

use super::catalog::{Pairs, cached_response, pairs};
use super::tracking::{PhoneProof, PhoneQuery};
use crate::data_answer::{PurchaseAnswer, read_purchase_answer};
use crate::encoding::ReadPreferences;
use crate::error::{DataRefusal, ProxyError, ProxyResult};
use crate::middleware::ClientIp;
use crate::orders::idempotency_key;
use crate::state::AppState;
use crate::store::{Reservation, Reserved, lagos_day};
use crate::upstream::classify_failure;

pub(crate) fn enabled(state: &AppState) -> ProxyResult<()> {
    if state.config().data.enabled {
        Ok(())
    } else {
        Err(DataRefusal::Disabled.into())
    }
}

/// The data plans of one network (or all), each with capacity, validity, price and efficiency.
#[utoipa::path(
    get,
    path = "/api/data/plans",
    tag = "data",
    params(
        ("network" = Option<u8>, Query, description = "1 MTN, 2 Glo, 4 Airtel, 3 9mobile; omit for all"),
    ),
    responses(
        (status = 200, description = "The plans the proxy could read from Amigo's `/plans_catalog.php` (a plan it cannot read is left out and logged), in one shape whatever Amigo's: plans with `efficiency` (percent) and `efficiency_rating` (`excellent` ≥ 98, `poor` < 75), both `null` for a plan the catalog rates nowhere", body = amigo_types::DataEnvelope<Vec<amigo_types::data::DataPlan>>, content_type = "application/json", headers(("ETag" = String, description = "Weak validator of this body, the same in every coding"))),
        (status = 304, description = "Not modified: `If-None-Match` holds this body's `ETag`; no body", headers(("ETag" = String, description = "The validator the client holds"))),
        (status = 403, description = "`data_sales_disabled`: the merchant has not set `AMIGO_DATA_ENABLED`; or `origin_not_allowed`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 422, description = "`invalid_network` (no upstream call)", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 429, description = "Amigo's `rate_limited`, passed through (with `Retry-After`) when nothing is cached", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 502, description = "Amigo failed and nothing is cached", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 503, description = "`upstream_unavailable`: the circuit breaker is open and nothing is cached", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 504, description = "Amigo timed out and nothing is cached", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
    )
)]
pub(crate) async fn plans(
    State(state): State<AppState>,
    prefs: ReadPreferences,
    raw: Pairs,
) -> ProxyResult<Response> {
    enabled(&state)?;
    let q = pairs(raw)?;
    let network = q
        .non_empty("network")
        .map(Network::parse_query)
        .transpose()?;
    let key = match network {
        Some(n) => format!("plans_catalog?network={}", n.id()),
        None => "plans_catalog?".to_owned(),
    };
    let (source, amigo) = (state.plan_catalog().clone(), state.amigo().clone());
    // data plans are sold at Amigo's price: the catalog's price rule does not apply
    let answer = state
        .cache()
        .get_or_fetch(&key, move || async move {
            source.fetch(&amigo).await?.answer(network)
        })
        .await?;
    Ok(cached_response(&prefs, answer))
}

/// The limits a new purchase (or a new data checkout) meets: per client IP per minute, and per
/// line per hour (shared across instances on PostgreSQL). A retry of a known key was counted
/// when it was new, so callers ask only for new ones.
pub(crate) async fn limit_new_purchase(
    state: &AppState,
    ip: std::net::IpAddr,
    phone_hash: &str,
) -> ProxyResult<()> {
    state.limits().data_from_ip(ip)?;
    crate::limits::per_phone(
        state.store(),
        &format!("data/phone/{phone_hash}"),
        state.config().data.per_phone_per_hour,
        std::time::Duration::from_secs(3600),
        || state.limits().data_for_phone(phone_hash),
    )
    .await
}

/// The whole plan catalog, through the same cache entry as `GET /api/data/plans`.
pub(crate) async fn catalog(state: &AppState) -> ProxyResult<Vec<DataPlan>> {
    let (source, amigo) = (state.plan_catalog().clone(), state.amigo().clone());
    let answer = state
        .cache()
        .get_or_fetch("plans_catalog?", move || async move {
            source.fetch(&amigo).await?.answer(None)
        })
        .await?;
    // the proxy's own normalised body: its shape is ours, so a strict read is right here
    serde_json::from_slice::<DataEnvelope<Vec<DataPlan>>>(answer.entry.body.identity())
        .map(|env| env.data)
        .map_err(|e| ProxyError::Internal(format!("reading the normalised plan catalog: {e}")))
}

/// Buys a data plan for a line.
#[utoipa::path(
    post,
    path = "/api/data/purchases",
    tag = "data",
    params(
        ("Idempotency-Key" = String, Header, description = "Required; ≤ 80 visible ASCII characters; reuse it to retry the same purchase"),
    ),
    request_body(content = amigo_types::data::DataPurchaseRequest, content_type = "application/json", description = "The documented Data API body: `network` (1 MTN, 2 Glo, 4 Airtel, 3 9mobile), `mobile_number`, `plan` (a Plan ID), `Ported_number` (optional boolean). Each field is checked on its own and refused with `422 invalid_<field>`.", example = json!({"network": 1, "mobile_number": "08031234567", "plan": 1001, "Ported_number": false})),
    responses(
        (status = 201, description = "Amigo's 201 body, unchanged: `{success, data: purchase}` with `reference` and `status: processing`", body = amigo_types::DataEnvelope<amigo_types::data::DataPurchase>, content_type = "application/json"),
        (status = 200, description = "The same body, when Amigo answers a replayed key with 200", body = amigo_types::DataEnvelope<amigo_types::data::DataPurchase>, content_type = "application/json"),
        (status = 403, description = "`data_sales_disabled`; `payment_required` (this store takes payment first: use `POST /api/data/checkouts`); or `origin_not_allowed`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 413, description = "`payload_too_large` (over 64 KiB)", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 422, description = "`invalid_<field>` with `field`, `plan_network_mismatch`, `network_mismatch`, `data_daily_limit_reached` (with `required` and `balance`: the room left today), `idempotency_key_reused`, `idempotency_key_expired` (the key was first used over 24 h ago, past Amigo's idempotency window: send a new key), `invalid_idempotency_key`, or Amigo's `insufficient_balance`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 428, description = "`idempotency_key_required`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 429, description = "`rate_limited` (per client IP per minute, per phone per hour), with `Retry-After`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 500, description = "`server_error`: the proxy's database failed", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 502, description = "`upstream_error` (`retryable: true`): retry with the same key", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 503, description = "`upstream_unavailable` (`retryable: true`, `Retry-After`): the circuit breaker is open", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 504, description = "`upstream_timeout` (`retryable: true`): retry with the same key", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
    )
)]
pub(crate) async fn purchase(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> ProxyResult<Response> {
    enabled(&state)?;
    // Nobody receives data the merchant was not paid for: with a payment step, plans are
    // bought only from paid checkouts.
    if state.config().payment.mode != crate::config::PaymentMode::None {
        return Err(DataRefusal::PaymentRequired.into());
    }
    let key = idempotency_key(&headers)?;
    let request: DataPurchaseRequest = parse_json_body(&body)?;
    let valid = request.validate()?;
    let plans = catalog(&state).await?;
    let plan = valid.check_against(plans.iter().find(|p| p.plan_id == valid.plan))?;
    let upstream_body = valid.to_body();
    let body_hash = hex::encode(Sha256::digest(upstream_body.to_string().as_bytes()));
    let phone_hash = state.store().phone_hash(valid.mobile_number.as_str());
    let settings = state.config().data;
    let reservation = Reservation {
        key: key.as_str(),
        body_hash: &body_hash,
        phone_hash: &phone_hash,
        plan: plan.plan_id,
        amount: plan.price.amount,
        lagos_day: &lagos_day(),
        daily_limit: settings.daily_limit,
    };
    // Amigo forgets a key after its documented 24 h: re-sent past that, it would buy again,
    // unbudgeted and booked on the first day. Never send it again as a retry.
    if state
        .store()
        .data_key_older_than(key.as_str(), KEY_WINDOW)
        .await?
    {
        return Err(DataRefusal::KeyExpired.into());
    }
    // A retry of a known key was counted when it was new: only new purchases meet the limits.
    let known = state.store().data_key(key.as_str()).await?.is_some();
    if !known {
        limit_new_purchase(&state, ip, &phone_hash).await?;
    }
    let reserved = state.store().reserve_data(&reservation).await?;
    match reserved {
        Reserved::New | Reserved::Retry => {}
        Reserved::OtherBody => return Err(DataRefusal::KeyReused.into()),
        Reserved::OverBudget { spent } => {
            return Err(DataRefusal::DailyLimit {
                spent,
                amount: plan.price.amount,
                limit: settings.daily_limit,
            }
            .into());
        }
    }

    let payload = serde_json::to_vec(&upstream_body)
        .map_err(|e| ProxyError::Internal(format!("serialising the purchase: {e}")))?;
    // retried (backoff, jitter, the circuit breaker) only ever with this same key
    let (result, sent) = state
        .amigo()
        .post_idempotent_sent("/data/", payload, &key)
        .await;
    let resp = match result {
        Ok(resp) => resp,
        Err(e) if !sent && reserved == Reserved::New => {
            // Refused by the open breaker before any request left: nothing can have been
            // charged, so an outage must not fill the day's budget with "unknown" purchases.
            state.store().release_data(key.as_str()).await?;
            return Err(e);
        }
        Err(e) => {
            state.store().data_unknown(key.as_str()).await?;
            return Err(e);
        }
    };
    if !matches!(resp.status, StatusCode::OK | StatusCode::CREATED) {
        if resp.status.is_client_error() {
            // Refused: nothing was charged, so the reservation must not hold budget.
            state.store().release_data(key.as_str()).await?;
        } else {
            state.store().data_unknown(key.as_str()).await?;
        }
        return Err(classify_failure(resp));
    }
    state
        .store()
        .keep_data_answer(key.as_str(), &resp.body)
        .await?;
    let answer = read_purchase_answer(&resp.body);
    if let Some(purchase) = answer.purchase {
        state.store().settle_data(key.as_str(), &purchase).await?;
        tracing::info!(reference = %purchase.reference, amount = purchase.amount.amount, "data purchase placed");
        return Ok(no_store((resp.status, resp.body).into_response()));
    }
    // Not the shape the proxy knows: the purchase exists upstream all the same, so it is
    // recorded (and counted) from what the proxy knows, under Amigo's reference when one was
    // found and otherwise the proxy's own, and the shopper is told it was sent.
    let own = answer.reference.is_none();
    let purchase = recorded_purchase(&state, &valid, plan, &key, &answer);
    state.store().settle_data(key.as_str(), &purchase).await?;
    tracing::warn!(
        reference = %purchase.reference,
        own_reference = own,
        "Amigo's data purchase answer is not in a known shape; recorded from the request (its body is kept)"
    );
    let mut env = DataEnvelope::new(purchase);
    if own {
        env.message = Some(
            "Sent to the network; we'll confirm it. Keep this reference to check on it.".into(),
        );
    }
    Ok(no_store((resp.status, axum::Json(env)).into_response()))
}

/// The purchase as the proxy knows it, for an answer it could not read whole: the request and
/// the catalog's plan, with whatever reference and status the answer held. Without a reference
/// the proxy's own (`PRX-DAT-` and 16 hex digits of the key's hash) stands in: the same key
/// always gives the same one, so a retry finds the same record.
pub(crate) fn recorded_purchase(
    state: &AppState,
    valid: &amigo_types::data::ValidDataPurchase,
    plan: &DataPlan,
    key: &amigo_types::idempotency::IdempotencyKey,
    answer: &PurchaseAnswer,
) -> DataPurchase {
    let reference = answer.reference.clone().unwrap_or_else(|| {
        let hash = hex::encode(Sha256::digest(key.as_str().as_bytes()));
        format!("PRX-DAT-{}", hash[..16].to_ascii_uppercase())
    });
    let status = answer.status.unwrap_or(DataPurchaseStatus::Processing);
    let livemode = amigo_types::token::ApiToken::parse(secrecy::ExposeSecret::expose_secret(
        &state.config().api_key,
    ))
    .is_some_and(|t| t.mode().is_live());
    DataPurchase {
        id: 0,
        reference,
        status,
        network: valid.network,
        network_name: valid.network.name().to_owned(),
        mobile_number: valid.mobile_number.as_str().to_owned(),
        ported_number: valid.ported_number,
        plan: plan.plan_id,
        capacity: plan.capacity.clone(),
        validity: plan.validity.clone(),
        amount: plan.price.clone(),
        refunded: false,
        failure_reason: None,
        livemode,
        created_at: time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        completed_at: None,
    }
}

/// The shopper's view of one data purchase, refreshed from Amigo while it is processing.
#[utoipa::path(
    get,
    path = "/api/data/purchases/{reference}",
    tag = "data",
    params(
        ("reference" = String, Path, description = "The purchase reference (`AMG-DAT-…`)"),
        ("phone" = String, Query, description = "The line the plan was bought for (any common format)"),
    ),
    responses(
        (status = 200, description = "`{success, data: purchase}`: `status` is `processing`, `delivered` or `failed` (then `refunded` and `failure_reason`)", body = amigo_types::DataEnvelope<amigo_types::data::DataPurchase>, content_type = "application/json"),
        (status = 403, description = "`data_sales_disabled`, or `origin_not_allowed`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 404, description = "`not_found`: unknown reference, or wrong or missing phone", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 429, description = "`rate_limited` (`Retry-After`): too many lookups from this client, or this reference's lookups are locked after 5 wrong phones (`AMIGO_LOOKUP_LOCK_SECS`)", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 500, description = "`server_error`: the proxy's database failed", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
    )
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(reference): Path<String>,
    Query(q): Query<PhoneQuery>,
) -> ProxyResult<Response> {
    enabled(&state)?;
    state.limits().lookup_from_ip(ip)?;
    let proof = PhoneProof::new(&state, q.phone.as_deref());
    if reference.len() > 64 {
        return Err(DataRefusal::NotFound.into());
    }
    state.lookup_locks().check(&reference)?;
    let stored = match state.store().data_purchase(&reference).await? {
        Some(stored) if proof.matches(&stored.phone_hash) => stored,
        _ => {
            state.lookup_locks().failed(&reference);
            return Err(DataRefusal::NotFound.into());
        }
    };
    let mut purchase = stored.purchase;
    // The lookup is a sandbox invention unless a probe found it on this platform: without it,
    // the status shown is what the purchase answer said.
    if purchase.status == DataPurchaseStatus::Processing
        && state.outcome_lookup().available(state.amigo()).await
    {
        // Live outcome; on any upstream trouble the stored view is still the truth we have.
        match refresh(&state, &reference).await {
            Ok(fresh) => {
                state.store().refresh_data(&fresh).await?;
                purchase = fresh;
            }
            Err(e) => tracing::warn!(error = %e, %reference, "data purchase refresh failed"),
        }
    }
    Ok(no_store(
        axum::Json(DataEnvelope::new(purchase)).into_response(),
    ))
}

async fn refresh(state: &AppState, reference: &str) -> ProxyResult<DataPurchase> {
    let query = amigo_types::catalog::encode_pairs(&[("ref".to_owned(), reference.to_owned())]);
    let resp = state.amigo().get("/data/", &query).await?;
    if resp.status != StatusCode::OK {
        return Err(classify_failure(resp));
    }
    serde_json::from_slice::<DataEnvelope<DataPurchase>>(&resp.body)
        .map(|env| env.data)
        .map_err(|e| ProxyError::Upstream(format!("unreadable data purchase: {e}")))
}

fn no_store(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}
