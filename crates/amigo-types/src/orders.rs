//! Orders: the create body with the documented field rules, the order object, and the list query.

use serde::{Deserialize, Serialize};

use crate::delivery::{
    DeliveryLocationInput, DeliveryTier, LineItem, MAX_ORDER_ITEMS, validate_items,
};
use crate::envelope::ApiError;
use crate::money::Money;
use crate::query::{QueryPairs, shorten};

/// Longest customer name.
pub const MAX_NAME_LEN: usize = 120;
/// Longest phone, as sent.
pub const MAX_PHONE_LEN: usize = 20;
/// Longest email.
pub const MAX_EMAIL_LEN: usize = 254;
/// Longest address line.
pub const MAX_ADDRESS_LEN: usize = 255;
/// Longest delivery note.
pub const MAX_NOTES_LEN: usize = 500;
/// Longest legacy free-text city/state.
pub const MAX_LEGACY_LEN: usize = 100;

/// The customer block of an order body.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerInput {
    /// Required, ≤ 120 characters.
    #[cfg_attr(
        feature = "schema",
        schema(required = true, min_length = 1, max_length = 120)
    )]
    #[serde(default)]
    pub name: String,
    /// Required, ≤ 20 characters.
    #[cfg_attr(
        feature = "schema",
        schema(required = true, max_length = 20, pattern = r"^[0-9+() -]*$")
    )]
    #[serde(default)]
    pub phone: String,
    /// Optional; must look like an address when given.
    #[cfg_attr(feature = "schema", schema(max_length = 254))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The delivery block of an order body.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DeliveryInput {
    /// Required address line.
    #[cfg_attr(
        feature = "schema",
        schema(required = true, min_length = 1, max_length = 255)
    )]
    #[serde(default)]
    pub address: String,
    /// Optional structured location; all absent means a legacy free-shipping order.
    #[serde(flatten)]
    pub location: DeliveryLocationInput,
    /// `standard` (default) or `premium`; kept as text so a bad value gets `invalid_delivery_tier`.
    #[cfg_attr(feature = "schema", schema(value_type = Option<DeliveryTier>))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// Legacy free-text city; auto-filled from the LGA.
    #[cfg_attr(feature = "schema", schema(max_length = 100))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Legacy free-text state; auto-filled from the resolved state.
    #[cfg_attr(feature = "schema", schema(max_length = 100))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Free-text notes for the rider.
    #[cfg_attr(feature = "schema", schema(max_length = 500))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// `POST orders/` body.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrderRequest {
    /// Who is buying.
    pub customer: CustomerInput,
    /// Where it goes.
    pub delivery: DeliveryInput,
    /// 1–50 distinct lines.
    #[cfg_attr(feature = "schema", schema(min_items = 1, max_items = 50))]
    pub items: Vec<LineItem>,
}

/// An order body that passed every rule that needs no catalog: trimmed, tier parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidOrderRequest {
    /// Trimmed name.
    pub name: String,
    /// Trimmed phone as sent.
    pub phone: String,
    /// Trimmed, lower-cased email.
    pub email: Option<String>,
    /// Trimmed address.
    pub address: String,
    /// Structured location (may be absent: legacy order).
    pub location: DeliveryLocationInput,
    /// Tier.
    pub tier: DeliveryTier,
    /// Legacy city.
    pub city: Option<String>,
    /// Legacy state.
    pub state: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Lines.
    pub items: Vec<LineItem>,
}

