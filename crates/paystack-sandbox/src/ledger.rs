//! The integration's books: every transaction, customer and refund, behind one lock so that a
//! reference is taken once, a transaction completes once, and refunds never add up to more than
//! was paid, whatever the concurrency. Each method is one short critical section that returns
//! clones; nothing awaits while holding the lock.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use time::OffsetDateTime;

use crate::error::ApiError;
use crate::ids;
use crate::refunds::{self, Refund, RefundRequest, RefundStatus, TransactionLocator};
use crate::transactions::initialize::NewTransaction;
use crate::transactions::settle::{self, Outcome, SettleError};
use crate::transactions::{Customer, Transaction, TransactionStatus};

/// First transaction id (ids then count up): ten digits, like Paystack's.
const FIRST_TRANSACTION_ID: u64 = 4_000_000_001;
/// First customer id.
const FIRST_CUSTOMER_ID: u64 = 190_000_001;
/// First refund id.
const FIRST_REFUND_ID: u64 = 12_000_001;
/// How long Paystack says a refund may take, shown as `expected_at` (days).
const REFUND_EXPECTED_DAYS: i64 = 7;

#[derive(Debug, Default)]
struct Books {
    transactions: Vec<Transaction>,
    by_reference: HashMap<String, usize>,
    by_access_code: HashMap<String, usize>,
    customers: HashMap<String, Customer>,
    refunds: Vec<Refund>,
}

impl Books {
    fn index_of(&self, locator: &TransactionLocator) -> Option<usize> {
        let by_id = |id: u64| {
            let i = usize::try_from(id.checked_sub(FIRST_TRANSACTION_ID)?).ok()?;
            (i < self.transactions.len()).then_some(i)
        };
        match locator {
            TransactionLocator::Id(id) => by_id(*id),
            TransactionLocator::Text(t) => self
                .by_reference
                .get(t)
                .copied()
                .or_else(|| t.parse().ok().and_then(by_id)),
        }
    }
}

/// Who asked for a refund (shown as `refunded_by`).
#[derive(Debug, Clone)]
pub struct RefundContext {
    /// The merchant account's email.
    pub refunded_by: String,
    /// Now.
    pub now: OffsetDateTime,
}

/// The books, shared by every handler and background task.
#[derive(Debug, Default)]
pub struct Ledger {
    books: Mutex<Books>,
}

impl Ledger {
    fn lock(&self) -> MutexGuard<'_, Books> {
        self.books.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records a new transaction (a generated reference when none was given). Refuses a
    /// reference already used on the integration.
    pub fn initialize(
        &self,
        new: NewTransaction,
        now: OffsetDateTime,
    ) -> Result<Transaction, ApiError> {
        let mut books = self.lock();
        let reference = match new.reference {
            Some(r) if books.by_reference.contains_key(&r) => {
                return Err(ApiError::DuplicateReference);
            }
            Some(r) => r,
            None => loop {
                let r = ids::reference();
                if !books.by_reference.contains_key(&r) {
                    break r;
                }
            },
        };
        let access_code = loop {
            let c = ids::access_code();
            if !books.by_access_code.contains_key(&c) {
                break c;
            }
        };
        let next_customer = FIRST_CUSTOMER_ID + books.customers.len() as u64;
        let customer = books
            .customers
            .entry(new.email.to_ascii_lowercase())
            .or_insert_with(|| Customer {
                id: next_customer,
                customer_code: format!("CUS_{}", ids::lower_alnum(15)),
                email: new.email.clone(),
            })
            .clone();
        let index = books.transactions.len();
        let tx = Transaction {
            id: FIRST_TRANSACTION_ID + index as u64,
            reference: reference.clone(),
            access_code: access_code.clone(),
            amount: new.amount,
            currency: "NGN",
            customer,
            callback_url: new.callback_url,
            channels: new.channels,
            metadata: new.metadata,
            status: TransactionStatus::Abandoned,
            channel: None,
            created_at: now,
            paid_at: None,
            authorization_code: None,
            refund_committed: 0,
            refunded: 0,
        };
        books.transactions.push(tx.clone());
        books.by_reference.insert(reference, index);
        books.by_access_code.insert(access_code, index);
        Ok(tx)
    }

