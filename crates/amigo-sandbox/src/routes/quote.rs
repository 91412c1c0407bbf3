//! `POST /api/commerce/delivery/quote/`: prices both delivery tiers for a cart at an address,
//! with the same resolver order creation uses. Public, CORS open.

use amigo_types::delivery::{Quote, QuoteRequest};
use amigo_types::envelope::DataEnvelope;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;

use crate::delivery;
use crate::error::SandboxResult;
use crate::extract::{PublicCaller, json_body};
use crate::state::AppState;

/// Validates the body (location given, 1–100 items) and resolves the quote.
pub(crate) async fn post(
    _caller: PublicCaller,
    State(state): State<AppState>,
    body: Bytes,
) -> SandboxResult<Json<DataEnvelope<Quote>>> {
    let request: QuoteRequest = json_body(&body)?;
    request.validate()?;
    let quote = delivery::resolve(&state, &request.location, &request.items)?;
    Ok(Json(DataEnvelope::new(quote)))
}
