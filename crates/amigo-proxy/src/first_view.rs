//! The store's first view, rendered from the catalog cache: the same reads the live store makes
//! first (categories, the grid's first page, the curation lists and each list's products), read
//! through the same cache entries, rendered by the widget's own components
//! ([`amigo_storefront::first_view`]). A shopper on a slow phone sees products and prices from
//! this HTML while the wasm downloads; a merchant's server can include it (declarative shadow
//! root) so shoppers without JavaScript and search engines see the products too.
//!
//! It costs no upstream call beyond the catalog cache's own, and follows the cache's freshness:
//! its `ETag` is derived from the `ETag`s of the bodies it was rendered from, and its `max-age`
//! is the shortest they have left. A render is kept for as long as those bodies are the same.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use amigo_storefront::first_view::{
    FirstList, FirstViewData, declarative, first_page_query, render, shows_list,
};
use amigo_storefront::wording::{ENGLISH, Lang, pidgin};
use amigo_types::catalog::{Category, Product};
use amigo_types::curation::{CurationListSummary, CurationProducts, CurationQuery};
use amigo_types::envelope::{DataEnvelope, ListEnvelope};
use amigo_types::pricing::PriceRule;
use amigo_types::query::QueryPairs;
use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::cache::{CacheAnswer, CacheStatus, CatalogCache};
use crate::encoding::Encoded;
use crate::error::{ProxyError, ProxyResult};
use crate::limits::RateLimits;
use crate::upstream::AmigoClient;

/// What the first view reads with: the catalog cache in front of Amigo, the client limits that
/// guard Amigo's rate limit, and the merchant's price rule.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reads<'a> {
    /// The catalog cache.
    pub(crate) cache: &'a CatalogCache,
    /// Amigo, for what the cache does not hold.
    pub(crate) amigo: &'a AmigoClient,
    /// The per-client catalog limit.
    pub(crate) limits: &'a RateLimits,
    /// The merchant's retail prices.
    pub(crate) rule: PriceRule,
}

/// Renders kept at most (one per combination of catalog bodies, data link and form); a full map
/// is emptied, since only the newest bodies are asked for again.
const MAX_RENDERS: usize = 16;

/// How the first view is wrapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Form {
    /// `<style data-first-view-style>…</style><div class="amigo" data-first-view>…</div>`: what
    /// the loader places in the store's shadow root (it adopts the style as a stylesheet).
    Fragment,
    /// `<template shadowrootmode="open">…</template>`: a declarative shadow root for a
    /// merchant's server to put inside the store's host element.
    Shadow,
}

/// A rendered first view and how long a browser may keep it.
#[derive(Debug, Clone)]
pub(crate) struct Rendered {
    /// The HTML, its `ETag` and its compressed forms.
    pub(crate) body: Arc<Encoded>,
    /// Seconds of freshness left (`None` when a body was stale: the answer is not cached).
    pub(crate) max_age: Option<u64>,
}

/// The renders kept, by the validator of what they were rendered from.
#[derive(Debug, Default)]
pub struct FirstViews {
    renders: Mutex<HashMap<String, Arc<Encoded>>>,
}

fn parse<T: DeserializeOwned>(answer: &CacheAnswer) -> ProxyResult<T> {
    serde_json::from_slice(answer.entry.body.identity())
        .map_err(|e| ProxyError::Internal(format!("a cached catalog body could not be read: {e}")))
}

fn curation_query(pairs: Vec<(String, String)>) -> ProxyResult<String> {
    Ok(CurationQuery::parse(&QueryPairs::new(pairs))?.to_query_string())
}

/// Everything the first view is rendered from, with the cache answers that carried it.
struct Sources {
    data: FirstViewData,
    answers: Vec<CacheAnswer>,
}

