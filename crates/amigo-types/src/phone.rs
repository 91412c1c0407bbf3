//! Nigerian mobile numbers: normalisation to national format and the network hint.
//!
//! Checkout accepts `0803…`, `+234 803…` and `234803…` with spaces or dashes and stores
//! `0XXXXXXXXXX`. The network comes from the first-issued prefix (longest prefix wins); since
//! numbers are portable it is a hint, never a rule.

use std::fmt;

use crate::envelope::ApiError;

/// The prefix table, embedded from the project's copy of `ng-mobile-prefixes.csv`.
const PREFIXES_CSV: &str = include_str!("../data/ng-mobile-prefixes.csv");

/// A Nigerian mobile number in national format: `0` then ten digits, second digit 7, 8 or 9.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NgMobile(String);

impl NgMobile {
    /// Parses what a shopper types. Spaces, dashes, dots and parentheses are ignored; `+234`,
    /// `234` and `0` forms are accepted.
    pub fn parse(input: &str) -> Result<Self, ApiError> {
        let err = |msg: &str| {
            ApiError::invalid("invalid_customer_phone", "customer.phone", msg.to_owned())
        };
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(err("Enter a phone number."));
        }
        let mut digits = String::with_capacity(14);
        for (i, c) in trimmed.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => {}
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => {
                    return Err(err(
                        "A phone number can only contain digits, spaces, dashes and a leading +.",
                    ));
                }
            }
        }
        let national = if let Some(rest) = digits.strip_prefix("234") {
            let rest = rest.strip_prefix('0').unwrap_or(rest);
            format!("0{rest}")
        } else if digits.starts_with('0') {
            digits
        } else if digits.len() == 10 {
            format!("0{digits}")
        } else {
            digits
        };
        if national.len() != 11 || !national.starts_with('0') {
            return Err(err(
                "Enter an 11-digit mobile number such as 0803 123 4567.",
            ));
        }
        if !matches!(national.as_bytes()[1], b'7' | b'8' | b'9') {
            return Err(err(
                "That is not a Nigerian mobile number (they start 070, 080, 081, 090 or 091).",
            ));
        }
        Ok(Self(national))
    }

    /// `0XXXXXXXXXX`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `+234XXXXXXXXXX`.
    pub fn international(&self) -> String {
        format!("+234{}", &self.0[1..])
    }

    /// The network the number's prefix was first issued to, if known (longest prefix wins).
    pub fn network(&self) -> Option<&'static str> {
        network_for(&self.0)
    }
}

impl fmt::Debug for NgMobile {
    /// Phones are personal data: debug output shows only the prefix.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NgMobile({}…)", &self.0[..4])
    }
}

/// The network for a national-format number (or a partial one as it is typed), if a listed
/// prefix matches. Longest prefix wins, so `07025…` is MTN.
pub fn network_for(national: &str) -> Option<&'static str> {
    PREFIXES_CSV
        .lines()
        .skip(1)
        .filter_map(|l| l.trim().split_once(','))
        .filter(|(prefix, _)| national.starts_with(prefix))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, network)| network)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_every_accepted_form() {
        for input in [
            "08031234567",
            "+234 803 123 4567",
            "234-803-123-4567",
            "2340803 1234567",
            "(0803) 123-4567",
            "8031234567",
        ] {
            assert_eq!(
                NgMobile::parse(input).unwrap().as_str(),
                "08031234567",
                "{input}"
            );
        }
        assert_eq!(
            NgMobile::parse("08031234567").unwrap().international(),
            "+2348031234567"
        );
    }

    #[test]
    fn rejects_what_is_not_a_mobile() {
        for bad in [
            "",
            "0803123456",
            "080312345678",
            "01234567890",
            "0803abc4567",
            "+44 7700 900123",
            "080+31234567",
        ] {
            assert!(NgMobile::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn longest_prefix_wins() {
        assert_eq!(network_for("07025123456"), Some("MTN"));
        assert_eq!(network_for("0803"), Some("MTN"));
        assert_eq!(network_for("0805"), Some("Glo"));
        assert_eq!(network_for("0802"), Some("Airtel"));
        assert_eq!(network_for("0809"), Some("9mobile"));
        assert_eq!(network_for("07020123456"), None);
        assert_eq!(network_for("0804"), None);
    }

    #[test]
    fn the_table_has_every_row() {
        assert_eq!(
            PREFIXES_CSV
                .lines()
                .skip(1)
                .filter(|l| !l.trim().is_empty())
                .count(),
            39
        );
    }

    #[test]
    fn debug_hides_the_number() {
        assert!(!format!("{:?}", NgMobile::parse("08031234567").unwrap()).contains("1234567"));
    }
}
