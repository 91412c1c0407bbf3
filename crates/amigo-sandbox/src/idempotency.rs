//! Idempotency records, following Stripe's rules where the platform's docs stop.
//!
//! One [`IdempotencyStore`] per token. A key is *claimed* by the first request that carries it;
//! requests arriving with the same key while that one executes wait for it, then get its
//! stored response byte for byte. A claim that ends without a stored outcome (validation
//! failure, or the request never ran) is released, so the key stays free. Outcomes are kept for
//! 24 hours of sandbox time, measured from when they were stored. A key presented with a
//! different request (another body or another endpoint) is refused, never replayed.

use std::collections::HashMap;
use std::sync::Mutex;

use bytes::Bytes;
use sha2::{Digest, Sha256};
use tokio::sync::watch;

use crate::error::SandboxError;

/// How long an outcome is replayed: 24 hours, as documented.
pub const TTL_SECS: i64 = amigo_types::idempotency::KEY_WINDOW.as_secs() as i64;

/// Sweep expired records at most this often (seconds), so the map can't grow without bound.
const SWEEP_EVERY_SECS: i64 = 60;

/// Whether a failed request's response is stored against its key, following Stripe: an outcome
/// is kept once the endpoint began executing (`insufficient_balance`, `out_of_stock`,
/// `unserviceable_delivery`), so retrying replays it; a request refused by parameter validation
/// (`422 invalid_*`, bad delivery locations, and a line naming a product that does not exist,
/// `404 not_found`) never began, so it does not consume the key. A `500 server_error` is not stored either: the docs tell clients to
/// retry it with backoff (the same key, so a retry can never double-charge), and every internal
/// error the sandbox raises comes from pricing, before any order, debit or stock change.
/// Authentication, rate-limit and key errors are answered before a key is claimed at all.
pub fn is_replayable(err: &SandboxError) -> bool {
    use SandboxError as E;
    match err {
        E::Invalid(_)
        | E::IdempotencyKeyReused
        | E::InvalidToken
        | E::IpNotWhitelisted
        | E::LiveTokenNotAllowed
        | E::RateLimited { .. }
        | E::MethodNotAllowed(_)
        | E::Internal(_)
        | E::UnknownProduct { .. } => false,
        E::NotFound(_)
        | E::ListNotFound(_)
        | E::InsufficientBalance { .. }
        | E::OutOfStock(_)
        | E::Unserviceable { .. }
        | E::InvalidTransition(_) => true,
    }
}

/// Which reading of the docs' "retry with the same key and you get back the original response"
/// the sandbox follows when a key comes back with a *different* request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum IdempotencyMode {
    /// Stripe's rule (the default): a different request with a used key is
    /// `422 idempotency_key_reused`.
    #[default]
    Stripe,
    /// The docs' literal reading: any later request with the key gets the original response,
    /// whatever its body (and waits for it while the first is still executing). What is stored
    /// is the same as in [`IdempotencyMode::Stripe`].
    ReplayAny,
}

impl IdempotencyMode {
    /// Parses `stripe` or `replay-any` (the `--idempotency-mode` values).
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "stripe" => Some(Self::Stripe),
            "replay-any" => Some(Self::ReplayAny),
            _ => None,
        }
    }
}

/// A response as it was first sent, kept so replays are identical.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// HTTP status.
    pub status: u16,
    /// The exact body bytes.
    pub body: Bytes,
}

/// A digest of what a request asked for: the method, the path and the body's JSON with object
/// keys sorted and whitespace dropped, so a client re-serialising the same body still matches,
/// while any change of value does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// Fingerprints a request. A body that is not JSON is hashed as raw bytes.
    pub fn of(method: &str, path: &str, body: &[u8]) -> Self {
        let mut h = Sha256::new();
        h.update(method.as_bytes());
        h.update(b" ");
        h.update(path.trim_end_matches('/').as_bytes());
        h.update(b"\n");
        match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(v) => {
                h.update(b"json:");
                canonical(&v, &mut h);
            }
            Err(_) => {
                h.update(b"raw:");
                h.update(body);
            }
        }
        Self(h.finalize().into())
    }
}

