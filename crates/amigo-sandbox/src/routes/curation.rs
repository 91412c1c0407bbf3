//! `GET /api/commerce/curation/`: discover the active lists, or fetch one list's token-seeded
//! products. Successful answers are cacheable per token for a minute.

use amigo_types::curation::CurationQuery;
use amigo_types::envelope::DataEnvelope;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::SandboxResult;
use crate::extract::{Caller, Pairs};
use crate::state::AppState;

/// Discovers lists (no `type`/`slug`) or fetches one.
pub(crate) async fn get(
    caller: Caller,
    State(state): State<AppState>,
    Pairs(query): Pairs,
) -> SandboxResult<Response> {
    let now = state.clock.now();
    let mut resp = match CurationQuery::parse(&query)? {
        CurationQuery::Discover => Json(DataEnvelope::new(
            state.curation.discover(&state.catalog, now),
        ))
        .into_response(),
        CurationQuery::Fetch { slug, limit } => {
            let data =
                state
                    .curation
                    .fetch(&state.catalog, now, &slug, limit, caller.token.expose())?;
            Json(DataEnvelope::new(data)).into_response()
        }
    };
    let headers = resp.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=60"),
    );
    headers.insert(header::VARY, HeaderValue::from_static("X-API-Key"));
    Ok(resp)
}
