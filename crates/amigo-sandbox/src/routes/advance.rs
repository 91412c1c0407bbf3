//! `POST /api/commerce/sandbox/orders/advance/` (sandbox-only extension): moves one of the
//! caller's orders through its lifecycle; the rules live in `crate::orders::lifecycle`.

use amigo_types::DataEnvelope;
use amigo_types::orders::Order;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;

use crate::error::SandboxError;
use crate::extract::{Caller, json_body};
use crate::orders::{AdvanceRequest, advance_order};
use crate::state::AppState;

/// `{"reference","status","reason"}` → the updated order.
pub(crate) async fn post(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Json<DataEnvelope<Order>>, SandboxError> {
    let req: AdvanceRequest = json_body(&body)?;
    let valid = req.validate()?;
    let merchant = state.merchants.get(&caller.token);
    let order = advance_order(
        &state.catalog,
        &state.merchants,
        &state.clock,
        &merchant,
        &valid,
    )?;
    Ok(Json(DataEnvelope::new(order)))
}
