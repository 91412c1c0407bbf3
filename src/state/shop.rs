//! The context every component of one store shares. It lives apart from `app.rs` so that pages
//! depend on this module and not on the shell that routes between them: `app.rs` only wires pages
//! together, and a page can be built into a separately loaded part without pulling the shell in.

use crate::api::ProxyClient;
use crate::state::cart_store::CartStore;
use crate::state::router::Router;

/// What every component of one store shares, through context.
#[derive(Debug, Clone)]
pub struct Shop {
    /// The proxy client.
    pub client: ProxyClient,
    /// The cart.
    pub cart: CartStore,
    /// The router.
    pub router: Router,
}

/// Whether the store's first view has settled: the browse grid's first page is on screen, or
/// failed to come. Work that is not needed for that view (the checkout module's download) waits
/// for it, so that on a slow link it does not share the bandwidth with the first products.
#[derive(Debug, Clone, Copy)]
pub struct FirstView(leptos::prelude::RwSignal<bool>);

impl FirstView {
    /// A new, unsettled first view, provided to the store's components.
    pub fn provide() -> Self {
        let view = FirstView(leptos::prelude::RwSignal::new(false));
        leptos::prelude::provide_context(view);
        view
    }

    /// Whether the first view has settled (tracked).
    pub fn shown(self) -> bool {
        use leptos::prelude::Get;
        self.0.try_get().unwrap_or(true)
    }

    /// Marks the first view settled (once the first products are set, or their request failed).
    pub fn settle_now(self) {
        use leptos::prelude::Set;
        self.0.try_set(true);
    }
}
