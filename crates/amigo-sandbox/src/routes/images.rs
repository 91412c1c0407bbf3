//! `GET /sandbox-assets/images/{file}`: the generated product pictures that catalog image URLs
//! point at. Not an Amigo path; no token (an `<img>` can't send one), cached for a year since a
//! file name always renders the same picture.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::{SandboxError, SandboxResult};
use crate::state::AppState;

/// Serves `p{id}-{position}.svg`; any other name, or an image the product doesn't have, is
/// `404 not_found`.
pub(crate) async fn get(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> SandboxResult<Response> {
    let svg = state
        .catalog
        .image_svg(&file)
        .ok_or_else(|| SandboxError::NotFound("No such product image.".into()))?;
    let mut resp = svg.into_response();
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    // Belt and braces: the SVG has no script, and this keeps it so if opened directly.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    Ok(resp)
}
