//! The confirmation shown once the order exists: reference, items, totals, delivery tier and
//! ETA, what happens next, and a tracking link that keeps working after a reload.

use amigo_types::delivery::DeliveryTier;
use amigo_types::orders::Order;
use leptos::prelude::*;

use crate::checkout::quote::{eta_label, price_label};
use crate::components::link::StoreLink;
use crate::state::route::Route;

/// The order confirmation.
#[component]
pub fn Confirmation(
    /// The confirmed order (the proxy's 201 body).
    order: Order,
    /// Takes focus when shown, so screen readers start here.
    node: NodeRef<leptos::html::Div>,
    /// "Continue shopping": a fresh checkout and back to the store.
    start_over: Callback<()>,
) -> impl IntoView {
    let Order {
        reference,
        subtotal,
        delivery_fee,
        total,
        customer,
        delivery,
        items,
        ..
    } = order;
    let tier = match delivery.tier {
        Some(DeliveryTier::Premium) => "Premium home delivery",
        _ => "Standard delivery",
    };
    let eta = match (delivery.eta_min_days, delivery.eta_max_days) {
        (Some(lo), Some(hi)) => format!(", arriving in {}", eta_label(lo, hi)),
        _ => String::new(),
    };
    let place = [delivery.city.clone(), delivery.state.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    let track = Route::Order {
        reference: reference.clone(),
        phone: customer.phone.clone(),
    };
    let phone = customer.phone.clone();
    view! {
        <div class="co-confirmation" node_ref=node tabindex="-1" role="region"
            aria-labelledby="co-confirmed-title">
            <h2 id="co-confirmed-title" class="title">"Thank you — your order is placed"</h2>
            <p class="co-reference">
                "Order reference: " <strong>{reference.clone()}</strong>
            </p>
            <ul class="co-items" aria-label="Items ordered">
                {items
                    .iter()
                    .map(|i| {
                        view! {
                            <li class="co-item">
                                <span class="co-item-name">{i.name.clone()}</span>
                                <span class="co-item-qty">{format!("× {}", i.quantity)}</span>
                                <span class="co-item-total">{i.line_total.display.clone()}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <dl class="co-totals">
                <div><dt>"Subtotal"</dt><dd>{subtotal.display}</dd></div>
                <div><dt>"Delivery"</dt><dd>{price_label(delivery_fee.amount)}</dd></div>
                <div class="co-total"><dt>"Total paid"</dt><dd>{total.display}</dd></div>
            </dl>
            <p class="co-delivery">{format!("{tier} to {place}{eta}.")}</p>
            <h3>"What happens next"</h3>
            <ol class="co-next">
                <li>"The store accepts your order and prepares your items."</li>
                <li>{format!("The rider calls or texts {phone} when your order ships.")}</li>
                <li>"Follow every step on the tracking page — it updates by itself."</li>
            </ol>
            <p class="co-actions">
                <StoreLink to=track class="btn primary">"Track your order"</StoreLink>
                " "
                <button type="button" class="btn" on:click=move |_| start_over.run(())>
                    "Continue shopping"
                </button>
            </p>
        </div>
    }
}
