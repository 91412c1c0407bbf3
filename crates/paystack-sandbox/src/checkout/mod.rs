//! The hosted payment page's side of a payment: applying the payer's choice to the books and
//! telling the merchant. Both the HTML page and the `/_sandbox` test controls settle through
//! [`settle_and_notify`], so the two never behave differently.

pub(crate) mod page;

use std::sync::Arc;

use crate::clock::Clock;
use crate::keys::Domain;
use crate::ledger::Ledger;
use crate::transactions::settle::{Outcome, SettleError};
use crate::transactions::{Transaction, view};
use crate::webhooks::{Event, WebhookSender};

/// Applies `outcome` to the transaction `reference`; a payment sends `charge.success` in the
/// background (Paystack sends webhooks only for successful charges). `Ok(None)`: no such
/// transaction.
pub(crate) fn settle_and_notify(
    ledger: &Ledger,
    clock: &Clock,
    webhooks: &Arc<WebhookSender>,
    domain: Domain,
    reference: &str,
    outcome: Outcome,
) -> Result<Option<Transaction>, SettleError> {
    let tx = ledger.settle(reference, outcome, clock.now())?;
    if let (Some(tx), Outcome::Pay(_)) = (&tx, outcome) {
        webhooks.send(Event::ChargeSuccess, view::verify_data(tx, domain));
    }
    Ok(tx)
}
