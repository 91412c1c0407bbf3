//! Caps on the orders' event streams (issue 23 item 6): each open stream holds a connection and
//! a task for as long as it lasts, so a client may hold only a few at once, all clients only so
//! many together, and no stream lives longer than its lifetime (the widget's `EventSource`
//! reconnects by itself, which also re-checks the caps).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::error::ProxyError;
use crate::limits::client_key;

/// The caps are a setting; they live with the others in [`crate::config`].
pub use crate::config::EventStreamCaps;

/// Seconds a refused client is told to wait: a stream ends at the latest after its lifetime,
/// usually much sooner.
const RETRY_AFTER_SECS: u64 = 30;

/// The streams open now, per client and in total.
#[derive(Debug)]
pub struct EventStreamSlots {
    caps: EventStreamCaps,
    v6_prefix: u8,
    open: Arc<Mutex<OpenStreams>>,
}

#[derive(Debug, Default)]
struct OpenStreams {
    total: usize,
    per_client: HashMap<IpAddr, usize>,
}

/// One open stream's place; given back when the stream ends (dropped).
#[derive(Debug)]
pub struct EventStreamSlot {
    client: IpAddr,
    open: Arc<Mutex<OpenStreams>>,
}

impl EventStreamSlots {
    /// No stream open yet.
    pub fn new(caps: EventStreamCaps, v6_prefix: u8) -> Self {
        Self {
            caps,
            v6_prefix,
            open: Arc::default(),
        }
    }

    /// How long a stream lasts.
    pub fn lifetime(&self) -> Duration {
        self.caps.lifetime
    }

    /// A place for one more stream from `ip`: `429 rate_limited` when this client holds its
    /// share, `503 busy` when the instance holds its total (both with `Retry-After`).
    pub fn acquire(&self, ip: IpAddr) -> Result<EventStreamSlot, ProxyError> {
        let client = client_key(ip, self.v6_prefix);
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.per_client.get(&client).copied().unwrap_or(0) >= self.caps.per_client {
            return Err(ProxyError::RateLimited {
                retry_after: RETRY_AFTER_SECS,
            });
        }
        if open.total >= self.caps.total {
            return Err(ProxyError::Busy {
                retry_after: RETRY_AFTER_SECS,
            });
        }
        open.total += 1;
        *open.per_client.entry(client).or_insert(0) += 1;
        Ok(EventStreamSlot {
            client,
            open: Arc::clone(&self.open),
        })
    }
}

impl Drop for EventStreamSlot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.total = open.total.saturating_sub(1);
        if let Some(n) = open.per_client.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                open.per_client.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_given_back_when_dropped() {
        let slots = EventStreamSlots::new(
            EventStreamCaps {
                per_client: 1,
                total: 2,
                lifetime: Duration::from_secs(1),
            },
            64,
        );
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let c: IpAddr = "10.0.0.3".parse().unwrap();
        let first = slots.acquire(a).unwrap();
        assert!(matches!(
            slots.acquire(a),
            Err(ProxyError::RateLimited { .. })
        ));
        let _second = slots.acquire(b).unwrap();
        assert!(matches!(slots.acquire(c), Err(ProxyError::Busy { .. })));
        drop(first);
        assert!(slots.acquire(a).is_ok());
    }
}
