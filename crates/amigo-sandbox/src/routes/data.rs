//! The Data API: `GET /api/plans_catalog.php` (and `/plans_catalog.php`, `/api/data/plans/`),
//! `POST /api/data/` (idempotent), `GET /api/data/` (the caller's purchases, a sandbox
//! extension) and `POST /api/data/sandbox/advance/`. HTTP in and out only; the rules live in
//! `crate::data` and `crate::idempotency`.

use amigo_types::DataEnvelope;
use amigo_types::data::{DataPlan, DataPurchase, Network};
use amigo_types::envelope::{ListEnvelope, Pagination};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::orders::idempotent;
use crate::clock::iso8601;
use crate::data::{advance_purchase, buy_data, purchase_not_found};
use crate::error::SandboxError;
use crate::extract::{Caller, Pairs, PublicCaller, json_body};
use crate::merchants::Merchant;
use crate::state::AppState;

/// The path idempotency fingerprints name, whichever slash variant was called.
const DATA_PATH: &str = "/api/data/";

/// The invented JSON sibling `/api/data/plans/`: one flat list of plans with the efficiency
/// folded in (off with `--docs-only`), `?network=` to filter.
pub(crate) async fn plans(
    State(state): State<AppState>,
    _caller: PublicCaller,
    Pairs(q): Pairs,
) -> Result<Json<DataEnvelope<Vec<DataPlan>>>, SandboxError> {
    if state.config.docs_only {
        return Err(invented_off("/api/data/plans/"));
    }
    let network = q
        .non_empty("network")
        .map(Network::parse_query)
        .transpose()?;
    Ok(Json(DataEnvelope::new(
        state.data_plans.list(network, state.clock.unix()),
    )))
}

/// `/plans_catalog.php`: the catalog in the docs' table shape (see
/// [`crate::data::DataPlans::tables`]), `?network=` to filter.
pub(crate) async fn plans_catalog(
    State(state): State<AppState>,
    _caller: PublicCaller,
    Pairs(q): Pairs,
) -> Result<Json<serde_json::Value>, SandboxError> {
    let network = q
        .non_empty("network")
        .map(Network::parse_query)
        .transpose()?;
    Ok(Json(state.data_plans.tables(
        network,
        state.clock.unix(),
        !state.config.docs_only,
    )))
}

fn settle(state: &AppState, merchant: &Merchant) {
    merchant.data.settle_due(
        state.clock.unix(),
        &iso8601(state.clock.now()),
        &merchant.wallet,
    );
}

/// One purchase (`?ref=`) or the caller's purchases, newest first (`limit` 1–100, default 20;
/// `offset`).
pub(crate) async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Pairs(q): Pairs,
) -> Result<Response, SandboxError> {
    if state.config.docs_only {
        return Err(invented_off("GET /api/data/"));
    }
    let merchant = state.merchants.get(&caller.token);
    settle(&state, &merchant);
    if let Some(reference) = q.non_empty("ref") {
        let reference = reference.trim();
        let p = merchant
            .data
            .by_reference(reference)
            .ok_or_else(|| purchase_not_found(reference))?;
        return Ok(Json(DataEnvelope::new(p)).into_response());
    }
    // above 100 is capped, as on products and orders (README: lenient readings)
    let limit = q.capped_u64("limit", 1, 100)?.unwrap_or(20);
    let offset = q.bounded_u64("offset", 0, u64::MAX)?.unwrap_or(0);
    let (data, total) = merchant.data.page(
        usize::try_from(limit).unwrap_or(100),
        usize::try_from(offset).unwrap_or(usize::MAX),
    );
    Ok(Json(ListEnvelope::<DataPurchase> {
        success: true,
        data,
        pagination: Pagination::new(total, limit as u32, offset),
    })
    .into_response())
}

/// Buys a plan, honouring `Idempotency-Key` exactly as orders do.
pub(crate) async fn post(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let merchant = state.merchants.get(&caller.token);
    settle(&state, &merchant);
    idempotent(&state, &merchant, &headers, DATA_PATH, &body, || {
        buy_data(
            &state.data_plans,
            &state.clock,
            &merchant,
            &json_body(&body)?,
        )
        .map(DataEnvelope::new)
    })
    .await
}

/// `{"reference","outcome":"delivered"|"failed"}` → the settled purchase (test tokens only).
pub(crate) async fn advance(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Json<DataEnvelope<DataPurchase>>, SandboxError> {
    let merchant = state.merchants.get(&caller.token);
    settle(&state, &merchant);
    let req = json_body(&body)?;
    Ok(Json(DataEnvelope::new(advance_purchase(
        &state.clock,
        &merchant,
        &req,
    )?)))
}

/// What an invented endpoint answers with `--docs-only`: the documented `404 not_found`, as the
/// live platform would answer a path it does not have.
fn invented_off(what: &str) -> SandboxError {
    SandboxError::NotFound(format!(
        "{what} is a sandbox invention, off with --docs-only"
    ))
}
