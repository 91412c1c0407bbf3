//! Checkout's network calls: locations and the delivery quote go straight to the public Amigo API
//! (`data-api`), the quote falling back to the proxy's own route when the browser cannot reach
//! it ([`super::quote_route`]); the payment settings, the order or checkout, and their tracking
//! go to the merchant's proxy (`data-proxy`).

use std::sync::{Arc, Mutex};

use amigo_types::catalog::encode_pairs;
use amigo_types::checkout::{CheckoutView, CreateCheckoutRequest, PaymentSettings};
use amigo_types::delivery::{Quote, QuoteRequest};
use amigo_types::locations::{Lga, LocationList, LocationSearch};
use amigo_types::orders::Order;
use amigo_types::tracking::OrderTracking;
use amigo_types::{DataEnvelope, ErrorBody};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use super::failure::Failure;
use super::flow::{Made, Submission};
use super::quote_route::{Next, Outcome, QuoteRoute, Via};
use crate::keyed::{PendingCheckout, SubmitFailure};

/// How long an order request may take before it counts as a network failure (and is retried
/// with the same key).
pub const ORDER_TIMEOUT_MS: u32 = 20_000;

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallError {
    /// Cancelled by its `AbortSignal` (a newer request replaced it): not shown to anyone.
    #[error("cancelled")]
    Aborted,
    /// No answer.
    #[error("We couldn't reach the server. Check your connection.")]
    Network,
    /// An error answer.
    #[error("The server answered HTTP {status}.")]
    Http {
        /// Status code.
        status: u16,
        /// The documented envelope, when it was one.
        body: Option<ErrorBody>,
        /// The `Retry-After` header.
        retry_after: Option<String>,
    },
    /// A success answer of the wrong shape.
    #[error("The server sent an unexpected answer (HTTP {0}).")]
    Decode(u16),
}

/// Client for checkout: the public API base and the proxy base, and where this store's delivery
/// quote is asked ([`QuoteRoute`], shared by every clone). Cheap to clone.
#[derive(Debug, Clone)]
pub struct CheckoutApi {
    api: Arc<str>,
    proxy: Arc<str>,
    route: Arc<Mutex<QuoteRoute>>,
    /// The `sessionStorage` key the route is kept under, when it is kept.
    route_key: Option<Arc<str>>,
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn is_abort(e: &gloo_net::Error) -> bool {
    matches!(e, gloo_net::Error::JsError(js) if js.name == "AbortError")
}

pub(crate) async fn read<T: DeserializeOwned>(
    sent: Result<gloo_net::http::Response, gloo_net::Error>,
) -> Result<T, CallError> {
    let resp = sent.map_err(|e| {
        if is_abort(&e) {
            CallError::Aborted
        } else {
            CallError::Network
        }
    })?;
    let status = resp.status();
    let retry_after = resp.headers().get("retry-after");
    let text = resp.text().await.map_err(|e| {
        if is_abort(&e) {
            CallError::Aborted
        } else {
            CallError::Network
        }
    })?;
    if !resp.ok() {
        return Err(CallError::Http {
            status,
            body: serde_json::from_str(&text).ok(),
            retry_after,
        });
    }
    serde_json::from_str(&text).map_err(|_| CallError::Decode(status))
}

/// A spending `POST` with its `Idempotency-Key` (an order, a data purchase): a request taking
/// longer than [`ORDER_TIMEOUT_MS`] is abandoned as a network failure, to be retried later with
/// the same key. Callers classify the error for their own state machine.
pub(crate) async fn post_keyed<T: DeserializeOwned>(
    url: &str,
    key: &str,
    body: &impl serde::Serialize,
) -> Result<T, CallError> {
    let controller = web_sys::AbortController::new().ok();
    let timer = controller.clone().and_then(|c| {
        let cb = wasm_bindgen::closure::Closure::once_into_js(move || c.abort());
        web_sys::window()?
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                cb.unchecked_ref(),
                ORDER_TIMEOUT_MS as i32,
            )
            .ok()
    });
    let signal = controller.as_ref().map(web_sys::AbortController::signal);
    let req = gloo_net::http::Request::post(url)
        .header("Idempotency-Key", key)
        .abort_signal(signal.as_ref())
        .json(body)
        .map_err(|_| CallError::Network)?;
    let result = read(req.send().await).await;
    if let (Some(id), Some(w)) = (timer, web_sys::window()) {
        w.clear_timeout_with_handle(id);
    }
    result
}

