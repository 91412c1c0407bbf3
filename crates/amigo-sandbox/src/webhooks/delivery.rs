//! The webhook sender: one background task per delivery, signed attempts on the documented
//! schedule, and a client that never trusts the receiver (no redirects, a hard per-attempt
//! timeout, at most a few KB of the response read, a cap on concurrent attempts).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use amigo_types::webhooks::{DeliveryRecord, DeliveryStatus, sign};
use bytes::Bytes;
use tokio::sync::Semaphore;

use crate::clock::{Clock, iso8601};
use crate::webhooks::registry::Endpoint;

/// Wait after failed attempt 1, 2, … 6, in seconds (before `--webhook-time-scale`).
pub(crate) const RETRY_DELAYS_SECS: [u64; 6] = [60, 300, 1800, 7200, 43_200, 86_400];
/// Attempts before a delivery is marked exhausted.
pub(crate) const MAX_ATTEMPTS: u32 = RETRY_DELAYS_SECS.len() as u32 + 1;
/// Most bytes of a receiver's response body ever read.
pub(crate) const MAX_RESPONSE_BYTES: usize = 4 * 1024;
/// Attempts in flight at once across the whole sandbox; more wait their turn.
const MAX_CONCURRENT_ATTEMPTS: usize = 64;
/// The documented `User-Agent`.
pub(crate) const USER_AGENT: &str = "Amigo-Commerce-Webhook/1.0";

/// How long to wait after failed attempt `attempt` (1-based), scaled; `None` once the delivery
/// is exhausted (after the 7th attempt).
pub(crate) fn retry_delay(attempt: u32, time_scale: f64) -> Option<Duration> {
    let secs = *RETRY_DELAYS_SECS.get(usize::try_from(attempt).ok()?.checked_sub(1)?)?;
    Some(Duration::from_secs_f64(secs as f64 * time_scale))
}

/// One delivery of one event to one endpoint.
#[derive(Debug)]
pub struct DeliveryJob {
    /// Where it goes (the endpoint's current URL is read before each attempt).
    pub endpoint: Arc<Endpoint>,
    /// The history row the task keeps up to date.
    pub record: Arc<Mutex<DeliveryRecord>>,
    /// `X-Amigo-Delivery`: the same on every attempt.
    pub delivery_id: u64,
    /// `X-Amigo-Event`.
    pub event: &'static str,
    /// The exact body, the same on every attempt.
    pub body: Bytes,
}

/// What one attempt got back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct AttemptOutcome {
    /// The receiver's status, if it answered within the timeout.
    code: Option<u16>,
}

impl AttemptOutcome {
    fn succeeded(self) -> bool {
        self.code.is_some_and(|c| (200..300).contains(&c))
    }
}

