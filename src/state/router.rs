//! The current route in a signal, mirrored to the URL hash when routing is `hash` (back and
//! forward work; hashes that are not the widget's are ignored) and kept in memory when `none`.

use leptos::prelude::*;

use super::route::Route;
use crate::config::Routing;

/// Route state shared through context.
#[derive(Debug, Clone, Copy)]
pub struct Router {
    route: RwSignal<Route>,
    hash: bool,
}

fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

impl Router {
    /// Starts routing: in `hash` mode reads the current hash and follows `hashchange` until the
    /// owning component is cleaned up.
    pub fn start(routing: Routing) -> Self {
        let hash = routing == Routing::Hash;
        let initial = if hash {
            Route::parse_hash(&location_hash()).unwrap_or_default()
        } else {
            Route::default()
        };
        let route = RwSignal::new(initial);
        if hash {
            let handle = window_event_listener(leptos::ev::hashchange, move |_| {
                if let Some(next) = Route::parse_hash(&location_hash())
                    && route.get_untracked() != next
                {
                    route.set(next);
                }
            });
            on_cleanup(move || handle.remove());
        }
        Self { route, hash }
    }

    /// The current route, read reactively.
    pub fn route(&self) -> ReadSignal<Route> {
        self.route.read_only()
    }

    /// Goes to `next`, adding a history entry in hash mode.
    pub fn go(&self, next: Route) {
        if self.hash
            && let Some(w) = web_sys::window()
        {
            let _ = w.location().set_hash(&next.to_hash());
        }
        self.route.set(next);
    }

    /// Replaces the current route without a new history entry (typing in search).
    pub fn replace(&self, next: Route) {
        if self.hash
            && let Some(w) = web_sys::window()
            && let Ok(history) = w.history()
        {
            let _ = history.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&next.to_hash()),
            );
        }
        self.route.set(next);
    }
}
