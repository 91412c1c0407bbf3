//! The checkout's last step: the items (marked where stock changed), the totals, the notice
//! (with "Try again" where a retry can help), the payment settings' alert and the last button.

use amigo_types::format_naira;
use leptos::prelude::*;

use super::wiring::Wiring;
use crate::checkout::details::Step;
use crate::checkout::failure::Failure;
use crate::checkout::flow::{Checkout, Phase};
use crate::checkout::payment::{fine_print, place_label};
use crate::checkout::quote::price_label;
use crate::pages::checkout_pending::PaymentSettingsAlert;
use crate::wording::{Later, words};

/// Step 4; `busy` while the order is on its way, `fields_notice` the summary of the fields to
/// fix.
pub(super) fn review_step(
    w: Wiring,
    busy: Signal<bool>,
    fields_notice: Memo<Option<String>>,
    retry_payment: Callback<()>,
) -> impl IntoView {
    let Wiring {
        co,
        notice,
        sold_out,
        cart,
        payment,
        ..
    } = w;
    let t = words();
    let subtotal = Memo::new(move |_| cart.cart().with(|c| c.subtotal()));
    let fee = Memo::new(move |_| co.with(Checkout::delivery_fee));
    let method = Memo::new(move |_| payment.with(|p| p.method()));
    let button_label = move || {
        let total = fee.get().map(|f| subtotal.get() + f);
        place_label(
            t,
            method.get(),
            total,
            co.with(Checkout::phase) == Phase::Submitting,
        )
    };
    let retry_offer = move || co.with(|c| c.failure().is_some_and(Failure::offers_retry));
    let place_order = move || w.place_order();
    view! {
        <section class="co-step" aria-labelledby=Step::Review.heading_id()>
            <h3 id=Step::Review.heading_id() tabindex="-1">{t.get(Later::step_review)}</h3>
            <ul class="co-items" id="co-items" tabindex="-1" aria-label=t.get(Later::items)>
                {move || {
                    let marked = sold_out.get();
                    cart.cart()
                        .with(|c| c.lines().to_vec())
                        .into_iter()
                        .map(|l| {
                            let flagged = marked.contains(&l.product_id);
                            view! {
                                <li class="co-item" class:flagged=flagged>
                                    <span class="co-item-name">{l.name.clone()}</span>
                                    <span class="co-item-qty">{format!("× {}", l.quantity)}</span>
                                    <span class="co-item-total">{format_naira(l.line_total())}</span>
                                    {flagged.then(|| view! {
                                        <span class="co-item-flag">
                                            {t.fill(Later::stock_changed, &[("n", &l.stock.to_string())])}
                                        </span>
                                    })}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <dl class="co-totals">
                <div><dt>{t.get(Later::subtotal)}</dt><dd>{move || format_naira(subtotal.get())}</dd></div>
                <div>
                    <dt>{t.get(Later::delivery)}</dt>
                    <dd>{move || fee.get().map_or_else(|| "—".to_owned(), |f| price_label(t, f))}</dd>
                </div>
                <div class="co-total">
                    <dt>{t.get(Later::total)}</dt>
                    <dd>{move || match fee.get() {
                        Some(f) => format_naira(subtotal.get() + f),
                        None => "—".to_owned(),
                    }}</dd>
                </div>
            </dl>
            <p id="co-notice" class="co-notice" role="alert" tabindex="-1"
                hidden=move || {
                    notice.with(Option::is_none) && fields_notice.with(Option::is_none)
                }>
                {move || notice.get().or_else(|| fields_notice.get()).unwrap_or_default()}
                {move || retry_offer().then(|| view! {
                    " "
                    <button type="button" class="btn co-try-again" on:click=move |_| place_order()>
                        {t.get(Later::try_again)}
                    </button>
                })}
            </p>
            <PaymentSettingsAlert load=payment on_retry=retry_payment/>
            <button type="submit" class="btn primary wide co-place" id="co-place"
                prop:disabled=move || busy.get()
                aria-disabled=move || busy.get().then_some("true")>
                {button_label}
            </button>
            <p class="co-hint co-fineprint">{move || fine_print(t, method.get())}</p>
        </section>
    }
}
