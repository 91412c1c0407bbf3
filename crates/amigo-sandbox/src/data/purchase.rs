//! Buying data: validate the body, check the plan and the number against the network, debit
//! the shared wallet, and file the purchase with its outcome drawn from the plan's efficiency.
//! A refused purchase changes nothing.

use amigo_types::Money;
use amigo_types::data::{DataPurchase, DataPurchaseRequest, DataPurchaseStatus};
use amigo_types::envelope::ApiError;
use amigo_types::token::Mode;
use rand::Rng;
use serde::Deserialize;

use super::{DataPlans, Outcome};
use crate::clock::{Clock, iso8601};
use crate::error::SandboxError;
use crate::merchants::Merchant;
use crate::orders::book::new_reference;

/// Sandbox seconds a purchase stays `processing` before its drawn outcome applies.
pub const SETTLE_AFTER_SECS: i64 = 30;

/// Creates a purchase for `merchant` from its parsed request, from `plans` as they stand now.
///
/// Checks, first failure wins: body fields (`invalid_network`, `invalid_mobile_number`,
/// `invalid_plan`, `invalid_ported_number`), an unknown plan (`invalid_plan`), a plan of
/// another network (`plan_network_mismatch`), a number whose prefix belongs to another network
/// while `Ported_number` is not true (`network_mismatch`), then the wallet
/// (`insufficient_balance`).
pub fn buy_data(
    plans: &DataPlans,
    clock: &Clock,
    merchant: &Merchant,
    req: &DataPurchaseRequest,
) -> Result<DataPurchase, SandboxError> {
    let valid = req.validate()?;
    let now = clock.unix();
    let found = plans.plan(valid.plan, now);
    let plan = valid.check_against(found.as_ref())?.clone();
    if let Err(short) = merchant.wallet.debit(plan.price.amount) {
        return Err(SandboxError::InsufficientBalance {
            required: short.required,
            balance: short.balance,
        });
    }
    let mut rng = rand::rng();
    let destined = if rng.random_range(0..100u8) < plan.efficiency.unwrap_or(100) {
        Outcome::Delivered
    } else {
        Outcome::Failed
    };
    let at = clock.now();
    let live = merchant.mode == Mode::Live;
    let purchase = DataPurchase {
        id: plans.next_id(),
        reference: String::new(),
        status: DataPurchaseStatus::Processing,
        network: valid.network,
        network_name: valid.network.name().to_owned(),
        mobile_number: valid.mobile_number.as_str().to_owned(),
        ported_number: valid.ported_number,
        plan: plan.plan_id,
        capacity: plan.capacity,
        validity: plan.validity,
        amount: Money::naira(plan.price.amount),
        refunded: false,
        failure_reason: None,
        livemode: live,
        created_at: iso8601(at),
        completed_at: None,
    };
    Ok(merchant
        .data
        .insert(purchase, destined, now + SETTLE_AFTER_SECS, || {
            new_reference(live, at, &mut rng).replacen("AMG-COM-", "AMG-DAT-", 1)
        }))
}

/// Body of the sandbox-only `POST /api/data/sandbox/advance/`.
#[derive(Debug, Deserialize)]
pub struct AdvanceDataRequest {
    /// The purchase to settle.
    pub reference: String,
    /// `"delivered"` or `"failed"`.
    pub outcome: String,
}

/// Settles one of the caller's `processing` purchases now (test tokens only).
pub fn advance_purchase(
    clock: &Clock,
    merchant: &Merchant,
    req: &AdvanceDataRequest,
) -> Result<DataPurchase, SandboxError> {
    if merchant.mode == Mode::Live {
        return Err(SandboxError::LiveTokenNotAllowed);
    }
    let outcome = match req.outcome.as_str() {
        "delivered" => Outcome::Delivered,
        "failed" => Outcome::Failed,
        _ => {
            return Err(ApiError::invalid(
                "invalid_outcome",
                "outcome",
                "outcome must be \"delivered\" or \"failed\"",
            )
            .into());
        }
    };
    let stamp = iso8601(clock.now());
    merchant
        .data
        .force(req.reference.trim(), outcome, &stamp, &merchant.wallet)
        .map_err(|e| match e {
            None => purchase_not_found(req.reference.trim()),
            Some(status) => SandboxError::InvalidTransition(format!(
                "Purchase {} has already settled ({status:?}).",
                req.reference.trim()
            )),
        })
}

/// `404 not_found` for a reference this merchant does not hold.
pub fn purchase_not_found(reference: &str) -> SandboxError {
    SandboxError::NotFound(format!("No data purchase {reference} for this token."))
}
