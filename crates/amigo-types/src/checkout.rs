//! The shopper's checkout as the proxy keeps it and the widget shows it: the step between
//! "Place order" and the Amigo order, where the shopper pays the merchant first.
//!
//! - `GET /api/payment` answers `{"success": true, "data": PaymentSettings}`: how this store
//!   takes money, so the widget can word its last button before anything is sent.
//! - `POST /api/checkouts` (with an `Idempotency-Key`) takes a [`CreateCheckoutRequest`] and
//!   answers `201 {"success": true, "data": CheckoutView}`; the same key and body answer the
//!   same checkout again.
//! - `GET /api/checkouts/{reference}?phone=…` answers the current [`CheckoutView`]; a wrong
//!   phone gets exactly the answer an unknown reference gets (`404 not_found`).
//!
//! A checkout moves `awaiting_payment → paid → placed`, or ends `expired`, `failed` or
//! `refunded`. The Amigo order is created only from a paid checkout, exactly once.

use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::orders::{CreateOrderRequest, OrderItem};

/// How the merchant takes payment (`AMIGO_PAYMENT`).
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// No payment step: `POST /api/orders` places the Amigo order at once (test tokens, or a
    /// merchant who invoices separately within a daily budget).
    None,
    /// Card, bank transfer or USSD on Paystack's hosted page.
    Paystack,
    /// A bank transfer to the merchant's account, confirmed by the merchant.
    Transfer,
}

impl PaymentMethod {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::None => "none",
            PaymentMethod::Paystack => "paystack",
            PaymentMethod::Transfer => "transfer",
        }
    }

    /// Parses a wire value.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "none" => Some(PaymentMethod::None),
            "paystack" => Some(PaymentMethod::Paystack),
            "transfer" => Some(PaymentMethod::Transfer),
            _ => None,
        }
    }
}

/// `GET /api/payment`: what the widget needs to know before the shopper presses the last
/// button. Carries no secret: Paystack's public key is the only Paystack value a browser sees.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentSettings {
    /// How this store takes money.
    pub method: PaymentMethod,
    /// Paystack's public key (`pk_…`), with `paystack` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// How long an unpaid checkout waits before it expires, in minutes (`paystack` and
    /// `transfer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_after_minutes: Option<u32>,
}

/// `POST /api/checkouts` body: the order as `POST /api/orders` takes it, plus where the
/// shopper comes back to after paying.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateCheckoutRequest {
    /// The order: customer, delivery, items (the same rules as `POST /api/orders`).
    pub order: CreateOrderRequest,
    /// The page the widget is on (`http(s)`, no fragment needed). After Paystack the shopper
    /// is sent to this page with `#/order/{checkout reference}` (no phone: the widget keeps
    /// it); its origin must be
    /// one the proxy allows (`AMIGO_ALLOWED_ORIGINS`, or the proxy's own), so the way back is
    /// never an open redirect.
    pub return_url: String,
}

/// `POST /api/data/checkouts` body: a data plan for a line, as `POST /api/data/purchases`
/// takes it, plus where the shopper comes back to after paying. The plan is bought only once
/// the checkout is paid.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateDataCheckoutRequest {
    /// The purchase: `network`, `mobile_number`, `plan`, `Ported_number` (the same rules as
    /// `POST /api/data/purchases`).
    pub purchase: crate::data::DataPurchaseRequest,
    /// The page the widget is on; the same rules as [`CreateCheckoutRequest::return_url`].
    pub return_url: String,
}

/// What a checkout buys once paid: a delivered order, or a data plan for a line. The widget
/// follows each differently after payment (the order's timeline, or the data purchase).
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckoutKind {
    /// An Amigo Commerce order (`AMG-COM-…` once placed).
    #[default]
    Order,
    /// A Data API purchase (`AMG-DAT-…`, or the proxy's `PRX-DAT-…`, once placed).
    Data,
}

