//! What every handler shares: configuration, the Amigo client, the catalog cache, the
//! database, the rate limits, the widget assets and the order-update channel behind SSE.

use std::collections::HashSet;
use std::sync::Arc;

use amigo_types::tracking::OrderTracking;
use tokio::sync::{broadcast, watch};

use crate::assets::WidgetAssets;
use crate::cache::CatalogCache;
use crate::config::{ProxyConfig, UnpaidOrders};
use crate::error::ProxyError;
use crate::limits::RateLimits;
use crate::ready::{ReadyAnswers, ReadyLimits};
use crate::store::Store;
use crate::upstream::AmigoClient;

/// Shared state. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: ProxyConfig,
    unpaid_orders: UnpaidOrders,
    origins: HashSet<String>,
    amigo: AmigoClient,
    plan_catalog: Arc<crate::plan_catalog::PlanCatalogSource>,
    outcome_lookup: crate::outcome_lookup::OutcomeLookup,
    paystack: Option<crate::checkout::paystack::Paystack>,
    cache: CatalogCache,
    first_views: crate::first_view::FirstViews,
    ready: ReadyAnswers,
    store: Store,
    limits: RateLimits,
    lookup_locks: crate::lookup_locks::LookupLocks,
    event_streams: crate::event_streams::EventStreamSlots,
    assets: WidgetAssets,
    updates: broadcast::Sender<Arc<OrderTracking>>,
    stopping: watch::Sender<bool>,
}

impl AppState {
    /// Opens the database (running migrations) and builds the state for `config`.
    pub async fn build(config: ProxyConfig) -> Result<Self, ProxyError> {
        let store = Store::connect(config.database_url.as_str()).await?;
        Self::with_store(config, store)
    }

    /// Builds the state over an already opened store.
    pub fn with_store(config: ProxyConfig, store: Store) -> Result<Self, ProxyError> {
        let store = store.with_price_rule(config.price_rule);
        let amigo = AmigoClient::new(
            &config.api_base,
            config.api_key.clone(),
            config.upstream_timeout,
        )?
        .with_resilience(config.resilience);
        // canonical, as the origin guard and the ready-made answers compare them
        let origins: HashSet<String> = config
            .allowed_origins
            .iter()
            .chain(std::iter::once(&config.public_url))
            .map(|o| crate::config::canonical_origin(o).unwrap_or_else(|| o.clone()))
            .collect();
        let paystack = config
            .checkout
            .paystack
            .as_ref()
            .map(|settings| {
                crate::checkout::paystack::Paystack::new(settings, config.upstream_timeout)
            })
            .transpose()
            .map_err(ProxyError::Internal)?;
        let ready = ReadyAnswers::new(origins.iter().cloned(), ReadyLimits::default());
        let (updates, _) = broadcast::channel(256);
        let (stopping, _) = watch::channel(false);
        let token = amigo_types::token::ApiToken::parse(secrecy::ExposeSecret::expose_secret(
            &config.api_key,
        ))
        .map(|t| t.mode());
        let unpaid_orders = config.payment.unpaid_orders(token);
        match (&unpaid_orders, config.payment.mode) {
            (UnpaidOrders::Off { reason }, crate::config::PaymentMode::None) => {
                // Once per start: the catalog still works, every order is refused.
                tracing::warn!("orders are off: {reason}");
            }
            (_, crate::config::PaymentMode::None) => {}
            (_, mode) => tracing::info!(
                payment = mode.as_str(),
                "shoppers pay first: orders are placed from paid checkouts"
            ),
        }
        tokio::spawn(publish_views(
            store.subscribe_changes(),
            store.clone(),
            updates.clone(),
        ));
        let state = Self {
            inner: Arc::new(Inner {
                limits: RateLimits::new(config.rates, &config.data, config.ipv6_client_prefix),
                lookup_locks: crate::lookup_locks::LookupLocks::new(config.lookup_lock),
                event_streams: crate::event_streams::EventStreamSlots::new(
                    config.event_streams,
                    config.ipv6_client_prefix,
                ),
                assets: WidgetAssets::new(config.widget_dir.clone()),
                origins,
                plan_catalog: Arc::new(crate::plan_catalog::PlanCatalogSource::new(
                    &config.api_base,
                    config.plans_url.as_deref(),
                )),
                outcome_lookup: crate::outcome_lookup::OutcomeLookup::default(),
                amigo,
                paystack,
                cache: CatalogCache::default(),
                first_views: crate::first_view::FirstViews::default(),
                ready,
                unpaid_orders,
                store,
                updates,
                stopping,
                config,
            }),
        };
        tokio::spawn(crate::store::retention::run_pruner(
            state.store().clone(),
            state.config().retention,
            state.stopping(),
        ));
        Ok(state)
    }

