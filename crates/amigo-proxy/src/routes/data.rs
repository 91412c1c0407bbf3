//! `GET /api/data/plans`: the Data API's plan catalog (with each plan's efficiency score),
//! validated, canonicalised and served through the same cache as the catalog reads.

use amigo_types::data::Network;
use axum::extract::State;
use axum::response::Response;

use super::catalog::{Pairs, forward, pairs};
use crate::error::ProxyResult;
use crate::state::AppState;

/// The data plans of one network (or all), each with capacity, validity, price and efficiency.
#[utoipa::path(
    get,
    path = "/api/data/plans",
    tag = "data",
    params(
        ("network" = Option<u8>, Query, description = "1 MTN, 2 Glo, 4 Airtel, 3 9mobile; omit for all"),
    ),
    responses(
        (status = 200, description = "Amigo's plan catalog body, unchanged: plans with `efficiency` (percent) and `efficiency_rating` (`excellent` ≥ 98, `poor` < 75)", content_type = "application/json"),
        (status = 422, description = "`invalid_network` (no upstream call)", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 502, description = "Amigo failed and nothing is cached", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 504, description = "Amigo timed out and nothing is cached", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
    )
)]
pub(crate) async fn plans(State(state): State<AppState>, raw: Pairs) -> ProxyResult<Response> {
    let q = pairs(raw)?;
    let canonical = match q.non_empty("network") {
        Some(raw) => format!("network={}", Network::parse_query(raw)?.id()),
        None => String::new(),
    };
    forward(&state, "/data/plans/", canonical).await
}