fn trimmed_opt(v: Option<&String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl CreateOrderRequest {
    /// Applies the documented rules, in body order, stopping at the first failure so the error
    /// names one field (`invalid_customer_name`, `invalid_customer_phone`,
    /// `invalid_customer_email`, `invalid_delivery_address`, `invalid_delivery_tier`,
    /// `invalid_delivery_location`, `invalid_items`, `invalid_delivery_notes`).
    pub fn validate(&self) -> Result<ValidOrderRequest, ApiError> {
        let name = self.customer.name.trim();
        if name.is_empty() {
            return Err(ApiError::invalid(
                "invalid_customer_name",
                "customer.name",
                "customer.name is required",
            ));
        }
        if name.chars().count() > MAX_NAME_LEN {
            return Err(ApiError::invalid(
                "invalid_customer_name",
                "customer.name",
                format!("customer.name must be at most {MAX_NAME_LEN} characters"),
            ));
        }
        let phone = self.customer.phone.trim();
        if phone.is_empty() {
            return Err(ApiError::invalid(
                "invalid_customer_phone",
                "customer.phone",
                "customer.phone is required",
            ));
        }
        if phone.chars().count() > MAX_PHONE_LEN {
            return Err(ApiError::invalid(
                "invalid_customer_phone",
                "customer.phone",
                format!("customer.phone must be at most {MAX_PHONE_LEN} characters"),
            ));
        }
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        if !phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'))
            || !(7..=15).contains(&digits)
        {
            return Err(ApiError::invalid(
                "invalid_customer_phone",
                "customer.phone",
                format!("customer.phone '{}' is not a phone number", shorten(phone)),
            ));
        }
        let email = trimmed_opt(self.customer.email.as_ref());
        if let Some(e) = &email
            && !is_plausible_email(e)
        {
            return Err(ApiError::invalid(
                "invalid_customer_email",
                "customer.email",
                format!(
                    "customer.email '{}' is not a valid email address",
                    shorten(e)
                ),
            ));
        }
        let address = self.delivery.address.trim();
        if address.is_empty() {
            return Err(ApiError::invalid(
                "invalid_delivery_address",
                "delivery.address",
                "delivery.address is required",
            ));
        }
        if address.chars().count() > MAX_ADDRESS_LEN {
            return Err(ApiError::invalid(
                "invalid_delivery_address",
                "delivery.address",
                format!("delivery.address must be at most {MAX_ADDRESS_LEN} characters"),
            ));
        }
        let tier = match self.delivery.tier.as_deref().map(str::trim) {
            None | Some("") | Some("standard") => DeliveryTier::Standard,
            Some("premium") => DeliveryTier::Premium,
            Some(other) => {
                return Err(ApiError::invalid(
                    "invalid_delivery_tier",
                    "delivery.tier",
                    format!(
                        "delivery.tier must be 'standard' or 'premium', got '{}'",
                        shorten(other)
                    ),
                ));
            }
        };
        if self.delivery.location.is_present() {
            self.delivery.location.validate("")?;
        }
        let notes = trimmed_opt(self.delivery.notes.as_ref());
        if notes
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NOTES_LEN)
        {
            return Err(ApiError::invalid(
                "invalid_delivery_notes",
                "delivery.notes",
                format!("delivery.notes must be at most {MAX_NOTES_LEN} characters"),
            ));
        }
        for (field, v) in [
            ("delivery.city", &self.delivery.city),
            ("delivery.state", &self.delivery.state),
        ] {
            if v.as_ref()
                .is_some_and(|s| s.chars().count() > MAX_LEGACY_LEN)
            {
                return Err(ApiError::invalid(
                    format!("invalid_{}", field.replace('.', "_")),
                    field,
                    format!("{field} must be at most {MAX_LEGACY_LEN} characters"),
                ));
            }
        }
        validate_items(&self.items, MAX_ORDER_ITEMS, "items")?;
        Ok(ValidOrderRequest {
            name: name.to_owned(),
            phone: phone.to_owned(),
            email: email.map(|e| e.to_ascii_lowercase()),
            address: address.to_owned(),
            location: self.delivery.location.clone(),
            tier,
            city: trimmed_opt(self.delivery.city.as_ref()),
            state: trimmed_opt(self.delivery.state.as_ref()),
            notes,
            items: self.items.clone(),
        })
    }
}

/// A pragmatic email check: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn is_plausible_email(e: &str) -> bool {
    if e.len() > MAX_EMAIL_LEN || e.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
}

