//! What was bought and what it costs, as both tracking pages show it: a checkout's before its
//! order exists (`pages/checkout_tracking`) and an order's (`pages/order_tracking`). One view, so
//! the two pages cannot drift apart (they once did: one still said "Delivery" in English). The
//! order confirmation lists its lines with the same [`item_list`].

use amigo_types::Money;
use amigo_types::orders::OrderItem;
use leptos::prelude::*;

use crate::checkout::quote::price_label;
use crate::wording::{Later, Wording};

/// The lines: name, quantity and line total, named `label` for screen readers ("Items", or
/// "Items ordered" on the confirmation).
pub fn item_list(items: &[OrderItem], label: &'static str) -> impl IntoView + use<> {
    let rows = items
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
        .collect_view();
    view! { <ul class="co-items" aria-label=label>{rows}</ul> }
}

/// The items' total, the delivery fee ("Free" when nothing) and the total.
pub fn totals(
    subtotal: &Money,
    delivery_fee: &Money,
    total: &Money,
    w: &'static Wording,
) -> impl IntoView + use<> {
    view! {
        <dl class="co-totals">
            <div><dt>{w.get(Later::items)}</dt><dd>{subtotal.display.clone()}</dd></div>
            <div><dt>{w.get(Later::delivery)}</dt><dd>{price_label(w, delivery_fee.amount)}</dd></div>
            <div class="co-total"><dt>{w.get(Later::total)}</dt><dd>{total.display.clone()}</dd></div>
        </dl>
    }
}
