//! Money as the platform sends it: integer Naira plus a pre-formatted display string.
//!
//! Amounts are whole Naira (`i64`, never floats) so totals add up exactly on every side.

use serde::{Deserialize, Serialize};

/// An amount of integer Naira with the platform's display string (`"₦14,500"`).
///
/// The display string is derived, never parsed: construct with [`Money::naira`].
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// Whole Naira.
    pub amount: i64,
    /// `₦` plus the amount with thousands separators, as the API formats it.
    pub display: String,
}

impl Money {
    /// Builds a money value and its display string from whole Naira.
    pub fn naira(amount: i64) -> Self {
        Self {
            amount,
            display: format_naira(amount),
        }
    }
}

/// Formats whole Naira the way the API does: `₦` then comma-grouped digits (`₦1,000,000`).
/// Negative amounts (refund arithmetic) carry a leading minus before the sign: `-₦500`.
pub fn format_naira(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 4);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    if amount < 0 {
        format!("-₦{grouped}")
    } else {
        format!("₦{grouped}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_like_the_api() {
        assert_eq!(format_naira(0), "₦0");
        assert_eq!(format_naira(999), "₦999");
        assert_eq!(format_naira(1000), "₦1,000");
        assert_eq!(format_naira(14500), "₦14,500");
        assert_eq!(format_naira(1_000_000), "₦1,000,000");
        assert_eq!(format_naira(-500), "-₦500");
        assert_eq!(Money::naira(29000).display, "₦29,000");
    }

    proptest! {
        #[test]
        fn display_round_trips_to_the_amount(n in 0i64..10_000_000_000) {
            let s = format_naira(n);
            let digits: String = s.chars().filter(char::is_ascii_digit).collect();
            prop_assert_eq!(digits.parse::<i64>().unwrap(), n);
            // groups of exactly three after the first
            let body = s.trim_start_matches('₦');
            for (i, g) in body.split(',').enumerate() {
                if i > 0 { prop_assert_eq!(g.len(), 3); } else { prop_assert!(!g.is_empty() && g.len() <= 3); }
            }
        }
    }
}
