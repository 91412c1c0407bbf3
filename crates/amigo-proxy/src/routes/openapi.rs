//! `GET /api/openapi.json`: the OpenAPI 3 document of every browser-facing route, generated
//! from the handlers' annotations.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa::OpenApi;

use super::{
    catalog, checkouts, data, first_view, health, orders, quote, tracking, webhooks, widget,
};

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "amigo-proxy",
        description = "The merchant's backend companion for the Amigo Commerce API. Errors use Amigo's envelope `{success:false, error, message, field?, retryable?, retry_after?}`."
    ),
    paths(
        catalog::categories,
        catalog::products,
        catalog::curation,
        first_view::first_view,
        data::plans,
        data::purchase,
        data::show,
        quote::quote,
        checkouts::payment,
        checkouts::create,
        checkouts::create_data,
        checkouts::show,
        orders::create,
        tracking::show,
        tracking::events,
        webhooks::receive,
        health::healthz,
        widget::index,
        widget::file,
    ),
    components(schemas(amigo_types::envelope::ErrorBody))
)]
pub(crate) struct ApiDoc;

/// Serves the document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    responses((status = 200, description = "This document (an OpenAPI 3.1 object)", body = Object, content_type = "application/json"))
)]
pub(crate) async fn openapi_json() -> Response {
    let mut doc = ApiDoc::openapi();
    doc.merge(OpenApiSelf::openapi());
    let body = doc.to_json().unwrap_or_else(|_| "{}".to_owned());
    let mut resp = body.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

#[derive(OpenApi)]
#[openapi(paths(openapi_json))]
struct OpenApiSelf;
