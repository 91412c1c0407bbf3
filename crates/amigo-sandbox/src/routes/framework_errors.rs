//! Every error in the envelope, including the ones axum answers itself (a body over the 1 MiB
//! limit is a plain-text `413`, an unreadable body a plain-text `400`): the docs say every
//! non-2xx response uses `{"success": false, "error", "message"}`, so a client that parses the
//! envelope must never meet anything else.

use amigo_types::envelope::ErrorBody;
use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Largest request body, in bytes (axum's `DefaultBodyLimit`).
pub(crate) const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The code and message for a framework-generated error status.
fn code_for(status: StatusCode) -> (&'static str, String) {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload_too_large",
            format!("The request body is larger than {MAX_BODY_BYTES} bytes."),
        ),
        StatusCode::NOT_FOUND => ("not_found", "No such resource.".into()),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "This method is not allowed on this path.".into(),
        ),
        s if s.is_server_error() => (
            "server_error",
            "Unexpected error. Retry with backoff.".into(),
        ),
        _ => (
            "invalid_request",
            "The request could not be read (headers, encoding or body).".into(),
        ),
    }
}

/// Rewrites an error response that is not JSON into the envelope, keeping its status and its
/// other headers (`Allow`, `Retry-After`, CORS); JSON errors (the sandbox's own) pass untouched.
pub(crate) async fn envelope(resp: Response) -> Response {
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/json"));
    if is_json {
        return resp;
    }
    let (parts, _) = resp.into_parts();
    let (code, message) = code_for(status);
    let mut fresh = (status, Json(ErrorBody::new(code, message))).into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            fresh.headers_mut().insert(name.clone(), value.clone());
        }
    }
    fresh
}