/// Feeds `v` to the hasher with object keys in sorted order (whatever map type serde_json uses).
fn canonical(v: &serde_json::Value, h: &mut Sha256) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            h.update(b"{");
            for k in keys {
                canonical(&Value::String(k.clone()), h);
                h.update(b":");
                canonical(&map[k], h);
                h.update(b",");
            }
            h.update(b"}");
        }
        Value::Array(items) => {
            h.update(b"[");
            for item in items {
                canonical(item, h);
                h.update(b",");
            }
            h.update(b"]");
        }
        scalar => h.update(scalar.to_string().as_bytes()),
    }
}

#[derive(Debug)]
enum Record {
    /// A request holding this key is executing; waiters watch for its claim to end.
    InFlight {
        fingerprint: Fingerprint,
        done: watch::Receiver<()>,
    },
    /// The stored outcome.
    Done {
        fingerprint: Fingerprint,
        response: StoredResponse,
        stored_at: i64,
    },
}

#[derive(Debug, Default)]
struct Records {
    by_key: HashMap<String, Record>,
    last_sweep: i64,
}

/// What a request carrying a key should do.
#[derive(Debug)]
pub enum Claimed<'a> {
    /// Run the request, then [`Claim::finish`] with its outcome.
    Execute(Claim<'a>),
    /// Send this stored response again.
    Replay(StoredResponse),
    /// The key belongs to a different request: `422 idempotency_key_reused`.
    Reused,
}

/// The right to execute the request for a key. Dropping it unfinished releases the key and
/// wakes any waiters, one of which then claims it.
#[derive(Debug)]
pub struct Claim<'a> {
    store: &'a IdempotencyStore,
    key: String,
    fingerprint: Fingerprint,
    finished: bool,
    // Dropped with the claim, which wakes every waiter's `changed()`.
    _done: watch::Sender<()>,
}

impl Claim<'_> {
    /// Ends the claim: `Some(response)` stores it for replay (at sandbox time `now`), `None`
    /// releases the key as if it had never been sent.
    pub fn finish(mut self, response: Option<StoredResponse>, now: i64) {
        self.finished = true;
        let mut records = self.store.lock();
        match response {
            Some(response) => {
                records.by_key.insert(
                    self.key.clone(),
                    Record::Done {
                        fingerprint: self.fingerprint,
                        response,
                        stored_at: now,
                    },
                );
            }
            None => {
                records.by_key.remove(&self.key);
            }
        }
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        if !self.finished {
            self.store.lock().by_key.remove(&self.key);
        }
    }
}

/// One token's idempotency records.
#[derive(Debug, Default)]
pub struct IdempotencyStore {
    records: Mutex<Records>,
    mode: IdempotencyMode,
}

/// The outcome of one look at the store.
enum Look<'a> {
    Settled(Claimed<'a>),
    Wait(watch::Receiver<()>),
}

