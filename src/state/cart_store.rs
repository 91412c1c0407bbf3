//! The reactive cart: the plain [`Cart`] in a signal, persisted to `localStorage` under a key per
//! merchant and proxy, with an announcement for the `aria-live` region after every change.

use leptos::prelude::*;

use super::cart::{Cart, CartError, CartOutcome, LineChange};
use crate::events::cart_events;
use crate::events_dom::Events;
use crate::wording::{Text, Wording};
use amigo_types::catalog::Product;

/// The cart shared through context.
#[derive(Debug, Clone, Copy)]
pub struct CartStore {
    cart: RwSignal<Cart>,
    key: StoredValue<String>,
    announcement: RwSignal<String>,
    events: Events,
    words: &'static Wording,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

impl CartStore {
    /// Loads the cart stored under `key`; missing or corrupt storage gives an empty cart. Its
    /// changes are told through `events` and announced in `words`.
    pub fn load(key: String, events: Events, words: &'static Wording) -> Self {
        let cart = storage()
            .and_then(|s| s.get_item(&key).ok().flatten())
            .map(|raw| Cart::from_storage(&raw))
            .unwrap_or_default();
        Self {
            cart: RwSignal::new(cart),
            key: StoredValue::new(key),
            announcement: RwSignal::new(String::new()),
            events,
            words,
        }
    }

    /// The cart, read reactively.
    pub fn cart(&self) -> ReadSignal<Cart> {
        self.cart.read_only()
    }

    /// The latest announcement ("Oraimo FreePods 3: 2 in cart").
    pub fn announcement(&self) -> ReadSignal<String> {
        self.announcement.read_only()
    }

    fn apply(
        &self,
        product: Option<&Product>,
        change: impl FnOnce(&mut Cart) -> Result<CartOutcome, CartError>,
    ) {
        let before = self.cart.get_untracked();
        let mut result = Err(CartError::NoSuchLine);
        self.cart.update(|cart| result = change(cart));
        self.tell(&before, product);
        match result {
            Ok(outcome) => {
                self.persist();
                self.announcement.set(outcome.announcement(self.words));
            }
            Err(e) => self.announcement.set(e.text(self.words)),
        }
    }

    /// Tells the merchant's page what changed since `before` (`amigo:add-to-cart`, …).
    fn tell(&self, before: &Cart, product: Option<&Product>) {
        let events = self.events;
        self.cart.with_untracked(|after| {
            for e in cart_events(before, after, product) {
                events.emit(&e);
            }
        });
    }

    fn persist(&self) {
        if let Some(s) = storage() {
            let raw = self.cart.with_untracked(Cart::to_storage);
            let _ = s.set_item(&self.key.get_value(), &raw);
        }
    }

    /// Adds units of a product (capped at the limits).
    pub fn add(&self, product: &Product, quantity: u32) {
        self.apply(Some(product), |c| c.add(product, quantity));
    }

    /// Sets a line's quantity (capped at the limits).
    pub fn set_quantity(&self, product_id: u64, quantity: u32) {
        self.apply(None, |c| c.set_quantity(product_id, quantity));
    }

    /// Removes a line.
    pub fn remove(&self, product_id: u64) {
        self.apply(None, |c| c.remove(product_id));
    }

    /// Empties the cart (once an order is confirmed) and persists it.
    pub fn clear(&self) {
        let had_lines = self.cart.with_untracked(|c| !c.is_empty());
        self.cart.update(Cart::clear);
        // an order emptied it: nothing was taken out, so only the cart's new state is told
        if had_lines {
            self.events
                .emit(&crate::events::StoreEvent::CartChange(Vec::new()));
        }
        self.persist();
        self.announcement
            .set(self.words.get(Text::cart_now_empty).to_owned());
    }

    /// Reconciles with fresh catalog reads, persists, and returns what changed.
    pub fn refresh(&self, fresh: &[(String, Option<Product>)]) -> Vec<LineChange> {
        let mut changes = Vec::new();
        let before = self.cart.get_untracked();
        self.cart.update(|c| changes = c.refresh(fresh));
        self.tell(&before, None);
        self.persist();
        if !changes.is_empty() {
            let list = changes
                .iter()
                .map(|c| c.describe(self.words))
                .collect::<Vec<_>>()
                .join("; ");
            self.announcement
                .set(self.words.fill(Text::cart_updated, &[("changes", &list)]));
        }
        changes
    }
}
