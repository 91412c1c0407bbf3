//! Delivery quote wire types and the shared location/line-item rules that both the quote and
//! order creation apply (the platform promises they use one resolver).

use serde::{Deserialize, Serialize};

use crate::envelope::ApiError;

/// A cart line: which product, how many.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LineItem {
    /// Catalog product id.
    #[cfg_attr(feature = "schema", schema(minimum = 1))]
    pub product_id: u64,
    /// Units, 1–1000.
    #[cfg_attr(feature = "schema", schema(minimum = 1, maximum = 1000))]
    pub quantity: u32,
}

/// Most line items a quote accepts.
pub const MAX_QUOTE_ITEMS: usize = 100;
/// Most distinct line items an order accepts.
pub const MAX_ORDER_ITEMS: usize = 50;
/// Largest quantity of one line.
pub const MAX_QUANTITY: u32 = 1000;

/// The delivery tiers.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryTier {
    /// Standard delivery (the default); free when every product in the scheme has free delivery.
    #[default]
    Standard,
    /// Home delivery; always paid.
    Premium,
}

impl DeliveryTier {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryTier::Standard => "standard",
            DeliveryTier::Premium => "premium",
        }
    }
}

/// How a scheme's price was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TierResolution {
    /// An LGA-specific group covers the customer's LGA.
    Lga,
    /// A state-level group covers the customer's state.
    State,
    /// The scheme's rest-of-Nigeria row.
    Fallback,
    /// The no-scheme bucket: always free.
    Free,
}

/// Where to deliver, as the quote body and the order's `delivery` give it. Any subset may be
/// present on the wire; [`DeliveryLocationInput::validate`] checks the combination.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DeliveryLocationInput {
    /// State code (`KD`).
    #[cfg_attr(feature = "schema", schema(min_length = 1, max_length = 3))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_code: Option<String>,
    /// State id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_id: Option<u32>,
    /// LGA name (`Zaria`).
    #[cfg_attr(feature = "schema", schema(min_length = 1, max_length = 80))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lga_name: Option<String>,
    /// LGA id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lga_id: Option<u32>,
}

impl DeliveryLocationInput {
    /// Whether any of the four location fields is present (an order with none is a legacy,
    /// free-shipping order).
    pub fn is_present(&self) -> bool {
        self.state_code.is_some()
            || self.state_id.is_some()
            || self.lga_name.is_some()
            || self.lga_id.is_some()
    }

    /// Shape checks that need no data: lengths and emptiness. Whether codes and ids exist is
    /// checked by whoever holds the location table (`invalid_delivery_location` with `field`).
    pub fn validate(&self, prefix: &str) -> Result<(), ApiError> {
        let bad = |field: &str, msg: String| {
            ApiError::invalid("invalid_delivery_location", format!("{prefix}{field}"), msg)
        };
        if let Some(code) = &self.state_code {
            let c = code.trim();
            if c.is_empty() || c.len() > 3 || !c.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(bad(
                    "state_code",
                    format!(
                        "state_code '{}' is not recognised",
                        crate::query::shorten(code)
                    ),
                ));
            }
        }
        if let Some(name) = &self.lga_name
            && (name.trim().is_empty() || name.chars().count() > 80)
        {
            return Err(bad(
                "lga_name",
                format!(
                    "lga_name '{}' is not recognised",
                    crate::query::shorten(name)
                ),
            ));
        }
        if self.lga_name.is_none()
            && self.lga_id.is_none()
            && self.state_code.is_none()
            && self.state_id.is_none()
        {
            return Err(bad(
                "state_code",
                "state_code or state_id is required".into(),
            ));
        }
        Ok(())
    }
}

/// `POST delivery/quote/` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteRequest {
    /// Where to deliver.
    #[serde(flatten)]
    pub location: DeliveryLocationInput,
    /// The cart, ≤ 100 lines.
    pub items: Vec<LineItem>,
}

impl QuoteRequest {
    /// Checks the body's shape: a location is given, 1–100 items, quantities 1–1000.
    pub fn validate(&self) -> Result<(), ApiError> {
        self.location.validate("")?;
        validate_items(&self.items, MAX_QUOTE_ITEMS, "items")
    }
}

/// The lines with each repeated `product_id` folded into its first line, quantities added
/// (saturating): how the platform's sandbox reads an order or quote that names a product twice,
/// since the docs ("up to 50 distinct line items") do not say to refuse one. The merged lines
/// are then held to [`validate_items`] (a total over 1000 is refused like one line of it).
pub fn merge_repeated_lines(items: &[LineItem]) -> Vec<LineItem> {
    let mut merged: Vec<LineItem> = Vec::with_capacity(items.len());
    let mut at: std::collections::HashMap<u64, usize> =
        std::collections::HashMap::with_capacity(items.len());
    for item in items {
        if let Some(line) = at.get(&item.product_id).and_then(|&i| merged.get_mut(i)) {
            line.quantity = line.quantity.saturating_add(item.quantity);
        } else {
            at.insert(item.product_id, merged.len());
            merged.push(*item);
        }
    }
    merged
}

