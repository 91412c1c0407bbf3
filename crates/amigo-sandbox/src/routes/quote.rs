//! `POST /api/commerce/delivery/quote/`: prices both delivery tiers for a cart at an address,
//! with the same resolver order creation uses. Public, CORS open.

use amigo_types::delivery::Quote;
use amigo_types::envelope::DataEnvelope;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;

use crate::delivery;
use crate::error::SandboxResult;
use crate::extract::PublicCaller;
use crate::state::AppState;

/// Validates the body (location given, 1–100 items) and resolves the quote.
pub(crate) async fn post(
    _caller: PublicCaller,
    State(state): State<AppState>,
    body: Bytes,
) -> SandboxResult<Json<DataEnvelope<Quote>>> {
    let request = delivery::parse_quote_request(&body)?;
    let quote = delivery::resolve(&state, &request.location, &request.items)?;
    Ok(Json(DataEnvelope::new(quote)))
}
