//! What an order costs: line prices snapshotted from the catalog, and the delivery snapshot
//! taken from the quote resolver's answer (per-scheme charge for the chosen tier, cart ETA,
//! auto-filled city and state). Plain functions over wire types, so every rule is unit-tested.

use amigo_types::Money;
use amigo_types::catalog::Product;
use amigo_types::delivery::{DeliveryTier, LineItem, Quote, SchemeQuote};
use amigo_types::orders::{DeliveryBreakdown, OrderDelivery, OrderItem, ValidOrderRequest};

use crate::error::SandboxError;

/// The catalog rows an order's lines refer to, in line order.
///
/// An unknown product is `404 not_found` naming the line (`field: items[i].product_id`), as the
/// docs' error table says; it is never stored against an idempotency key.
pub(crate) fn lookup_products(
    items: &[LineItem],
    product: impl Fn(u64) -> Option<Product>,
) -> Result<Vec<Product>, SandboxError> {
    items
        .iter()
        .enumerate()
        .map(|(i, line)| {
            product(line.product_id).ok_or(SandboxError::UnknownProduct {
                index: i,
                product_id: line.product_id,
            })
        })
        .collect()
}

/// Product ids whose current stock is below the line's quantity (empty when all fit).
pub(crate) fn short_of_stock(items: &[LineItem], products: &[Product]) -> Vec<u64> {
    items
        .iter()
        .zip(products)
        .filter(|(line, p)| p.stock.count < line.quantity)
        .map(|(line, _)| line.product_id)
        .collect()
}

/// The priced lines and their sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PricedLines {
    /// One per line, with the price at order time.
    pub items: Vec<OrderItem>,
    /// Sum of the line totals.
    pub subtotal: i64,
}

/// Snapshots each line's name and unit price now, so later catalog changes never alter the
/// order.
pub(crate) fn price_lines(items: &[LineItem], products: &[Product]) -> PricedLines {
    let items: Vec<OrderItem> = items
        .iter()
        .zip(products)
        .map(|(line, p)| OrderItem {
            product_id: line.product_id,
            name: p.name.clone(),
            quantity: line.quantity,
            unit_price: Money::naira(p.price.amount),
            line_total: Money::naira(p.price.amount.saturating_mul(i64::from(line.quantity))),
        })
        .collect();
    let subtotal = items
        .iter()
        .fold(0i64, |sum, i| sum.saturating_add(i.line_total.amount));
    PricedLines { items, subtotal }
}

/// The `422 unserviceable_delivery` answer for a quote that can't ship, worded as documented
/// ("… can't ship to Zaria, Kaduna. Call POST /api/commerce/delivery/quote/ first to see which.").
pub(crate) fn unserviceable(quote: &Quote) -> SandboxError {
    let place = match &quote.location.lga_name {
        Some(lga) => format!("{lga}, {}", quote.location.state_name),
        None => quote.location.state_name.clone(),
    };
    SandboxError::Unserviceable {
        message: format!(
            "One or more products in the cart can't ship to {place}. Call POST /api/commerce/delivery/quote/ first to see which."
        ),
        warnings: quote.warnings.clone(),
    }
}

/// What one scheme charges for `tier`: `(price, eta_min, eta_max)`. Standard is free when the
/// scheme's products all have free delivery; premium is always its price.
fn scheme_charge(s: &SchemeQuote, tier: DeliveryTier) -> Option<(i64, u32, u32)> {
    match tier {
        DeliveryTier::Standard => s.standard.map(|t| {
            let price = if t.free_for_customer { 0 } else { t.price };
            (price, t.eta_min, t.eta_max)
        }),
        DeliveryTier::Premium => s.premium.map(|t| (t.price, t.eta_min, t.eta_max)),
    }
}

/// The delivery snapshot and fee of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeliverySnapshot {
    /// What goes on the order.
    pub delivery: OrderDelivery,
    /// The fee charged (sum of the breakdown).
    pub fee: i64,
}

