//! The merchant's retail price rule (`AMIGO_PRICE_MARKUP`).
//!
//! Amigo's Commerce API is wallet-paid: the merchant pre-funds a wallet at Amigo's price and
//! sells to shoppers at their own. A [`PriceRule`] turns Amigo's price (the cost) into the
//! retail price the shopper sees and pays: a percent on top, then a fixed Naira amount, then
//! rounded up to a step. Integer Naira arithmetic only (the percent is held in basis points),
//! with limits on every part so no price can overflow, and never below the cost.
//!
//! Grammar (spaces around parts are optional, case-insensitive `round`):
//!
//! ```text
//! rule    = ""  |  "none"  |  [percent "%"] ["+" naira] [ "round" step ]   (at least one part)
//! percent = 0–1000, up to two decimals ("15", "12.5", "7.25")
//! naira   = 0–10000000 whole Naira
//! step    = 1–1000000 whole Naira
//! ```
//!
//! Examples: `15%`, `15%+200`, `+500`, `12.5%+100 round 50`, `round 100`.

use crate::catalog::{MarketPrice, Price};
use crate::money::format_naira;

/// Largest percent accepted (1000%: eleven times the cost), in basis points.
pub const MAX_PERCENT_BP: u32 = 100_000;
/// Largest fixed amount accepted, in Naira.
pub const MAX_FIXED_NAIRA: i64 = 10_000_000;
/// Largest rounding step accepted, in Naira.
pub const MAX_STEP_NAIRA: i64 = 1_000_000;

/// How the merchant turns Amigo's price into theirs. Built only by [`PriceRule::parse`] (or
/// [`PriceRule::none`]), so every held rule is within the limits that make
/// [`PriceRule::retail`] overflow-free.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PriceRule {
    /// Percent on top of the cost, in basis points (1500 = 15%).
    percent_bp: u32,
    /// Naira added after the percent.
    fixed: i64,
    /// Round the result up to a multiple of this (1 = no rounding).
    step: Option<i64>,
}

/// Why an `AMIGO_PRICE_MARKUP` value was refused; the `Display` is the start-up line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriceRuleError {
    /// Text that is not part of the grammar.
    #[error(
        "'{0}' is not a price rule: expected e.g. 15%, 15%+200, +500 or 15%+200 round 50 (or none)"
    )]
    Syntax(String),
    /// A percent that is not a number with at most two decimals, or is too large.
    #[error("percent '{0}' must be 0–1000 with at most two decimals")]
    Percent(String),
    /// A fixed amount that is not whole Naira, or is too large.
    #[error("fixed amount '{0}' must be whole Naira from 0 to 10000000")]
    Fixed(String),
    /// A rounding step that is not whole Naira from 1, or is too large.
    #[error("rounding step '{0}' must be whole Naira from 1 to 1000000")]
    Step(String),
}

impl PriceRule {
    /// No markup: the retail price is Amigo's price (the default).
    pub fn none() -> Self {
        Self::default()
    }

    /// Whether this rule leaves every price as it is, so callers can skip rewriting bodies.
    pub fn is_identity(&self) -> bool {
        self.percent_bp == 0 && self.fixed == 0 && self.step.is_none_or(|s| s == 1)
    }

    /// Parses the grammar in the module documentation.
    pub fn parse(raw: &str) -> Result<Self, PriceRuleError> {
        let text = raw.trim();
        if text.is_empty() || text.eq_ignore_ascii_case("none") {
            return Ok(Self::none());
        }
        let syntax = || PriceRuleError::Syntax(text.to_owned());
        let lower = text.to_ascii_lowercase();
        let (head, step) = match lower.find("round") {
            Some(at) => {
                let tail = lower[at + "round".len()..].trim();
                (lower[..at].trim(), Some(parse_step(tail)?))
            }
            None => (lower.as_str(), None),
        };
        let (percent_part, fixed_part) = match head.find('+') {
            Some(at) => (head[..at].trim(), Some(head[at + 1..].trim())),
            None => (head, None),
        };
        let percent_bp = if percent_part.is_empty() {
            0
        } else {
            let number = percent_part.strip_suffix('%').ok_or_else(syntax)?.trim();
            parse_percent(number)?
        };
        let fixed = match fixed_part {
            None => 0,
            Some(f) => parse_fixed(f)?,
        };
        if percent_part.is_empty() && fixed_part.is_none() && step.is_none() {
            return Err(syntax());
        }
        Ok(Self {
            percent_bp,
            fixed,
            step,
        })
    }

