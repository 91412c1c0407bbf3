//! The typed client for the merchant's proxy (`/api/catalog/*`): every network call the widget
//! makes and its mapping from the documented Amigo envelopes.

use std::sync::Arc;

use amigo_types::catalog::{Category, Product, ProductQuery, encode_pairs};
use amigo_types::curation::{CurationListSummary, CurationProducts};
use amigo_types::{DataEnvelope, ErrorBody, ListEnvelope};
use serde::de::DeserializeOwned;

/// Why a call failed, in words a shopper can be shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// No response (offline, DNS, CORS, proxy down).
    #[error("We couldn't reach the store. Check your connection and try again.")]
    Network,
    /// The proxy answered with the documented error envelope.
    #[error("{message}")]
    Api {
        /// HTTP status.
        status: u16,
        /// Machine code (`invalid_q`, `upstream_unavailable`, …).
        code: String,
        /// The server's explanation.
        message: String,
    },
    /// A body that is not the documented shape.
    #[error("The store sent an unexpected response (HTTP {0}).")]
    Decode(u16),
}

impl ApiError {
    /// What the shopper is shown, in the store's wording (the proxy's own explanation as it
    /// came).
    pub fn text(&self, w: &crate::wording::Wording) -> String {
        use crate::wording::Text;
        match self {
            ApiError::Network => w.get(Text::network_error).to_owned(),
            ApiError::Api { message, .. } => message.clone(),
            ApiError::Decode(status) => w.fill(
                Text::unexpected_response,
                &[("status", &status.to_string())],
            ),
        }
    }
}

/// The loader's answer for `url`, if it started that request while the wasm downloaded (see
/// `loader/amigo-widget.js`: `__amigoPrefetch` maps URLs to `Promise<Response>`). Each is taken
/// once; a missing map, a missing entry or a failed prefetch gives `None`, and the caller asks
/// the network itself.
async fn take_prefetched(url: &str) -> Option<gloo_net::http::Response> {
    use wasm_bindgen::JsCast;
    let map = js_sys::Reflect::get(&js_sys::global(), &"__amigoPrefetch".into())
        .ok()?
        .dyn_into::<js_sys::Map>()
        .ok()?;
    let key = wasm_bindgen::JsValue::from_str(url);
    let promise = map.get(&key).dyn_into::<js_sys::Promise>().ok()?;
    map.delete(&key);
    let resp = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    resp.dyn_into::<web_sys::Response>()
        .ok()
        .map(gloo_net::http::Response::from)
}

/// Client for one proxy. Cheap to clone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyClient {
    base: Arc<str>,
}

impl ProxyClient {
    /// A client for the proxy at `base` (no trailing slash).
    pub fn new(base: &str) -> Self {
        Self {
            base: Arc::from(base.trim_end_matches('/')),
        }
    }

    /// The proxy's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    async fn get<T: DeserializeOwned>(&self, path_and_query: &str) -> Result<T, ApiError> {
        let url = format!("{}{}", self.base, path_and_query);
        let resp = match take_prefetched(&url).await {
            Some(resp) => resp,
            None => gloo_net::http::Request::get(&url)
                .send()
                .await
                .map_err(|_| ApiError::Network)?,
        };
        let status = resp.status();
        let text = resp.text().await.map_err(|_| ApiError::Network)?;
        if !resp.ok() {
            return Err(match serde_json::from_str::<ErrorBody>(&text) {
                Ok(body) => ApiError::Api {
                    status,
                    code: body.error,
                    message: body.message,
                },
                Err(_) => ApiError::Decode(status),
            });
        }
        serde_json::from_str(&text).map_err(|_| ApiError::Decode(status))
    }

    /// All categories with their product counts.
    pub async fn categories(&self) -> Result<Vec<Category>, ApiError> {
        let env: DataEnvelope<Vec<Category>> = self.get("/api/catalog/categories").await?;
        Ok(env.data)
    }

    /// One page of products.
    pub async fn products(&self, query: &ProductQuery) -> Result<ListEnvelope<Product>, ApiError> {
        self.get(&format!(
            "/api/catalog/products?{}",
            query.to_query_string()
        ))
        .await
    }

    /// One product by slug; `None` when the catalog has no such product.
    pub async fn product(&self, slug: &str) -> Result<Option<Product>, ApiError> {
        self.one_product(format!(
            "/api/catalog/products?{}",
            encode_pairs(&[("slug".to_owned(), slug.to_owned())])
        ))
        .await
    }

    /// One product by catalog id (the page's `addToCart`); `None` when there is none.
    pub async fn product_by_id(&self, id: u64) -> Result<Option<Product>, ApiError> {
        self.one_product(format!("/api/catalog/products?id={id}"))
            .await
    }

    /// The one product a lookup path names (one copy of the read, for both lookups).
    async fn one_product(&self, path: String) -> Result<Option<Product>, ApiError> {
        match self.get::<DataEnvelope<Product>>(&path).await {
            Ok(env) => Ok(Some(env.data)),
            Err(ApiError::Api { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Re-reads several products by slug at once (the cart's price and stock check). A slug
    /// whose read failed is left out, so the cart keeps that line as it was; a slug the catalog
    /// no longer has comes back as `None`, so the cart can drop it.
    pub async fn products_by_slug(&self, slugs: Vec<String>) -> Vec<(String, Option<Product>)> {
        let reads = slugs.into_iter().map(|slug| async move {
            let r = self.product(&slug).await;
            (slug, r)
        });
        futures::future::join_all(reads)
            .await
            .into_iter()
            .filter_map(|(slug, r)| r.ok().map(|p| (slug, p)))
            .collect()
    }

    /// The active curation lists (discovery).
    pub async fn curation_lists(&self) -> Result<Vec<CurationListSummary>, ApiError> {
        let env: DataEnvelope<Vec<CurationListSummary>> = self.get("/api/catalog/curation").await?;
        Ok(env.data)
    }

    /// One curation list's products.
    pub async fn curation(&self, slug: &str) -> Result<CurationProducts, ApiError> {
        let path = format!(
            "/api/catalog/curation?{}",
            encode_pairs(&[("type".to_owned(), slug.to_owned())])
        );
        let env: DataEnvelope<CurationProducts> = self.get(&path).await?;
        Ok(env.data)
    }
}
