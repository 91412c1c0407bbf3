//! Amounts in kobo (the subunit Paystack's API speaks), as integers: never floats, so an amount
//! sent is exactly the amount verified, refunded and signed into a webhook.

use std::fmt;

/// An amount in the subunit of its currency (kobo for NGN). Always positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Kobo(u64);

/// Paystack's documented ceiling on one transaction: 10,000,000 in the main unit, for every
/// currency (the transaction errors page), so 1,000,000,000 kobo.
pub(crate) const MAX_AMOUNT: Kobo = Kobo(1_000_000_000);

impl Kobo {
    /// `value` kobo, if it is a chargeable amount: above zero and at most [`MAX_AMOUNT`].
    pub fn new(value: u64) -> Option<Self> {
        (value > 0 && value <= MAX_AMOUNT.0).then_some(Self(value))
    }

    /// The raw count of kobo.
    pub fn get(self) -> u64 {
        self.0
    }

    /// Paystack's local card fee on this amount: 1.5 % plus ₦100 (the ₦100 waived under
    /// ₦2,500), capped at ₦2,000, rounded half up to the kobo.
    pub fn local_fee(self) -> u64 {
        let percent = (self.0 * 15 + 500) / 1000;
        let flat = if self.0 >= 250_000 { 10_000 } else { 0 };
        (percent + flat).min(200_000)
    }
}

/// Shows the amount as the payment page does: `₦5,000.00`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Naira(pub Kobo);

impl fmt::Display for Naira {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let naira = self.0.0 / 100;
        let kobo = self.0.0 % 100;
        let digits = naira.to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "₦{grouped}.{kobo:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert_eq!(Kobo::new(0), None);
        assert_eq!(Kobo::new(1).map(Kobo::get), Some(1));
        assert!(Kobo::new(1_000_000_000).is_some());
        assert_eq!(Kobo::new(1_000_000_001), None);
    }

    #[test]
    fn naira_display() {
        assert_eq!(Naira(Kobo::new(500_000).unwrap()).to_string(), "₦5,000.00");
        assert_eq!(Naira(Kobo::new(5).unwrap()).to_string(), "₦0.05");
        assert_eq!(
            Naira(Kobo::new(123_456_789).unwrap()).to_string(),
            "₦1,234,567.89"
        );
        assert_eq!(Naira(Kobo::new(100_000).unwrap()).to_string(), "₦1,000.00");
    }

    #[test]
    fn fees() {
        // ₦1,000: 1.5 % only (under ₦2,500).
        assert_eq!(Kobo::new(100_000).unwrap().local_fee(), 1_500);
        // ₦5,000: 1.5 % + ₦100.
        assert_eq!(Kobo::new(500_000).unwrap().local_fee(), 17_500);
        // ₦1,000,000: capped at ₦2,000.
        assert_eq!(Kobo::new(100_000_000).unwrap().local_fee(), 200_000);
    }
}
