//! `POST /api/delivery/quote`: Amigo's public delivery quote, through the proxy. The widget asks
//! Amigo itself first, as the design intends; the docs promise browser use only for the
//! locations endpoint, so when the browser's call fails as a CORS refusal or a network error
//! would, the widget asks here instead (issue 22, item 5).

use amigo_types::delivery::QuoteRequest;
use amigo_types::envelope::parse_json_body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::error::{ProxyError, ProxyResult};
use crate::middleware::ClientIp;
use crate::state::AppState;

/// Quotes delivery for a cart at an address, as `POST /api/commerce/delivery/quote/` does.
#[utoipa::path(
    post,
    path = "/api/delivery/quote",
    tag = "checkout",
    request_body(content = Object, content_type = "application/json", description = "Amigo's quote body: `state_code`/`state_id`, optional `lga_name`/`lga_id`, and `items` (1–100 lines of `product_id` and `quantity`)"),
    responses(
        (status = 200, description = "Amigo's quote, as Amigo answered it (`{success, data: {location, serviceable, schemes, totals, eta, warnings}}`)", body = Object, content_type = "application/json"),
        (status = 403, description = "`origin_not_allowed`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 404, description = "Amigo's `not_found` for an unknown product", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 413, description = "`payload_too_large`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 422, description = "`invalid_<field>` (checked here first), or Amigo's own refusal", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 429, description = "`rate_limited` (`Retry-After`): the per-client lookup limit", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 502, description = "`upstream_error` (`retryable`)", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 503, description = "`upstream_unavailable` (`retryable`, `Retry-After`)", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 504, description = "`upstream_timeout` (`retryable`)", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
    )
)]
pub(crate) async fn quote(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    body: Bytes,
) -> ProxyResult<Response> {
    state.limits().lookup_from_ip(ip)?;
    let request: QuoteRequest = parse_json_body(&body)?;
    request.validate()?;
    let payload = serde_json::to_vec(&request)
        .map_err(|e| ProxyError::Internal(format!("serialising a quote: {e}")))?;
    let resp = state
        .amigo()
        .post_json("/commerce/delivery/quote/", payload, &[])
        .await?;
    if resp.status != StatusCode::OK {
        return Err(crate::upstream::classify_failure(resp));
    }
    let mut out = (StatusCode::OK, resp.body).into_response();
    out.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    out.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(out)
}
