//! What each order sold for: the retail prices the shopper was shown (`AMIGO_PRICE_MARKUP`),
//! kept beside Amigo's cost (the order's own `subtotal`/`total`, what the wallet paid), and the
//! shopper's view of an order at those prices.
//!
//! The stored view (`view_json`) stays Amigo's order as reported, so a webhook that brings the
//! whole order again cannot undo anything; the retail prices are laid over it when it is read.

use std::collections::BTreeMap;

use super::sql::Tx;
use amigo_types::orders::{Order, OrderItem};
use amigo_types::pricing::PriceRule;
use amigo_types::tracking::OrderTracking;

/// The retail unit price of each product in one order, as the catalog showed it when the
/// order was placed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetailSale {
    units: BTreeMap<u64, i64>,
}

impl RetailSale {
    /// The sale of these `(product id, retail unit price)` pairs.
    pub fn new(units: impl IntoIterator<Item = (u64, i64)>) -> Self {
        Self {
            units: units.into_iter().collect(),
        }
    }

    /// What the shopper pays per unit of `item`: the recorded retail price, or `rule` applied to
    /// Amigo's price for a product the sale does not name.
    pub fn unit_price(&self, item: &OrderItem, rule: &PriceRule) -> i64 {
        self.units
            .get(&item.product_id)
            .copied()
            .unwrap_or_else(|| rule.retail(item.unit_price.amount))
    }

    /// The stored form: a JSON object of product id → Naira.
    fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(&self.units)
    }

    /// Reads the stored form; `None` when it is unreadable (the rule is used instead).
    fn from_json(raw: &str) -> Option<Self> {
        serde_json::from_str(raw).ok().map(|units| Self { units })
    }
}

/// The shopper's view of an order: lines at the stored retail prices, or, for an order this
/// proxy only heard of by webhook (or a line it has no price for), at `rule` applied to
/// Amigo's price. The delivery fee is Amigo's, passed on at cost.
pub(crate) fn shopper_view(
    view: OrderTracking,
    stored: Option<&str>,
    rule: &PriceRule,
) -> OrderTracking {
    let sale = stored.and_then(RetailSale::from_json);
    match sale {
        None if rule.is_identity() => view,
        None => view.at_retail(|item| rule.retail(item.unit_price.amount)),
        Some(sale) => view.at_retail(|item| sale.unit_price(item, rule)),
    }
}

/// What `order` sold for, as the `orders` row keeps it: each line's retail price (JSON) and the
/// retail total (items at retail plus the delivery fee at cost).
pub(super) fn sale_columns(order: &Order, sale: &RetailSale) -> Result<(String, i64), sqlx::Error> {
    let view = OrderTracking::from_order(order, Vec::new());
    let retail = view.at_retail(|item| {
        sale.units
            .get(&item.product_id)
            .copied()
            .unwrap_or(item.unit_price.amount)
    });
    let units = sale
        .to_json()
        .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    Ok((units, retail.total.amount))
}

/// Records what `order` sold for ([`sale_columns`]) on its existing row. Overwrites what a
/// webhook that arrived first left.
pub(super) async fn record_sale_in(
    tx: &mut impl Tx,
    order: &Order,
    (units, total): (String, i64),
) -> Result<(), sqlx::Error> {
    tx.execute(
        "UPDATE orders SET retail_units = $1, retail_total = $2 WHERE reference = $3",
        &[(&units).into(), total.into(), (&order.reference).into()],
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use amigo_types::Money;
    use amigo_types::orders::{OrderStatus, PaymentState};
    use amigo_types::tracking::TrackingDelivery;

    use super::*;

    fn view() -> OrderTracking {
        OrderTracking {
            reference: "AMG-COM-1".into(),
            status: OrderStatus::Paid,
            payment_state: PaymentState::Paid,
            items: vec![OrderItem {
                product_id: 7,
                name: "x".into(),
                quantity: 2,
                unit_price: Money::naira(1_000),
                line_total: Money::naira(2_000),
            }],
            subtotal: Money::naira(2_000),
            delivery_fee: Money::naira(500),
            total: Money::naira(2_500),
            delivery: TrackingDelivery {
                tier: None,
                eta_min_days: None,
                eta_max_days: None,
                city: None,
                state: None,
            },
            timeline: Vec::new(),
            cancelled_reason: None,
            created_at: String::new(),
        }
    }

    #[test]
    fn stored_prices_win_then_the_rule_then_amigos() {
        let rule = PriceRule::parse("10%").unwrap();
        let stored = RetailSale::new([(7, 1_500)]).to_json().unwrap();
        assert_eq!(
            shopper_view(view(), Some(&stored), &rule).total.amount,
            3_500
        );
        assert_eq!(shopper_view(view(), None, &rule).total.amount, 2_700);
        assert_eq!(
            shopper_view(view(), Some("junk"), &rule).total.amount,
            2_700
        );
        assert_eq!(shopper_view(view(), None, &PriceRule::none()), view());
    }
}
