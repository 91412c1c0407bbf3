//! A product in a grid or carousel: image, name, price, rating, stock and "Add to cart".

use amigo_types::catalog::Product;
use leptos::prelude::*;

use crate::components::link::StoreLink;
use crate::components::price::{PriceTag, RatingTag, StockBadge};
use crate::state::actions::Actions;
use crate::state::route::Route;

/// One product card. All catalog text is rendered as text. The server renders it too (the first
/// view), so the "Add to cart" button names its product (`data-product`): a click made before
/// the wasm runs is recorded by the loader and replayed through the store's API.
#[component]
pub fn ProductCard(
    /// The product.
    product: Product,
) -> impl IntoView {
    let actions = Actions::from_context();
    let out_of_stock = product.stock.count == 0;
    let image = product.images.first().map(|i| i.url.clone());
    let name = product.name.clone();
    let alt = product.name.clone();
    let id = product.id.to_string();
    let sr_name = product.name.clone();
    let to = Route::Product(product.slug.clone());
    let price = product.price.clone();
    let rating = product.rating;
    let stock = product.stock;
    let add = move |_| {
        if let Some(a) = actions {
            a.add.run(product.clone());
        }
    };
    view! {
        <article class="card">
            <StoreLink to=to class="card-link">
                <span class="img-box">
                    {image.map(|src| view! {
                        <img src=src alt=alt.clone() loading="lazy" decoding="async" width="240" height="240"/>
                    })}
                </span>
                <h3 class="card-name">{name}</h3>
            </StoreLink>
            <PriceTag price=price/>
            <RatingTag rating=rating/>
            <StockBadge stock=stock/>
            // the accessible name starts with the visible text and names the product
            <button class="btn add" data-product=id disabled=out_of_stock on:click=add>
                {crate::wording::words().get(if out_of_stock { crate::wording::Text::out_of_stock } else { crate::wording::Text::add_to_cart })}
                <span class="sr-only">{format!(": {sr_name}")}</span>
            </button>
        </article>
    }
}
