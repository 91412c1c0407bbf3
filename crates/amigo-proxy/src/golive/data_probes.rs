//! `doctor`'s probes of what the Data API depends on and the docs leave open: where the plan
//! catalog lives and whether the proxy can read it (`plan_catalog`), and whether the platform
//! answers purchase outcomes (`data_lookup`), and how a purchase's answer is read
//! (`data_purchase`: not probed, since probing would spend money; the docs publish only the
//! request). Each line says what the proxy will do with what it found. With data sales off
//! nothing is probed: nothing depends on them.

use super::check::Check;
use crate::config::ProxyConfig;
use crate::outcome_lookup;
use crate::plan_catalog::PlanCatalogSource;
use crate::upstream::AmigoClient;

/// What the `data_purchase` line says: the purchase answer is never probed (that would buy).
const PURCHASE_ANSWER: &str = "not probed (a probe would spend money): the docs publish only the request of POST /api/data/, so the answer is kept raw and its reference and status are read under the usual names; an answer without them shows the shopper \"sent, we'll confirm\" with the proxy's own reference, and the console lists it for you to check";

/// The data lines, in order.
pub(super) async fn checks(config: &ProxyConfig) -> Vec<Check> {
    if !config.data.enabled {
        let off = "data sales are off (AMIGO_DATA_ENABLED); not probed";
        return vec![
            Check::pass("plan_catalog", off),
            Check::pass("data_purchase", off),
            Check::pass("data_lookup", off),
        ];
    }
    let amigo = match AmigoClient::new(
        &config.api_base,
        config.api_key.clone(),
        config.upstream_timeout,
    ) {
        Ok(a) => a,
        Err(e) => {
            let why = format!("no client for {}: {e}", config.api_base);
            return vec![
                Check::fail("plan_catalog", why.clone(), "fix the upstream line first"),
                Check::pass("data_purchase", PURCHASE_ANSWER),
                Check::fail("data_lookup", why, "fix the upstream line first"),
            ];
        }
    };
    vec![
        plan_catalog(config, &amigo).await,
        Check::pass("data_purchase", PURCHASE_ANSWER),
        data_lookup(&amigo).await,
    ]
}

async fn plan_catalog(config: &ProxyConfig, amigo: &AmigoClient) -> Check {
    let source = PlanCatalogSource::new(&config.api_base, config.plans_url.as_deref());
    match source.fetch(amigo).await {
        Ok(catalog) => {
            let mut detail = format!("{} plans read from {}", catalog.plans.len(), catalog.url);
            if !catalog.skipped.is_empty() {
                detail.push_str(&format!(
                    "; {} records left out (first: {})",
                    catalog.skipped.len(),
                    catalog.skipped[0]
                ));
            }
            if catalog.unrated > 0 {
                detail.push_str(&format!(
                    "; {} plans have no efficiency score and are shown unrated",
                    catalog.unrated
                ));
            }
            Check::pass("plan_catalog", detail)
        }
        Err(e) => Check::fail(
            "plan_catalog",
            format!(
                "tried {}: {e}; the shop cannot list or sell data plans",
                source.candidates().join(", ")
            ),
            "set AMIGO_PLANS_URL to the plan catalog's URL, or turn data sales off",
        ),
    }
}

async fn data_lookup(amigo: &AmigoClient) -> Check {
    let detail = match outcome_lookup::probe(amigo).await {
        Some(true) => {
            "GET /api/data/ answers: a processing purchase is refreshed from it when the shopper looks"
        }
        Some(false) => {
            "the platform has no purchase lookup (not in the docs): a purchase shows the status its answer gave; confirm deliveries on Amigo's dashboard"
        }
        None => {
            "could not tell (the platform did not answer the probe): the proxy probes again when a shopper looks up a purchase"
        }
    };
    Check::pass("data_lookup", detail)
}
