//! The browser's part of a keyed submit: minting a key from the platform's random source, and the
//! `localStorage` the drafts (with their keys) are kept in.

use amigo_types::idempotency::IdempotencyKey;

/// This page's `localStorage`, when the browser allows it.
pub(crate) fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// A fresh idempotency key: `amg-w-` and 128 random bits in hex.
pub(crate) fn new_key() -> IdempotencyKey {
    let mut bytes = [0u8; 16];
    if let Some(c) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = c.get_random_values_with_u8_array(&mut bytes);
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    IdempotencyKey::parse(&format!("amg-w-{hex}")).unwrap_or_else(|_| unreachable!())
}

/// Where a checkout that was just made sends the shopper (the order's and "Buy data"'s alike):
/// Paystack's page, in this tab, when the answer is a Paystack checkout for exactly the total
/// the button showed; else the checkout's own tracking page, which shows what it charges.
#[cfg(feature = "checkout")]
pub(crate) fn leave_for_payment(
    router: &crate::state::router::Router,
    pending: super::PendingCheckout,
    made: Option<amigo_types::checkout::CheckoutView>,
    shown_total: Option<i64>,
) {
    let pay_url = made.and_then(|view| {
        crate::checkout::payment_status::paystack_redirect(pending.reference(), view, shown_total)
    });
    match pay_url.zip(web_sys::window()) {
        // Paystack sends the shopper back to the tracking page
        Some((url, window)) => {
            let _ = window.location().assign(&url);
        }
        None => {
            let (reference, phone) = pending.into_parts();
            router.go(crate::state::route::Route::Order { reference, phone });
        }
    }
}