/// Order status, in lifecycle order.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrderStatus {
    /// Created and paid from the wallet.
    Paid,
    /// Entered fulfilment.
    Accepted,
    /// On its way.
    Shipped,
    /// Arrived (final).
    Delivered,
    /// Cancelled and refunded (final).
    Cancelled,
}

impl OrderStatus {
    /// Every status, in lifecycle order (what a status filter offers).
    pub const ALL: [OrderStatus; 5] = [
        OrderStatus::Paid,
        OrderStatus::Accepted,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
    ];

    /// The statuses an order can be moved to after it is placed (the sandbox's advance).
    pub const ONWARD: [OrderStatus; 4] = [
        OrderStatus::Accepted,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
    ];

    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Paid => "paid",
            OrderStatus::Accepted => "accepted",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    /// Parses a wire value.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "paid" => Some(OrderStatus::Paid),
            "accepted" => Some(OrderStatus::Accepted),
            "shipped" => Some(OrderStatus::Shipped),
            "delivered" => Some(OrderStatus::Delivered),
            "cancelled" => Some(OrderStatus::Cancelled),
            _ => None,
        }
    }

    /// Position for monotonic updates: `paid < accepted < shipped < delivered`, and
    /// `cancelled` is final (ranks above everything).
    pub fn rank(self) -> u8 {
        match self {
            OrderStatus::Paid => 0,
            OrderStatus::Accepted => 1,
            OrderStatus::Shipped => 2,
            OrderStatus::Delivered => 3,
            OrderStatus::Cancelled => 4,
        }
    }

    /// Whether the platform allows moving from `self` to `next`
    /// (`paid → accepted → shipped → delivered`; `cancelled` from `paid` or `accepted`).
    pub fn can_become(self, next: OrderStatus) -> bool {
        matches!(
            (self, next),
            (OrderStatus::Paid, OrderStatus::Accepted)
                | (OrderStatus::Accepted, OrderStatus::Shipped)
                | (OrderStatus::Shipped, OrderStatus::Delivered)
                | (
                    OrderStatus::Paid | OrderStatus::Accepted,
                    OrderStatus::Cancelled
                )
        )
    }

    /// The webhook event this status emits (`order.accepted`, …; `paid` emits `order.created`).
    pub fn event_name(self) -> &'static str {
        match self {
            OrderStatus::Paid => "order.created",
            OrderStatus::Accepted => "order.accepted",
            OrderStatus::Shipped => "order.shipped",
            OrderStatus::Delivered => "order.delivered",
            OrderStatus::Cancelled => "order.cancelled",
        }
    }
}

/// Payment state.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaymentState {
    /// Debited from the wallet.
    Paid,
    /// Refunded on cancel.
    Refunded,
    /// Not paid.
    Unpaid,
}

impl PaymentState {
    /// Parses a wire value.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "paid" => Some(PaymentState::Paid),
            "refunded" => Some(PaymentState::Refunded),
            "unpaid" => Some(PaymentState::Unpaid),
            _ => None,
        }
    }
}

/// The customer as stored on an order.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCustomer {
    /// Name.
    pub name: String,
    /// Phone as sent.
    pub phone: String,
    /// Email, if given.
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub email: Option<String>,
}

/// One scheme's delivery charge on an order.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryBreakdown {
    /// Scheme id (`null` for the no-scheme bucket).
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub scheme_id: Option<u32>,
    /// Scheme name.
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub scheme_name: Option<String>,
    /// Tier charged.
    pub tier: DeliveryTier,
    /// What the customer paid for this scheme.
    pub price: Money,
    /// Fastest, in days.
    pub eta_min_days: u32,
    /// Slowest, in days.
    pub eta_max_days: u32,
    /// Products shipped under this scheme.
    pub product_count: u32,
}

