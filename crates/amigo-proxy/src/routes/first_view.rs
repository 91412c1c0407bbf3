//! `GET /api/first-view`: the store's first view as HTML (see [`crate::first_view`]), for the
//! loader to show while the wasm downloads, or for a merchant's server to include.

use amigo_storefront::config::Features;
use amigo_storefront::wording::Lang;
use amigo_types::envelope::ApiError;
use axum::extract::State;
use axum::response::Response;

use super::catalog::{Pairs, encoded_response, pairs};
use crate::encoding::ReadPreferences;
use crate::error::ProxyResult;
use crate::first_view::{Form, Rendered};
use crate::middleware::ClientIp;
use crate::state::AppState;

/// The request's choices: the store's `data-features` (the "Buy data" link), its `data-lang`
/// and the form.
fn choices(raw: Pairs) -> ProxyResult<(bool, Lang, Form)> {
    let mut sells_data = false;
    let mut lang = Lang::En;
    let mut form = Form::Fragment;
    for (name, value) in pairs(raw)?.pairs() {
        match name.as_str() {
            "features" => {
                sells_data = Features::parse(value)
                    .map_err(|e| ApiError::invalid("invalid_features", "features", e.to_string()))?
                    .data;
            }
            "lang" => {
                lang = Lang::parse(value).ok_or_else(|| {
                    ApiError::invalid(
                        "invalid_lang",
                        "lang",
                        "lang is `en` (the default) or `pcm`, as the store's `data-lang`",
                    )
                })?;
            }
            "form" => {
                form = match value.as_str() {
                    "fragment" => Form::Fragment,
                    "shadow" => Form::Shadow,
                    _ => {
                        return Err(ApiError::invalid(
                            "invalid_form",
                            "form",
                            "form is `fragment` (the default) or `shadow`",
                        )
                        .into());
                    }
                };
            }
            _ => {
                return Err(ApiError::invalid(
                    "invalid_query",
                    "query",
                    format!(
                        "unknown parameter `{}`: the first view takes `features`, `lang` and `form`",
                        name.chars().take(40).collect::<String>()
                    ),
                )
                .into());
            }
        }
    }
    Ok((sells_data, lang, form))
}

/// The store's first view.
#[utoipa::path(
    get,
    path = "/api/first-view",
    tag = "catalog",
    params(
        ("features" = Option<String>, Query, description = "The store's `data-features` (`data` adds the \"Buy data\" link), as the live store reads it"),
        ("lang" = Option<String>, Query, description = "The store's `data-lang`: `en` (default) or `pcm` (Nigerian Pidgin), so the first view reads as the live store will"),
        ("form" = Option<String>, Query, description = "`fragment` (default): a `<style>` and the store's `<div class=\"amigo\" data-first-view>`, for the loader; `shadow`: the same in a `<template shadowrootmode=\"open\">`, for a merchant's server to put inside the store's host element"),
    ),
    responses(
        (status = 200, description = "The first view: the top bar, category chips with counts, the curation carousels and the grid's first page, rendered by the widget's own components from the catalog cache (products at the merchant's retail prices)", content_type = "text/html", headers(("ETag" = String, description = "Weak validator, derived from the catalog bodies it was rendered from"))),
        (status = 304, description = "Not modified: `If-None-Match` holds this view's `ETag`; no body"),
        (status = 403, description = "`origin_not_allowed`: a browser `Origin` that is not the merchant's", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 422, description = "`invalid_features`, `invalid_lang`, `invalid_form` or `invalid_query` (an unknown parameter)", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 429, description = "`rate_limited` (with `Retry-After`): this client's catalog reads that the cache cannot answer are over `AMIGO_CATALOG_RATE_PER_IP` this minute", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 502, description = "Amigo failed and the categories or the first page are not cached", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 503, description = "`upstream_unavailable`: the circuit breaker is open and nothing is cached", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 504, description = "Amigo timed out and nothing is cached", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
    )
)]
pub(crate) async fn first_view(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    prefs: ReadPreferences,
    raw: Pairs,
) -> ProxyResult<Response> {
    let (sells_data, lang, form) = choices(raw)?;
    let rendered = state
        .first_views()
        .get(state.first_view_reads(), ip, sells_data, lang, form)
        .await?;
    Ok(response(&prefs, &rendered))
}

/// `304` when the client holds the view's `ETag`, else the HTML in the client's coding.
fn response(prefs: &ReadPreferences, rendered: &Rendered) -> Response {
    let cache_control = match rendered.max_age {
        Some(secs) => format!("public, max-age={secs}"),
        None => "no-store".to_owned(),
    };
    encoded_response(
        prefs,
        &rendered.body,
        "text/html; charset=utf-8",
        &cache_control,
    )
}
