//! What the checkout, the tracking pages and "Buy data" share from the embed configuration: the
//! API client, the draft's storage key, the store's payment settings (asked once per store) and
//! the checkout's stylesheet.

use amigo_types::delivery::LineItem;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::checkout::api::CheckoutApi;
use crate::checkout::draft::draft_storage_key;
use crate::checkout::payment::PaymentLoad;
use crate::state::cart_store::CartStore;

/// The checkout's stylesheet, placed inside the shadow root with the page.
pub const CHECKOUT_STYLES: &str = include_str!("../../../style/checkout.css");

/// The `localStorage` key of this store's checkout draft, shared through context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftKey(pub String);

/// How this store takes payment, read once per store from the proxy and shared through context,
/// so a second visit to the checkout does not ask again.
#[derive(Debug, Clone, Copy)]
pub struct PaymentInfo(pub RwSignal<PaymentLoad>);

/// Provides what checkout and tracking need from the embed configuration: the API client (public
/// API and proxy), the draft's storage key and the payment settings (read by the checkout).
pub fn provide_checkout(api: &str, proxy: &str, merchant: &str) {
    provide_context(
        CheckoutApi::new(api, proxy)
            .with_route_memory(crate::checkout::quote_route::session_key(proxy, merchant)),
    );
    provide_context(DraftKey(draft_storage_key(proxy, merchant)));
    provide_context(PaymentInfo(RwSignal::new(PaymentLoad::Loading)));
}

/// Asks the proxy how this store takes payment (`GET /api/payment`) unless that is known.
pub(crate) fn load_payment(api: &CheckoutApi, payment: RwSignal<PaymentLoad>) {
    if payment.get_untracked().method().is_some() {
        return;
    }
    payment.set(PaymentLoad::Loading);
    let api = api.clone();
    spawn_local(async move {
        let answer = api.payment_settings().await.ok();
        payment.try_set(PaymentLoad::from_answer(answer));
    });
}

/// The embedding page's address, for the way back from Paystack.
pub(crate) fn page_href() -> Option<String> {
    web_sys::window()?.location().href().ok()
}

pub(crate) fn cart_items(cart: CartStore) -> Vec<LineItem> {
    cart.cart().with(|c| {
        c.lines()
            .iter()
            .map(|l| LineItem {
                product_id: l.product_id,
                quantity: l.quantity,
            })
            .collect()
    })
}