/// Builds the delivery snapshot. `None` is a legacy order (no location sent): free shipping,
/// scheme/tier/`was_free`/ETA null, empty breakdown, legacy city and state kept as sent.
///
/// With a serviceable quote: one breakdown row per scheme at the price actually charged for
/// the chosen tier; `scheme_id`/`scheme_name` from the first scheme; `was_free` when the fee is
/// zero; the cart ETA is, as in the quote, the largest minimum and the largest maximum across
/// the schemes at the chosen tier; city and state are auto-filled from the resolved LGA and state.
pub(crate) fn delivery_snapshot(
    req: &ValidOrderRequest,
    quote: Option<&Quote>,
) -> Result<DeliverySnapshot, SandboxError> {
    let Some(quote) = quote else {
        return Ok(DeliverySnapshot {
            delivery: OrderDelivery {
                address: req.address.clone(),
                city: req.city.clone(),
                state: req.state.clone(),
                state_id: None,
                lga_id: None,
                scheme_id: None,
                scheme_name: None,
                tier: None,
                was_free: None,
                eta_min_days: None,
                eta_max_days: None,
                breakdown: Vec::new(),
                notes: req.notes.clone(),
            },
            fee: 0,
        });
    };
    if !quote.serviceable {
        return Err(unserviceable(quote));
    }
    let mut breakdown = Vec::with_capacity(quote.schemes.len());
    for s in &quote.schemes {
        let (price, eta_min, eta_max) = scheme_charge(s, req.tier).ok_or_else(|| {
            SandboxError::Internal(format!(
                "serviceable quote has no {} tier for scheme {:?}",
                req.tier.as_str(),
                s.scheme_id
            ))
        })?;
        breakdown.push(DeliveryBreakdown {
            scheme_id: s.scheme_id,
            scheme_name: s.scheme_name.clone(),
            tier: req.tier,
            price: Money::naira(price),
            eta_min_days: eta_min,
            eta_max_days: eta_max,
            product_count: s.product_count,
        });
    }
    let fee = breakdown
        .iter()
        .fold(0i64, |sum, b| sum.saturating_add(b.price.amount));
    // The quote's cart ETA rule: the slowest bound of each end across schemes.
    let eta = breakdown.iter().fold(None, |acc: Option<(u32, u32)>, b| {
        let (lo, hi) = acc.unwrap_or((0, 0));
        Some((lo.max(b.eta_min_days), hi.max(b.eta_max_days)))
    });
    let first = breakdown.first();
    Ok(DeliverySnapshot {
        delivery: OrderDelivery {
            address: req.address.clone(),
            city: quote.location.lga_name.clone().or_else(|| req.city.clone()),
            state: Some(quote.location.state_name.clone()),
            state_id: Some(quote.location.state_id),
            lga_id: quote.location.lga_id,
            scheme_id: first.and_then(|b| b.scheme_id),
            scheme_name: first.and_then(|b| b.scheme_name.clone()),
            tier: Some(req.tier),
            was_free: Some(fee == 0),
            eta_min_days: eta.map(|(min, _)| min),
            eta_max_days: eta.map(|(_, max)| max),
            breakdown,
            notes: req.notes.clone(),
        },
        fee,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use amigo_types::delivery::{
        DeliveryLocationInput, EtaRange, PremiumTier, QuoteTotals, ResolvedLocation, StandardTier,
        TierResolution,
    };
    use amigo_types::fixtures::product;

    fn line(product_id: u64, quantity: u32) -> LineItem {
        LineItem {
            product_id,
            quantity,
        }
    }

    fn request(tier: DeliveryTier) -> ValidOrderRequest {
        ValidOrderRequest {
            name: "Aisha".into(),
            phone: "08012345678".into(),
            email: None,
            address: "Plot 12".into(),
            location: DeliveryLocationInput {
                state_code: Some("KD".into()),
                ..Default::default()
            },
            tier,
            city: Some("Old city".into()),
            state: Some("Old state".into()),
            notes: Some("Call".into()),
            items: vec![line(1, 1)],
        }
    }

    fn scheme(id: u32, standard: (i64, bool, u32, u32), premium: (i64, u32, u32)) -> SchemeQuote {
        SchemeQuote {
            scheme_id: Some(id),
            scheme_name: Some(format!("Scheme {id}")),
            product_ids: vec![1],
            product_count: 1,
            all_free: standard.1,
            serviceable: true,
            tier_resolution: Some(TierResolution::State),
            standard: Some(StandardTier {
                price: standard.0,
                free_for_customer: standard.1,
                eta_min: standard.2,
                eta_max: standard.3,
            }),
            premium: Some(PremiumTier {
                price: premium.0,
                eta_min: premium.1,
                eta_max: premium.2,
            }),
        }
    }

    fn quote(schemes: Vec<SchemeQuote>) -> Quote {
        Quote {
            location: ResolvedLocation {
                state_id: 19,
                state_code: "KD".into(),
                state_name: "Kaduna".into(),
                lga_id: Some(155),
                lga_name: Some("Zaria".into()),
            },
            serviceable: true,
            schemes,
            totals: QuoteTotals {
                standard: 0,
                premium: 0,
            },
            eta: EtaRange { min: 0, max: 0 },
            warnings: vec![],
        }
    }

    #[test]
    fn unknown_products_name_their_line() {
        let items = [line(1, 1), line(99, 2)];
        let err = lookup_products(&items, |id| (id == 1).then(|| product(1, 100, 5))).unwrap_err();
        let (status, body) = err.to_parts();
        assert_eq!(
            (status.as_u16(), body.error.as_str(), body.field.as_deref()),
            (404, "not_found", Some("items[1].product_id"))
        );
        assert_eq!(body.product_ids, Some(vec![99]));
    }

    #[test]
    fn lines_are_priced_and_stock_checked() {
        let items = [line(1, 3), line(2, 2)];
        let products = [product(1, 14_500, 3), product(2, 1_000, 1)];
        let priced = price_lines(&items, &products);
        assert_eq!(priced.items[0].line_total, Money::naira(43_500));
        assert_eq!(priced.items[1].unit_price, Money::naira(1_000));
        assert_eq!(priced.subtotal, 45_500);
        assert_eq!(short_of_stock(&items, &products), vec![2]);
    }

    #[test]
    fn legacy_orders_ship_free_with_nulls() {
        let s = delivery_snapshot(&request(DeliveryTier::Premium), None).unwrap();
        assert_eq!(s.fee, 0);
        let d = s.delivery;
        assert!(d.breakdown.is_empty());
        assert_eq!(
            (
                d.scheme_id,
                d.tier,
                d.was_free,
                d.eta_min_days,
                d.eta_max_days
            ),
            (None, None, None, None, None)
        );
        assert_eq!(d.city.as_deref(), Some("Old city"));
        assert_eq!(d.state.as_deref(), Some("Old state"));
    }

    #[test]
    fn standard_tier_charges_only_paid_schemes() {
        let q = quote(vec![
            scheme(1, (1500, true, 0, 2), (5000, 0, 1)),
            scheme(2, (2000, false, 1, 4), (6000, 1, 2)),
        ]);
        let s = delivery_snapshot(&request(DeliveryTier::Standard), Some(&q)).unwrap();
        assert_eq!(s.fee, 2000);
        let d = &s.delivery;
        assert_eq!(d.breakdown[0].price, Money::naira(0));
        assert_eq!(d.breakdown[1].price, Money::naira(2000));
        assert_eq!(
            (d.scheme_id, d.scheme_name.as_deref()),
            (Some(1), Some("Scheme 1"))
        );
        assert_eq!(d.was_free, Some(false));
        assert_eq!((d.eta_min_days, d.eta_max_days), (Some(1), Some(4)));
        assert_eq!(d.city.as_deref(), Some("Zaria"), "auto-filled from the LGA");
        assert_eq!(d.state.as_deref(), Some("Kaduna"));
        assert_eq!((d.state_id, d.lga_id), (Some(19), Some(155)));
    }

    #[test]
    fn premium_is_always_paid_and_free_standard_is_free() {
        let q = quote(vec![scheme(1, (1500, true, 0, 2), (5000, 0, 1))]);
        let p = delivery_snapshot(&request(DeliveryTier::Premium), Some(&q)).unwrap();
        assert_eq!(p.fee, 5000);
        assert_eq!(p.delivery.was_free, Some(false));
        assert_eq!(p.delivery.tier, Some(DeliveryTier::Premium));
        assert_eq!(
            (p.delivery.eta_min_days, p.delivery.eta_max_days),
            (Some(0), Some(1))
        );
        let s = delivery_snapshot(&request(DeliveryTier::Standard), Some(&q)).unwrap();
        assert_eq!(s.fee, 0);
        assert_eq!(s.delivery.was_free, Some(true));
    }

    #[test]
    fn unserviceable_quotes_refuse_with_the_documented_message() {
        let mut q = quote(vec![]);
        q.serviceable = false;
        q.warnings = vec!["Scheme 'Lagos Metro Only' does not ship to this area.".into()];
        let err = delivery_snapshot(&request(DeliveryTier::Standard), Some(&q)).unwrap_err();
        let SandboxError::Unserviceable { message, warnings } = err else {
            panic!()
        };
        assert_eq!(
            message,
            "One or more products in the cart can't ship to Zaria, Kaduna. Call POST /api/commerce/delivery/quote/ first to see which."
        );
        assert_eq!(warnings.len(), 1);
    }
}
