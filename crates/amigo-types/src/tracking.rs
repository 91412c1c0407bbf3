//! The shopper's view of their own order, as the proxy serves it and the widget shows it.
//!
//! `GET /api/orders/{reference}?phone=…` answers `{"success": true, "data": OrderTracking}`;
//! every Server-Sent Event on `GET /api/orders/{reference}/events?phone=…` is named `status`
//! and its `data` is one [`OrderTracking`] (no envelope). The view carries no personal data
//! beyond the delivery city and state: no name, phone, email or street address.

use serde::{Deserialize, Serialize};

use crate::delivery::DeliveryTier;
use crate::money::Money;
use crate::orders::{Order, OrderItem, OrderStatus, PaymentState};
use crate::phone::NgMobile;

/// SSE event name of a status update.
pub const STATUS_EVENT: &str = "status";

/// One order, as its shopper may see it.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderTracking {
    /// `AMG-COM-…` reference.
    pub reference: String,
    /// Current status; never moves backwards (`cancelled` is final).
    pub status: OrderStatus,
    /// Payment state (`refunded` after a cancel).
    pub payment_state: PaymentState,
    /// Lines, priced at order time.
    pub items: Vec<OrderItem>,
    /// Items total.
    pub subtotal: Money,
    /// Delivery charged.
    pub delivery_fee: Money,
    /// `subtotal + delivery_fee`.
    pub total: Money,
    /// Delivery tier, ETA and destination.
    pub delivery: TrackingDelivery,
    /// Every status the order has reached, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// Why it was cancelled (cancelled orders only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_reason: Option<String>,
    /// When the order was placed, ISO 8601 with offset.
    pub created_at: String,
}

/// Delivery as the shopper sees it: tier, ETA and destination city/state, no street address.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackingDelivery {
    /// Tier charged (`null` on legacy orders).
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub tier: Option<DeliveryTier>,
    /// ETA, fastest, in days (`null` on legacy orders).
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub eta_min_days: Option<u32>,
    /// ETA, slowest, in days (`null` on legacy orders).
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub eta_max_days: Option<u32>,
    /// Destination city.
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub city: Option<String>,
    /// Destination state.
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub state: Option<String>,
}

/// One status change.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// The status reached.
    pub status: OrderStatus,
    /// When, ISO 8601 with offset.
    pub at: String,
}

impl OrderTracking {
    /// The shopper's view of `order` with the given timeline.
    pub fn from_order(order: &Order, timeline: Vec<TimelineEntry>) -> Self {
        Self {
            reference: order.reference.clone(),
            status: order.status,
            payment_state: order.payment_state,
            items: order.items.clone(),
            subtotal: order.subtotal.clone(),
            delivery_fee: order.delivery_fee.clone(),
            total: order.total.clone(),
            delivery: TrackingDelivery {
                tier: order.delivery.tier,
                eta_min_days: order.delivery.eta_min_days,
                eta_max_days: order.delivery.eta_max_days,
                city: order.delivery.city.clone(),
                state: order.delivery.state.clone(),
            },
            timeline,
            cancelled_reason: order.cancelled_reason.clone(),
            created_at: lagos_to_iso(&order.created_at),
        }
    }
}

impl OrderTracking {
    /// The view with each line at the unit price `retail` gives it (the merchant's price, not
    /// Amigo's, which is what the order body carries), line totals and subtotal recomputed, and
    /// the delivery fee as charged (delivery is passed on at cost). Saturating: an absurd price
    /// can never wrap into a small one.
    pub fn at_retail(&self, retail: impl Fn(&OrderItem) -> i64) -> Self {
        let (items, subtotal, total) =
            crate::orders::lines_at_retail(&self.items, &self.delivery_fee, retail);
        Self {
            items,
            subtotal,
            total,
            ..self.clone()
        }
    }
}

/// Turns the order's `YYYY-MM-DD HH:MM:SS` (Africa/Lagos, UTC+1, no DST) into ISO 8601 with
/// `+01:00`; anything else is returned unchanged.
pub fn lagos_to_iso(raw: &str) -> String {
    let b = raw.as_bytes();
    let shaped = b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        });
    if shaped {
        format!("{}T{}+01:00", &raw[..10], &raw[11..])
    } else {
        raw.to_owned()
    }
}

/// The form of a phone number that two sides compare: the national `0XXXXXXXXXX` form when it
/// is a Nigerian mobile, otherwise just its digits. `+234 803 123 4567` and `08031234567` match.
pub fn phone_match_key(raw: &str) -> String {
    match NgMobile::parse(raw) {
        Ok(m) => m.as_str().to_owned(),
        Err(_) => raw.chars().filter(char::is_ascii_digit).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lagos_times_gain_an_offset() {
        assert_eq!(
            lagos_to_iso("2026-05-20 03:12:08"),
            "2026-05-20T03:12:08+01:00"
        );
        assert_eq!(
            lagos_to_iso("2026-05-17T03:48:11+01:00"),
            "2026-05-17T03:48:11+01:00"
        );
        assert_eq!(lagos_to_iso("2026-05-20x03:12:08"), "2026-05-20x03:12:08");
    }

    #[test]
    fn a_view_at_retail_recomputes_lines_and_totals_and_keeps_the_fee() {
        let item = |id, qty, unit| OrderItem {
            product_id: id,
            name: format!("p{id}"),
            quantity: qty,
            unit_price: Money::naira(unit),
            line_total: Money::naira(unit * i64::from(qty)),
        };
        let view = OrderTracking {
            reference: "AMG-COM-1".into(),
            status: OrderStatus::Paid,
            payment_state: PaymentState::Paid,
            items: vec![item(1, 2, 1_000), item(2, 1, 500)],
            subtotal: Money::naira(2_500),
            delivery_fee: Money::naira(1_200),
            total: Money::naira(3_700),
            delivery: TrackingDelivery {
                tier: None,
                eta_min_days: None,
                eta_max_days: None,
                city: None,
                state: None,
            },
            timeline: Vec::new(),
            cancelled_reason: None,
            created_at: "2026-05-20T03:12:08+01:00".into(),
        };
        let retail =
            view.at_retail(|i| i.unit_price.amount + 100 * i64::try_from(i.product_id).unwrap());
        assert_eq!(retail.items[0].unit_price, Money::naira(1_100));
        assert_eq!(retail.items[0].line_total, Money::naira(2_200));
        assert_eq!(retail.items[1].line_total, Money::naira(700));
        assert_eq!(retail.subtotal, Money::naira(2_900));
        assert_eq!(retail.delivery_fee, Money::naira(1_200));
        assert_eq!(retail.total, Money::naira(4_100));
        assert_eq!(retail.items[1].name, "p2");
        // at cost it is the same view
        assert_eq!(view.at_retail(|i| i.unit_price.amount), view);
        // no wrap-around
        let huge = view.at_retail(|_| i64::MAX);
        assert_eq!(huge.total.amount, i64::MAX);
    }

    #[test]
    fn phones_match_across_forms() {
        assert_eq!(phone_match_key("+234 803 123 4567"), "08031234567");
        assert_eq!(phone_match_key("0803-123-4567"), "08031234567");
        assert_eq!(phone_match_key(" +44 7700 900123 "), "447700900123");
        assert_ne!(
            phone_match_key("08031234567"),
            phone_match_key("08031234568")
        );
    }
}
