//! The two places the payment step shows inside the checkout page: the alert (with Retry) when
//! the store's payment settings could not be read, and the panel that replaces the form while a
//! checkout made from this draft awaits payment, so a reload or a second visit leads to that
//! checkout instead of making another.

use leptos::prelude::*;

use crate::checkout::payment::PaymentLoad;
use crate::components::link::StoreLink;
use crate::keyed::PendingCheckout;
use crate::state::route::Route;
use crate::wording::{Later, Text, words};

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
                    {words().get(Text::retry)}
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
    let w = words();
    view! {
        <div class="co-confirmation co-pending" role="region" aria-labelledby="co-pending-title">
            <h2 id="co-pending-title" class="title">{w.get(Later::order_awaits_payment)}</h2>
            <p class="co-reference">
                {w.get(Later::checkout_reference)}" " <strong>{reference}</strong>
            </p>
            <p>
                {w.get(Later::open_your_checkout)}
            </p>
            <p class="co-actions">
                <StoreLink to=track class="btn primary">{w.get(Later::go_to_checkout)}</StoreLink>
                " "
                <button type="button" class="btn" on:click=move |_| start_again.run(())>
                    {w.get(Later::check_out_again)}
                </button>
            </p>
            <p class="co-hint co-fineprint">
                {w.get(Later::check_out_again_hint)}
            </p>
        </div>
    }
}
