//! Fault injection, a sandbox-only extension (off by default): a share of the requests to the
//! chosen route families answer `500 server_error`, answer only after a long delay, or lose their
//! TCP connection without any response. It exists so clients (the proxy's retries, circuit
//! breaker and idempotency) can be tested against the failures a real upstream has.
//!
//! A faulted *mutating* request (POST, PATCH, DELETE) is applied first in half of the cases and
//! the answer is lost afterwards: the order exists, the wallet is debited, but the client sees a
//! 5xx, a timeout or a reset. That is the case an `Idempotency-Key` must save. Decisions come
//! from one seeded ChaCha8 stream, so the same seed and the same sequence of requests fault the
//! same requests the same way.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What an injected fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// `500 server_error` in the envelope (`5xx`).
    ServerError,
    /// The answer comes after [`FaultConfig::slow_delay`], past a client's timeout (`slow`).
    Slow,
    /// The connection is closed without a response (`drop`).
    Drop,
}

impl FaultKind {
    /// Every kind, in flag order.
    pub const ALL: [FaultKind; 3] = [FaultKind::ServerError, FaultKind::Slow, FaultKind::Drop];

    fn parse(raw: &str) -> Option<Self> {
        match raw {
            "5xx" | "server_error" => Some(Self::ServerError),
            "slow" => Some(Self::Slow),
            "drop" | "reset" => Some(Self::Drop),
            _ => None,
        }
    }
}

/// A group of endpoints faults can be aimed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteFamily {
    /// Products, categories, curation lists and product images.
    Catalog,
    /// `orders/` (list, read and create).
    Orders,
    /// `webhooks/` endpoint management.
    Webhooks,
    /// `locations.php` and the delivery quote.
    Locations,
    /// The Data API: plans and purchases.
    Data,
}

impl RouteFamily {
    /// Every family.
    pub const ALL: [RouteFamily; 5] = [
        RouteFamily::Catalog,
        RouteFamily::Orders,
        RouteFamily::Webhooks,
        RouteFamily::Locations,
        RouteFamily::Data,
    ];

    /// The family a request path belongs to. The sandbox control endpoints (`…/sandbox/…`) have
    /// none: they are test hooks and are never faulted.
    pub fn of_path(path: &str) -> Option<Self> {
        if path.contains("/sandbox/") {
            return None;
        }
        let starts = |p: &str| path.starts_with(p);
        if starts("/api/commerce/orders") {
            Some(Self::Orders)
        } else if starts("/api/commerce/webhooks") {
            Some(Self::Webhooks)
        } else if starts("/api/commerce/products")
            || starts("/api/commerce/categories")
            || starts("/api/commerce/curation")
            || starts("/sandbox-assets/images/")
        {
            Some(Self::Catalog)
        } else if starts("/api/commerce/locations.php") || starts("/api/commerce/delivery/quote") {
            Some(Self::Locations)
        } else if starts("/api/data")
            || starts("/api/plans_catalog.php")
            || starts("/plans_catalog.php")
        {
            Some(Self::Data)
        } else {
            None
        }
    }

    /// One name of `--fault-routes`: a family, `commerce` (catalog, orders, webhooks and
    /// locations: everything under `/api/commerce/`) or `all`.
    fn parse_group(raw: &str) -> Option<&'static [RouteFamily]> {
        use RouteFamily as F;
        Some(match raw {
            "catalog" => &[F::Catalog],
            "orders" => &[F::Orders],
            "webhooks" => &[F::Webhooks],
            "locations" => &[F::Locations],
            "data" => &[F::Data],
            "commerce" => &[F::Catalog, F::Orders, F::Webhooks, F::Locations],
            "all" => &Self::ALL,
            _ => return None,
        })
    }
}

/// How faults are injected. [`Default`] injects none.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultConfig {
    /// Share of the requests to `routes` that fault, `0.0..=1.0`.
    pub rate: f64,
    /// The families faults hit.
    pub routes: Vec<RouteFamily>,
    /// The kinds drawn from, uniformly.
    pub kinds: Vec<FaultKind>,
    /// Seed of the decision stream.
    pub seed: u64,
    /// How long a `slow` answer waits (make it longer than the client's timeout).
    pub slow_delay: Duration,
}

impl Default for FaultConfig {
    fn default() -> Self {
        Self {
            rate: 0.0,
            routes: RouteFamily::ALL.to_vec(),
            kinds: FaultKind::ALL.to_vec(),
            seed: 0,
            slow_delay: Duration::from_secs(15),
        }
    }
}

