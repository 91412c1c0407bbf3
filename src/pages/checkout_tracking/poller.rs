//! The checkout's polling: ask the proxy until the checkout is final, and settle this browser's
//! draft (checkout or top-up) when the checkout it made ended.

use amigo_types::checkout::CheckoutView;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::checkout::api::{CallError, CheckoutApi};
use crate::checkout::draft::settle_stored;
use crate::checkout::payment_feed::{Answer, PaymentFeed};
use crate::checkout::payment_status::check_view;
use crate::keyed::browser::storage;
use crate::pages::checkout::cart_items;
use crate::state::cart_store::CartStore;
use crate::topup::TopUp;

/// What the page does when a new view of the checkout is shown.
pub(super) type ShownNow = Box<dyn Fn(&CheckoutView)>;

pub(super) fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// Asks the proxy for the checkout, again and again until it is final (not while the tab is
/// hidden). One `Copy` value, so its timer can call it again without a closure that refers to
/// itself. Every value belongs to the page and an answer may land after it is gone: each read is
/// a `try_` (reading a disposed signal panics, and a panic traps the module).
#[derive(Clone, Copy)]
pub(super) struct Poller {
    pub(super) feed: RwSignal<PaymentFeed>,
    pub(super) timer: StoredValue<Option<TimeoutHandle>>,
    pub(super) api: StoredValue<CheckoutApi, LocalStorage>,
    /// The reference and phone asked for.
    pub(super) asked: StoredValue<(String, String)>,
    /// What the page does when a new view is shown.
    pub(super) shown_now: StoredValue<ShownNow, LocalStorage>,
}

impl Poller {
    pub(super) fn load(self) {
        // the timer that called this has fired: none is pending while a request is out
        self.timer.try_set_value(None);
        let (Some(api), Some((reference, phone))) =
            (self.api.try_get_value(), self.asked.try_get_value())
        else {
            return;
        };
        spawn_local(async move {
            let answer = match api.checkout(&reference, &phone).await {
                Ok(v) => check_view(&reference, v)
                    .map_or(Answer::Unreadable, |v| Answer::View(Box::new(v))),
                Err(CallError::Http { status: 404, .. }) => Answer::NotFound,
                Err(_) => Answer::Failed,
            };
            if self.feed.try_with_untracked(PaymentFeed::stopped) != Some(false) {
                return;
            }
            // an unchanged answer changes nothing (the buttons keep their focus)
            let Some((changed, view)) = self.feed.try_update_untracked(|f| {
                let before = f.clone();
                let view = f.answered(answer);
                (*f != before, view)
            }) else {
                return;
            };
            if changed {
                self.feed.notify();
            }
            if let Some(view) = view {
                self.shown_now.with_value(|f| f(&view));
            }
            if let Some(Some(h)) = self.timer.try_get_value() {
                h.clear();
            }
            let next = self
                .feed
                .try_update_untracked(|f| f.next_poll(page_hidden()));
            let handle = next
                .flatten()
                .and_then(|wait| set_timeout_with_handle(move || self.load(), wait).ok());
            self.timer.try_set_value(handle);
        });
    }
}

/// Settles this browser's checkout draft when the order checkout `reference` it made ended
/// (placed: the cart is emptied). `true` the first time this browser sees it end.
pub(super) fn settle_order(
    draft_key: &str,
    cart: CartStore,
    reference: &str,
    placed: bool,
) -> bool {
    let Some(s) = storage() else { return false };
    let raw = s.get_item(draft_key).ok().flatten();
    let Some(next) = settle_stored(raw.as_deref(), cart_items(cart), reference, placed) else {
        return false;
    };
    let _ = s.set_item(draft_key, &next);
    if placed {
        cart.clear();
    }
    true
}

/// Settles this browser's top-up draft when the data checkout `reference` it made ended.
pub(super) fn settle_topup(key: &str, reference: &str, placed: bool) -> bool {
    let Some(s) = storage() else { return false };
    let draft = s
        .get_item(key)
        .ok()
        .flatten()
        .and_then(|raw| TopUp::decode(&raw));
    if let Some(mut t) = draft
        && t.settle(reference, placed)
    {
        let _ = s.set_item(key, &t.encode());
        return true;
    }
    false
}