/// A failed keyed `POST` (an order, a checkout, a data purchase), as the form's failure.
pub(crate) fn classify<F: SubmitFailure>(error: CallError) -> F {
    match error {
        CallError::Http {
            status,
            body,
            retry_after,
        } => F::from_response(status, retry_after.as_deref(), body.as_ref()),
        CallError::Decode(status) => F::from_response(status, None, None),
        CallError::Aborted | CallError::Network => F::network(),
    }
}

impl CheckoutApi {
    /// A client for the public API at `api` and the proxy at `proxy` (no trailing slashes).
    pub fn new(api: &str, proxy: &str) -> Self {
        Self {
            api: Arc::from(api.trim_end_matches('/')),
            proxy: Arc::from(proxy.trim_end_matches('/')),
            route: Arc::new(Mutex::new(QuoteRoute::default())),
            route_key: None,
        }
    }

    /// Keeps the quote route in `sessionStorage` under `key` (one per store), starting from what
    /// is there: a reload in the same tab does not try the browser route again.
    pub fn with_route_memory(mut self, key: String) -> Self {
        let saved = session_storage().and_then(|s| s.get_item(&key).ok().flatten());
        self.route = Arc::new(Mutex::new(QuoteRoute::from_session(saved.as_deref())));
        self.route_key = Some(Arc::from(key));
        self
    }

    fn route(&self) -> QuoteRoute {
        self.route.lock().map(|r| *r).unwrap_or_default()
    }

    /// Records how a call ended and says what to do next; a newly chosen route is saved.
    fn after_quote(&self, via: Via, outcome: Outcome) -> Next {
        let Ok(mut route) = self.route.lock() else {
            return Next::Done;
        };
        let before = *route;
        let next = route.after(via, outcome);
        if *route != before
            && let (Some(key), Some(value), Some(s)) =
                (&self.route_key, route.session_value(), session_storage())
        {
            let _ = s.set_item(key, value);
        }
        next
    }

    /// The proxy's base, for the other clients of the same proxy (a data checkout's purchase).
    pub fn proxy(&self) -> &str {
        &self.proxy
    }

