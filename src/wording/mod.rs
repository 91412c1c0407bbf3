//! Every text a shopper reads, in one table ([`Text`], English by default), the built-in
//! languages (`data-lang="pcm"`: Nigerian Pidgin) and the merchant's overrides (`data-wording`),
//! and how catalog facts are worded: the one-decimal rating and the stock badge. Numbers and
//! Naira amounts are formatted the same in every language (`amigo_types::format_naira`).
//!
//! Components read the store's table with [`words`] (a context the mount provides) and pass it to
//! the plain code that words things (`checkout/`, `state/cart.rs`), so tests read English.

mod custom;
mod table;

#[cfg(not(target_arch = "wasm32"))]
pub use custom::pidgin;
pub use custom::{Lang, SLOT_SEPARATOR, Wording, fill};
#[cfg(not(target_arch = "wasm32"))]
pub use custom::{WordingError, loader_lines};
pub use table::{COUNT, ENGLISH, Key, Later, Text};

use amigo_types::catalog::Stock;

/// The built-in Nigerian Pidgin table (JSON, every [`Text`] name). The shipped widget does not
/// carry it: the build turns it into a small script module the loader fetches only for
/// `data-lang="pcm"` (`scripts/build-widget.sh`); natively it renders the proxy's first view.
#[cfg(not(target_arch = "wasm32"))]
pub const PIDGIN_JSON: &str = include_str!("pcm.json");

/// The store's table: the one in its scope (`state::scope`: the live store and the first view
/// provide it), or English where there is none (a component mounted alone in a browser test).
pub fn words() -> &'static Wording {
    crate::state::scope::Scope::get().map_or(&ENGLISH, |s| s.words)
}

/// Stock at or below this shows "Only N left".
pub const LOW_STOCK: u32 = 5;

/// A rating with one decimal (`4.6`), without pulling float formatting into the bundle.
pub fn rating_text(value: f32) -> String {
    let tenths = (value.clamp(0.0, 5.0) * 10.0).round() as u32;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// How much stock is left, in three levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockLevel {
    /// None left.
    Out,
    /// [`LOW_STOCK`] or fewer left.
    Low(u32),
    /// Plenty.
    In,
}

impl StockLevel {
    /// The level of a stock block.
    pub fn of(stock: Stock) -> Self {
        match stock.count {
            0 => StockLevel::Out,
            n if n <= LOW_STOCK => StockLevel::Low(n),
            _ => StockLevel::In,
        }
    }

    /// The badge text: "Out of stock", "Only 3 left", "In stock".
    pub fn label(self, w: &Wording) -> String {
        match self {
            StockLevel::Out => w.get(Text::out_of_stock).to_owned(),
            StockLevel::Low(n) => w.fill(Text::only_left, &[("n", &n.to_string())]),
            StockLevel::In => w.get(Text::in_stock).to_owned(),
        }
    }

    /// CSS class of the badge.
    pub fn class(self) -> &'static str {
        match self {
            StockLevel::Out => "badge out",
            StockLevel::Low(_) => "badge low",
            StockLevel::In => "badge in",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_have_one_decimal() {
        assert_eq!(rating_text(4.6), "4.6");
        assert_eq!(rating_text(4.0), "4.0");
        assert_eq!(rating_text(4.96), "5.0");
        assert_eq!(rating_text(-1.0), "0.0");
        assert_eq!(rating_text(f32::NAN), "0.0");
    }

    #[test]
    fn stock_badges() {
        let s = |count| Stock {
            in_stock: count > 0,
            count,
        };
        assert_eq!(StockLevel::of(s(0)).label(&ENGLISH), "Out of stock");
        assert_eq!(StockLevel::of(s(3)).label(&ENGLISH), "Only 3 left");
        assert_eq!(StockLevel::of(s(5)).label(&ENGLISH), "Only 5 left");
        assert_eq!(StockLevel::of(s(6)).label(&ENGLISH), "In stock");
        assert_eq!(StockLevel::of(s(6)).class(), "badge in");
    }
}
