//! The two screens "Buy data" shows instead of its form: the purchase's outcome, and a data
//! checkout that awaits payment.

use leptos::prelude::*;

use super::wiring::Wiring;
use crate::components::link::StoreLink;
use crate::pages::data_outcome::outcome_view;
use crate::state::route::Route;
use crate::topup::TopUp;
use crate::wording::{Later, words};

/// The purchase's outcome once placed, with "Buy more data".
pub(super) fn purchase_done(w: Wiring) -> impl IntoView {
    let t = w.t;
    let wd = words();
    let confirmation = move || {
        let p = t.with(|t| t.purchase().cloned())?;
        Some(view! {
            <div class="co-confirmation tu-done" tabindex="-1" node_ref=w.done_ref>
                {outcome_view(&p, None)}
                <dl class="co-totals tu-summary">
                    <div><dt>{wd.get(Later::paid)}</dt><dd>{p.amount.display.clone()}</dd></div>
                </dl>
                <button type="button" class="btn primary" on:click=move |_| {
                    t.update(TopUp::buy_another);
                    w.focus("topup-phone");
                }>{wd.get(Later::buy_more_data)}</button>
            </div>
        })
    };

    confirmation()
}

/// A data checkout made from this draft, unpaid or not yet seen ending: lead to its page.
pub(super) fn awaiting_payment(t: RwSignal<TopUp>) -> impl IntoView {
    let w = words();
    let paying = move || {
        let (reference, phone) = t.with(|t| t.pending().cloned())?.into_parts();
        Some(view! {
            <div class="co-confirmation co-pending tu-pending" role="region"
                aria-labelledby="tu-pending-title">
                <h3 id="tu-pending-title">{w.get(Later::data_awaits_payment)}</h3>
                <p class="co-reference">{w.get(Later::checkout_reference)} " " <strong>{reference.clone()}</strong></p>
                <p>
                    {w.get(Later::open_data_checkout)}
                </p>
                <p class="co-actions">
                    <StoreLink to=Route::Order { reference, phone } class="btn primary">
                        {w.get(Later::go_to_checkout)}
                    </StoreLink>
                    " "
                    <button type="button" class="btn" on:click=move |_| {
                        t.update(TopUp::abandon_checkout);
                    }>{w.get(Later::buy_again)}</button>
                </p>
                <p class="co-hint co-fineprint">
                    {w.get(Later::buy_again_hint)}
                </p>
            </div>
        })
    };
    paying()
}