    /// The retail price of something Amigo sells at `cost`: the percent (its fraction of a
    /// Naira rounded up), plus the fixed amount, rounded up to the step. Never below `cost`;
    /// a negative `cost` (never sent by Amigo) is returned unchanged. Saturates at `i64::MAX`.
    pub fn retail(&self, cost: i64) -> i64 {
        if cost < 0 || self.is_identity() {
            return cost;
        }
        let cost = i128::from(cost);
        let bp = i128::from(self.percent_bp);
        // cost ≤ 2^63 and bp ≤ 10^5: the product fits in i128 many times over.
        let percent = (cost * bp + 9_999) / 10_000;
        let mut price = cost + percent + i128::from(self.fixed);
        if let Some(step) = self.step.map(i128::from) {
            price = (price + step - 1) / step * step;
        }
        i64::try_from(price).unwrap_or(i64::MAX)
    }

    /// A catalog price block at retail: the amount and its display, and the compare-at price
    /// marked up by the same rule with its discount recomputed from the retail figures (dropped
    /// when it is no longer above the retail price, since a "saving" of nothing misleads).
    pub fn retail_price(&self, price: &Price) -> Price {
        let amount = self.retail(price.amount);
        let market = price
            .market
            .as_ref()
            .and_then(|m| MarketPrice::derived(self.retail(m.amount), amount));
        Price {
            amount,
            display: format_naira(amount),
            currency: price.currency.clone(),
            market,
        }
    }
}

fn parse_percent(number: &str) -> Result<u32, PriceRuleError> {
    let bad = || PriceRuleError::Percent(number.to_owned());
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (number.contains('.') && (frac.is_empty() || frac.len() > 2)) {
        return Err(bad());
    }
    if !frac.is_empty() && !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let whole: u32 = whole.parse().map_err(|_| bad())?;
    let frac: u32 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    let bp = whole * 100 + frac;
    if bp > MAX_PERCENT_BP {
        return Err(bad());
    }
    Ok(bp)
}