    /// The transaction with this reference.
    pub fn by_reference(&self, reference: &str) -> Option<Transaction> {
        let books = self.lock();
        let i = *books.by_reference.get(reference)?;
        books.transactions.get(i).cloned()
    }

    /// The transaction whose payment page this is.
    pub fn by_access_code(&self, access_code: &str) -> Option<Transaction> {
        let books = self.lock();
        let i = *books.by_access_code.get(access_code)?;
        books.transactions.get(i).cloned()
    }

    /// Applies the payer's `outcome` to the transaction with this reference. `Ok(None)` when
    /// there is no such transaction.
    pub fn settle(
        &self,
        reference: &str,
        outcome: Outcome,
        now: OffsetDateTime,
    ) -> Result<Option<Transaction>, SettleError> {
        let mut books = self.lock();
        let Some(&i) = books.by_reference.get(reference) else {
            return Ok(None);
        };
        let Some(tx) = books.transactions.get_mut(i) else {
            return Ok(None);
        };
        settle::apply(tx, outcome, now, || {
            format!("AUTH_{}", ids::lower_alnum(10))
        })?;
        Ok(Some(tx.clone()))
    }

    /// Queues a refund: checks and commits the amount against the transaction, records the
    /// refund `pending`. Returns the refund and the transaction.
    pub fn create_refund(
        &self,
        req: &RefundRequest,
        ctx: RefundContext,
    ) -> Result<(Refund, Transaction), ApiError> {
        let mut books = self.lock();
        let i = books
            .index_of(&req.transaction)
            .ok_or(ApiError::TransactionNotFound)?;
        let id = FIRST_REFUND_ID + books.refunds.len() as u64;
        let tx = books
            .transactions
            .get_mut(i)
            .ok_or(ApiError::TransactionNotFound)?;
        let amount = refunds::commit(tx, req).map_err(|e| ApiError::Conflict(e.to_string()))?;
        let refund = Refund {
            id,
            transaction_id: tx.id,
            transaction_reference: tx.reference.clone(),
            amount,
            currency: tx.currency,
            status: RefundStatus::Pending,
            customer_note: req
                .customer_note
                .clone()
                .unwrap_or_else(|| format!("Refund for transaction {}", tx.reference)),
            merchant_note: req.merchant_note.clone().unwrap_or_else(|| {
                format!(
                    "Refund for transaction {} by {}",
                    tx.reference, ctx.refunded_by
                )
            }),
            refunded_by: ctx.refunded_by,
            customer_email: tx.customer.email.clone(),
            created_at: ctx.now,
            updated_at: ctx.now,
            refunded_at: None,
            expected_at: ctx.now + time::Duration::days(REFUND_EXPECTED_DAYS),
            refund_reference: None,
        };
        let tx = tx.clone();
        books.refunds.push(refund.clone());
        Ok((refund, tx))
    }

    /// Processes a pending refund. `None` if there is no such refund or it was already
    /// processed (so its webhook is sent once).
    pub fn process_refund(&self, id: u64, now: OffsetDateTime) -> Option<(Refund, Transaction)> {
        let mut books = self.lock();
        let ri = usize::try_from(id.checked_sub(FIRST_REFUND_ID)?).ok()?;
        let ti = usize::try_from(
            books
                .refunds
                .get(ri)?
                .transaction_id
                .checked_sub(FIRST_TRANSACTION_ID)?,
        )
        .ok()?;
        let Books {
            transactions,
            refunds: all_refunds,
            ..
        } = &mut *books;
        let refund = all_refunds.get_mut(ri)?;
        let tx = transactions.get_mut(ti)?;
        refunds::process(tx, refund, now, ids::lower_alnum(12).to_uppercase())
            .then(|| (refund.clone(), tx.clone()))
    }

    /// The refund with this id.
    pub fn refund(&self, id: u64) -> Option<Refund> {
        let books = self.lock();
        let i = usize::try_from(id.checked_sub(FIRST_REFUND_ID)?).ok()?;
        books.refunds.get(i).cloned()
    }
}
