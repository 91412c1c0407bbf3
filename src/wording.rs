//! How catalog facts are worded for shoppers: the one-decimal rating and the stock badge.

use amigo_types::catalog::Stock;

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
    pub fn label(self) -> String {
        match self {
            StockLevel::Out => "Out of stock".to_owned(),
            StockLevel::Low(n) => format!("Only {n} left"),
            StockLevel::In => "In stock".to_owned(),
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
        assert_eq!(StockLevel::of(s(0)).label(), "Out of stock");
        assert_eq!(StockLevel::of(s(3)).label(), "Only 3 left");
        assert_eq!(StockLevel::of(s(5)).label(), "Only 5 left");
        assert_eq!(StockLevel::of(s(6)).label(), "In stock");
        assert_eq!(StockLevel::of(s(6)).class(), "badge in");
    }
}
