//! The delivery quote as the shopper sees it: Standard and Premium with their price ("Free" when
//! nothing is charged) and ETA ("0–2 days"), the per-scheme breakdown when the cart spans more
//! than one scheme, and which items can't ship to the area.

use amigo_types::delivery::{DeliveryTier, EtaRange, Quote};
use amigo_types::format_naira;

use crate::wording::{Later, Wording};

/// "0–2 days", "1 day", "3 days".
pub fn eta_label(w: &Wording, min: u32, max: u32) -> String {
    let (lo, hi) = (min.min(max), min.max(max));
    match (lo == hi, hi == 1) {
        (true, true) => w.get(Later::one_day).to_owned(),
        (true, false) => w.fill(Later::days, &[("n", &hi.to_string())]),
        (false, _) => w.fill(
            Later::days_range,
            &[("min", &lo.to_string()), ("max", &hi.to_string())],
        ),
    }
}

/// "Free" for nothing, else the Naira display.
pub fn price_label(w: &Wording, amount: i64) -> String {
    if amount == 0 {
        w.get(Later::free).to_owned()
    } else {
        format_naira(amount)
    }
}

/// One tier option of the radio group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierOption {
    /// Which tier.
    pub tier: DeliveryTier,
    /// "Standard delivery" / "Premium (home) delivery".
    pub title: &'static str,
    /// Whole-cart price.
    pub amount: i64,
    /// "Free" or "₦5,000".
    pub price: String,
    /// "0–2 days".
    pub eta: String,
}

/// One scheme's line of the breakdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemeLine {
    /// Scheme name ("Default Domestic"; "Free delivery" for products without a scheme).
    pub name: String,
    /// Names of the cart's products in it.
    pub products: Vec<String>,
    /// Standard price label.
    pub standard: String,
    /// Premium price label.
    pub premium: String,
    /// The scheme's ETA.
    pub eta: String,
}

/// A cart line that can't ship to the chosen area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockedItem {
    /// Product id (what "Remove" removes).
    pub product_id: u64,
    /// Its name.
    pub name: String,
}

/// The quote, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteView {
    /// Standard then Premium; empty when unserviceable.
    pub tiers: Vec<TierOption>,
    /// One line per scheme, only when there is more than one.
    pub breakdown: Vec<SchemeLine>,
    /// Items that can't ship there (empty when serviceable).
    pub blocked: Vec<BlockedItem>,
    /// The platform's warnings ("Scheme 'Lagos Metro Only' does not ship to this area.").
    pub warnings: Vec<String>,
    /// "Zaria, Kaduna".
    pub place: String,
}

fn tier_eta(w: &Wording, quote: &Quote, tier: DeliveryTier) -> String {
    let mut range: Option<EtaRange> = None;
    for s in quote.schemes.iter().filter(|s| s.serviceable) {
        let (lo, hi) = match tier {
            DeliveryTier::Standard => match &s.standard {
                Some(t) => (t.eta_min, t.eta_max),
                None => continue,
            },
            DeliveryTier::Premium => match &s.premium {
                Some(t) => (t.eta_min, t.eta_max),
                None => continue,
            },
        };
        range = Some(match range {
            // the order arrives when its slowest scheme does
            Some(r) => EtaRange {
                min: r.min.max(lo),
                max: r.max.max(hi),
            },
            None => EtaRange { min: lo, max: hi },
        });
    }
    let r = range.unwrap_or(quote.eta);
    eta_label(w, r.min, r.max)
}

