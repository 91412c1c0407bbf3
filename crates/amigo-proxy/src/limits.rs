//! The proxy's own rate limits (GCRA via `governor`): orders per client IP, orders per
//! customer phone (keyed by its hash, never the number), order lookups per client IP, and data
//! purchases per client IP and per phone.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::config::{DataSales, RateQuotas};
use crate::error::ProxyError;

/// One keyed limiter that forgets idle keys now and then, so memory stays bounded.
struct Limiter<K: Hash + Eq + Clone> {
    inner: DefaultKeyedRateLimiter<K>,
    checks: AtomicU32,
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    fn per_minute(n: u32) -> Self {
        Self::with_quota(Quota::per_minute(
            NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN),
        ))
    }

    fn per_hour(n: u32) -> Self {
        Self::with_quota(Quota::per_hour(
            NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN),
        ))
    }

    fn with_quota(quota: Quota) -> Self {
        Self {
            inner: DefaultKeyedRateLimiter::keyed(quota),
            checks: AtomicU32::new(0),
        }
    }

    fn check(&self, key: &K) -> Result<(), ProxyError> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % 1024 == 1023 {
            self.inner.retain_recent();
        }
        self.inner.check_key(key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ProxyError::RateLimited {
                retry_after: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            }
        })
    }
}

/// All of the proxy's limits.
pub struct RateLimits {
    orders_per_ip: Limiter<IpAddr>,
    orders_per_phone: Limiter<String>,
    lookups_per_ip: Limiter<IpAddr>,
    data_per_ip: Limiter<IpAddr>,
    data_per_phone: Limiter<String>,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits").finish_non_exhaustive()
    }
}

impl RateLimits {
    /// Limits with the given per-minute quotas, and the data-sales ones.
    pub fn new(q: RateQuotas, data: &DataSales) -> Self {
        Self {
            orders_per_ip: Limiter::per_minute(q.orders_per_ip),
            orders_per_phone: Limiter::per_minute(q.orders_per_phone),
            lookups_per_ip: Limiter::per_minute(q.lookups_per_ip),
            data_per_ip: Limiter::per_minute(data.per_ip_per_minute),
            data_per_phone: Limiter::per_hour(data.per_phone_per_hour),
        }
    }

    /// Counts a new data purchase from `ip`.
    pub fn data_from_ip(&self, ip: IpAddr) -> Result<(), ProxyError> {
        self.data_per_ip.check(&ip)
    }

    /// Counts a new data purchase for the line with hash `phone_hash`.
    pub fn data_for_phone(&self, phone_hash: &str) -> Result<(), ProxyError> {
        self.data_per_phone.check(&phone_hash.to_owned())
    }

    /// Counts an order attempt from `ip`.
    pub fn order_from_ip(&self, ip: IpAddr) -> Result<(), ProxyError> {
        self.orders_per_ip.check(&ip)
    }

    /// Counts an order attempt for the phone with hash `phone_hash`.
    pub fn order_for_phone(&self, phone_hash: &str) -> Result<(), ProxyError> {
        self.orders_per_phone.check(&phone_hash.to_owned())
    }

    /// Counts an order lookup (or event subscription) from `ip`.
    pub fn lookup_from_ip(&self, ip: IpAddr) -> Result<(), ProxyError> {
        self.lookups_per_ip.check(&ip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_then_retry_after() {
        let limits = RateLimits::new(
            RateQuotas {
                orders_per_ip: 2,
                orders_per_phone: 1,
                lookups_per_ip: 1,
            },
            &DataSales::default(),
        );
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        assert!(limits.order_from_ip(ip).is_ok());
        assert!(limits.order_from_ip(ip).is_ok());
        match limits.order_from_ip(ip) {
            Err(ProxyError::RateLimited { retry_after }) => {
                assert!((1..=60).contains(&retry_after));
            }
            other => panic!("{other:?}"),
        }
        // other keys are unaffected
        assert!(limits.order_from_ip("10.0.0.2".parse().unwrap()).is_ok());
        assert!(limits.order_for_phone("a").is_ok());
        assert!(limits.order_for_phone("a").is_err());
        assert!(limits.order_for_phone("b").is_ok());
    }

    #[test]
    fn data_phone_quota_is_hourly() {
        let limits = RateLimits::new(
            RateQuotas::default(),
            &DataSales {
                per_phone_per_hour: 2,
                ..DataSales::default()
            },
        );
        assert!(limits.data_for_phone("p").is_ok());
        assert!(limits.data_for_phone("p").is_ok());
        match limits.data_for_phone("p") {
            // The next slot frees after an hour / 2 = 30 minutes.
            Err(ProxyError::RateLimited { retry_after }) => {
                assert!((60..=1800).contains(&retry_after), "{retry_after}");
            }
            other => panic!("{other:?}"),
        }
        assert!(limits.data_for_phone("q").is_ok());
    }
}