/// The delivery snapshot on an order. On legacy orders (no location) the scheme, tier,
/// `was_free` and ETA fields are `null` and `breakdown` is empty.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDelivery {
    /// Address line.
    pub address: String,
    /// City (from the LGA, or legacy free text).
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub city: Option<String>,
    /// State name (resolved, or legacy free text).
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub state: Option<String>,
    /// Resolved state id.
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub state_id: Option<u32>,
    /// Resolved LGA id.
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub lga_id: Option<u32>,
    /// The cart's main scheme (the first scheme of the breakdown).
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub scheme_id: Option<u32>,
    /// Its name.
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub scheme_name: Option<String>,
    /// Tier charged.
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub tier: Option<DeliveryTier>,
    /// Whether the customer paid nothing for delivery.
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub was_free: Option<bool>,
    /// Cart ETA, fastest.
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub eta_min_days: Option<u32>,
    /// Cart ETA, slowest.
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub eta_max_days: Option<u32>,
    /// Per-scheme charges.
    pub breakdown: Vec<DeliveryBreakdown>,
    /// Notes for the rider.
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub notes: Option<String>,
}

/// One line of an order, priced at order time.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderItem {
    /// Product id.
    pub product_id: u64,
    /// Product name at order time.
    pub name: String,
    /// Units.
    pub quantity: u32,
    /// Unit price snapshot.
    pub unit_price: Money,
    /// `unit_price × quantity`.
    pub line_total: Money,
}

/// The order object (201 body's `data`, order reads, and webhook `data`).
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// Numeric id.
    pub id: u64,
    /// `AMG-COM-YYYYMMDD-XXXXXX`, or `AMG-COM-TEST-YYYYMMDD-XXXXXX` in test mode.
    pub reference: String,
    /// Lifecycle status.
    pub status: OrderStatus,
    /// Payment state.
    pub payment_state: PaymentState,
    /// Items total.
    pub subtotal: Money,
    /// Delivery charged.
    pub delivery_fee: Money,
    /// `subtotal + delivery_fee`.
    pub total: Money,
    /// Customer.
    pub customer: OrderCustomer,
    /// Delivery snapshot.
    pub delivery: OrderDelivery,
    /// Lines.
    pub items: Vec<OrderItem>,
    /// `YYYY-MM-DD HH:MM:SS` (Africa/Lagos).
    pub created_at: String,
    /// When paid, same format.
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub paid_at: Option<String>,
    /// Why it was cancelled (cancelled orders only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_reason: Option<String>,
}

impl Order {
    /// The order as its shopper paid for it: each line at the unit price `retail` gives it (the
    /// merchant's price; Amigo's order carries Amigo's), line totals, subtotal and total
    /// recomputed, the delivery fee as charged (passed on at cost).
    pub fn at_retail(&self, retail: impl Fn(&OrderItem) -> i64) -> Self {
        let (items, subtotal, total) = lines_at_retail(&self.items, &self.delivery_fee, retail);
        Self {
            items,
            subtotal,
            total,
            ..self.clone()
        }
    }
}

/// `items` at the unit prices `retail` gives, with the subtotal and the total (`fee` added).
/// Saturating: an absurd price can never wrap into a small one.
pub fn lines_at_retail(
    items: &[OrderItem],
    fee: &Money,
    retail: impl Fn(&OrderItem) -> i64,
) -> (Vec<OrderItem>, Money, Money) {
    let items: Vec<OrderItem> = items
        .iter()
        .map(|item| {
            let unit = retail(item);
            OrderItem {
                unit_price: Money::naira(unit),
                line_total: Money::naira(unit.saturating_mul(i64::from(item.quantity))),
                ..item.clone()
            }
        })
        .collect();
    let subtotal = items
        .iter()
        .fold(0i64, |sum, item| sum.saturating_add(item.line_total.amount));
    let total = subtotal.saturating_add(fee.amount);
    (items, Money::naira(subtotal), Money::naira(total))
}

/// A validated `YYYY-MM-DD` date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CivilDate {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day, 1–31 (valid for the month).
    pub day: u8,
}

