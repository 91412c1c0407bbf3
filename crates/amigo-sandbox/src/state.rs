//! Shared state of one sandbox instance: read-only platform data (catalog, locations,
//! delivery schemes, curation lists), the per-merchant world, limiters and the clock.

use std::net::IpAddr;
use std::sync::Arc;

use amigo_types::token::ApiToken;

use crate::catalog::Catalog;
use crate::clock::Clock;
use crate::config::SandboxConfig;
use crate::curation::CurationLists;
use crate::data::DataPlans;
use crate::delivery::DeliverySchemes;
use crate::locations::Locations;
use crate::merchants::Merchants;
use crate::rate_limit::WindowLimiter;
use crate::webhooks::Dispatcher;

/// Cheap to clone: everything is behind `Arc`.
#[derive(Clone)]
pub struct AppState {
    /// How this instance was configured.
    pub config: Arc<SandboxConfig>,
    /// Now, with test skew.
    pub clock: Arc<Clock>,
    /// Products and categories (live stock is mutable inside).
    pub catalog: Arc<Catalog>,
    /// States and LGAs.
    pub locations: Arc<Locations>,
    /// Delivery schemes and their price groups.
    pub schemes: Arc<DeliverySchemes>,
    /// Curation lists.
    pub curation: Arc<CurationLists>,
    /// Data plans and their drifting efficiency scores.
    pub data_plans: Arc<DataPlans>,
    /// Per-token merchants: wallets, orders, idempotency records, webhook endpoints.
    pub merchants: Arc<Merchants>,
    /// Per-token request counts.
    pub token_limiter: Arc<WindowLimiter<ApiToken>>,
    /// Per-IP request counts on public endpoints.
    pub ip_limiter: Arc<WindowLimiter<IpAddr>>,
    /// Fault injection's decision stream (inert unless configured).
    pub faults: Arc<crate::fault::FaultInjector>,
}

impl AppState {
    /// Builds all seeded data for `config`.
    pub fn new(config: SandboxConfig) -> Self {
        let clock = Arc::new(Clock::default());
        let catalog = Arc::new(Catalog::generate(
            config.seed,
            config.catalog_size,
            &config.public_base_url,
        ));
        let locations = Arc::new(Locations::load());
        let schemes = Arc::new(DeliverySchemes::seed(&locations));
        let curation = Arc::new(CurationLists::seed(&catalog, clock.now()));
        let merchants = Arc::new(Merchants::new(
            config.live_balance,
            config.idempotency_mode,
            Dispatcher::new(config.webhook_timeout, config.webhook_time_scale),
        ));
        Self {
            data_plans: Arc::new(DataPlans::seed(config.seed)),
            token_limiter: Arc::new(WindowLimiter::new(config.rate_limit_per_minute)),
            ip_limiter: Arc::new(WindowLimiter::new(config.public_rate_limit_per_minute)),
            faults: Arc::new(crate::fault::FaultInjector::new(config.faults.clone())),
            config: Arc::new(config),
            clock,
            catalog,
            locations,
            schemes,
            curation,
            merchants,
        }
    }
}