impl FaultConfig {
    /// Whether any fault can happen.
    pub fn enabled(&self) -> bool {
        self.rate > 0.0 && !self.routes.is_empty() && !self.kinds.is_empty()
    }

    /// Reads `--fault-rate`: a number from 0 to 1.
    pub fn parse_rate(raw: &str) -> Result<f64, String> {
        raw.trim()
            .parse::<f64>()
            .ok()
            .filter(|r| (0.0..=1.0).contains(r))
            .ok_or_else(|| format!("expected a number from 0 to 1, got '{raw}'"))
    }

    /// Reads `--fault-routes`: comma-separated `catalog`, `orders`, `webhooks`, `locations`,
    /// `data`, `commerce` or `all`.
    pub fn parse_routes(raw: &str) -> Result<Vec<RouteFamily>, String> {
        let mut out: Vec<RouteFamily> = Vec::new();
        for part in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let group = RouteFamily::parse_group(&part.to_ascii_lowercase()).ok_or_else(|| {
                format!(
                    "unknown route family '{part}' (expected catalog, orders, webhooks, locations, data, commerce or all)"
                )
            })?;
            for f in group {
                if !out.contains(f) {
                    out.push(*f);
                }
            }
        }
        if out.is_empty() {
            return Err("name at least one route family".into());
        }
        Ok(out)
    }

    /// Reads `--fault-kinds`: comma-separated `5xx`, `slow`, `drop`.
    pub fn parse_kinds(raw: &str) -> Result<Vec<FaultKind>, String> {
        let mut out: Vec<FaultKind> = Vec::new();
        for part in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let kind = FaultKind::parse(&part.to_ascii_lowercase()).ok_or_else(|| {
                format!("unknown fault kind '{part}' (expected 5xx, slow or drop)")
            })?;
            if !out.contains(&kind) {
                out.push(kind);
            }
        }
        if out.is_empty() {
            return Err("name at least one fault kind".into());
        }
        Ok(out)
    }
}

/// One decision: what to do to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    /// The kind.
    pub kind: FaultKind,
    /// Whether the request is applied before the answer is lost (mutating requests only).
    pub applied: bool,
}

/// Counts of the faults injected so far, for tests and reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FaultStats {
    /// `500 server_error` answers.
    pub server_errors: u64,
    /// Slow answers.
    pub slow: u64,
    /// Dropped connections.
    pub drops: u64,
    /// Of those, mutating requests applied before their answer was lost.
    pub applied_then_faulted: u64,
}

/// The seeded decision stream and its counters.
#[derive(Debug)]
pub struct FaultInjector {
    config: FaultConfig,
    rng: Mutex<ChaCha8Rng>,
    server_errors: AtomicU64,
    slow: AtomicU64,
    drops: AtomicU64,
    applied: AtomicU64,
}

