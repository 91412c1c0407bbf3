//! The route table and the layers around it.

pub(crate) mod catalog;
pub(crate) mod data;
pub(crate) mod health;
pub(crate) mod openapi;
pub(crate) mod orders;
pub(crate) mod tracking;
pub(crate) mod webhooks;
pub(crate) mod widget;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::error::ProxyError;
use crate::middleware::{
    MAX_BODY_BYTES, envelope_413, log_response, origin_guard, request_span, security_headers,
};
use crate::state::AppState;

/// Builds the whole HTTP surface over `state`.
pub fn router(state: AppState) -> Router {
    let origins: Vec<HeaderValue> = state
        .allowed_origins()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([header::RETRY_AFTER, HeaderName::from_static("x-request-id")])
        .max_age(Duration::from_secs(600));

    let api = Router::new()
        .route("/api/catalog/categories", get(catalog::categories))
        .route("/api/catalog/products", get(catalog::products))
        .route("/api/catalog/curation", get(catalog::curation))
        .route("/api/data/plans", get(data::plans))
        .route("/api/data/purchases", post(data::purchase))
        .route("/api/data/purchases/{reference}", get(data::show))
        .route("/api/orders", post(orders::create))
        .route("/api/orders/{reference}", get(tracking::show))
        .route("/api/orders/{reference}/events", get(tracking::events))
        .route("/api/openapi.json", get(openapi::openapi_json))
        // The guard runs first, so a foreign origin's preflight is refused too.
        .layer(cors)
        .layer(from_fn_with_state(state.clone(), origin_guard));

    let x_request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .merge(api)
        .route("/webhooks/amigo", post(webhooks::receive))
        .route("/healthz", get(health::healthz))
        .route("/", get(widget::index))
        .route("/widget/{*path}", get(widget::file))
        .fallback(|| async { ProxyError::NoRoute })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(
                    x_request_id.clone(),
                    MakeRequestUuid,
                ))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(request_span)
                        .on_response(log_response),
                )
                .layer(PropagateRequestIdLayer::new(x_request_id))
                .layer(from_fn(security_headers))
                .layer(CompressionLayer::new())
                .layer(from_fn(envelope_413))
                .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES)),
        )
        .with_state(state)
}
