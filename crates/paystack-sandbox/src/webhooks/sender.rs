//! The webhook sender: one background task per event, so a payer's redirect never waits for
//! the merchant's server. Each attempt POSTs the same bytes with the same signature; anything
//! but `200 OK` within the timeout (another status, a redirect, which is never followed, a
//! connection error) is a failure and is retried on the [`RetrySchedule`]. The client trusts
//! nothing it gets back: a hard per-attempt timeout, at most a few KB of the answer read, and a
//! cap on attempts in flight.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, RwLock};
use std::time::Duration;

use bytes::Bytes;
use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;

use super::schedule::RetrySchedule;
use super::signature::{Event, SIGNATURE_HEADER, sign};

/// Most bytes of a receiver's answer ever read.
const MAX_RESPONSE_BYTES: usize = 4 * 1024;
/// Attempts in flight at once; more wait their turn.
const MAX_CONCURRENT_ATTEMPTS: usize = 32;
/// Delivery records kept for [`WebhookSender::deliveries`] (oldest dropped first).
const MAX_RECORDS: usize = 10_000;
/// The `User-Agent` of deliveries (Paystack's is not documented).
pub const USER_AGENT: &str = "paystack-sandbox-webhook/1.0";

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// The first attempt has not finished.
    Pending,
    /// An attempt failed; another is scheduled.
    Retrying,
    /// The receiver answered `200`.
    Succeeded,
    /// Every attempt of the schedule failed.
    Exhausted,
}

/// One event's delivery, for tests and operators to inspect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    /// Sequence number of the delivery.
    pub id: u64,
    /// The event name.
    pub event: &'static str,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made so far.
    pub attempts: u32,
    /// The receiver's status on the last attempt, if it answered.
    pub last_response_code: Option<u16>,
}

/// Sends the integration's webhooks.
#[derive(Debug)]
pub struct WebhookSender {
    url: RwLock<Option<Url>>,
    secret: SecretString,
    schedule: RetrySchedule,
    timeout: Duration,
    client: OnceLock<Result<reqwest::Client, String>>,
    permits: Semaphore,
    next_id: AtomicU64,
    records: Mutex<VecDeque<DeliveryRecord>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl WebhookSender {
    /// A sender to `url` (none: events are dropped, as Paystack does with no webhook URL set),
    /// signing with `secret`, retrying on `schedule`, each attempt bounded by `timeout`.
    pub fn new(
        url: Option<Url>,
        secret: SecretString,
        schedule: RetrySchedule,
        timeout: Duration,
    ) -> Self {
        Self {
            url: RwLock::new(url),
            secret,
            schedule,
            timeout,
            client: OnceLock::new(),
            permits: Semaphore::new(MAX_CONCURRENT_ATTEMPTS),
            next_id: AtomicU64::new(1),
            records: Mutex::new(VecDeque::new()),
        }
    }

    /// Points later attempts (of new and pending deliveries) at `url`.
    pub fn set_url(&self, url: Option<Url>) {
        *self.url.write().unwrap_or_else(PoisonError::into_inner) = url;
    }

    fn url(&self) -> Option<Url> {
        self.url
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Every delivery still on record, oldest first.
    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        lock(&self.records).iter().cloned().collect()
    }

    /// Built on first use, so an emulator that never sends a webhook never builds TLS.
    fn client(&self) -> Result<&reqwest::Client, &str> {
        self.client
            .get_or_init(|| {
                reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .timeout(self.timeout)
                    .connect_timeout(self.timeout)
                    .no_proxy()
                    .user_agent(USER_AGENT)
                    .build()
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// Sends `{"event", "data"}` in the background and returns at once with the delivery id;
    /// `None` when no webhook URL is set or there is no Tokio runtime to send on.
    pub fn send(self: &Arc<Self>, event: Event, data: serde_json::Value) -> Option<u64> {
        self.url()?;
        let mut body = serde_json::Map::new();
        body.insert(
            "event".into(),
            serde_json::Value::String(event.as_str().to_owned()),
        );
        body.insert("data".into(), data);
        let body = serde_json::Value::Object(body);
        let body = Bytes::from(serde_json::to_vec(&body).ok()?);
        let runtime = match tokio::runtime::Handle::try_current() {
            Ok(rt) => rt,
            Err(_) => {
                tracing::warn!(
                    event = event.as_str(),
                    "no runtime to deliver the webhook on"
                );
                return None;
            }
        };
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        {
            let mut records = lock(&self.records);
            if records.len() >= MAX_RECORDS {
                records.pop_front();
            }
            records.push_back(DeliveryRecord {
                id,
                event: event.as_str(),
                status: DeliveryStatus::Pending,
                attempts: 0,
                last_response_code: None,
            });
        }
        runtime.spawn(Arc::clone(self).deliver(id, event, body));
        Some(id)
    }

    async fn deliver(self: Arc<Self>, id: u64, event: Event, body: Bytes) {
        let signature = sign(self.secret.expose_secret().as_bytes(), &body);
        for attempt in 1..=self.schedule.max_attempts() {
            let code = match self.permits.acquire().await {
                Ok(_permit) => self.attempt(&body, &signature).await,
                Err(_) => return,
            };
            let wait = if code == Some(200) {
                None
            } else {
                self.schedule.delay_after(attempt)
            };
            self.record(id, attempt, code, wait.is_some());
            let Some(wait) = wait else {
                return;
            };
            tracing::debug!(
                delivery = id,
                event = event.as_str(),
                attempt,
                ?code,
                "webhook attempt failed; retrying in {wait:?}"
            );
            tokio::time::sleep(wait).await;
        }
    }

    fn record(&self, id: u64, attempt: u32, code: Option<u16>, retrying: bool) {
        let mut records = lock(&self.records);
        if let Some(r) = records.iter_mut().find(|r| r.id == id) {
            r.attempts = attempt;
            r.last_response_code = code;
            r.status = match (code, retrying) {
                (Some(200), _) => DeliveryStatus::Succeeded,
                (_, true) => DeliveryStatus::Retrying,
                (_, false) => DeliveryStatus::Exhausted,
            };
        }
    }

    /// One POST; the receiver's status, or `None` when it did not answer in time.
    async fn attempt(&self, body: &Bytes, signature: &str) -> Option<u16> {
        let url = self.url()?;
        let client = match self.client() {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = e, "webhook client could not be built");
                return None;
            }
        };
        let request = client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, signature)
            .body(body.clone());
        let deadline = tokio::time::Instant::now() + self.timeout;
        let response = match tokio::time::timeout_at(deadline, request.send()).await {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "webhook attempt failed");
                return None;
            }
            Err(_) => return None,
        };
        let code = response.status().as_u16();
        let _ = tokio::time::timeout_at(deadline, drain_capped(response)).await;
        Some(code)
    }
}

/// Reads at most [`MAX_RESPONSE_BYTES`] of the answer, then drops it.
async fn drain_capped(mut response: reqwest::Response) {
    let mut read = 0;
    while read < MAX_RESPONSE_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => read += chunk.len(),
            _ => break,
        }
    }
}
