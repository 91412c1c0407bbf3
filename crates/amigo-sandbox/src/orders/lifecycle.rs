//! The sandbox-only lifecycle extension (`POST /api/commerce/sandbox/orders/advance/`): moves
//! one of the caller's orders along `paid → accepted → shipped → delivered` or cancels it
//! (from paid or accepted), refunding the wallet and restoring live stock, and emits the
//! matching webhook event. The live platform does this from its fulfilment side.

use amigo_types::delivery::LineItem;
use amigo_types::envelope::ApiError;
use amigo_types::orders::{Order, OrderStatus};
use amigo_types::query::shorten;
use amigo_types::token::Mode;
use serde::Deserialize;

use std::sync::Arc;

use crate::catalog::Catalog;
use crate::clock::Clock;
use crate::error::SandboxError;
use crate::merchants::{Merchant, Merchants};

/// Longest cancellation reason kept.
pub(crate) const MAX_REASON_LEN: usize = 500;
/// Stored when an order is cancelled without a reason.
pub(crate) const DEFAULT_CANCEL_REASON: &str = "Cancelled by the merchant.";

/// The advance body: `{"reference", "status", "reason"}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub(crate) struct AdvanceRequest {
    /// The order's reference.
    #[serde(default)]
    pub reference: String,
    /// `accepted`, `shipped`, `delivered` or `cancelled`.
    #[serde(default)]
    pub status: String,
    /// Why it was cancelled (kept only on cancel).
    #[serde(default)]
    pub reason: Option<String>,
}

/// A checked advance body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ValidAdvance {
    /// The order's reference, trimmed.
    pub reference: String,
    /// Where it should go.
    pub status: OrderStatus,
    /// The cancellation reason (defaulted when cancelling without one).
    pub reason: Option<String>,
}

impl AdvanceRequest {
    /// Checks the body: a reference, a target status other than `paid`, a reason ≤ 500 chars.
    pub(crate) fn validate(&self) -> Result<ValidAdvance, ApiError> {
        let reference = self.reference.trim();
        if reference.is_empty() {
            return Err(ApiError::invalid(
                "invalid_reference",
                "reference",
                "reference is required",
            ));
        }
        let status = match OrderStatus::parse(self.status.trim()) {
            Some(s) if s != OrderStatus::Paid => s,
            _ => {
                return Err(ApiError::invalid(
                    "invalid_status",
                    "status",
                    format!(
                        "status must be accepted, shipped, delivered or cancelled; got '{}'",
                        shorten(&self.status)
                    ),
                ));
            }
        };
        let reason = self
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if reason.is_some_and(|r| r.chars().count() > MAX_REASON_LEN) {
            return Err(ApiError::invalid(
                "invalid_reason",
                "reason",
                format!("reason must be at most {MAX_REASON_LEN} characters"),
            ));
        }
        let reason = (status == OrderStatus::Cancelled)
            .then(|| reason.unwrap_or(DEFAULT_CANCEL_REASON).to_owned());
        Ok(ValidAdvance {
            reference: reference.to_owned(),
            status,
            reason,
        })
    }
}

/// Applies an advance to one of `merchant`'s orders and emits its event. A cancel refunds the
/// order total to the wallet and, for live orders, puts the stock back.
pub(crate) fn advance_order(
    catalog: &Catalog,
    merchants: &Merchants,
    clock: &Arc<Clock>,
    merchant: &Merchant,
    req: &ValidAdvance,
) -> Result<Order, SandboxError> {
    let t = merchant
        .orders
        .advance(&req.reference, req.status, req.reason.as_deref())?;
    if t.order.status == OrderStatus::Cancelled {
        merchant.wallet.credit(t.order.total.amount);
        if merchant.mode == Mode::Live {
            let lines: Vec<LineItem> = t
                .order
                .items
                .iter()
                .map(|i| LineItem {
                    product_id: i.product_id,
                    quantity: i.quantity,
                })
                .collect();
            catalog.release_live(&lines);
        }
    }
    merchants.announce(merchant, clock, &t.order);
    Ok(t.order)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(reference: &str, status: &str, reason: Option<&str>) -> AdvanceRequest {
        AdvanceRequest {
            reference: reference.into(),
            status: status.into(),
            reason: reason.map(str::to_owned),
        }
    }

    #[test]
    fn body_rules() {
        let code = |r: AdvanceRequest| r.validate().unwrap_err().code;
        assert_eq!(code(req("", "accepted", None)), "invalid_reference");
        assert_eq!(code(req("R", "paid", None)), "invalid_status");
        assert_eq!(code(req("R", "refunded", None)), "invalid_status");
        assert_eq!(
            code(req("R", "cancelled", Some(&"x".repeat(501)))),
            "invalid_reason"
        );
        let ok = req(" R ", "shipped", Some("ignored")).validate().unwrap();
        assert_eq!((ok.reference.as_str(), ok.reason), ("R", None));
        let cancel = req("R", "cancelled", None).validate().unwrap();
        assert_eq!(cancel.reason.as_deref(), Some(DEFAULT_CANCEL_REASON));
        let why = req("R", "cancelled", Some(" out of town "))
            .validate()
            .unwrap();
        assert_eq!(why.reason.as_deref(), Some("out of town"));
    }
}
