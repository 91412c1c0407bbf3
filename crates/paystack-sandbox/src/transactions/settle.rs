//! What the payer does on the payment page (or a test does through `/_sandbox/…`): pay, be
//! declined, or walk away. A transaction completes once; after that every attempt is refused.

use time::OffsetDateTime;

use super::{Channel, Transaction, TransactionStatus};

/// The payer's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The payment goes through on this channel.
    Pay(Channel),
    /// The attempt on this channel is declined.
    Decline(Channel),
    /// The payer leaves; nothing changes and the transaction stays payable.
    Abandon,
}

/// Why the outcome could not be applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SettleError {
    /// The transaction already completed (`success`, `failed` or `reversed`).
    #[error("Transaction has already been completed")]
    AlreadyCompleted,
    /// The page did not offer this channel.
    #[error("This channel is not available for this transaction")]
    ChannelNotOffered,
}

/// Applies `outcome` to `tx` at `now`; `authorization_code` is the `AUTH_…` code a successful
/// payment records.
pub(crate) fn apply(
    tx: &mut Transaction,
    outcome: Outcome,
    now: OffsetDateTime,
    authorization_code: impl FnOnce() -> String,
) -> Result<(), SettleError> {
    if !tx.is_open() {
        return Err(SettleError::AlreadyCompleted);
    }
    match outcome {
        Outcome::Abandon => {}
        Outcome::Pay(channel) | Outcome::Decline(channel) => {
            if !tx.channels.contains(&channel) {
                return Err(SettleError::ChannelNotOffered);
            }
            tx.channel = Some(channel);
            if matches!(outcome, Outcome::Pay(_)) {
                tx.status = TransactionStatus::Success;
                tx.paid_at = Some(now);
                tx.authorization_code = Some(authorization_code());
            } else {
                tx.status = TransactionStatus::Failed;
            }
        }
    }
    Ok(())
}