impl CivilDate {
    /// Parses `YYYY-MM-DD`, rejecting impossible dates (`2026-02-30`).
    pub fn parse(raw: &str) -> Option<Self> {
        let b = raw.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year: i32 = raw[0..4].parse().ok()?;
        let month: u8 = raw[5..7].parse().ok()?;
        let day: u8 = raw[8..10].parse().ok()?;
        let leap =
            (year.rem_euclid(4) == 0 && year.rem_euclid(100) != 0) || year.rem_euclid(400) == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Self { year, month, day })
    }

    /// `YYYY-MM-DD`.
    pub fn to_iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A validated `GET orders/` list query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrderListQuery {
    /// Status filter.
    pub status: Option<OrderStatus>,
    /// Payment-state filter.
    pub payment_state: Option<PaymentState>,
    /// `created_at ≥ from 00:00:00`.
    pub from: Option<CivilDate>,
    /// `created_at ≤ to 23:59:59`.
    pub to: Option<CivilDate>,
    /// Matches reference, customer name or phone (case-insensitive substring).
    pub q: Option<String>,
    /// Page size, 1–100 (default 20).
    pub limit: u32,
    /// Rows to skip.
    pub offset: u64,
}

impl OrderListQuery {
    /// Parses the documented list parameters.
    pub fn parse(q: &QueryPairs) -> Result<Self, ApiError> {
        let status = match q.non_empty("status") {
            None => None,
            Some(s) => Some(OrderStatus::parse(s.trim()).ok_or_else(|| {
                ApiError::invalid(
                    "invalid_status",
                    "status",
                    format!(
                        "status must be paid, accepted, shipped, delivered or cancelled; got '{}'",
                        shorten(s)
                    ),
                )
            })?),
        };
        let payment_state = match q.non_empty("payment_state") {
            None => None,
            Some(s) => Some(PaymentState::parse(s.trim()).ok_or_else(|| {
                ApiError::invalid(
                    "invalid_payment_state",
                    "payment_state",
                    format!(
                        "payment_state must be paid, refunded or unpaid; got '{}'",
                        shorten(s)
                    ),
                )
            })?),
        };
        let date = |key: &str| -> Result<Option<CivilDate>, ApiError> {
            match q.non_empty(key) {
                None => Ok(None),
                Some(raw) => CivilDate::parse(raw.trim()).map(Some).ok_or_else(|| {
                    ApiError::invalid(
                        format!("invalid_{key}"),
                        key,
                        format!("{key} must be a date as YYYY-MM-DD, got '{}'", shorten(raw)),
                    )
                }),
            }
        };
        let from = date("from")?;
        let to = date("to")?;
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(ApiError::invalid(
                "invalid_to",
                "to",
                "to must not be before from",
            ));
        }
        let text = match q.get("q").map(str::trim) {
            None | Some("") => None,
            Some(t) if t.chars().count() > 100 => {
                return Err(ApiError::invalid(
                    "invalid_q",
                    "q",
                    "q must be at most 100 characters",
                ));
            }
            Some(t) => Some(t.to_owned()),
        };
        // "max 100": capped, not refused, like the product list
        let limit = q.capped_u64("limit", 1, 100)?.map_or(20, |n| n as u32);
        let offset = q
            .bounded_u64("offset", 0, crate::catalog::MAX_OFFSET)?
            .unwrap_or(0);
        Ok(Self {
            status,
            payment_state,
            from,
            to,
            q: text,
            limit,
            offset,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> CreateOrderRequest {
        serde_json::from_value(serde_json::json!({
            "customer": {"name": "Aisha Bello", "phone": "08012345678", "email": "aisha@example.com"},
            "delivery": {"address": "Plot 12, Sabon Gari", "state_code": "KD", "lga_name": "Zaria", "tier": "premium", "notes": "Call"},
            "items": [{"product_id": 42, "quantity": 1}, {"product_id": 8, "quantity": 2}]
        }))
        .unwrap()
    }

    #[test]
    fn the_documented_example_is_valid() {
        let v = body().validate().unwrap();
        assert_eq!(v.tier, DeliveryTier::Premium);
        assert_eq!(v.location.state_code.as_deref(), Some("KD"));
        assert_eq!(v.items.len(), 2);
    }

    type Mutation = Box<dyn Fn(&mut CreateOrderRequest)>;

    #[test]
    fn each_rule_names_its_field() {
        let cases: Vec<(Mutation, &str, &str)> = vec![
            (
                Box::new(|b| b.customer.name = "  ".into()),
                "invalid_customer_name",
                "customer.name",
            ),
            (
                Box::new(|b| b.customer.name = "x".repeat(121)),
                "invalid_customer_name",
                "customer.name",
            ),
            (
                Box::new(|b| b.customer.phone = String::new()),
                "invalid_customer_phone",
                "customer.phone",
            ),
            (
                Box::new(|b| b.customer.phone = "0".repeat(21)),
                "invalid_customer_phone",
                "customer.phone",
            ),
            (
                Box::new(|b| b.customer.phone = "call me".into()),
                "invalid_customer_phone",
                "customer.phone",
            ),
            (
                Box::new(|b| b.customer.email = Some("not-an-email".into())),
                "invalid_customer_email",
                "customer.email",
            ),
            (
                Box::new(|b| b.delivery.address = String::new()),
                "invalid_delivery_address",
                "delivery.address",
            ),
            (
                Box::new(|b| b.delivery.tier = Some("express".into())),
                "invalid_delivery_tier",
                "delivery.tier",
            ),
            (
                Box::new(|b| b.delivery.location.state_code = Some("K1".into())),
                "invalid_delivery_location",
                "state_code",
            ),
            (Box::new(|b| b.items.clear()), "invalid_items", "items"),
            (
                Box::new(|b| b.items[0].quantity = 1001),
                "invalid_items",
                "items[0].quantity",
            ),
            (
                Box::new(|b| b.delivery.notes = Some("n".repeat(501))),
                "invalid_delivery_notes",
                "delivery.notes",
            ),
        ];
        for (mutate, code, field) in cases {
            let mut b = body();
            mutate(&mut b);
            let err = b.validate().unwrap_err();
            assert_eq!(
                (err.code.as_str(), err.field.as_deref()),
                (code, Some(field))
            );
        }
    }

    #[test]
    fn legacy_order_has_no_location() {
        let mut b = body();
        b.delivery.location = DeliveryLocationInput::default();
        assert!(!b.validate().unwrap().location.is_present());
    }

    #[test]
    fn emails() {
        for ok in ["a@b.co", "aisha.bello+shop@example.com.ng"] {
            assert!(is_plausible_email(ok), "{ok}");
        }
        for bad in [
            "a@b",
            "@b.com",
            "a b@c.com",
            "a@b..com",
            "a@@b.com",
            "a@.b.com",
        ] {
            assert!(!is_plausible_email(bad), "{bad}");
        }
    }

    #[test]
    fn transitions_and_ranks() {
        use OrderStatus::*;
        assert!(Paid.can_become(Accepted));
        assert!(Accepted.can_become(Cancelled));
        assert!(!Shipped.can_become(Cancelled));
        assert!(!Delivered.can_become(Paid));
        assert!(!Paid.can_become(Shipped));
        assert!(
            Paid.rank() < Accepted.rank()
                && Shipped.rank() < Delivered.rank()
                && Delivered.rank() < Cancelled.rank()
        );
    }

    #[test]
    fn dates() {
        assert!(CivilDate::parse("2026-02-28").is_some());
        assert!(CivilDate::parse("2026-02-29").is_none());
        assert!(CivilDate::parse("2024-02-29").is_some());
        assert!(CivilDate::parse("2026-13-01").is_none());
        assert!(CivilDate::parse("26-01-01").is_none());
    }

    #[test]
    fn list_query() {
        let q = QueryPairs::new(vec![
            ("status".into(), "shipped".into()),
            ("limit".into(), "10".into()),
        ]);
        let p = OrderListQuery::parse(&q).unwrap();
        assert_eq!(p.status, Some(OrderStatus::Shipped));
        assert_eq!(p.limit, 10);
        let bad = QueryPairs::new(vec![("from".into(), "2026-05-40".into())]);
        assert_eq!(
            OrderListQuery::parse(&bad).unwrap_err().code,
            "invalid_from"
        );
    }
}