/// Sends deliveries in background tasks.
#[derive(Debug)]
pub struct Dispatcher {
    timeout: Duration,
    time_scale: f64,
    client: OnceLock<Result<reqwest::Client, String>>,
    permits: Arc<Semaphore>,
    /// Instance-wide delivery ids, so one id (`X-Amigo-Delivery`) names one delivery.
    next_delivery_id: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Dispatcher {
    /// A sender whose attempts time out after `timeout` and whose retry delays are multiplied
    /// by `time_scale`.
    pub fn new(timeout: Duration, time_scale: f64) -> Self {
        Self {
            timeout,
            time_scale,
            client: OnceLock::new(),
            permits: Arc::new(Semaphore::new(MAX_CONCURRENT_ATTEMPTS)),
            next_delivery_id: AtomicU64::new(4801),
        }
    }

    /// The next delivery id (`X-Amigo-Delivery`).
    pub fn next_delivery_id(&self) -> u64 {
        self.next_delivery_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Built on first use: instances that never send a webhook never pay for the TLS setup.
    fn client(&self) -> Result<&reqwest::Client, &str> {
        self.client
            .get_or_init(|| {
                reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .timeout(self.timeout)
                    .connect_timeout(self.timeout)
                    .no_proxy()
                    .user_agent(USER_AGENT)
                    .pool_idle_timeout(Duration::from_secs(30))
                    .build()
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// Starts `job` in the background; the caller never waits for the receiver. Outside a
    /// Tokio runtime (which the HTTP server always provides) the delivery is dropped and logged.
    pub fn spawn(self: &Arc<Self>, job: DeliveryJob, clock: Arc<Clock>) {
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(Arc::clone(self).run(job, clock));
            }
            Err(_) => tracing::warn!(
                delivery = job.delivery_id,
                "no runtime to deliver webhook on"
            ),
        }
    }

    async fn run(self: Arc<Self>, job: DeliveryJob, clock: Arc<Clock>) {
        for attempt in 1..=MAX_ATTEMPTS {
            if job.endpoint.is_deleted() {
                return;
            }
            let outcome = {
                let Ok(_permit) = self.permits.acquire().await else {
                    return;
                };
                self.attempt(&job, &clock).await
            };
            let Some(wait) = self.settle(&job.record, attempt, outcome, &clock) else {
                return;
            };
            tracing::debug!(
                delivery = job.delivery_id,
                attempt,
                code = ?outcome.code,
                "webhook attempt failed; retrying in {wait:?}"
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// Records attempt number `attempt` and its outcome; returns how long to wait before the
    /// next attempt, or `None` when the delivery is finished (succeeded or exhausted).
    fn settle(
        &self,
        record: &Mutex<DeliveryRecord>,
        attempt: u32,
        outcome: AttemptOutcome,
        clock: &Clock,
    ) -> Option<Duration> {
        let mut record = lock(record);
        record.attempts = attempt;
        record.response_code = outcome.code;
        record.next_attempt_at = None;
        if outcome.succeeded() {
            record.status = DeliveryStatus::Succeeded;
            return None;
        }
        let Some(wait) = retry_delay(attempt, self.time_scale) else {
            record.status = DeliveryStatus::Exhausted;
            return None;
        };
        record.status = DeliveryStatus::Retrying;
        record.next_attempt_at = Some(iso8601(
            clock.now() + time::Duration::try_from(wait).unwrap_or(time::Duration::ZERO),
        ));
        Some(wait)
    }

    /// One signed POST with a fresh timestamp. The whole attempt, response headers and the
    /// capped body read included, is bounded by the timeout.
    async fn attempt(&self, job: &DeliveryJob, clock: &Clock) -> AttemptOutcome {
        let client = match self.client() {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = e, "webhook client could not be built");
                return AttemptOutcome { code: None };
            }
        };
        let ts = clock.unix();
        let signature = sign(job.endpoint.secret().as_bytes(), ts, &job.body);
        let request = client
            .post(job.endpoint.url())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("X-Amigo-Event", job.event)
            .header("X-Amigo-Delivery", job.delivery_id.to_string())
            .header("X-Amigo-Timestamp", ts.to_string())
            .header("X-Amigo-Signature", signature)
            .body(job.body.clone());
        let deadline = tokio::time::Instant::now() + self.timeout;
        let response = match tokio::time::timeout_at(deadline, request.send()).await {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => {
                tracing::debug!(delivery = job.delivery_id, error = %e, "webhook attempt failed");
                return AttemptOutcome { code: None };
            }
            Err(_) => return AttemptOutcome { code: None },
        };
        let code = response.status().as_u16();
        // Read a little so a small reply frees the connection for reuse; never more, never
        // past the deadline. Whatever happens here, the status already counts.
        let _ = tokio::time::timeout_at(deadline, drain_capped(response)).await;
        AttemptOutcome { code: Some(code) }
    }
}

/// Reads at most [`MAX_RESPONSE_BYTES`] of the body, then drops the response (closing the
/// connection if the body was larger).
async fn drain_capped(mut response: reqwest::Response) -> usize {
    let mut read = 0;
    while read < MAX_RESPONSE_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => read += chunk.len(),
            _ => break,
        }
    }
    read
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_matches_the_docs_and_scales() {
        let secs: Vec<u64> = (1..=6)
            .map(|a| retry_delay(a, 1.0).unwrap().as_secs())
            .collect();
        assert_eq!(secs, vec![60, 300, 1800, 7200, 43_200, 86_400]);
        assert_eq!(retry_delay(7, 1.0), None, "exhausted after the 7th attempt");
        assert_eq!(retry_delay(0, 1.0), None);
        assert_eq!(
            retry_delay(1, 0.001).unwrap(),
            Duration::from_millis(60),
            "time scale shrinks every delay"
        );
        assert_eq!(MAX_ATTEMPTS, 7);
    }

    #[test]
    fn only_2xx_succeeds() {
        for (code, ok) in [
            (Some(200), true),
            (Some(204), true),
            (Some(302), false),
            (Some(500), false),
            (None, false),
        ] {
            assert_eq!(AttemptOutcome { code }.succeeded(), ok, "{code:?}");
        }
    }
}