impl FaultInjector {
    /// An injector following `config`.
    pub fn new(config: FaultConfig) -> Self {
        Self {
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(config.seed)),
            config,
            server_errors: AtomicU64::new(0),
            slow: AtomicU64::new(0),
            drops: AtomicU64::new(0),
            applied: AtomicU64::new(0),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &FaultConfig {
        &self.config
    }

    /// Decides the fate of a `method` request to `path` (and counts it).
    pub fn decide(&self, method: &Method, path: &str) -> Option<Fault> {
        if !self.config.enabled() {
            return None;
        }
        let family = RouteFamily::of_path(path)?;
        if !self.config.routes.contains(&family) || *method == Method::OPTIONS {
            return None;
        }
        let mutating = !matches!(*method, Method::GET | Method::HEAD);
        let fault = {
            let mut rng = self
                .rng
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            // Three draws per request whatever the outcome, so one decision never shifts the
            // stream of the next.
            let hit = rng.random::<f64>() < self.config.rate;
            let kind = self.config.kinds[rng.random_range(0..self.config.kinds.len())];
            let applied = rng.random_bool(0.5);
            hit.then_some(Fault {
                kind,
                applied: mutating && applied,
            })
        }?;
        let counter = match fault.kind {
            FaultKind::ServerError => &self.server_errors,
            FaultKind::Slow => &self.slow,
            FaultKind::Drop => &self.drops,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        if fault.applied {
            self.applied.fetch_add(1, Ordering::Relaxed);
        }
        Some(fault)
    }

    /// What was injected so far.
    pub fn stats(&self) -> FaultStats {
        FaultStats {
            server_errors: self.server_errors.load(Ordering::Relaxed),
            slow: self.slow.load(Ordering::Relaxed),
            drops: self.drops.load(Ordering::Relaxed),
            applied_then_faulted: self.applied.load(Ordering::Relaxed),
        }
    }
}

/// Marks a response that must not be sent: [`crate::serve`] closes the connection instead.
#[derive(Debug, Clone, Copy)]
pub struct DropConnection;

/// A response standing for a dropped connection. [`crate::serve`] never writes it; a server
/// that does not know the marker (plain `axum::serve`) sends its head and then aborts the
/// connection, because the body fails at once.
pub fn dropped() -> Response {
    let body = Body::from_stream(futures::stream::once(async {
        Err::<bytes::Bytes, _>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "sandbox fault injection: connection dropped",
        ))
    }));
    let mut resp = Response::new(body);
    *resp.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    resp.extensions_mut().insert(DropConnection);
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse_and_refuse_garbage() {
        assert_eq!(FaultConfig::parse_rate("0.2"), Ok(0.2));
        assert!(FaultConfig::parse_rate("1.5").is_err());
        assert!(FaultConfig::parse_rate("-0.1").is_err());
        assert!(FaultConfig::parse_rate("NaN").is_err());
        assert!(FaultConfig::parse_rate("lots").is_err());
        assert_eq!(
            FaultConfig::parse_routes("orders, data,orders").unwrap(),
            vec![RouteFamily::Orders, RouteFamily::Data]
        );
        assert_eq!(FaultConfig::parse_routes("commerce").unwrap().len(), 4);
        assert_eq!(FaultConfig::parse_routes("all").unwrap().len(), 5);
        assert!(FaultConfig::parse_routes("payments").is_err());
        assert!(FaultConfig::parse_routes(" , ").is_err());
        assert_eq!(
            FaultConfig::parse_kinds("5xx,slow,drop").unwrap(),
            FaultKind::ALL.to_vec()
        );
        assert!(FaultConfig::parse_kinds("teapot").is_err());
        assert!(FaultConfig::parse_kinds("").is_err());
    }

    #[test]
    fn families_by_path() {
        use RouteFamily as F;
        let of = RouteFamily::of_path;
        assert_eq!(of("/api/commerce/orders/"), Some(F::Orders));
        assert_eq!(of("/api/commerce/orders/AMG-1"), Some(F::Orders));
        assert_eq!(of("/api/commerce/products/12"), Some(F::Catalog));
        assert_eq!(of("/api/commerce/locations.php"), Some(F::Locations));
        assert_eq!(of("/api/commerce/delivery/quote/"), Some(F::Locations));
        assert_eq!(of("/api/data/"), Some(F::Data));
        assert_eq!(of("/api/commerce/webhooks/"), Some(F::Webhooks));
        assert_eq!(of("/api/commerce/sandbox/orders/advance/"), None);
        assert_eq!(of("/api/data/sandbox/advance/"), None);
        assert_eq!(of("/nope"), None);
    }

    #[test]
    fn off_by_default_and_the_seed_fixes_the_stream() {
        let off = FaultInjector::new(FaultConfig::default());
        assert!((0..1000).all(|_| off.decide(&Method::POST, "/api/commerce/orders/").is_none()));

        let config = FaultConfig {
            rate: 0.2,
            routes: vec![RouteFamily::Orders],
            seed: 7,
            ..FaultConfig::default()
        };
        let run = |config: &FaultConfig| {
            let inj = FaultInjector::new(config.clone());
            let seq: Vec<_> = (0..2000)
                .map(|_| inj.decide(&Method::POST, "/api/commerce/orders/"))
                .collect();
            (seq, inj.stats())
        };
        let (a, stats) = run(&config);
        assert_eq!(a, run(&config).0);
        let hits = a.iter().flatten().count();
        assert!((300..=500).contains(&hits), "{hits} of 2000 at 20 %");
        assert!(stats.server_errors > 0 && stats.slow > 0 && stats.drops > 0);
        assert!(stats.applied_then_faulted > 0);
        assert!(stats.applied_then_faulted < hits as u64);
        let other = run(&FaultConfig {
            seed: 8,
            ..config.clone()
        })
        .0;
        assert_ne!(a, other);

        // other families and the control endpoints are never touched; reads never "apply"
        let inj = FaultInjector::new(FaultConfig {
            rate: 1.0,
            ..config
        });
        assert!(
            inj.decide(&Method::GET, "/api/commerce/products/")
                .is_none()
        );
        assert!(
            inj.decide(&Method::POST, "/api/commerce/sandbox/orders/advance/")
                .is_none()
        );
        assert!((0..100).all(|_| {
            !inj.decide(&Method::GET, "/api/commerce/orders/")
                .unwrap()
                .applied
        }));
    }
}
