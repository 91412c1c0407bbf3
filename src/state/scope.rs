//! The store's scope: what any component of one store reads without being handed it (its words,
//! where its events go, what its links and buttons do), as one context.
//!
//! One context type rather than one per idea: each type read with `use_context` is its own copy
//! of Leptos's lookup in the first-load module (about 550 bytes each), and every store needs all
//! three. The live store provides it (`app.rs`); the proxy's first view provides its words only
//! (nothing is clicked on a server, and no page listens there).

use leptos::prelude::*;

use super::actions::Actions;
use crate::wording::Wording;

/// What one store's components share besides its data.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    /// Every text the shopper reads (`data-lang` with `data-wording`).
    pub words: &'static Wording,
    /// The store's place among the page's event emitters (`events_dom`), if it has a host to
    /// dispatch on.
    pub events: Option<usize>,
    /// The store's navigation and cart actions, where a store is running.
    pub actions: Option<Actions>,
}

impl Scope {
    /// Provides this scope to the components created from here on.
    pub fn provide(self) {
        provide_context(self);
    }

    /// The scope in context, if any (none for a component mounted alone in a browser test).
    pub fn get() -> Option<Self> {
        use_context::<Self>()
    }
}
