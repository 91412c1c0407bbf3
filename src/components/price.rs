//! Price (with the struck-through compare-at price on deals), rating and stock badge views.

use amigo_types::catalog::{Price, Rating, Stock};
use leptos::prelude::*;

use crate::wording::{StockLevel, Text, rating_text, words};

/// The price, and the compare-at price struck through when the item is discounted.
#[component]
pub fn PriceTag(
    /// The product's price block.
    price: Price,
) -> impl IntoView {
    let market = price.market.map(|m| {
        view! {
            <s class="was"><span class="sr-only">{words().get(Text::was_price)}" "</span>{m.display}</s>
            <span class="off">{format!("−{}%", m.discount_percent)}</span>
        }
    });
    view! {
        <p class="price">
            <span class="now">{price.display}</span>
            {market}
        </p>
    }
}

/// Star rating with its count, read out in words.
#[component]
pub fn RatingTag(
    /// The product's rating.
    rating: Rating,
) -> impl IntoView {
    let value = rating_text(rating.value);
    let words = words().fill(
        Text::rated,
        &[("value", &value), ("count", &rating.count.to_string())],
    );
    view! {
        <p class="rating">
            <span aria-hidden="true">{format!("★ {value} ({})", rating.count)}</span>
            <span class="sr-only">{words}</span>
        </p>
    }
}

/// The stock badge.
#[component]
pub fn StockBadge(
    /// The product's stock.
    stock: Stock,
) -> impl IntoView {
    let level = StockLevel::of(stock);
    view! { <p class=level.class()>{level.label(words())}</p> }
}
