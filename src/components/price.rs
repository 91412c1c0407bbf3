//! Price (with the struck-through compare-at price on deals), rating and stock badge.

use amigo_types::catalog::{Price, Rating, Stock};
use leptos::prelude::*;

/// The price, and the compare-at price struck through when the item is discounted.
#[component]
pub fn PriceTag(
    /// The product's price block.
    price: Price,
) -> impl IntoView {
    let market = price.market.map(|m| {
        view! {
            <s class="was"><span class="sr-only">"Was "</span>{m.display}</s>
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
    let words = format!("Rated {value} out of 5 from {} ratings", rating.count);
    view! {
        <p class="rating">
            <span aria-hidden="true">{format!("★ {value} ({})", rating.count)}</span>
            <span class="sr-only">{words}</span>
        </p>
    }
}

/// A rating with one decimal (`4.6`), without pulling float formatting into the bundle.
pub fn rating_text(value: f32) -> String {
    let tenths = (value.clamp(0.0, 5.0) * 10.0).round() as u32;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// The stock badge text: "Out of stock", "Only 3 left" (five or fewer) or "In stock".
pub fn stock_label(stock: Stock) -> String {
    match stock.count {
        0 => "Out of stock".to_owned(),
        n @ 1..=5 => format!("Only {n} left"),
        _ => "In stock".to_owned(),
    }
}

/// The stock badge.
#[component]
pub fn StockBadge(
    /// The product's stock.
    stock: Stock,
) -> impl IntoView {
    let class = match stock.count {
        0 => "badge out",
        1..=5 => "badge low",
        _ => "badge in",
    };
    view! { <p class=class>{stock_label(stock)}</p> }
}
