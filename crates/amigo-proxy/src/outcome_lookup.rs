//! Whether the platform answers a data purchase's outcome. The docs publish one data endpoint,
//! `POST /api/data/`; the sandbox's `GET /api/data/?ref=` is its own invention. So the proxy
//! asks for outcomes only after a probe (`GET /api/data/?limit=1` answering a `success: true`
//! JSON body) found the lookup there; otherwise a purchase shows what its answer said. A probe
//! that finds nothing is trusted for ten minutes; one that fails (timeout, 5xx, 429) is not
//! remembered, so the next need probes again.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::StatusCode;

use crate::upstream::AmigoClient;

/// How long a probe that found no lookup is believed.
const ABSENT_FOR: Duration = Duration::from_secs(600);

/// What the last probe found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupProbe {
    /// Not probed yet, or the last probe could not tell.
    Unknown,
    /// `GET /api/data/` answers: outcomes are read from it.
    Present,
    /// It does not (until the instant): outcomes are not asked for.
    Absent(Instant),
}

/// The remembered probe of the outcome lookup.
#[derive(Debug)]
pub struct OutcomeLookup {
    probe: Mutex<LookupProbe>,
}

impl Default for OutcomeLookup {
    fn default() -> Self {
        Self {
            probe: Mutex::new(LookupProbe::Unknown),
        }
    }
}

impl OutcomeLookup {
    /// What is known now, without probing (for `doctor` and logs).
    pub fn known(&self) -> LookupProbe {
        *self.probe.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether outcomes may be asked for, probing when nothing current is known.
    pub async fn available(&self, amigo: &AmigoClient) -> bool {
        match self.known() {
            LookupProbe::Present => return true,
            LookupProbe::Absent(until) if Instant::now() < until => return false,
            _ => {}
        }
        let found = probe(amigo).await;
        let next = match found {
            Some(true) => LookupProbe::Present,
            Some(false) => LookupProbe::Absent(Instant::now() + ABSENT_FOR),
            None => LookupProbe::Unknown,
        };
        if next != self.known() {
            tracing::info!(lookup = ?next, "probed the platform's data purchase lookup");
        }
        *self.probe.lock().unwrap_or_else(|e| e.into_inner()) = next;
        found == Some(true)
    }
}

/// `Some(true)`: a lookup answered; `Some(false)`: the platform says there is none (a 4xx or a
/// body that is not one); `None`: it could not tell.
pub async fn probe(amigo: &AmigoClient) -> Option<bool> {
    let resp = amigo.get("/data/", "limit=1").await.ok()?;
    if resp.status == StatusCode::TOO_MANY_REQUESTS || resp.status.is_server_error() {
        return None;
    }
    let ok = resp.status == StatusCode::OK
        && serde_json::from_slice::<serde_json::Value>(&resp.body)
            .is_ok_and(|v| v["success"] == serde_json::Value::Bool(true));
    Some(ok)
}