/// Builds the view of `quote` for a cart whose names are looked up with `name_of`.
pub fn quote_view(
    w: &Wording,
    quote: &Quote,
    name_of: impl Fn(u64) -> Option<String>,
) -> QuoteView {
    let name = |id: u64| {
        name_of(id).unwrap_or_else(|| w.fill(Later::item_number, &[("id", &id.to_string())]))
    };
    let place = match &quote.location.lga_name {
        Some(lga) => format!("{lga}, {}", quote.location.state_name),
        None => quote.location.state_name.clone(),
    };
    let blocked: Vec<BlockedItem> = quote
        .schemes
        .iter()
        .filter(|s| !s.serviceable)
        .flat_map(|s| s.product_ids.iter().copied())
        .map(|id| BlockedItem {
            product_id: id,
            name: name(id),
        })
        .collect();
    let tiers = if quote.serviceable {
        vec![
            TierOption {
                tier: DeliveryTier::Standard,
                title: w.get(Later::standard_delivery),
                amount: quote.totals.standard,
                price: price_label(w, quote.totals.standard),
                eta: tier_eta(w, quote, DeliveryTier::Standard),
            },
            TierOption {
                tier: DeliveryTier::Premium,
                title: w.get(Later::premium_delivery),
                amount: quote.totals.premium,
                price: price_label(w, quote.totals.premium),
                eta: tier_eta(w, quote, DeliveryTier::Premium),
            },
        ]
    } else {
        Vec::new()
    };
    let breakdown = if quote.schemes.len() > 1 {
        quote
            .schemes
            .iter()
            .filter(|s| s.serviceable)
            .map(|s| SchemeLine {
                name: s
                    .scheme_name
                    .clone()
                    .unwrap_or_else(|| w.get(Later::free_delivery).to_owned()),
                products: s.product_ids.iter().map(|&id| name(id)).collect(),
                standard: s.standard.map_or_else(
                    || w.get(Later::free).to_owned(),
                    |t| price_label(w, if t.free_for_customer { 0 } else { t.price }),
                ),
                premium: s.premium.map_or_else(
                    || w.get(Later::free).to_owned(),
                    |t| price_label(w, t.price),
                ),
                eta: s.standard.map_or_else(
                    || eta_label(w, quote.eta.min, quote.eta.max),
                    |t| eta_label(w, t.eta_min, t.eta_max),
                ),
            })
            .collect()
    } else {
        Vec::new()
    };
    QuoteView {
        tiers,
        breakdown,
        blocked,
        warnings: quote.warnings.clone(),
        place,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkout::flow::tests::quote;
    use crate::wording::ENGLISH;
    use amigo_types::delivery::{PremiumTier, SchemeQuote, StandardTier, TierResolution};

    fn names(id: u64) -> Option<String> {
        match id {
            1 => Some("Oraimo FreePods 3".into()),
            5 => Some("Power bank".into()),
            9 => Some("Lagos-only fridge".into()),
            _ => None,
        }
    }

    #[test]
    fn labels() {
        assert_eq!(eta_label(&ENGLISH, 0, 2), "0–2 days");
        assert_eq!(eta_label(&ENGLISH, 1, 1), "1 day");
        assert_eq!(eta_label(&ENGLISH, 3, 3), "3 days");
        assert_eq!(eta_label(&ENGLISH, 5, 2), "2–5 days");
        assert_eq!(price_label(&ENGLISH, 0), "Free");
        assert_eq!(price_label(&ENGLISH, 5000), "₦5,000");
    }

    #[test]
    fn free_standard_and_paid_premium() {
        let v = quote_view(&ENGLISH, &quote(true), names);
        assert_eq!(v.tiers.len(), 2);
        assert_eq!(v.tiers[0].tier, DeliveryTier::Standard);
        assert_eq!(v.tiers[0].price, "Free");
        assert_eq!(v.tiers[0].eta, "0–2 days");
        assert_eq!(v.tiers[1].price, "₦5,000");
        assert!(v.breakdown.is_empty(), "one scheme: no breakdown");
        assert!(v.blocked.is_empty());
        assert_eq!(v.place, "Zaria, Kaduna");
    }

    #[test]
    fn several_schemes_are_broken_down() {
        let mut q = quote(true);
        q.schemes.push(SchemeQuote {
            scheme_id: Some(2),
            scheme_name: Some("Heavy goods".into()),
            product_ids: vec![9],
            product_count: 1,
            all_free: false,
            serviceable: true,
            tier_resolution: Some(TierResolution::Fallback),
            standard: Some(StandardTier {
                price: 2500,
                free_for_customer: false,
                eta_min: 2,
                eta_max: 5,
            }),
            premium: Some(PremiumTier {
                price: 6000,
                eta_min: 1,
                eta_max: 3,
            }),
        });
        q.totals.standard = 2500;
        q.totals.premium = 11000;
        let v = quote_view(&ENGLISH, &q, names);
        assert_eq!(v.breakdown.len(), 2);
        assert_eq!(v.breakdown[0].standard, "Free");
        assert_eq!(v.breakdown[0].products, ["Oraimo FreePods 3", "Power bank"]);
        assert_eq!(v.breakdown[1].standard, "₦2,500");
        assert_eq!(v.breakdown[1].premium, "₦6,000");
        assert_eq!(v.tiers[0].price, "₦2,500");
        assert_eq!(
            v.tiers[0].eta, "2–5 days",
            "the slowest scheme sets the ETA"
        );
        assert_eq!(v.tiers[1].eta, "1–3 days");
    }

    #[test]
    fn unserviceable_items_are_named() {
        let mut q = quote(true);
        q.serviceable = false;
        q.schemes.push(SchemeQuote {
            scheme_id: Some(3),
            scheme_name: Some("Lagos Metro Only".into()),
            product_ids: vec![9, 42],
            product_count: 2,
            all_free: false,
            serviceable: false,
            tier_resolution: None,
            standard: None,
            premium: None,
        });
        q.warnings = vec!["Scheme 'Lagos Metro Only' does not ship to this area.".into()];
        let v = quote_view(&ENGLISH, &q, names);
        assert!(v.tiers.is_empty());
        assert_eq!(
            v.blocked,
            [
                BlockedItem {
                    product_id: 9,
                    name: "Lagos-only fridge".into()
                },
                BlockedItem {
                    product_id: 42,
                    name: "Item #42".into()
                }
            ]
        );
        assert_eq!(v.warnings.len(), 1);
    }
}
