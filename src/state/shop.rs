//! The context every component of one store shares. It lives apart from `app.rs` so that pages
//! depend on this module and not on the shell that routes between them: `app.rs` only wires pages
//! together, and a page can be built into a separately loaded part without pulling the shell in.

use leptos::prelude::*;

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

/// Whether the store's first view has settled: the category chips, every carousel and the
/// grid's first page are on screen, or failed to come. Two things wait for it: the hand-over
/// from the server-rendered first view to the live store (`mount.rs`: the live store replaces
/// it only once it shows the same things, so nothing on screen changes), and work that is not
/// needed for that view (the checkout module's download), so that on a slow link it does not
/// share the bandwidth with the first products.
#[derive(Debug, Clone, Copy)]
pub struct FirstView {
    /// Parts of the view that have not answered yet.
    pending: RwSignal<u32>,
    /// Settled whatever the parts say (the store opened on another page).
    settled: RwSignal<bool>,
}

/// One part of the first view (the chips, a carousel, the grid), counted until it answers.
#[derive(Debug, Clone, Copy)]
pub struct FirstPart(Option<(FirstView, StoredValue<bool>)>);

impl FirstView {
    /// A new, unsettled first view, provided to the store's components.
    pub fn provide() -> Self {
        let view = FirstView {
            pending: RwSignal::new(0),
            settled: RwSignal::new(false),
        };
        provide_context(view);
        view
    }

    /// Registers a part of the first view (called when the part's component is created, so
    /// every part is counted before any has answered). A part that is unmounted before it
    /// answers stops counting.
    pub fn part() -> FirstPart {
        let Some(view) = use_context::<FirstView>() else {
            return FirstPart(None);
        };
        view.pending.update(|n| *n += 1);
        let part = FirstPart(Some((view, StoredValue::new(false))));
        on_cleanup(move || part.done());
        part
    }

    /// Whether the first view has settled (tracked).
    pub fn shown(self) -> bool {
        self.settled.try_get().unwrap_or(true) || self.pending.try_get().unwrap_or(0) == 0
    }

    /// Settles the first view now (the store shows another page).
    pub fn settle_now(self) {
        self.settled.try_set(true);
    }
}

impl FirstPart {
    /// The part has answered (data on screen, or an error shown); later calls do nothing.
    pub fn done(self) {
        let Some((view, done)) = self.0 else { return };
        if done.try_get_value() == Some(false) {
            done.try_set_value(true);
            view.pending.try_update(|n| *n = n.saturating_sub(1));
        }
    }
}
