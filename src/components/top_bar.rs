//! The store's top bar (home, "Buy data" when the store sells data, the cart with its count) and
//! the `aria-live` line that announces cart changes. The server renders it in the first view
//! with an empty cart; the live store shows the shopper's count in the same place.

use leptos::prelude::*;

use crate::components::link::StoreLink;
use crate::state::route::Route;
use crate::wording::{Text, words};

/// The top bar and the status line below it.
#[component]
pub fn TopBar(
    /// Whether the store sells data (the "Buy data" link).
    sells_data: bool,
    /// Units in the cart.
    #[prop(into)]
    count: Signal<u32>,
    /// The cart page is showing (`aria-current`).
    #[prop(into)]
    on_cart: Signal<bool>,
    /// "Buy data" is showing (`aria-current`).
    #[prop(into)]
    on_data: Signal<bool>,
    /// What the status line says (the last cart change).
    #[prop(into)]
    announcement: Signal<String>,
) -> impl IntoView {
    let w = words();
    view! {
        <header class="bar">
            <StoreLink to=Route::default() class="brand">{w.get(Text::shop)}</StoreLink>
            // the accessible name is the visible text ("Cart 2 items"), so it stays current and
            // matches what is shown (axe: label-content-name-mismatch)
            {sells_data.then(|| view! {
                <StoreLink to=Route::Data class="data-link" current=on_data>{w.get(Text::buy_data)}</StoreLink>
            })}
            <StoreLink to=Route::Cart class="cart-link" current=on_cart>
                <span>{w.get(Text::cart_link)}" "</span>
                <span class="cart-count">{move || count.get().to_string()}</span>
                <span class="sr-only">" "{w.get(Text::cart_link_items)}</span>
            </StoreLink>
        </header>
        <p class="toast" role="status" aria-live="polite">{move || announcement.get()}</p>
    }
}
