//! The two places the payment step shows inside the checkout page: the alert (with Retry) when
//! the store's payment settings could not be read, and the panel that replaces the form while a
//! checkout made from this draft awaits payment, so a reload or a second visit leads to that
//! checkout instead of making another.

use leptos::prelude::*;

use crate::checkout::payment::PaymentLoad;
use crate::components::link::StoreLink;
use crate::keyed::PendingCheckout;
use crate::state::route::Route;

/// "We couldn't check how this store takes payment" with Retry, shown only while the settings
/// failed to load (the last button refuses until they are known).
#[component]
pub fn PaymentSettingsAlert(
    /// Where reading the settings stands.
    load: RwSignal<PaymentLoad>,
    /// Asks again.
    on_retry: Callback<()>,
) -> impl IntoView {
    let failed = move || load.get() == PaymentLoad::Failed;
    view! {
        <div class="co-notice co-payment-alert" role="alert" hidden=move || !failed()>
            {move || failed().then(|| view! {
                {PaymentLoad::Failed.blocked_message(crate::wording::words()).unwrap_or_default()}
                " "
                <button type="button" class="btn co-payment-retry" on:click=move |_| on_retry.run(())>
                    "Retry"
                </button>
            })}
        </div>
    }
}

/// The checkout this draft made, awaiting payment: a link to its page (pay, bank details,
/// progress) and a way to check out again.
#[component]
pub fn PendingCheckoutPanel(
    /// The checkout's reference and phone.
    pending: PendingCheckout,
    /// Leaves it unpaid and shows the form again.
    start_again: Callback<()>,
) -> impl IntoView {
    let (reference, phone) = pending.into_parts();
    let track = Route::Order {
        reference: reference.clone(),
        phone,
    };
    view! {
        <div class="co-confirmation co-pending" role="region" aria-labelledby="co-pending-title">
            <h2 id="co-pending-title" class="title">"Your order awaits payment"</h2>
            <p class="co-reference">
                "Checkout reference: " <strong>{reference}</strong>
            </p>
            <p>
                "Open your checkout to pay, see the store's bank details or follow your order. \
                 If you have already paid, it shows there within a minute."
            </p>
            <p class="co-actions">
                <StoreLink to=track class="btn primary">"Go to your checkout"</StoreLink>
                " "
                <button type="button" class="btn" on:click=move |_| start_again.run(())>
                    "Check out again"
                </button>
            </p>
            <p class="co-hint co-fineprint">
                "Check out again only if you have not paid: an unpaid checkout expires by itself."
            </p>
        </div>
    }
}