/// Checks a line-item list: 1..=`max` lines, no duplicate product, quantities 1–1000.
/// Errors are `invalid_items` with a field such as `items[3].quantity`.
pub fn validate_items(items: &[LineItem], max: usize, field: &str) -> Result<(), ApiError> {
    if items.is_empty() {
        return Err(ApiError::invalid(
            "invalid_items",
            field,
            format!("{field} must contain at least one line item"),
        ));
    }
    if items.len() > max {
        return Err(ApiError::invalid(
            "invalid_items",
            field,
            format!("{field} may contain at most {max} line items"),
        ));
    }
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        if item.product_id == 0 {
            return Err(ApiError::invalid(
                "invalid_items",
                format!("{field}[{i}].product_id"),
                format!("{field}[{i}].product_id must be a positive product id"),
            ));
        }
        if !(1..=MAX_QUANTITY).contains(&item.quantity) {
            return Err(ApiError::invalid(
                "invalid_items",
                format!("{field}[{i}].quantity"),
                format!("{field}[{i}].quantity must be from 1 to {MAX_QUANTITY}"),
            ));
        }
        if !seen.insert(item.product_id) {
            return Err(ApiError::invalid(
                "invalid_items",
                format!("{field}[{i}].product_id"),
                format!(
                    "product {} appears more than once in {field}; send one line with the total quantity",
                    item.product_id
                ),
            ));
        }
    }
    Ok(())
}

/// The resolved location echoed by a quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedLocation {
    /// State id.
    pub state_id: u32,
    /// State code.
    pub state_code: String,
    /// State name.
    pub state_name: String,
    /// LGA id, when one was given.
    pub lga_id: Option<u32>,
    /// LGA name, when one was given.
    pub lga_name: Option<String>,
}

/// The standard tier of one scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardTier {
    /// List price of the tier (what it would cost without free delivery).
    pub price: i64,
    /// Whether the customer pays nothing (every product in the scheme has free delivery).
    pub free_for_customer: bool,
    /// Fastest delivery, in days.
    pub eta_min: u32,
    /// Slowest delivery, in days.
    pub eta_max: u32,
}

/// The premium (home delivery) tier of one scheme: always paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PremiumTier {
    /// Price.
    pub price: i64,
    /// Fastest delivery, in days.
    pub eta_min: u32,
    /// Slowest delivery, in days.
    pub eta_max: u32,
}

/// One scheme's part of a quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemeQuote {
    /// Scheme id; `null` for the no-scheme bucket.
    pub scheme_id: Option<u32>,
    /// Scheme name; `null` for the no-scheme bucket.
    pub scheme_name: Option<String>,
    /// Cart products in this scheme.
    pub product_ids: Vec<u64>,
    /// `product_ids.len()`.
    pub product_count: u32,
    /// Whether every product in the scheme has free delivery.
    pub all_free: bool,
    /// Whether the scheme ships to the location.
    pub serviceable: bool,
    /// How the price was found; `null` when unserviceable.
    pub tier_resolution: Option<TierResolution>,
    /// Standard tier; `null` when unserviceable.
    pub standard: Option<StandardTier>,
    /// Premium tier; `null` when unserviceable.
    pub premium: Option<PremiumTier>,
}

/// What each tier costs the customer for the whole cart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteTotals {
    /// Standard tier, summed over schemes, free schemes at 0.
    pub standard: i64,
    /// Premium tier, summed over schemes.
    pub premium: i64,
}

/// A days range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EtaRange {
    /// Fastest, in days.
    pub min: u32,
    /// Slowest, in days.
    pub max: u32,
}

/// `POST delivery/quote/` data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// The location as resolved.
    pub location: ResolvedLocation,
    /// Whether every scheme in the cart ships there.
    pub serviceable: bool,
    /// Per-scheme results.
    pub schemes: Vec<SchemeQuote>,
    /// Totals per tier.
    pub totals: QuoteTotals,
    /// Cart ETA: the slowest scheme's range.
    pub eta: EtaRange,
    /// Names each scheme that can't ship (`Scheme 'Lagos Metro Only' does not ship to this area.`).
    pub warnings: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_rules() {
        let ok = [LineItem {
            product_id: 1,
            quantity: 2,
        }];
        assert!(validate_items(&ok, 50, "items").is_ok());
        assert_eq!(
            validate_items(&[], 50, "items").unwrap_err().code,
            "invalid_items"
        );
        let zero = [LineItem {
            product_id: 1,
            quantity: 0,
        }];
        assert_eq!(
            validate_items(&zero, 50, "items")
                .unwrap_err()
                .field
                .as_deref(),
            Some("items[0].quantity")
        );
        let big = [LineItem {
            product_id: 1,
            quantity: 1001,
        }];
        assert!(validate_items(&big, 50, "items").is_err());
        let dup = [
            LineItem {
                product_id: 1,
                quantity: 1,
            },
            LineItem {
                product_id: 1,
                quantity: 1,
            },
        ];
        assert_eq!(
            validate_items(&dup, 50, "items")
                .unwrap_err()
                .field
                .as_deref(),
            Some("items[1].product_id")
        );
        let many: Vec<_> = (1..=51)
            .map(|i| LineItem {
                product_id: i,
                quantity: 1,
            })
            .collect();
        assert!(validate_items(&many, 50, "items").is_err());
        assert!(validate_items(&many, 100, "items").is_ok());
    }

    #[test]
    fn quote_body_parses_flat_location() {
        let r: QuoteRequest = serde_json::from_str(
            r#"{"state_code":"KD","lga_name":"Zaria","items":[{"product_id":1,"quantity":2}]}"#,
        )
        .unwrap();
        assert_eq!(r.location.state_code.as_deref(), Some("KD"));
        assert!(r.validate().is_ok());
        let none: QuoteRequest =
            serde_json::from_str(r#"{"items":[{"product_id":1,"quantity":2}]}"#).unwrap();
        assert_eq!(
            none.validate().unwrap_err().code,
            "invalid_delivery_location"
        );
    }
}