/// Reads the first view's catalog bodies through the cache. Categories and the first page are
/// needed (an error is the caller's); the lists are optional, as in the live store, which shows
/// no carousel for a list it cannot read.
async fn sources(reads: Reads<'_>, ip: IpAddr, sells_data: bool) -> ProxyResult<Sources> {
    let Reads {
        cache,
        amigo,
        limits,
        rule,
    } = reads;
    let page_query = first_page_query().to_query_string();
    let lists_query = curation_query(Vec::new())?;
    let keys = [
        "/commerce/categories/?".to_owned(),
        format!("/commerce/products/?{page_query}"),
        format!("/commerce/curation/?{lists_query}"),
    ];
    // like a catalog read: what the cache cannot answer counts against the client's limit,
    // because it would spend the merchant's Amigo rate limit
    if keys.iter().any(|k| !cache.is_fresh(k)) {
        limits.catalog_from_ip(ip)?;
    }
    let none = PriceRule::none();
    let (categories, page, lists) = tokio::join!(
        cache.read(amigo, "/commerce/categories/", String::new(), none),
        cache.read(amigo, "/commerce/products/", page_query, rule),
        cache.read(amigo, "/commerce/curation/", lists_query, rule),
    );
    let (categories, page) = (categories?, page?);
    let category_list: DataEnvelope<Vec<Category>> = parse(&categories)?;
    let first_page: ListEnvelope<Product> = parse(&page)?;
    let mut answers = vec![categories, page];
    let mut shown = Vec::new();
    if let Ok(lists) = lists {
        let summaries = parse::<DataEnvelope<Vec<CurationListSummary>>>(&lists)
            .map(|e| e.data)
            .unwrap_or_default();
        answers.push(lists);
        let wanted: Vec<_> = summaries
            .into_iter()
            .filter(|l| shows_list(l.product_count))
            .collect();
        let reads = wanted.iter().map(|l| async {
            let query = curation_query(vec![("type".to_owned(), l.info.slug.clone())]).ok()?;
            cache
                .read(amigo, "/commerce/curation/", query, rule)
                .await
                .ok()
        });
        for (summary, answer) in wanted.iter().zip(futures::future::join_all(reads).await) {
            let Some(answer) = answer else { continue };
            let Ok(list) = parse::<DataEnvelope<CurationProducts>>(&answer) else {
                continue;
            };
            answers.push(answer);
            shown.push(FirstList {
                slug: summary.info.slug.clone(),
                name: summary.info.name.clone(),
                products: list.data.products,
            });
        }
    }
    Ok(Sources {
        data: FirstViewData {
            categories: category_list.data,
            lists: shown,
            total: first_page.pagination.total,
            products: first_page.data,
            sells_data,
        },
        answers,
    })
}

impl FirstViews {
    /// The first view for a store (with or without its "Buy data" link) in its language and in
    /// `form`, rendered from the cache's current bodies or taken from an earlier render of the
    /// same bodies.
    pub(crate) async fn get(
        &self,
        reads: Reads<'_>,
        ip: IpAddr,
        sells_data: bool,
        lang: Lang,
        form: Form,
    ) -> ProxyResult<Rendered> {
        let Sources { data, answers } = sources(reads, ip, sells_data).await?;
        let fresh = answers
            .iter()
            .all(|a| matches!(a.status, CacheStatus::Hit | CacheStatus::Miss));
        let max_age = fresh.then(|| {
            answers
                .iter()
                .map(|a| a.entry.remaining_secs())
                .min()
                .unwrap_or(0)
        });
        let mut key = format!("{sells_data}:{}:{form:?}", lang.code());
        for a in &answers {
            key.push(':');
            key.push_str(a.entry.body.etag().to_str().unwrap_or("-"));
        }
        if let Some(body) = self.lock().get(&key) {
            return Ok(Rendered {
                body: body.clone(),
                max_age,
            });
        }
        // rendering walks every card: off the async workers, like any CPU-bound step
        let words = match lang {
            Lang::En => &ENGLISH,
            Lang::Pcm => pidgin(),
        };
        let html = tokio::task::spawn_blocking(move || match form {
            Form::Fragment => format!(
                "<style data-first-view-style>{}</style>{}",
                amigo_storefront::STYLES,
                render(data, words)
            ),
            Form::Shadow => declarative(data, words),
        })
        .await
        .map_err(|e| ProxyError::Internal(format!("the first view's render stopped: {e}")))?;
        let body = Arc::new(Encoded::new(Bytes::from(html)));
        let mut renders = self.lock();
        if renders.len() >= MAX_RENDERS {
            renders.clear();
        }
        renders.insert(key, body.clone());
        Ok(Rendered { body, max_age })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Encoded>>> {
        // a render is only ever inserted whole: a poisoned map is still a correct map
        self.renders
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
