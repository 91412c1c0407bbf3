//! The proxy's own rate limits (GCRA via `governor`): orders per client IP, orders per
//! customer phone (keyed by its hash, never the number), order lookups per client IP, uncached
//! catalog reads per client IP, and data purchases per client IP and per phone.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};

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

/// The key a per-client limit counts `ip` under: an IPv4 address as it is, an IPv6 address cut
/// to its first `v6_prefix` bits. One IPv6 subscriber is routinely given a whole /64 (or more),
/// so keyed by full address every one of its 2⁶⁴ addresses would have its own quota.
pub(crate) fn client_key(ip: IpAddr, v6_prefix: u8) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => {
            let bits = u32::from(v6_prefix.min(128));
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask))
        }
    }
}

/// All of the proxy's limits.
pub struct RateLimits {
    orders_per_ip: Limiter<IpAddr>,
    orders_per_phone: Limiter<String>,
    lookups_per_ip: Limiter<IpAddr>,
    catalog_per_ip: Limiter<IpAddr>,
    data_per_ip: Limiter<IpAddr>,
    data_per_phone: Limiter<String>,
    signin: SigninLimits,
    refusal_log: DefaultDirectRateLimiter,
    unrecorded: AtomicU64,
    /// IPv6 clients are counted by this many leading bits (see [`client_key`]).
    v6_prefix: u8,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits").finish_non_exhaustive()
    }
}

/// How long a client that gave a wrong console password counts as guessing.
const SIGNIN_FAILURE_MEMORY: Duration = Duration::from_secs(15 * 60);
/// Most guessing clients remembered; beyond it the oldest are forgotten.
const SIGNIN_FAILURES_KEPT: usize = 65_536;

/// The console's sign-in limits. Every attempt costs an argon2 hash, so attempts are limited
/// per client (5 at once, then one every 2 minutes) and, for clients that have already given a
/// wrong password lately, 30 a minute in all. A client with no recent failure is not held to
/// that shared budget: guessers on many addresses spend it, and the merchant signing in from
/// their own address still gets through.
struct SigninLimits {
    per_client: Limiter<IpAddr>,
    guessers: DefaultDirectRateLimiter,
    failed: Mutex<HashMap<IpAddr, Instant>>,
}

impl SigninLimits {
    fn new() -> Self {
        Self {
            per_client: Limiter::with_quota(
                Quota::with_period(Duration::from_secs(120))
                    .unwrap_or_else(|| unreachable!("a non-zero period"))
                    .allow_burst(NonZeroU32::new(5).unwrap_or(NonZeroU32::MIN)),
            ),
            guessers: RateLimiter::direct(Quota::per_minute(
                NonZeroU32::new(30).unwrap_or(NonZeroU32::MIN),
            )),
            failed: Mutex::new(HashMap::new()),
        }
    }

    fn failed_lately(&self, key: IpAddr) -> bool {
        let failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
        failed
            .get(&key)
            .is_some_and(|at| at.elapsed() < SIGNIN_FAILURE_MEMORY)
    }

    fn check(&self, key: IpAddr) -> Result<(), ProxyError> {
        self.per_client.check(&key)?;
        if !self.failed_lately(key) {
            return Ok(());
        }
        self.guessers.check().map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ProxyError::RateLimited {
                retry_after: wait.as_secs() + 1,
            }
        })
    }

    fn failed(&self, key: IpAddr) {
        let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
        if failed.len() >= SIGNIN_FAILURES_KEPT && !failed.contains_key(&key) {
            failed.retain(|_, at| at.elapsed() < SIGNIN_FAILURE_MEMORY);
            if failed.len() >= SIGNIN_FAILURES_KEPT {
                let mut by_age: Vec<(Instant, IpAddr)> =
                    failed.iter().map(|(ip, at)| (*at, *ip)).collect();
                by_age.sort_unstable();
                for (_, ip) in by_age.into_iter().take(SIGNIN_FAILURES_KEPT / 4) {
                    failed.remove(&ip);
                }
            }
        }
        failed.insert(key, Instant::now());
    }

    fn succeeded(&self, key: IpAddr) {
        self.failed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&key);
    }
}

impl RateLimits {
    /// Limits with the given per-minute quotas and the data-sales ones, counting IPv6 clients
    /// by their first `v6_prefix` bits.
    pub fn new(q: RateQuotas, data: &DataSales, v6_prefix: u8) -> Self {
        Self {
            orders_per_ip: Limiter::per_minute(q.orders_per_ip),
            orders_per_phone: Limiter::per_minute(q.orders_per_phone),
            lookups_per_ip: Limiter::per_minute(q.lookups_per_ip),
            catalog_per_ip: Limiter::per_minute(q.catalog_per_ip),
            data_per_ip: Limiter::per_minute(data.per_ip_per_minute),
            data_per_phone: Limiter::per_hour(data.per_phone_per_hour),
            signin: SigninLimits::new(),
            refusal_log: RateLimiter::direct(Quota::per_minute(
                NonZeroU32::new(120).unwrap_or(NonZeroU32::MIN),
            )),
            unrecorded: AtomicU64::new(0),
            v6_prefix,
        }
    }

    /// The key `ip` is counted under.
    fn key(&self, ip: IpAddr) -> IpAddr {
        client_key(ip, self.v6_prefix)
    }

    /// Counts a console sign-in attempt from `ip` (see [`SigninLimits`]).
    pub fn admin_signin(&self, ip: IpAddr) -> Result<(), ProxyError> {
        self.signin.check(self.key(ip))
    }

