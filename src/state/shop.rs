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
