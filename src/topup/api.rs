//! The top-up's network calls, all to the merchant's proxy (the Data API needs the token): the
//! plan catalog, the purchase (or, where the store takes payment first, the data checkout) with
//! its `Idempotency-Key`, and the purchase's current state.

use std::sync::Arc;

use amigo_types::DataEnvelope;
use amigo_types::catalog::encode_pairs;
use amigo_types::checkout::CheckoutView;
use amigo_types::data::{DataPlan, DataPurchase};

use super::TopUpSubmission;
use super::failure::TopUpFailure;
use super::pay::checked_checkout;
use crate::checkout::api::{CallError, classify, post_keyed, read};
use crate::keyed::PendingCheckout;

/// Client for the top-up. Cheap to clone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopUpApi {
    proxy: Arc<str>,
}

impl TopUpApi {
    /// A client for the proxy at `proxy` (no trailing slash).
    pub fn new(proxy: &str) -> Self {
        Self {
            proxy: Arc::from(proxy.trim_end_matches('/')),
        }
    }

    /// `GET {proxy}/api/data/plans` — every network's plans (one cached entry on the proxy).
    pub async fn plans(&self) -> Result<Vec<DataPlan>, CallError> {
        let url = format!("{}/api/data/plans", self.proxy);
        let env: DataEnvelope<Vec<DataPlan>> =
            read(gloo_net::http::Request::get(&url).send().await).await?;
        Ok(env.data)
    }

    /// `POST {proxy}/api/data/purchases` with the submission's key; a request taking longer than
    /// [`ORDER_TIMEOUT_MS`](crate::checkout::api::ORDER_TIMEOUT_MS) is abandoned as a network
    /// failure (retried later with the same key).
    pub async fn buy(&self, submission: &TopUpSubmission) -> Result<DataPurchase, TopUpFailure> {
        let url = format!("{}/api/data/purchases", self.proxy);
        let result: Result<DataEnvelope<DataPurchase>, CallError> =
            post_keyed(&url, submission.key.as_str(), &submission.body).await;
        result.map(|env| env.data).map_err(classify)
    }

    /// `POST {proxy}/api/data/checkouts` with the submission's key (the same key and body
    /// answer the same checkout) and the page to come back to after paying: the data checkout
    /// to pay, checked ([`checked_checkout`]) for the number the body names.
    pub async fn create_checkout(
        &self,
        submission: &TopUpSubmission,
        return_url: String,
    ) -> Result<(PendingCheckout, CheckoutView), TopUpFailure> {
        let url = format!("{}/api/data/checkouts", self.proxy);
        let body = serde_json::json!({ "purchase": submission.body, "return_url": return_url });
        let result: Result<DataEnvelope<CheckoutView>, CallError> =
            post_keyed(&url, submission.key.as_str(), &body).await;
        let view = result.map_err(classify)?.data;
        let phone = submission.body["mobile_number"]
            .as_str()
            .unwrap_or_default();
        checked_checkout(&view, phone).map(|pending| (pending, view))
    }

    /// `GET {proxy}/api/data/purchases/{reference}?phone=` — the purchase's current state.
    pub async fn status(&self, reference: &str, phone: &str) -> Result<DataPurchase, CallError> {
        // references are checked with `is_data_reference` (letters, digits, dashes)
        let qs = encode_pairs(&[("phone".into(), phone.to_owned())]);
        let url = format!("{}/api/data/purchases/{reference}?{qs}", self.proxy);
        let env: DataEnvelope<DataPurchase> =
            read(gloo_net::http::Request::get(&url).send().await).await?;
        Ok(env.data)
    }
}