    /// Records that `ip` gave a wrong console password: its next attempts share the guessers'
    /// budget.
    pub fn admin_signin_failed(&self, ip: IpAddr) {
        self.signin.failed(self.key(ip));
    }

    /// Records that `ip` signed in: it no longer counts as guessing.
    pub fn admin_signed_in(&self, ip: IpAddr) {
        self.signin.succeeded(self.key(ip));
    }

    /// Whether a refusal may be itemised in the console's log (at most 120 a minute, so a flood
    /// of refused requests cannot turn into a flood of database writes); the rest are counted.
    pub fn may_log_refusal(&self) -> bool {
        let ok = self.refusal_log.check().is_ok();
        if !ok {
            self.unrecorded.fetch_add(1, Ordering::Relaxed);
        }
        ok
    }

    /// Refusals counted but not itemised since the start.
    pub fn unrecorded_refusals(&self) -> u64 {
        self.unrecorded.load(Ordering::Relaxed)
    }

    /// Counts a new data purchase from `ip`.
    pub fn data_from_ip(&self, ip: IpAddr) -> Result<(), ProxyError> {
        self.data_per_ip.check(&self.key(ip))
    }

    /// Counts a new data purchase for the line with hash `phone_hash`.
    pub fn data_for_phone(&self, phone_hash: &str) -> Result<(), ProxyError> {
        self.data_per_phone.check(&phone_hash.to_owned())
    }

    /// Counts an order attempt from `ip`.
    pub fn order_from_ip(&self, ip: IpAddr) -> Result<(), ProxyError> {
        self.orders_per_ip.check(&self.key(ip))
    }

    /// Counts an order attempt for the phone with hash `phone_hash`.
    pub fn order_for_phone(&self, phone_hash: &str) -> Result<(), ProxyError> {
        self.orders_per_phone.check(&phone_hash.to_owned())
    }

    /// Counts a catalog read from `ip` that the cache cannot answer: it would spend the
    /// merchant's Amigo rate limit, which orders and data purchases share.
    pub fn catalog_from_ip(&self, ip: IpAddr) -> Result<(), ProxyError> {
        self.catalog_per_ip.check(&self.key(ip))
    }

    /// Counts an order lookup (or event subscription) from `ip`.
    pub fn lookup_from_ip(&self, ip: IpAddr) -> Result<(), ProxyError> {
        self.lookups_per_ip.check(&self.key(ip))
    }
}

/// A per-phone limit: in the database on PostgreSQL, so it holds across every instance;
/// `local` (this process's limiter) on SQLite, the single-instance backend.
pub(crate) async fn per_phone(
    store: &crate::store::Store,
    key: &str,
    quota: u32,
    period: std::time::Duration,
    local: impl FnOnce() -> Result<(), ProxyError>,
) -> Result<(), ProxyError> {
    if store.backend() != crate::store::Backend::Postgres {
        return local();
    }
    match store.shared_limit(key, quota, period).await? {
        None => Ok(()),
        Some(retry_after) => Err(ProxyError::RateLimited { retry_after }),
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
                catalog_per_ip: 1,
            },
            &DataSales::default(),
            64,
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
    fn console_sign_in_allows_five_then_waits() {
        let limits = RateLimits::new(RateQuotas::default(), &DataSales::default(), 64);
        let ip: IpAddr = "10.0.0.9".parse().unwrap();
        for _ in 0..5 {
            assert!(limits.admin_signin(ip).is_ok());
        }
        match limits.admin_signin(ip) {
            Err(ProxyError::RateLimited { retry_after }) => {
                assert!((60..=120).contains(&retry_after), "{retry_after}");
            }
            other => panic!("{other:?}"),
        }
        assert!(limits.admin_signin("10.0.0.10".parse().unwrap()).is_ok());
    }

    #[test]
    fn ipv6_clients_are_counted_by_prefix() {
        let a: IpAddr = "2001:db8:1:2:aaaa:bbbb:cccc:dddd".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_key(a, 64), client_key(b, 64));
        assert_ne!(client_key(a, 64), client_key(other, 64));
        assert_eq!(client_key(a, 48), client_key(other, 48));
        assert_ne!(client_key(a, 128), client_key(b, 128));
        assert_eq!(client_key(a, 128), a);
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(client_key(v4, 64), v4);
        assert_eq!(client_key("::ffff:192.0.2.7".parse().unwrap(), 64), v4);
    }

    #[test]
    fn only_guessing_clients_share_the_console_budget() {
        let limits = RateLimits::new(RateQuotas::default(), &DataSales::default(), 64);
        // 60 guessers, five wrong guesses each: the shared budget runs out
        let mut refused = 0;
        for n in 0..60u32 {
            let ip = IpAddr::from([10, 1, (n / 250) as u8, (n % 250) as u8]);
            for _ in 0..5 {
                match limits.admin_signin(ip) {
                    Ok(()) => limits.admin_signin_failed(ip),
                    Err(_) => refused += 1,
                }
            }
        }
        assert!(refused > 0);
        // a client with no failure is not held to it
        let merchant: IpAddr = "10.9.9.9".parse().unwrap();
        assert!(limits.admin_signin(merchant).is_ok());
        limits.admin_signed_in(merchant);
        assert!(limits.admin_signin(merchant).is_ok());
    }

    #[test]
    fn data_phone_quota_is_hourly() {
        let limits = RateLimits::new(
            RateQuotas::default(),
            &DataSales {
                per_phone_per_hour: 2,
                ..DataSales::default()
            },
            64,
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