    /// `GET locations.php?search=` — states and LGAs matching what was typed.
    pub async fn search_locations(
        &self,
        query: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<LocationSearch, CallError> {
        let qs = encode_pairs(&[("search".into(), query.to_owned())]);
        let url = format!("{}/commerce/locations.php?{qs}", self.api);
        read(
            gloo_net::http::Request::get(&url)
                .abort_signal(signal)
                .send()
                .await,
        )
        .await
    }

    /// `GET locations.php?type=lgas&state_code=` — every LGA of a state.
    pub async fn state_lgas(
        &self,
        state_code: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<Vec<Lga>, CallError> {
        let qs = encode_pairs(&[
            ("type".into(), "lgas".into()),
            ("state_code".into(), state_code.to_owned()),
        ]);
        let url = format!("{}/commerce/locations.php?{qs}", self.api);
        let list: LocationList<Lga> = read(
            gloo_net::http::Request::get(&url)
                .abort_signal(signal)
                .send()
                .await,
        )
        .await?;
        Ok(list.data)
    }

    /// `POST delivery/quote/` — Standard and Premium for the cart at the area: from the browser,
    /// or through the proxy's `POST /api/delivery/quote` when the browser cannot reach Amigo (a
    /// CORS refusal looks like a network failure); see [`QuoteRoute`].
    pub async fn quote(
        &self,
        request: &QuoteRequest,
        signal: Option<&AbortSignal>,
    ) -> Result<Quote, CallError> {
        let mut via = self.route().first();
        loop {
            let url = match via {
                Via::Browser => format!("{}/commerce/delivery/quote/", self.api),
                Via::Proxy => format!("{}/api/delivery/quote", self.proxy),
            };
            let result = Self::quote_at(&url, request, signal).await;
            let outcome = match &result {
                Ok(_) | Err(CallError::Http { .. } | CallError::Decode(_)) => Outcome::Answered,
                Err(CallError::Network) => Outcome::Unreachable,
                Err(CallError::Aborted) => Outcome::Cancelled,
            };
            match self.after_quote(via, outcome) {
                Next::AskProxy => via = Via::Proxy,
                Next::Done => return result,
            }
        }
    }

    async fn quote_at(
        url: &str,
        request: &QuoteRequest,
        signal: Option<&AbortSignal>,
    ) -> Result<Quote, CallError> {
        let req = gloo_net::http::Request::post(url)
            .abort_signal(signal)
            .json(request)
            .map_err(|_| CallError::Network)?;
        let env: DataEnvelope<Quote> = read(req.send().await).await?;
        Ok(env.data)
    }

    /// `POST {proxy}/api/orders` with the submission's `Idempotency-Key`. Every failure is
    /// classified for the state machine; a request taking longer than [`ORDER_TIMEOUT_MS`] is
    /// abandoned as a network failure (retried later with the same key).
    pub async fn place_order(&self, submission: &Submission) -> Result<Made, Failure> {
        let url = format!("{}/api/orders", self.proxy);
        let result: Result<DataEnvelope<Order>, CallError> =
            post_keyed(&url, submission.key.as_str(), &submission.body).await;
        result
            .map(|env| Made::Order(Box::new(env.data)))
            .map_err(classify)
    }

    /// `GET {proxy}/api/payment`: how this store takes money.
    pub async fn payment_settings(&self) -> Result<PaymentSettings, CallError> {
        let url = format!("{}/api/payment", self.proxy);
        let env: DataEnvelope<PaymentSettings> =
            read(gloo_net::http::Request::get(&url).send().await).await?;
        Ok(env.data)
    }

    /// `POST {proxy}/api/checkouts` with the submission's `Idempotency-Key` (the same key and
    /// body answer the same checkout) and the page to come back to after paying. Failures are
    /// classified as an order's are; an answer that is not a well-formed checkout for the sent
    /// phone counts as the store's error (retried with the same key).
    pub async fn create_checkout(
        &self,
        submission: &Submission,
        return_url: String,
    ) -> Result<(Made, CheckoutView), Failure> {
        let url = format!("{}/api/checkouts", self.proxy);
        let body = CreateCheckoutRequest {
            order: submission.body.clone(),
            return_url,
        };
        let result: Result<DataEnvelope<CheckoutView>, CallError> =
            post_keyed(&url, submission.key.as_str(), &body).await;
        let view = result.map_err(classify)?.data;
        let phone = submission.body.customer.phone.as_str();
        match PendingCheckout::new(&view.reference, phone) {
            Some(pending) => Ok((Made::Checkout(pending), view)),
            None => Err(Failure::from_response(502, None, None)),
        }
    }

    /// `GET {proxy}/api/checkouts/{reference}?phone=`: the shopper's view of their checkout.
    /// The reference is a checked `CHK-…` (letters, digits, a dash).
    pub async fn checkout(&self, reference: &str, phone: &str) -> Result<CheckoutView, CallError> {
        let qs = encode_pairs(&[("phone".into(), phone.to_owned())]);
        let url = format!("{}/api/checkouts/{reference}?{qs}", self.proxy);
        let env: DataEnvelope<CheckoutView> =
            read(gloo_net::http::Request::get(&url).send().await).await?;
        Ok(env.data)
    }

    fn order_path(&self, reference: &str, phone: &str, suffix: &str) -> String {
        // references are checked with `tracking::is_reference` (letters, digits, dashes)
        let qs = encode_pairs(&[("phone".into(), phone.to_owned())]);
        format!("{}/api/orders/{reference}{suffix}?{qs}", self.proxy)
    }

    /// `GET {proxy}/api/orders/{reference}?phone=` — the shopper's view of their order.
    pub async fn tracking(&self, reference: &str, phone: &str) -> Result<OrderTracking, CallError> {
        let url = self.order_path(reference, phone, "");
        let env: DataEnvelope<OrderTracking> =
            read(gloo_net::http::Request::get(&url).send().await).await?;
        Ok(env.data)
    }

    /// The Server-Sent Events URL of the order's status changes.
    pub fn events_url(&self, reference: &str, phone: &str) -> String {
        self.order_path(reference, phone, "/events")
    }
}
