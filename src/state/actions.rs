//! What the store's links and buttons do, as a context of callbacks. The live store provides them
//! from its router and cart (`app.rs`); the proxy renders the browse view's components to HTML
//! with none provided, since nothing is clicked on a server (see [`crate::first_view`]). The
//! components that render both ways read this context instead of the browser-only router and
//! cart, so that one copy of their markup serves the wasm and the server.

use amigo_types::catalog::Product;
use leptos::prelude::*;

use super::route::Route;

/// The store's navigation and cart actions (in the store's [`super::scope::Scope`]).
#[derive(Debug, Clone, Copy)]
pub struct Actions {
    /// Goes to a route (a new history entry in hash routing).
    pub go: Callback<Route>,
    /// Replaces the current route (a filter being typed: no history entry per keystroke).
    pub replace: Callback<Route>,
    /// Adds one of a product to the cart.
    pub add: Callback<Product>,
}

impl Actions {
    /// The store's actions, or `None` where nothing can act (a server rendering HTML).
    pub fn from_context() -> Option<Self> {
        super::scope::Scope::get().and_then(|s| s.actions)
    }

    /// Goes to `route`, where a store is running.
    pub fn go_to(this: Option<Self>, route: Route) {
        if let Some(a) = this {
            a.go.run(route);
        }
    }

    /// Replaces the route with `route`, where a store is running.
    pub fn replace_with(this: Option<Self>, route: Route) {
        if let Some(a) = this {
            a.replace.run(route);
        }
    }
}
