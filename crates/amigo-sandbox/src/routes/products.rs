//! `GET /api/commerce/products/`: the filtered, sorted, paginated list, or one product by
//! `?id=` / `?slug=`.

use amigo_types::catalog::{Product, ProductLookup};
use amigo_types::envelope::{DataEnvelope, ListEnvelope};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use crate::error::SandboxError;
use crate::error::SandboxResult;
use crate::extract::{Caller, Pairs};
use crate::state::AppState;

/// Lists products, or returns one (`404 not_found` when it doesn't exist).
pub(crate) async fn get(
    _caller: Caller,
    State(state): State<AppState>,
    Pairs(query): Pairs,
) -> SandboxResult<Response> {
    let one = |found: Option<Product>, what: String| {
        found
            .map(|p| Json(DataEnvelope::new(p)).into_response())
            .ok_or_else(|| SandboxError::NotFound(format!("No product with {what}.")))
    };
    match ProductLookup::parse(&query)? {
        ProductLookup::ById(id) => one(state.catalog.product(id), format!("id {id}")),
        ProductLookup::BySlug(slug) => {
            let found = state.catalog.product_by_slug(&slug);
            one(found, format!("slug '{slug}'"))
        }
        ProductLookup::List(q) => {
            let page = state.catalog.list(&q)?;
            Ok(Json(ListEnvelope {
                success: true,
                data: page.items,
                pagination: page.pagination,
            })
            .into_response())
        }
    }
}