impl CheckoutKind {
    /// The wire value (also the database's).
    pub fn as_str(self) -> &'static str {
        match self {
            CheckoutKind::Order => "order",
            CheckoutKind::Data => "data",
        }
    }

    /// Parses a wire value.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "order" => Some(CheckoutKind::Order),
            "data" => Some(CheckoutKind::Data),
            _ => None,
        }
    }
}

/// Where a checkout is.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckoutStatus {
    /// Created; the shopper has not paid (yet).
    AwaitingPayment,
    /// Paid; the Amigo order is being placed.
    Paid,
    /// The Amigo order exists (`order_reference`).
    Placed,
    /// Nobody paid in time; nothing was charged.
    Expired,
    /// Paid, but the order could not be placed and the money is owed back by the merchant
    /// (bank transfers are refunded by hand), or the payment was not the one asked for.
    Failed,
    /// Paid, the order could not be placed, and the payment was refunded.
    Refunded,
}

impl CheckoutStatus {
    /// The wire value (also the database's).
    pub fn as_str(self) -> &'static str {
        match self {
            CheckoutStatus::AwaitingPayment => "awaiting_payment",
            CheckoutStatus::Paid => "paid",
            CheckoutStatus::Placed => "placed",
            CheckoutStatus::Expired => "expired",
            CheckoutStatus::Failed => "failed",
            CheckoutStatus::Refunded => "refunded",
        }
    }

    /// Parses a wire value.
    pub fn parse(raw: &str) -> Option<Self> {
        [
            CheckoutStatus::AwaitingPayment,
            CheckoutStatus::Paid,
            CheckoutStatus::Placed,
            CheckoutStatus::Expired,
            CheckoutStatus::Failed,
            CheckoutStatus::Refunded,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }

    /// Whether nothing more will happen to it.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            CheckoutStatus::Placed
                | CheckoutStatus::Expired
                | CheckoutStatus::Failed
                | CheckoutStatus::Refunded
        )
    }
}

/// How the shopper pays this checkout, while it awaits payment.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum PaymentInstructions {
    /// Open Paystack's page (same tab, or a popup).
    Paystack {
        /// Paystack's hosted payment page for this checkout.
        authorization_url: String,
    },
    /// Transfer `amount` to the merchant's account with `narration` in the transfer's
    /// description.
    Transfer {
        /// Account holder's name.
        account_name: String,
        /// The bank's name.
        bank_name: String,
        /// The 10-digit NUBAN.
        account_number: String,
        /// The exact amount to send.
        amount: Money,
        /// What to write in the transfer's narration (the checkout reference).
        narration: String,
    },
}

/// Why a paid checkout did not become an order.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutFailure {
    /// Amigo's error code (`out_of_stock`, `insufficient_balance`, `unserviceable_delivery`,
    /// …) or the proxy's (`amount_mismatch`, `paid_after_expiry`).
    pub code: String,
    /// A sentence for the shopper.
    pub message: String,
}

/// One checkout as its shopper may see it: no name, phone, email or street address.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutView {
    /// `CHK-…`: the checkout's reference, also the payment's (Paystack reference, transfer
    /// narration).
    pub reference: String,
    /// What it buys (absent in answers from before data checkouts: an order).
    #[serde(default)]
    pub kind: CheckoutKind,
    /// Where it is.
    pub status: CheckoutStatus,
    /// How it is paid.
    pub method: PaymentMethod,
    /// Lines at the retail prices the shopper pays.
    pub items: Vec<OrderItem>,
    /// Items total.
    pub subtotal: Money,
    /// Delivery charged (Amigo's quote for the chosen tier).
    pub delivery_fee: Money,
    /// `subtotal + delivery_fee`: exactly what is charged.
    pub total: Money,
    /// When it was created, ISO 8601 with offset.
    pub created_at: String,
    /// When an unpaid checkout expires, ISO 8601 with offset.
    pub expires_at: String,
    /// How to pay, while `awaiting_payment`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay: Option<PaymentInstructions>,
    /// Once `placed`: the Amigo order (`AMG-COM-…`, tracked at `GET /api/orders/{it}`), or for
    /// a data checkout the purchase (`AMG-DAT-…` or `PRX-DAT-…`, followed at
    /// `GET /api/data/purchases/{it}`), with the same phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_reference: Option<String>,
    /// Why it ended `failed` or `refunded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<CheckoutFailure>,
}

