//! The demo store page at `/` and the widget build under `/widget/`: placeholders substituted
//! in `index.html`, precompressed `.br`/`.gz` siblings when the browser takes them,
//! content-hashed names cached forever, and the loader (a stable name) revalidated by ETag.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::assets::{PLACEHOLDER_PAGE, content_type, is_hashed_name};
use crate::encoding::{accepts, etag_of, if_none_match};
use crate::first_view::Form;
use crate::middleware::ClientIp;
use crate::state::AppState;

/// The demo store page: the widget build's `index.html` with `{{AMIGO_PROXY}}` and
/// `{{AMIGO_API}}` filled in (and `{{AMIGO_FEATURES}}`: `data` when data sales are on), and the
/// store's first view in its host element as a declarative shadow root, as a merchant's server
/// would include it (`<!--{{AMIGO_FIRST_VIEW}}-->`); or a page explaining how to build the
/// widget.
#[utoipa::path(
    get,
    path = "/",
    tag = "widget",
    responses((status = 200, description = "The demo store page", content_type = "text/html"))
)]
pub(crate) async fn index(State(state): State<AppState>, ClientIp(ip): ClientIp) -> Response {
    let mut resp = match state.assets().get("index.html").await {
        Some(bytes) => {
            let first_view = demo_first_view(&state, ip).await;
            let page = String::from_utf8_lossy(&bytes)
                .replace(FIRST_VIEW_SLOT, &first_view)
                .replace("{{AMIGO_PROXY}}", &state.config().public_url)
                .replace("{{AMIGO_API}}", &state.config().api_base)
                .replace(
                    "{{AMIGO_FEATURES}}",
                    if state.config().data.enabled {
                        "data"
                    } else {
                        ""
                    },
                );
            Html(page).into_response()
        }
        None => Html(PLACEHOLDER_PAGE).into_response(),
    };
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    resp
}

/// Where the demo page takes the store's first view: a comment, so that the page is still valid
/// as it is (Trunk's development server serves it unfilled).
const FIRST_VIEW_SLOT: &str = "<!--{{AMIGO_FIRST_VIEW}}-->";

/// How long the demo page waits for its first view; past that (a cold cache and a slow Amigo)
/// it goes without, and the loader asks for the first view itself.
const FIRST_VIEW_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// The store's first view for the demo page, as a declarative shadow root (empty when it could
/// not be had in time: the page then works as a plain script-tag embed).
async fn demo_first_view(state: &AppState, ip: std::net::IpAddr) -> String {
    let sells_data = state.config().data.enabled;
    let view = state.first_views().get(
        state.first_view_reads(),
        ip,
        sells_data,
        amigo_storefront::wording::Lang::En,
        Form::Shadow,
    );
    match tokio::time::timeout(FIRST_VIEW_WAIT, view).await {
        Ok(Ok(rendered)) => String::from_utf8_lossy(rendered.body.identity()).into_owned(),
        Ok(Err(e)) => {
            tracing::info!(error = %e, "the demo page goes without its first view");
            String::new()
        }
        Err(_) => {
            tracing::info!("the demo page goes without its first view (the catalog was slow)");
            String::new()
        }
    }
}

/// Caching for files whose name does not change between builds (the loader): five minutes, then
/// revalidated with the ETag.
const SHORT_CACHE: &str = "public, max-age=300";

/// One file of the widget build.
#[utoipa::path(
    get,
    path = "/widget/{path}",
    tag = "widget",
    params(("path" = String, Path, description = "File of the widget build")),
    responses(
        (status = 200, description = "The file (br/gzip when accepted); hashed names are immutable, others carry an ETag"),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)"),
        (status = 404, description = "No such file"),
    )
)]
pub(crate) async fn file(
    State(state): State<AppState>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Response {
    let assets = state.assets();
    let mut found = None;
    for (coding, ext) in [("br", "br"), ("gzip", "gz")] {
        if accepts(&headers, coding)
            && let Some(bytes) = assets.get(&format!("{path}.{ext}")).await
        {
            found = Some((bytes, Some(coding)));
            break;
        }
    }
    if found.is_none() {
        found = assets.get(&path).await.map(|b| (b, None));
    }
    let Some((bytes, coding)) = found else {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    };
    let hashed = is_hashed_name(&path);
    // Files with a stable name (the loader merchants embed) are revalidated after a short
    // max-age: a strong ETag per representation (its bytes, so `.br` and `.gz` differ) lets the
    // browser get a `304` instead of the file again.
    let etag = (!hashed).then(|| etag_of(&bytes));
    if let Some(tag) = &etag
        && if_none_match(&headers, tag)
    {
        let mut resp = StatusCode::NOT_MODIFIED.into_response();
        let h = resp.headers_mut();
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(SHORT_CACHE));
        if let Ok(v) = HeaderValue::from_str(tag) {
            h.insert(header::ETAG, v);
        }
        return resp;
    }
    let mut resp = bytes.into_owned().into_response();
    let h = resp.headers_mut();
    if let Some(v) = etag.and_then(|t| HeaderValue::from_str(&t).ok()) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&path)),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(coding) = coding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    let cache = if hashed {
        "public, max-age=31536000, immutable"
    } else {
        SHORT_CACHE
    };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    // The widget is loaded by merchants' pages on other origins.
    h.insert(
        header::HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("cross-origin"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding() {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, br;q=0"),
        );
        assert!(accepts(&h, "gzip"));
        assert!(!accepts(&h, "br"));
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("BR;q=0.5"),
        );
        assert!(accepts(&h, "br"));
    }
}
