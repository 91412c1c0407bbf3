//! `GET /api/commerce/locations.php`: states, a state's LGAs, or the typeahead. Public (no
//! token), CORS open, cacheable for five minutes.

use amigo_types::envelope::ApiError;
use amigo_types::locations::{LocationList, LocationQuery, LocationSearch, StateSelector};
use amigo_types::query::shorten;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::{SandboxError, SandboxResult};
use crate::extract::{Pairs, PublicCaller};
use crate::state::AppState;

fn unknown_state(selector: &StateSelector) -> SandboxError {
    SandboxError::Invalid(match selector {
        StateSelector::Id(id) => ApiError::invalid(
            "invalid_state_id",
            "state_id",
            format!("state_id {id} is not recognised; ids run from 1 to 37"),
        ),
        StateSelector::Code(code) => ApiError::invalid(
            "invalid_state_code",
            "state_code",
            format!("state_code '{}' is not recognised", shorten(code)),
        ),
    })
}

/// Answers the three query forms.
pub(crate) async fn get(
    _caller: PublicCaller,
    State(state): State<AppState>,
    Pairs(query): Pairs,
) -> SandboxResult<Response> {
    let locations = &state.locations;
    let mut resp = match LocationQuery::parse(&query)? {
        LocationQuery::States => {
            let data = locations.states().to_vec();
            Json(LocationList {
                success: true,
                count: data.len(),
                data,
            })
            .into_response()
        }
        LocationQuery::Lgas(selector) => {
            let data = match &selector {
                None => locations.lgas().to_vec(),
                Some(sel) => {
                    let st = locations.state(sel).ok_or_else(|| unknown_state(sel))?;
                    locations.lgas_of(st.id).into_iter().cloned().collect()
                }
            };
            Json(LocationList {
                success: true,
                count: data.len(),
                data,
            })
            .into_response()
        }
        LocationQuery::Search(text) => {
            let hits = locations.typeahead().search(&text);
            Json(LocationSearch {
                success: true,
                query: text,
                states: hits.states,
                lgas: hits.lgas,
            })
            .into_response()
        }
    };
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    Ok(resp)
}
