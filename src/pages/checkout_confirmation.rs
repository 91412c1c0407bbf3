//! The confirmation shown once the order exists: reference, items, totals, delivery tier and
//! ETA, what happens next, and a tracking link that keeps working after a reload.

use amigo_types::delivery::DeliveryTier;
use amigo_types::orders::Order;
use leptos::prelude::*;

use crate::checkout::quote::{eta_label, price_label};
use crate::components::link::StoreLink;
use crate::components::purchase_lines::item_list;
use crate::state::route::Route;
use crate::wording::{Later, words};

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
    let w = words();
    let tier = w.get(match delivery.tier {
        Some(DeliveryTier::Premium) => Later::premium_delivery,
        _ => Later::standard_delivery,
    });
    let eta = match (delivery.eta_min_days, delivery.eta_max_days) {
        (Some(lo), Some(hi)) => w.fill(Later::arriving_in, &[("eta", &eta_label(w, lo, hi))]),
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
            <h2 id="co-confirmed-title" class="title">{w.get(Later::order_placed_title)}</h2>
            <p class="co-reference">
                {w.get(Later::order_reference)}" " <strong>{reference.clone()}</strong>
            </p>
            {item_list(&items, w.get(Later::items_ordered))}
            <dl class="co-totals">
                <div><dt>{w.get(Later::subtotal)}</dt><dd>{subtotal.display}</dd></div>
                <div><dt>{w.get(Later::delivery)}</dt><dd>{price_label(w, delivery_fee.amount)}</dd></div>
                <div class="co-total"><dt>{w.get(Later::total_paid)}</dt><dd>{total.display}</dd></div>
            </dl>
            <p class="co-delivery">{format!("{}{eta}.", w.fill(Later::delivery_to, &[("tier", tier), ("place", &place)]))}</p>
            <h3>{w.get(Later::what_next)}</h3>
            <ol class="co-next">
                <li>{w.get(Later::next_store_accepts)}</li>
                <li>{w.fill(Later::next_rider_calls, &[("phone", &phone)])}</li>
                <li>{w.get(Later::next_follow)}</li>
            </ol>
            <p class="co-actions">
                <StoreLink to=track class="btn primary">{w.get(Later::track_order)}</StoreLink>
                " "
                <button type="button" class="btn" on:click=move |_| start_over.run(())>
                    {w.get(Later::continue_shopping)}
                </button>
            </p>
        </div>
    }
}
