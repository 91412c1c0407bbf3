//! The route table: every documented path, each with its allowed methods. Other methods get
//! `405 method_not_allowed` (with `Allow`), unknown paths `404 not_found`, both as the envelope.
//! Public endpoints (locations, delivery quote) answer CORS from any origin.

mod advance;
mod categories;
mod curation;
mod data;
mod docs_only;
mod fault_injection;
mod framework_errors;
mod images;
mod locations;
mod orders;
mod products;
mod quote;
mod wallet;
mod webhooks;

use axum::Router;
use axum::http::{HeaderValue, Method, header};
use axum::routing::{MethodRouter, get, post};
use tower_http::cors::{Any, CorsLayer};

use crate::error::SandboxError;
use crate::state::AppState;

/// Registers `path` and its twin without the trailing slash.
fn both(
    router: Router<AppState>,
    path: &str,
    method_router: MethodRouter<AppState>,
) -> Router<AppState> {
    let bare = path.trim_end_matches('/');
    let router = router.route(path, method_router.clone());
    if bare != path {
        router.route(bare, method_router)
    } else {
        router
    }
}

fn not_allowed(allow: &'static str) -> impl Fn() -> std::future::Ready<SandboxError> + Clone {
    move || std::future::ready(SandboxError::MethodNotAllowed(allow))
}

/// Builds the router over `state`.
pub(crate) fn router(state: AppState) -> Router {
    let public_cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([header::CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(600));

    let mut public = Router::new();
    public = both(
        public,
        "/api/commerce/locations.php",
        get(locations::get).fallback(not_allowed("GET")),
    );
    let mut quotes = Router::new();
    quotes = both(
        quotes,
        "/api/commerce/delivery/quote/",
        post(quote::post).fallback(not_allowed("POST")),
    );
    for path in ["/api/plans_catalog.php", "/plans_catalog.php"] {
        public = both(
            public,
            path,
            get(data::plans_catalog).fallback(not_allowed("GET")),
        );
    }
    public = both(
        public,
        "/api/data/plans/",
        get(data::plans).fallback(not_allowed("GET")),
    );
    // without CORS a browser on another origin cannot read the quote (`quote_cors` off)
    let quotes = if state.config.quote_cors {
        quotes.layer(public_cors.clone())
    } else {
        quotes
    };
    let public = public.layer(public_cors).merge(quotes);

    let mut r = Router::new();
    r = both(
        r,
        "/api/commerce/products/",
        get(products::get).fallback(not_allowed("GET")),
    );
    r = both(
        r,
        "/api/commerce/categories/",
        get(categories::get).fallback(not_allowed("GET")),
    );
    r = both(
        r,
        "/api/commerce/curation/",
        get(curation::get).fallback(not_allowed("GET")),
    );
    r = both(
        r,
        "/api/commerce/orders/",
        get(orders::get)
            .post(orders::post)
            .fallback(not_allowed("GET, POST")),
    );
    r = both(
        r,
        "/api/commerce/webhooks/",
        get(webhooks::get)
            .post(webhooks::post)
            .patch(webhooks::patch)
            .delete(webhooks::delete)
            .fallback(not_allowed("GET, POST, PATCH, DELETE")),
    );
    r = both(
        r,
        "/api/commerce/sandbox/reset-balance/",
        post(wallet::reset).fallback(not_allowed("POST")),
    );
    r = both(
        r,
        "/api/commerce/sandbox/orders/advance/",
        post(advance::post).fallback(not_allowed("POST")),
    );
    r = both(
        r,
        "/api/data/",
        get(data::get)
            .post(data::post)
            .fallback(not_allowed("GET, POST")),
    );
    r = both(
        r,
        "/api/data/sandbox/advance/",
        post(data::advance).fallback(not_allowed("POST")),
    );
    r = r.route(
        "/sandbox-assets/images/{file}",
        get(images::get).fallback(not_allowed("GET")),
    );

    r.merge(public)
        .fallback(|| async {
            SandboxError::NotFound(
                "No such endpoint. See the Amigo developer docs for the paths.".into(),
            )
        })
        .layer(axum::extract::DefaultBodyLimit::max(
            framework_errors::MAX_BODY_BYTES,
        ))
        .layer(axum::middleware::map_response(framework_errors::envelope))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            docs_only::bare_market,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            fault_injection::inject,
        ))
        .layer(
            tower_http::set_header::SetResponseHeaderLayer::if_not_present(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        )
        .with_state(state)
}
