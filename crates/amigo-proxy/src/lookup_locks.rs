//! Locks on one reference's phone-proof lookups after repeated wrong phones (issue 23 item 13).
//! The per-IP lookup limit alone let a guesser spread wrong phones over many addresses; counted
//! per reference, [`MAX_FAILURES`] wrong phones within the lock window lock that reference's
//! lookups (order tracking and data purchases) for the window, from every address.
//!
//! Kept in this process's memory, bounded ([`MAX_TRACKED`] references): a lookup of an unknown
//! reference counts the same as a wrong phone, so the answers never tell the two apart.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::ProxyError;

/// Wrong phones for one reference within the window that lock its lookups.
pub const MAX_FAILURES: u32 = 5;

/// Most references whose failures are remembered at once.
const MAX_TRACKED: usize = 100_000;

/// Default of [`crate::config::ProxyConfig::lookup_lock`]: how long a lock lasts (and how far
/// back failures count).
pub const DEFAULT_LOOKUP_LOCK: Duration = Duration::from_secs(10 * 60);

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    /// When the first counted failure happened; the count starts again a window later.
    since: Instant,
    locked_until: Option<Instant>,
}

/// The failures and locks of every reference looked up lately.
#[derive(Debug)]
pub struct LookupLocks {
    window: Duration,
    failures: Mutex<HashMap<String, Failures>>,
}

impl LookupLocks {
    /// No failures yet; locks last `window`.
    pub fn new(window: Duration) -> Self {
        Self {
            window,
            failures: Mutex::default(),
        }
    }

    /// `429 rate_limited` with `Retry-After` while `reference`'s lookups are locked.
    pub fn check(&self, reference: &str) -> Result<(), ProxyError> {
        let now = Instant::now();
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        match map.get(reference).and_then(|f| f.locked_until) {
            Some(until) if until > now => {
                let wait = until - now;
                Err(ProxyError::RateLimited {
                    retry_after: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
                })
            }
            _ => Ok(()),
        }
    }

    /// Counts a wrong (or missing) phone, or an unknown reference; the last allowed one locks.
    pub fn failed(&self, reference: &str) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_TRACKED && !map.contains_key(reference) {
            let window = self.window;
            map.retain(|_, f| {
                f.locked_until.is_some_and(|u| u > now) || now.duration_since(f.since) < window
            });
            if map.len() >= MAX_TRACKED {
                // still full of fresh entries: forget the unlocked ones
                map.retain(|_, f| f.locked_until.is_some_and(|u| u > now));
            }
        }
        let entry = map.entry(reference.to_owned()).or_insert(Failures {
            count: 0,
            since: now,
            locked_until: None,
        });
        let expired = entry.locked_until.is_some_and(|u| u <= now)
            || (entry.locked_until.is_none() && now.duration_since(entry.since) >= self.window);
        if expired {
            *entry = Failures {
                count: 0,
                since: now,
                locked_until: None,
            };
        }
        entry.count += 1;
        if entry.count >= MAX_FAILURES && entry.locked_until.is_none() {
            entry.locked_until = Some(now + self.window);
            tracing::warn!(
                reference,
                failures = entry.count,
                "locked a reference's lookups after repeated wrong phones"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_and_the_lock_expires() {
        let locks = LookupLocks::new(Duration::from_millis(50));
        for _ in 0..4 {
            locks.failed("R");
        }
        assert!(locks.check("R").is_ok());
        locks.failed("R");
        assert!(matches!(
            locks.check("R"),
            Err(ProxyError::RateLimited { retry_after: 1 })
        ));
        assert!(locks.check("other").is_ok());
        std::thread::sleep(Duration::from_millis(60));
        assert!(locks.check("R").is_ok());
        locks.failed("R");
        assert!(locks.check("R").is_ok(), "the count starts again");
    }
}