/// Whether `raw` looks like a checkout reference (`CHK-` and 10 to 32 upper-case letters and
/// digits): the widget tells a checkout from an Amigo order by it.
pub fn is_checkout_reference(raw: &str) -> bool {
    raw.strip_prefix("CHK-").is_some_and(|tail| {
        (10..=32).contains(&tail.len())
            && tail
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_an_answer_without_one_is_an_order() {
        for k in [CheckoutKind::Order, CheckoutKind::Data] {
            assert_eq!(CheckoutKind::parse(k.as_str()), Some(k));
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.as_str())
            );
        }
        assert_eq!(CheckoutKind::parse("Data"), None);
        assert_eq!(CheckoutKind::default(), CheckoutKind::Order);
    }

    #[test]
    fn a_data_checkout_request_refuses_unknown_fields() {
        let ok: CreateDataCheckoutRequest = serde_json::from_str(
            r#"{"purchase": {"network": 1, "mobile_number": "08031234567", "plan": 1001}, "return_url": "http://127.0.0.1/"}"#,
        )
        .unwrap();
        assert_eq!(ok.return_url, "http://127.0.0.1/");
        assert!(
            serde_json::from_str::<CreateDataCheckoutRequest>(
                r#"{"purchase": {}, "return_url": "x", "order": {}}"#
            )
            .is_err()
        );
    }

    #[test]
    fn statuses_round_trip_and_know_when_they_end() {
        for s in [
            CheckoutStatus::AwaitingPayment,
            CheckoutStatus::Paid,
            CheckoutStatus::Placed,
            CheckoutStatus::Expired,
            CheckoutStatus::Failed,
            CheckoutStatus::Refunded,
        ] {
            assert_eq!(CheckoutStatus::parse(s.as_str()), Some(s));
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        assert!(!CheckoutStatus::AwaitingPayment.is_final());
        assert!(!CheckoutStatus::Paid.is_final());
        assert!(CheckoutStatus::Placed.is_final());
        assert_eq!(CheckoutStatus::parse("PAID"), None);
    }

    #[test]
    fn methods_round_trip() {
        for m in [
            PaymentMethod::None,
            PaymentMethod::Paystack,
            PaymentMethod::Transfer,
        ] {
            assert_eq!(PaymentMethod::parse(m.as_str()), Some(m));
        }
        assert_eq!(PaymentMethod::parse("cash"), None);
    }

    #[test]
    fn checkout_references_are_told_from_order_references() {
        assert!(is_checkout_reference("CHK-7H3K9Q2M4X"));
        assert!(!is_checkout_reference("CHK-7h3k9q2m4x"));
        assert!(!is_checkout_reference("CHK-SHORT"));
        assert!(!is_checkout_reference("AMG-COM-7H3K9Q2M4X"));
        assert!(!is_checkout_reference("CHK-7H3K9Q2M4X/../x"));
    }

    #[test]
    fn instructions_are_tagged_by_method() {
        let p = PaymentInstructions::Paystack {
            authorization_url: "https://checkout.example/abc".into(),
        };
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["method"], "paystack");
        assert_eq!(v["authorization_url"], "https://checkout.example/abc");
        let back: PaymentInstructions = serde_json::from_value(v).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn a_checkout_request_refuses_unknown_fields() {
        let body = serde_json::json!({
            "order": {"customer": {"name": "A B", "phone": "08012345678"},
                      "delivery": {"address": "1 Road"},
                      "items": [{"product_id": 1, "quantity": 1}]},
            "return_url": "https://shop.example/",
            "amount": 1
        });
        assert!(serde_json::from_value::<CreateCheckoutRequest>(body).is_err());
    }
}
