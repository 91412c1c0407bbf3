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
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;

use crate::error::ProxyError;
use crate::middleware::{
    MAX_BODY_BYTES, envelope_413, log_response, note_refusals, origin_guard, request_span,
    security_headers,
};
use crate::state::AppState;

/// Request ids `{process prefix}-{counter}`: unique per process (the 64-bit random prefix tells
/// instances and restarts apart) without a call to the OS random source per request, which a
/// UUID v4 makes.
#[derive(Clone)]
struct CountingRequestId {
    prefix: std::sync::Arc<str>,
    next: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl CountingRequestId {
    fn new() -> Self {
        Self {
            prefix: format!("{:016x}", rand::random::<u64>()).into(),
            next: std::sync::Arc::new(std::sync::atomic::AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for CountingRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n:x}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// Builds the whole HTTP surface over `state`.
pub fn router(state: AppState) -> Router {
    // a predicate over a shared set: the layer is cloned for every request, and a list would be
    // cloned with it
    let origins: std::sync::Arc<std::collections::HashSet<HeaderValue>> = std::sync::Arc::new(
        state
            .allowed_origins()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect(),
    );
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            origins.contains(origin)
        }))
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
        .layer(from_fn_with_state(state.clone(), note_refusals))
        // The guard runs first, so a foreign origin's preflight is refused too.
        .layer(cors)
        .layer(from_fn_with_state(state.clone(), origin_guard));

    let x_request_id = HeaderName::from_static("x-request-id");
    // the console exists only when a password is configured, and never under the API's CORS
    let console = if state.config().admin_password_hash.is_some() {
        crate::admin::router()
    } else {
        Router::new()
    };
    Router::new()
        .merge(api)
        .merge(console)
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
                    CountingRequestId::new(),
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
