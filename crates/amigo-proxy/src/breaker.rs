//! A circuit breaker in front of the Amigo API, so that a dead upstream costs the shopper a fast
//! `503 upstream_unavailable` instead of a pile of timeouts (and spares a recovering upstream
//! the retry storm).
//!
//! Closed: calls go through; `threshold` failures in a row (transport errors, timeouts, 5xx)
//! open it. Open: calls are refused for `cooldown`. Then half-open: exactly one call (the
//! probe) goes through; its success closes the breaker, its failure opens it for another
//! cool-down. A probe abandoned without an outcome (its caller went away) frees the slot for
//! the next caller.
//!
//! Small and hand-written: `tower` has no breaker, and the crates that offer one bring a policy
//! framework larger than this state machine. Time is passed in, so it is tested without
//! sleeping.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen { probing: bool },
}

/// The breaker. Cheap to clone; clones share the state.
#[derive(Debug, Clone)]
pub struct CircuitBreaker {
    threshold: u32,
    cooldown: Duration,
    state: Arc<Mutex<State>>,
}

/// Leave to make one upstream call; report how it went with [`Permit::record`].
#[derive(Debug)]
#[must_use = "report the call's outcome with Permit::record"]
pub struct Permit {
    breaker: CircuitBreaker,
    probe: bool,
    done: bool,
}

/// The breaker is open: no call is made; try again after `retry_after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejected {
    /// Time left of the cool-down (at least one second when rounded for `Retry-After`).
    pub retry_after: Duration,
}

impl CircuitBreaker {
    /// Opens after `threshold` consecutive failures (at least 1), for `cooldown`.
    pub fn new(threshold: u32, cooldown: Duration) -> Self {
        Self {
            threshold: threshold.max(1),
            cooldown,
            state: Arc::new(Mutex::new(State::Closed { failures: 0 })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Asks to make a call now.
    pub fn acquire(&self) -> Result<Permit, Rejected> {
        self.acquire_at(Instant::now())
    }

    /// Asks to make a call at `now`.
    pub fn acquire_at(&self, now: Instant) -> Result<Permit, Rejected> {
        let mut state = self.lock();
        let probe = match *state {
            State::Closed { .. } => false,
            State::Open { until } if now < until => {
                return Err(Rejected {
                    retry_after: until - now,
                });
            }
            State::Open { .. } | State::HalfOpen { probing: false } => {
                *state = State::HalfOpen { probing: true };
                tracing::info!("circuit breaker half-open: probing the upstream");
                true
            }
            State::HalfOpen { probing: true } => {
                // The probe is out; its answer decides. Nobody else goes meanwhile.
                return Err(Rejected {
                    retry_after: Duration::from_secs(1),
                });
            }
        };
        Ok(Permit {
            breaker: self.clone(),
            probe,
            done: false,
        })
    }

    /// Whether calls are being refused at `now`.
    #[cfg(test)]
    fn is_open_at(&self, now: Instant) -> bool {
        match *self.lock() {
            State::Closed { .. } => false,
            State::Open { until } => now < until,
            State::HalfOpen { probing } => probing,
        }
    }

    fn finish(&self, probe: bool, ok: Option<bool>, now: Instant) {
        let mut state = self.lock();
        match (ok, *state) {
            // An abandoned probe frees the slot; an abandoned ordinary call says nothing.
            (None, State::HalfOpen { probing: true }) if probe => {
                *state = State::HalfOpen { probing: false };
            }
            (None, _) => {}
            (Some(true), _) => {
                if !matches!(*state, State::Closed { failures: 0 }) {
                    if !matches!(*state, State::Closed { .. }) {
                        tracing::info!("circuit breaker closed: the upstream answers again");
                    }
                    *state = State::Closed { failures: 0 };
                }
            }
            (Some(false), State::Closed { failures }) => {
                let failures = failures + 1;
                *state = if failures >= self.threshold {
                    tracing::warn!(
                        failures,
                        cooldown_ms = self.cooldown.as_millis() as u64,
                        "circuit breaker open: the upstream keeps failing"
                    );
                    State::Open {
                        until: now + self.cooldown,
                    }
                } else {
                    State::Closed { failures }
                };
            }
            (Some(false), State::HalfOpen { .. }) => {
                tracing::warn!("circuit breaker probe failed; open again");
                *state = State::Open {
                    until: now + self.cooldown,
                };
            }
            // A late failure of a call let through before the breaker opened changes nothing.
            (Some(false), State::Open { .. }) => {}
        }
    }
}

impl Permit {
    /// Reports the call's outcome: `ok` is false for a transport error, a timeout or a 5xx.
    pub fn record(self, ok: bool) {
        self.record_at(ok, Instant::now());
    }

    /// Reports the outcome at `now`.
    pub fn record_at(mut self, ok: bool, now: Instant) {
        self.done = true;
        self.breaker.finish(self.probe, Some(ok), now);
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if !self.done {
            self.breaker.finish(self.probe, None, Instant::now());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COOL: Duration = Duration::from_secs(10);

    fn fail(b: &CircuitBreaker, at: Instant) {
        b.acquire_at(at).unwrap().record_at(false, at);
    }

    #[test]
    fn opens_after_threshold_consecutive_failures_only() {
        let b = CircuitBreaker::new(3, COOL);
        let t = Instant::now();
        fail(&b, t);
        fail(&b, t);
        b.acquire_at(t).unwrap().record_at(true, t); // a success resets the count
        fail(&b, t);
        fail(&b, t);
        assert!(!b.is_open_at(t));
        fail(&b, t);
        assert!(b.is_open_at(t));
        let r = b.acquire_at(t + Duration::from_secs(4)).unwrap_err();
        assert_eq!(r.retry_after, Duration::from_secs(6));
    }

    #[test]
    fn half_open_lets_one_probe_through_and_its_outcome_decides() {
        let b = CircuitBreaker::new(1, COOL);
        let t = Instant::now();
        fail(&b, t);
        let later = t + COOL;
        let probe = b
            .acquire_at(later)
            .expect("the cool-down is over: one probe");
        assert!(b.acquire_at(later).is_err(), "only one probe at a time");
        probe.record_at(false, later);
        assert!(
            b.acquire_at(later + Duration::from_secs(9)).is_err(),
            "open again"
        );

        let again = later + COOL;
        let probe = b.acquire_at(again).unwrap();
        probe.record_at(true, again);
        assert!(!b.is_open_at(again));
        for _ in 0..5 {
            b.acquire_at(again).unwrap().record_at(true, again);
        }
    }

    #[test]
    fn an_abandoned_probe_frees_the_slot_and_ordinary_drops_count_nothing() {
        let b = CircuitBreaker::new(2, COOL);
        let t = Instant::now();
        fail(&b, t);
        drop(b.acquire_at(t).unwrap()); // abandoned: neither failure nor success
        fail(&b, t);
        assert!(
            b.is_open_at(t),
            "the abandoned call did not reset the count"
        );
        let probe = b.acquire_at(t + COOL).unwrap();
        drop(probe);
        assert!(b.acquire_at(t + COOL).is_ok(), "the next caller may probe");
    }
}
