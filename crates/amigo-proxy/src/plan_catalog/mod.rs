//! Where the data-plan catalog lives and how it is read. The docs name `/plans_catalog.php`
//! ("plan": 1001, // from /plans_catalog.php) without saying whether that is under the API base
//! (`https://amigo.ng/api`) or the host root, and show no JSON. So the proxy tries
//! `{base}/plans_catalog.php`, then `{host}/plans_catalog.php` (or only `AMIGO_PLANS_URL` when the
//! merchant set it), remembers which one answered with a readable catalog, and reads it with the
//! tolerant [`reader`]. The proxy's own `/api/data/plans` answer keeps the widget's
//! [`DataPlan`](amigo_types::data::DataPlan) shape whatever the upstream's is.

pub(crate) mod reader;

use std::sync::atomic::{AtomicUsize, Ordering};

use amigo_types::data::{DataPlan, Network};
use axum::http::StatusCode;

use crate::error::ProxyError;
use crate::upstream::{AmigoClient, UpstreamResponse, classify_failure};

/// How long a catalog read is cached when the upstream sends no `Cache-Control` (the docs say
/// the tables "refresh on every page load"; a minute keeps the merchant's quota for orders).
const DEFAULT_CACHE_CONTROL: &str = "max-age=60";

const NOT_YET: usize = usize::MAX;

/// The catalog's candidate URLs and the one that last answered.
#[derive(Debug)]
pub struct PlanCatalogSource {
    candidates: Vec<String>,
    answered: AtomicUsize,
}

/// A catalog read: the plans understood and what was left out.
#[derive(Debug, Clone)]
pub struct PlanCatalog {
    /// The URL that answered.
    pub url: String,
    /// Every plan understood, in Plan ID order.
    pub plans: Vec<DataPlan>,
    /// Why each left-out record was left out.
    pub skipped: Vec<String>,
    /// Plans the catalog gives no efficiency for.
    pub unrated: usize,
    /// The upstream's `Cache-Control`, if it sent one.
    cache_control: Option<String>,
}

impl PlanCatalogSource {
    /// The candidates for `api_base`: only `override_url` when set, else `{base}/plans_catalog.php`
    /// and the host root's `/plans_catalog.php` (once, when the base is the host root).
    pub fn new(api_base: &str, override_url: Option<&str>) -> Self {
        let candidates = match override_url {
            Some(url) => vec![url.to_owned()],
            None => {
                let base = api_base.trim_end_matches('/');
                let mut c = vec![format!("{base}/plans_catalog.php")];
                if let Ok(mut root) = reqwest::Url::parse(base) {
                    root.set_path("/plans_catalog.php");
                    root.set_query(None);
                    let root = root.to_string();
                    if !c.contains(&root) {
                        c.push(root);
                    }
                }
                c
            }
        };
        Self {
            candidates,
            answered: AtomicUsize::new(NOT_YET),
        }
    }

    /// Every URL tried, in order.
    pub fn candidates(&self) -> &[String] {
        &self.candidates
    }

    /// The URL that last answered with a readable catalog, if any has yet.
    pub fn answered(&self) -> Option<&str> {
        self.candidates
            .get(self.answered.load(Ordering::Relaxed))
            .map(String::as_str)
    }

    /// Reads the catalog: the remembered URL first, then the others. A `404` or an unreadable
    /// body moves on to the next candidate; a transport failure, a `429` or a `5xx` ends the
    /// read (another path on the same host would fail alike).
    pub async fn fetch(&self, amigo: &AmigoClient) -> Result<PlanCatalog, ProxyError> {
        let first = self.answered.load(Ordering::Relaxed);
        let order = (0..self.candidates.len())
            .filter(|i| *i == first)
            .chain((0..self.candidates.len()).filter(|i| *i != first));
        let mut misses = Vec::new();
        for i in order {
            let url = &self.candidates[i];
            let resp = amigo.get_url(url).await?;
            if resp.status == StatusCode::TOO_MANY_REQUESTS || resp.status.is_server_error() {
                return Err(classify_failure(resp));
            }
            if resp.status != StatusCode::OK {
                misses.push(format!("{url} answered {}", resp.status));
                continue;
            }
            match reader::read_catalog(&resp.body) {
                Ok(reading) if !reading.plans.is_empty() => {
                    if self.answered.swap(i, Ordering::Relaxed) != i {
                        tracing::info!(%url, "the plan catalog answered here");
                    }
                    if !reading.skipped.is_empty() {
                        tracing::warn!(
                            %url,
                            left_out = reading.skipped.len(),
                            first = %reading.skipped[0],
                            "plan catalog records the proxy could not read were left out"
                        );
                    }
                    return Ok(PlanCatalog {
                        url: url.clone(),
                        plans: reading.plans,
                        skipped: reading.skipped,
                        unrated: reading.unrated,
                        cache_control: resp.cache_control,
                    });
                }
                Ok(reading) => misses.push(format!(
                    "{url}: no plan could be read ({})",
                    reading.skipped.first().map_or("", String::as_str)
                )),
                Err(e) => misses.push(format!("{url}: {e}")),
            }
        }
        Err(ProxyError::Upstream(format!(
            "no readable plan catalog: {}",
            misses.join("; ")
        )))
    }
}

impl PlanCatalog {
    /// The proxy's own catalog answer (`{success, data: [plan…]}`, the widget's shape) for
    /// `network` (all when `None`), as a `200` the catalog cache can hold.
    pub fn answer(&self, network: Option<Network>) -> Result<UpstreamResponse, ProxyError> {
        let plans: Vec<&DataPlan> = self
            .plans
            .iter()
            .filter(|p| network.is_none_or(|n| p.network == n))
            .collect();
        let body = serde_json::to_vec(&amigo_types::DataEnvelope::new(plans))
            .map_err(|e| ProxyError::Internal(format!("serialising plans: {e}")))?;
        Ok(UpstreamResponse {
            status: StatusCode::OK,
            cache_control: Some(
                self.cache_control
                    .clone()
                    .unwrap_or_else(|| DEFAULT_CACHE_CONTROL.to_owned()),
            ),
            retry_after: None,
            body: body.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_and_the_host_root_are_tried_or_only_the_override() {
        let s = PlanCatalogSource::new("https://amigo.ng/api/", None);
        assert_eq!(
            s.candidates(),
            [
                "https://amigo.ng/api/plans_catalog.php",
                "https://amigo.ng/plans_catalog.php"
            ]
        );
        assert_eq!(s.answered(), None);
        let root = PlanCatalogSource::new("http://127.0.0.1:9", None);
        assert_eq!(root.candidates(), ["http://127.0.0.1:9/plans_catalog.php"]);
        let o = PlanCatalogSource::new("https://amigo.ng/api", Some("https://cdn.example/p.json"));
        assert_eq!(o.candidates(), ["https://cdn.example/p.json"]);
    }
}