    /// Where the data-plan catalog lives (probed, remembered) and its reader.
    pub fn plan_catalog(&self) -> &Arc<crate::plan_catalog::PlanCatalogSource> {
        &self.inner.plan_catalog
    }

    /// Whether the platform answers data purchase outcomes (probed, remembered).
    pub fn outcome_lookup(&self) -> &crate::outcome_lookup::OutcomeLookup {
        &self.inner.outcome_lookup
    }

    pub fn config(&self) -> &ProxyConfig {
        &self.inner.config
    }

    /// Whether orders may be placed unpaid, and under which daily budget: decided at start
    /// from the payment settings and the token's mode.
    pub fn unpaid_orders(&self) -> &UnpaidOrders {
        &self.inner.unpaid_orders
    }

    /// Whether a browser `Origin`, in canonical form ([`crate::config::canonical_origin`]), may
    /// call the API (the allow-list plus the proxy's own origin).
    pub fn origin_allowed(&self, origin: &str) -> bool {
        self.inner.origins.contains(origin)
    }

    /// Every allowed origin.
    pub fn allowed_origins(&self) -> impl Iterator<Item = &str> {
        self.inner.origins.iter().map(String::as_str)
    }

    pub fn amigo(&self) -> &AmigoClient {
        &self.inner.amigo
    }

    /// The Paystack client, with `AMIGO_PAYMENT=paystack`.
    pub(crate) fn paystack(&self) -> Option<&crate::checkout::paystack::Paystack> {
        self.inner.paystack.as_ref()
    }

    pub fn cache(&self) -> &CatalogCache {
        &self.inner.cache
    }

    /// The first views rendered from the catalog cache (see [`crate::first_view`]).
    pub(crate) fn first_views(&self) -> &crate::first_view::FirstViews {
        &self.inner.first_views
    }

    /// What the first view reads with: this state's cache, Amigo client, limits and prices.
    pub(crate) fn first_view_reads(&self) -> crate::first_view::Reads<'_> {
        crate::first_view::Reads {
            cache: &self.inner.cache,
            amigo: &self.inner.amigo,
            limits: &self.inner.limits,
            rule: self.inner.config.price_rule,
        }
    }

    /// The ready-made answers kept for fresh cached reads (see [`crate::ready`]).
    pub fn ready_answers(&self) -> &ReadyAnswers {
        &self.inner.ready
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn limits(&self) -> &RateLimits {
        &self.inner.limits
    }

    /// Locks on references after repeated wrong phones.
    pub fn lookup_locks(&self) -> &crate::lookup_locks::LookupLocks {
        &self.inner.lookup_locks
    }

    /// The open order event streams, against their caps.
    pub fn event_streams(&self) -> &crate::event_streams::EventStreamSlots {
        &self.inner.event_streams
    }

    pub fn assets(&self) -> &WidgetAssets {
        &self.inner.assets
    }

    /// Tells long-lived responses (event streams) to end: the server is shutting down.
    pub fn begin_shutdown(&self) {
        self.inner.stopping.send_replace(true);
    }

    /// Resolves once [`AppState::begin_shutdown`] has been called.
    pub fn stopping(&self) -> impl std::future::Future<Output = ()> + Send + use<> {
        let mut rx = self.inner.stopping.subscribe();
        async move {
            let _ = rx.wait_for(|stopping| *stopping).await;
        }
    }

    /// Subscribes to order changes.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<OrderTracking>> {
        self.inner.updates.subscribe()
    }
}

/// Turns the order feed's references ([`Store::subscribe_changes`], the same on both
/// databases) into fresh views for this instance's event streams.
async fn publish_views(
    mut changes: broadcast::Receiver<String>,
    store: Store,
    updates: broadcast::Sender<Arc<OrderTracking>>,
) {
    loop {
        let reference = match changes.recv().await {
            Ok(reference) => reference,
            // Streams that miss an update catch up at the next one; nothing to replay here.
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return,
        };
        // No stream open on this instance: nobody to read the order for (a read per order
        // was a database round trip on every order's way).
        if updates.receiver_count() == 0 {
            continue;
        }
        match store.tracking(&reference).await {
            Ok(Some((_, view))) => {
                // A stream that closed since is fine.
                let _ = updates.send(Arc::new(view));
            }
            Ok(None) => {}
            // shutting down: the pool closed under the last changes
            Err(_) if store.pool().is_closed() => return,
            Err(e) => tracing::warn!(error = %e, "could not read a changed order"),
        }
    }
}
