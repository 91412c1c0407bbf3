//! The route table and the layers around it.

pub(crate) mod catalog;
pub(crate) mod checkouts;
pub(crate) mod data;
pub(crate) mod first_view;
pub(crate) mod health;
pub(crate) mod openapi;
pub(crate) mod orders;
pub(crate) mod quote;
pub(crate) mod tracking;
pub(crate) mod webhooks;
pub(crate) mod widget;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{
    Extensions, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Version, header,
};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use tower::{Layer, ServiceBuilder};
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
use tower_http::trace::TraceLayer;

use crate::encoding::Precoded;
use crate::error::ProxyError;
use crate::middleware::{
    CountingRequestId, MAX_BODY_BYTES, envelope_bare_refusals, log_response, note_refusals,
    origin_guard, request_span, security_headers,
};
use crate::ready::{ReadyLayer, ReadyService};
use crate::state::AppState;

/// The server's whole service: [`router`] behind the ready-made answers of fresh cached reads
/// (see [`crate::ready`]). This is what `amigo-proxy` serves and what the API tests call.
pub type App = ReadyService<Router, CountingRequestId>;

/// Builds [`App`] over `state`.
pub fn app(state: AppState) -> App {
    let ids = CountingRequestId::new();
    ReadyLayer::new(state.ready_answers().clone(), ids.clone()).layer(stack(state, &ids))
}

/// Builds the HTTP surface over `state` without the ready-made answers in front (every request
/// goes through every layer); [`app`] is what is served.
pub fn router(state: AppState) -> Router {
    stack(state, &CountingRequestId::new())
}

fn stack(state: AppState, request_ids: &CountingRequestId) -> Router {
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
        .route("/api/first-view", get(first_view::first_view))
        .route("/api/data/plans", get(data::plans))
        .route("/api/data/purchases", post(data::purchase))
        .route("/api/data/purchases/{reference}", get(data::show))
        .route("/api/delivery/quote", post(quote::quote))
        .route("/api/payment", get(checkouts::payment))
        .route("/api/checkouts", post(checkouts::create))
        .route("/api/data/checkouts", post(checkouts::create_data))
        .route("/api/checkouts/{reference}", get(checkouts::show))
        .route("/api/orders", post(orders::create))
        .route("/api/orders/{reference}", get(tracking::show))
        .route("/api/orders/{reference}/events", get(tracking::events))
        .route("/api/openapi.json", get(openapi::openapi_json))
        .layer(from_fn_with_state(state.clone(), note_refusals))
        // The guard runs first, so a foreign origin's preflight is refused too.
        .layer(cors)
        .layer(from_fn_with_state(state.clone(), origin_guard));

    let x_request_id = HeaderName::from_static("x-request-id");
    // bodies a handler already coded (cached catalog reads, kept compressed) are left alone
    let compression = CompressionLayer::new().compress_when(DefaultPredicate::new().and(
        |_: StatusCode, _: Version, _: &HeaderMap, ext: &Extensions| {
            ext.get::<Precoded>().is_none()
        },
    ));
    // the console exists only when a password is configured, and never under the API's CORS
    // Until its answer starts: an event stream's handler answers at once and its stream then
    // runs on, so only stuck requests are cut.
    let request_timeout =
        TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, state.config().request_timeout);
    let body_timeout = RequestBodyTimeoutLayer::new(state.config().body_timeout);
    let console = if state.config().admin_password_hash.is_some() {
        crate::admin::router()
    } else {
        Router::new()
    };
    Router::new()
        .merge(api)
        .merge(console)
        .route("/webhooks/amigo", post(webhooks::receive))
        .route("/webhooks/paystack", post(checkouts::paystack_webhook))
        .route("/pay/{reference}/return", get(checkouts::paystack_return))
        .route("/healthz", get(health::healthz))
        .route("/", get(widget::index))
        .route("/widget/{*path}", get(widget::file))
        .fallback(|| async { ProxyError::NoRoute })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(request_timeout)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(
                    x_request_id.clone(),
                    request_ids.clone(),
                ))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(request_span)
                        .on_response(log_response),
                )
                .layer(PropagateRequestIdLayer::new(x_request_id))
                .layer(from_fn(security_headers))
                .layer(compression)
                .layer(from_fn(envelope_bare_refusals))
                .layer(body_timeout)
                .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES)),
        )
        .with_state(state)
}
