//! The cart page: line items with steppers and remove, the integer-Naira subtotal, what
//! changed since the items were added (re-read on open), and the Checkout button.

use amigo_types::format_naira;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::link::StoreLink;
use crate::components::stepper::QuantityStepper;
use crate::state::cart::CartLine;
use crate::state::route::Route;
use crate::state::shop::Shop;
use crate::wording::{Later, words};

/// The cart.
#[component]
pub fn CartPage() -> impl IntoView {
    let shop = expect_context::<Shop>();
    let cart = shop.cart;
    let router = shop.router;
    let w = words();
    let changes = RwSignal::new(Vec::<String>::new());
    let checking = RwSignal::new(false);

    // re-read price and stock of every line when the cart opens
    let slugs: Vec<String> = cart
        .cart()
        .with_untracked(|c| c.lines().iter().map(|l| l.slug.clone()).collect());
    if !slugs.is_empty() {
        checking.set(true);
        let client = shop.client.clone();
        spawn_local(async move {
            let fresh = client.products_by_slug(slugs).await;
            let found = cart.refresh(&fresh);
            changes.set(found.iter().map(|c| c.describe(w)).collect());
            checking.set(false);
        });
    }

    let lines = move || cart.cart().with(|c| c.lines().to_vec());
    view! {
        <div class="page cart-page">
            <h2 class="title">{w.get(Later::your_cart)}</h2>
            <Show when=move || !changes.with(Vec::is_empty)>
                <div class="notice" role="status">
                    <p>{w.get(Later::cart_changed)}</p>
                    <ul>{move || changes.get().into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
                </div>
            </Show>
            <Show
                when=move || !cart.cart().with(|c| c.is_empty())
                fallback=move || view! {
                    <div class="state empty">
                        <p>{w.get(Later::cart_empty)}</p>
                        <StoreLink to=Route::default() class="btn">{w.get(Later::start_shopping)}</StoreLink>
                    </div>
                }
            >
                <ul class="lines">
                    <For each=lines key=|l| (l.product_id, l.quantity, l.unit_price, l.stock) let:line>
                        <CartLineRow line=line/>
                    </For>
                </ul>
                <div class="summary">
                    <p class="subtotal">
                        <span>{w.get(Later::subtotal)}</span>
                        <strong>{move || format_naira(cart.cart().with(|c| c.subtotal()))}</strong>
                    </p>
                    <p class="hint">{move || w.get(if checking.get() { Later::checking_prices } else { Later::delivery_at_checkout })}</p>
                    <button class="btn primary wide" disabled=move || checking.get()
                        on:click=move |_| router.go(Route::Checkout)>
                        {w.get(Later::checkout)}
                    </button>
                </div>
            </Show>
            <StoreLink to=Route::default() class="back">{w.get(Later::continue_shopping_back)}</StoreLink>
        </div>
    }
}

/// One line of the cart.
#[component]
fn CartLineRow(line: CartLine) -> impl IntoView {
    let cart = expect_context::<Shop>().cart;
    let id = line.product_id;
    let quantity = Signal::derive(move || cart.cart().with(|c| c.quantity_of(id)));
    let max = line.max_quantity();
    let w = words();
    let remove_label = w.fill(Later::remove_from_cart_label, &[("name", &line.name)]);
    let name = line.name.clone();
    let stepper_label = line.name.clone();
    view! {
        <li class="line">
            <span class="img-box thumb">
                {line.image.clone().map(|src| view! { <img src=src alt="" width="64" height="64" loading="lazy"/> })}
            </span>
            <div class="line-info">
                <StoreLink to=Route::Product(line.slug.clone()) class="line-name">{name}</StoreLink>
                <p class="unit">{w.fill(Later::each, &[("price", &format_naira(line.unit_price))])}</p>
            </div>
            <QuantityStepper value=quantity max=Signal::stored(max)
                on_change=Callback::new(move |n| cart.set_quantity(id, n)) label=stepper_label/>
            <p class="line-total">{move || format_naira(cart.cart().with(|c| c.line(id).map_or(0, CartLine::line_total)))}</p>
            <button class="btn link remove" aria-label=remove_label on:click=move |_| cart.remove(id)>{w.get(Later::remove)}</button>
        </li>
    }
}