impl IdempotencyStore {
    /// An empty store following Stripe's rules.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store following `mode`.
    pub fn with_mode(mode: IdempotencyMode) -> Self {
        Self {
            mode,
            ..Self::default()
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Records> {
        self.records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Claims `key` for a request with `fingerprint`, waiting while another request holding the
    /// same key executes. `now` reads sandbox time (unix seconds) each time the store is looked
    /// at, so a test that moves the clock sees keys expire.
    pub async fn claim(
        &self,
        key: &str,
        fingerprint: Fingerprint,
        now: impl Fn() -> i64,
    ) -> Claimed<'_> {
        loop {
            match self.look(key, fingerprint, now()) {
                Look::Settled(c) => return c,
                // Err means the claim ended (its sender dropped): look again.
                Look::Wait(mut rx) => {
                    let _ = rx.changed().await;
                }
            }
        }
    }

    fn look(&self, key: &str, fingerprint: Fingerprint, now: i64) -> Look<'_> {
        let any = self.mode == IdempotencyMode::ReplayAny;
        let mut records = self.lock();
        if now - records.last_sweep >= SWEEP_EVERY_SECS {
            records.last_sweep = now;
            records.by_key.retain(|_, r| match r {
                Record::InFlight { .. } => true,
                Record::Done { stored_at, .. } => now - *stored_at < TTL_SECS,
            });
        }
        match records.by_key.get(key) {
            Some(Record::Done {
                fingerprint: f,
                response,
                stored_at,
            }) if now - *stored_at < TTL_SECS => {
                return Look::Settled(if any || *f == fingerprint {
                    Claimed::Replay(response.clone())
                } else {
                    Claimed::Reused
                });
            }
            Some(Record::InFlight {
                fingerprint: f,
                done,
            }) => {
                return if any || *f == fingerprint {
                    Look::Wait(done.clone())
                } else {
                    Look::Settled(Claimed::Reused)
                };
            }
            _ => {}
        }
        let (tx, rx) = watch::channel(());
        records.by_key.insert(
            key.to_owned(),
            Record::InFlight {
                fingerprint,
                done: rx,
            },
        );
        Look::Settled(Claimed::Execute(Claim {
            store: self,
            key: key.to_owned(),
            fingerprint,
            finished: false,
            _done: tx,
        }))
    }

    /// Keys currently remembered (in flight or stored, expired or not yet swept).
    pub fn len(&self) -> usize {
        self.lock().by_key.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn replay_any_mode_replays_whatever_the_body() {
        assert_eq!(
            IdempotencyMode::parse("replay-any"),
            Some(IdempotencyMode::ReplayAny)
        );
        assert_eq!(
            IdempotencyMode::parse(" Stripe "),
            Some(IdempotencyMode::Stripe)
        );
        assert_eq!(IdempotencyMode::parse("lenient"), None);
        for (mode, replays) in [
            (IdempotencyMode::Stripe, false),
            (IdempotencyMode::ReplayAny, true),
        ] {
            let store = IdempotencyStore::with_mode(mode);
            let Claimed::Execute(c) = store.claim("k", fp(r#"{"a":1}"#), || 0).await else {
                panic!("first use executes");
            };
            c.finish(Some(resp("first")), 0);
            match store.claim("k", fp(r#"{"a":2}"#), || 1).await {
                Claimed::Replay(r) => assert!(replays && r == resp("first"), "{mode:?}"),
                Claimed::Reused => assert!(!replays, "{mode:?}"),
                Claimed::Execute(_) => panic!("{mode:?}: a used key never executes again"),
            }
        }
    }

    #[test]
    fn a_server_error_is_not_stored_but_a_begun_order_is() {
        assert!(!is_replayable(&SandboxError::Internal("pricing".into())));
        assert!(!is_replayable(&SandboxError::IdempotencyKeyReused));
        assert!(is_replayable(&SandboxError::InsufficientBalance {
            required: 2,
            balance: 1
        }));
        assert!(is_replayable(&SandboxError::OutOfStock(vec![1])));
    }

    fn fp(body: &str) -> Fingerprint {
        Fingerprint::of("POST", "/api/commerce/orders/", body.as_bytes())
    }

    fn resp(s: &str) -> StoredResponse {
        StoredResponse {
            status: 201,
            body: Bytes::from(s.to_owned()),
        }
    }

    #[test]
    fn fingerprint_ignores_layout_but_not_values() {
        assert_eq!(fp(r#"{"a":1,"b":[1,2]}"#), fp(r#"{ "b": [1, 2], "a": 1 }"#));
        assert_ne!(fp(r#"{"a":1}"#), fp(r#"{"a":2}"#));
        assert_ne!(fp(r#"{"a":[1,2]}"#), fp(r#"{"a":[2,1]}"#));
        assert_ne!(fp(r#"{"a":"1"}"#), fp(r#"{"a":1}"#));
        assert_ne!(
            fp("{}"),
            Fingerprint::of("POST", "/api/data/", b"{}"),
            "another endpoint is another request"
        );
        assert_eq!(
            fp("{}"),
            Fingerprint::of("POST", "/api/commerce/orders", b"{}"),
            "the slash-less path twin is the same endpoint"
        );
        assert_ne!(fp("not json"), fp("not  json"));
    }

    #[test]
    fn validation_failures_are_not_stored_but_business_outcomes_are() {
        use amigo_types::envelope::ApiError;
        assert!(!is_replayable(&SandboxError::Invalid(ApiError::invalid(
            "invalid_customer_name",
            "customer.name",
            "required"
        ))));
        assert!(is_replayable(&SandboxError::InsufficientBalance {
            required: 2,
            balance: 1
        }));
        assert!(is_replayable(&SandboxError::OutOfStock(vec![1])));
        assert!(is_replayable(&SandboxError::Unserviceable {
            message: String::new(),
            warnings: vec![]
        }));
    }

    #[tokio::test]
    async fn stored_outcomes_replay_until_they_expire() {
        let s = IdempotencyStore::new();
        let Claimed::Execute(c) = s.claim("k", fp("{}"), || 1000).await else {
            panic!("first use executes")
        };
        c.finish(Some(resp("first")), 1000);
        match s.claim("k", fp("{}"), || 1000 + TTL_SECS - 1).await {
            Claimed::Replay(r) => assert_eq!(r, resp("first")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            s.claim("k", fp(r#"{"x":1}"#), || 1001).await,
            Claimed::Reused
        ));
        assert!(matches!(
            s.claim("k", fp(r#"{"x":1}"#), || 1000 + TTL_SECS).await,
            Claimed::Execute(_)
        ));
    }

    #[tokio::test]
    async fn released_and_abandoned_claims_free_the_key() {
        let s = IdempotencyStore::new();
        let Claimed::Execute(c) = s.claim("k", fp("{}"), || 0).await else {
            panic!()
        };
        c.finish(None, 0);
        assert!(s.is_empty());
        let Claimed::Execute(c) = s.claim("k", fp(r#"{"other":1}"#), || 0).await else {
            panic!("a released key takes any body")
        };
        drop(c);
        assert!(s.is_empty());
    }

    #[tokio::test]
    async fn waiters_get_the_owners_response() {
        let s = Arc::new(IdempotencyStore::new());
        let Claimed::Execute(c) = s.claim("k", fp("{}"), || 0).await else {
            panic!()
        };
        let waiters: Vec<_> = (0..8)
            .map(|_| {
                let s = Arc::clone(&s);
                tokio::spawn(async move {
                    match s.claim("k", fp("{}"), || 0).await {
                        Claimed::Replay(r) => r,
                        other => panic!("{other:?}"),
                    }
                })
            })
            .collect();
        tokio::task::yield_now().await;
        assert!(matches!(
            s.claim("k", fp("{\"x\":2}"), || 0).await,
            Claimed::Reused
        ));
        c.finish(Some(resp("once")), 0);
        for w in waiters {
            assert_eq!(w.await.unwrap(), resp("once"));
        }
    }

    #[tokio::test]
    async fn expired_records_are_swept() {
        let s = IdempotencyStore::new();
        for i in 0..10 {
            if let Claimed::Execute(c) = s.claim(&format!("k{i}"), fp("{}"), || 100).await {
                c.finish(Some(resp("r")), 100);
            }
        }
        assert_eq!(s.len(), 10);
        let _ = s.claim("fresh", fp("{}"), || 100 + TTL_SECS + 1).await;
        assert_eq!(
            s.len(),
            0,
            "the swept records and the dropped claim are gone"
        );
    }
}
