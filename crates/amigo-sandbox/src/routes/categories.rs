//! `GET /api/commerce/categories/`: the 14 consolidated categories with product counts.

use amigo_types::catalog::Category;
use amigo_types::envelope::DataEnvelope;
use axum::Json;
use axum::extract::State;

use crate::extract::Caller;
use crate::state::AppState;

/// All categories, in id order.
pub(crate) async fn get(
    _caller: Caller,
    State(state): State<AppState>,
) -> Json<DataEnvelope<Vec<Category>>> {
    Json(DataEnvelope::new(state.catalog.categories()))
}
