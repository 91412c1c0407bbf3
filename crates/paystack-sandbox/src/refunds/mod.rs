//! Refunds: the request ([`RefundRequest`]), the record ([`Refund`]), the rules that keep a
//! transaction from being refunded beyond what was paid ([`commit`], [`process`]), and
//! Paystack's JSON for them ([`view`]).

pub(crate) mod desk;
pub(crate) mod view;

use serde_json::Value;
use time::OffsetDateTime;

use crate::error::ApiError;
use crate::money::Kobo;
use crate::transactions::{Transaction, TransactionStatus};

/// Longest `customer_note` or `merchant_note` accepted.
pub(crate) const MAX_NOTE_LEN: usize = 500;

/// A refund's state, with Paystack's wire names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundStatus {
    /// Queued: the amount is committed but not yet returned.
    Pending,
    /// Returned to the payer.
    Processed,
}

impl RefundStatus {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            RefundStatus::Pending => "pending",
            RefundStatus::Processed => "processed",
        }
    }
}

/// How the request names the transaction: Paystack takes its reference or its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransactionLocator {
    /// A JSON number: the id.
    Id(u64),
    /// A string: a reference, or else (all digits) an id.
    Text(String),
}

/// A validated `POST /refund` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequest {
    /// Which transaction.
    pub transaction: TransactionLocator,
    /// How much; `None` refunds what is left of the transaction.
    pub amount: Option<Kobo>,
    /// Must be the transaction's currency when given.
    pub currency: Option<String>,
    /// Shown to the payer.
    pub customer_note: Option<String>,
    /// Kept for the merchant.
    pub merchant_note: Option<String>,
}

fn invalid(message: &str) -> ApiError {
    ApiError::Validation(message.to_owned())
}

fn note(body: &serde_json::Map<String, Value>, name: &str) -> Result<Option<String>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= MAX_NOTE_LEN => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::Validation(format!(
            "{name} must be a string of at most {MAX_NOTE_LEN} characters"
        ))),
    }
}

impl RefundRequest {
    /// Validates the parsed JSON body.
    pub fn parse(body: &Value) -> Result<Self, ApiError> {
        let body = body.as_object().ok_or(ApiError::InvalidBody)?;
        let transaction = match body.get("transaction") {
            Some(Value::Number(n)) => {
                TransactionLocator::Id(n.as_u64().ok_or_else(|| invalid("Transaction not found"))?)
            }
            Some(Value::String(s)) if !s.trim().is_empty() && s.len() <= 100 => {
                TransactionLocator::Text(s.trim().to_owned())
            }
            _ => return Err(invalid("Transaction reference or id is required")),
        };
        let amount = match body.get("amount") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                match v {
                    Value::Number(n) => n.as_u64(),
                    Value::String(s)
                        if !s.is_empty()
                            && s.len() <= 12
                            && s.bytes().all(|b| b.is_ascii_digit()) =>
                    {
                        s.parse().ok()
                    }
                    _ => None,
                }
                .and_then(Kobo::new)
                .ok_or_else(|| invalid("Invalid amount"))?,
            ),
        };
        let currency = match body.get("currency") {
            None | Some(Value::Null) => None,
            Some(Value::String(c)) => Some(c.clone()),
            Some(_) => return Err(invalid("Invalid currency")),
        };
        Ok(Self {
            transaction,
            amount,
            currency,
            customer_note: note(body, "customer_note")?,
            merchant_note: note(body, "merchant_note")?,
        })
    }
}

/// One refund.
#[derive(Debug, Clone)]
pub struct Refund {
    /// Numeric id (`GET /refund/{id}`).
    pub id: u64,
    /// The refunded transaction's id.
    pub transaction_id: u64,
    /// The refunded transaction's reference.
    pub transaction_reference: String,
    /// How much.
    pub amount: Kobo,
    /// The transaction's currency.
    pub currency: &'static str,
    /// Where it stands.
    pub status: RefundStatus,
    /// Shown to the payer.
    pub customer_note: String,
    /// Kept for the merchant.
    pub merchant_note: String,
    /// The merchant account that asked (the integration's email).
    pub refunded_by: String,
    /// The payer's email.
    pub customer_email: String,
    /// When it was asked for.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
    /// When it was processed.
    pub refunded_at: Option<OffsetDateTime>,
    /// When Paystack expects to process it.
    pub expected_at: OffsetDateTime,
    /// The processor's reference, once processed.
    pub refund_reference: Option<String>,
}

/// Why a refund cannot be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum RefundError {
    /// Only a paid transaction can be refunded.
    #[error("Transaction has not been successfully completed and cannot be refunded")]
    NotPaid,
    /// Refunds already cover the whole amount.
    #[error("Transaction has been fully reversed")]
    FullyRefunded,
    /// More than what is left to refund.
    #[error("Refund amount cannot be more than the unrefunded transaction amount")]
    TooMuch,
    /// Another currency than the transaction's.
    #[error("Refund currency must match the transaction currency")]
    Currency,
}

/// Commits a refund of `amount` (or of everything left) against `tx`; returns the amount. The
/// sum of pending and processed refunds never exceeds what was paid.
pub(crate) fn commit(tx: &mut Transaction, req: &RefundRequest) -> Result<Kobo, RefundError> {
    if let Some(c) = &req.currency
        && c != tx.currency
    {
        return Err(RefundError::Currency);
    }
    match tx.status {
        TransactionStatus::Success => {}
        TransactionStatus::Reversed => return Err(RefundError::FullyRefunded),
        TransactionStatus::Abandoned | TransactionStatus::Failed => {
            return Err(RefundError::NotPaid);
        }
    }
    let left = tx.amount.get() - tx.refund_committed;
    let Some(left_kobo) = Kobo::new(left) else {
        return Err(RefundError::FullyRefunded);
    };
    let amount = req.amount.unwrap_or(left_kobo);
    if amount.get() > left {
        return Err(RefundError::TooMuch);
    }
    tx.refund_committed += amount.get();
    Ok(amount)
}

/// Marks `refund` processed at `now` and counts it on `tx`, which becomes `reversed` once
/// processed refunds cover every kobo. Returns `false` if it was already processed.
pub(crate) fn process(
    tx: &mut Transaction,
    refund: &mut Refund,
    now: OffsetDateTime,
    refund_reference: String,
) -> bool {
    if refund.status != RefundStatus::Pending {
        return false;
    }
    refund.status = RefundStatus::Processed;
    refund.refunded_at = Some(now);
    refund.updated_at = now;
    refund.refund_reference = Some(refund_reference);
    tx.refunded += refund.amount.get();
    if tx.refunded >= tx.amount.get() {
        tx.status = TransactionStatus::Reversed;
    }
    true
}