fn whole_naira(text: &str) -> Option<i64> {
    if text.is_empty() || text.len() > 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn parse_fixed(text: &str) -> Result<i64, PriceRuleError> {
    whole_naira(text)
        .filter(|n| *n <= MAX_FIXED_NAIRA)
        .ok_or_else(|| PriceRuleError::Fixed(text.to_owned()))
}

fn parse_step(text: &str) -> Result<i64, PriceRuleError> {
    whole_naira(text)
        .filter(|n| (1..=MAX_STEP_NAIRA).contains(n))
        .ok_or_else(|| PriceRuleError::Step(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(s: &str) -> PriceRule {
        PriceRule::parse(s).unwrap()
    }

    #[test]
    fn no_markup_is_the_default_and_changes_nothing() {
        for s in ["", "  ", "none", "NONE"] {
            assert_eq!(rule(s), PriceRule::none());
            assert!(rule(s).is_identity());
        }
        assert_eq!(PriceRule::none().retail(14_500), 14_500);
        assert_eq!(rule("0%").retail(14_500), 14_500);
        assert_eq!(rule("+0").retail(0), 0);
        assert_eq!(rule("round 1").retail(14_499), 14_499);
    }

    #[test]
    fn each_form_applies() {
        assert_eq!(rule("15%").retail(10_000), 11_500);
        assert_eq!(rule("15%+200").retail(10_000), 11_700);
        assert_eq!(rule("+500").retail(10_000), 10_500);
        assert_eq!(rule("15%+200 round 50").retail(10_010), 11_750);
        assert_eq!(rule("round 100").retail(10_001), 10_100);
        assert_eq!(rule("12.5%").retail(1_000), 1_125);
        assert_eq!(rule("7.25%").retail(10_000), 10_725);
        // spaces and case are forgiven
        assert_eq!(rule(" 15 % + 200 ROUND 50 "), rule("15%+200 round 50"));
    }

    #[test]
    fn the_percent_fraction_rounds_up_to_a_whole_naira() {
        // 15% of 999 is 149.85 → 150
        assert_eq!(rule("15%").retail(999), 1_149);
        assert_eq!(rule("0.01%").retail(1), 2);
    }

    #[test]
    fn rounding_exactly_on_a_step_stays() {
        assert_eq!(rule("round 50").retail(1_000), 1_000);
        assert_eq!(rule("+50 round 50").retail(1_000), 1_050);
        assert_eq!(rule("round 50").retail(1_001), 1_050);
        assert_eq!(rule("15%+100 round 50").retail(0), 100);
    }

    #[test]
    fn never_below_cost_and_never_overflows() {
        let most = rule("1000%+10000000 round 1000000");
        assert_eq!(most.retail(i64::MAX), i64::MAX);
        assert_eq!(most.retail(i64::MAX / 20), {
            let raw = i128::from(i64::MAX / 20) * 11 + 10_000_000;
            i64::try_from((raw + 999_999) / 1_000_000 * 1_000_000).unwrap()
        });
        assert_eq!(most.retail(-5), -5);
        for cost in [0, 1, 49, 50, 999, 14_500, 1_000_000_000] {
            assert!(rule("15%+100 round 50").retail(cost) >= cost);
        }
    }

    #[test]
    fn every_refusal_names_the_part() {
        use PriceRuleError::*;
        let err = |s: &str| PriceRule::parse(s).unwrap_err();
        assert!(matches!(err("15"), Syntax(_)));
        assert!(matches!(err("abc"), Syntax(_)));
        assert!(matches!(err("15%%"), Percent(_)));
        assert!(matches!(err("-5%"), Syntax(_) | Percent(_)));
        assert!(matches!(err("1000.01%"), Percent(_)));
        assert!(matches!(err("15.%"), Percent(_)));
        assert!(matches!(err("1.234%"), Percent(_)));
        assert!(matches!(err("15%+"), Fixed(_)));
        assert!(matches!(err("15%+1.5"), Fixed(_)));
        assert!(matches!(err("+10000001"), Fixed(_)));
        assert!(matches!(err("15%+200+3"), Fixed(_)));
        assert!(matches!(err("15% round"), Step(_)));
        assert!(matches!(err("15% round 0"), Step(_)));
        assert!(matches!(err("15% round 1000001"), Step(_)));
        assert!(matches!(err("15% round 50 round 5"), Step(_)));
        assert_eq!(
            err("15").to_string(),
            "'15' is not a price rule: expected e.g. 15%, 15%+200, +500 or 15%+200 round 50 (or none)"
        );
        // the largest values are accepted
        assert!(PriceRule::parse("1000%+10000000 round 1000000").is_ok());
    }

    fn price(amount: i64, market: Option<i64>) -> Price {
        Price {
            amount,
            display: format_naira(amount),
            currency: "NGN".into(),
            market: market.map(|m| MarketPrice {
                amount: m,
                display: format_naira(m),
                discount_percent: crate::catalog::discount_percent(m, amount),
            }),
        }
    }

    #[test]
    fn price_blocks_mark_up_the_market_price_too() {
        let r = rule("15%+100 round 50");
        let p = r.retail_price(&price(10_000, Some(20_000)));
        assert_eq!(p.amount, 11_600);
        assert_eq!(p.display, "₦11,600");
        let m = p.market.unwrap();
        assert_eq!((m.amount, m.display.as_str()), (23_100, "₦23,100"));
        // (23100 − 11600) × 100 / 23100 = 49.78… → 49
        assert_eq!(m.discount_percent, 49);
        assert_eq!(p.currency, "NGN");
        // a compare-at price that the markup catches up with is dropped
        let close = rule("+500").retail_price(&price(10_000, Some(10_000)));
        assert_eq!(close.market, None);
        // no market stays none; identity keeps the block
        assert_eq!(r.retail_price(&price(5, None)).market, None);
        let same = price(9_000, Some(10_000));
        assert_eq!(PriceRule::none().retail_price(&same), same);
    }
}
