//! One merchant's data purchases. A purchase is `processing` until it settles: either the
//! sandbox clock passes its settle time (then the outcome drawn at purchase time, with the
//! plan's efficiency as the chance of delivery, applies) or the advance endpoint forces one.
//! A failed purchase is refunded to the wallet in the same step.

use std::sync::Mutex;

use amigo_types::data::{DataPurchase, DataPurchaseStatus};

use crate::wallet::Wallet;

/// How a purchase ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The line was credited.
    Delivered,
    /// The carrier refused; refund.
    Failed,
}

#[derive(Debug)]
struct Entry {
    purchase: DataPurchase,
    destined: Outcome,
    settle_at: i64,
}

/// Purchases, oldest first.
#[derive(Debug, Default)]
pub struct DataBook {
    entries: Mutex<Vec<Entry>>,
}

impl DataBook {
    /// No purchases.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Entry>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Files a purchase that will settle as `destined` at `settle_at` (unix seconds); assigns
    /// a reference from `reference` that no other purchase of this merchant holds.
    pub fn insert(
        &self,
        mut purchase: DataPurchase,
        destined: Outcome,
        settle_at: i64,
        mut reference: impl FnMut() -> String,
    ) -> DataPurchase {
        let mut entries = self.lock();
        loop {
            let r = reference();
            if !entries.iter().any(|e| e.purchase.reference == r) {
                purchase.reference = r;
                break;
            }
        }
        entries.push(Entry {
            purchase: purchase.clone(),
            destined,
            settle_at,
        });
        purchase
    }

    /// Settles every purchase due at `now`, refunding failures into `wallet`.
    pub fn settle_due(&self, now: i64, stamp: &str, wallet: &Wallet) {
        for e in self.lock().iter_mut() {
            if e.purchase.status == DataPurchaseStatus::Processing && e.settle_at <= now {
                settle(&mut e.purchase, e.destined, stamp, wallet);
            }
        }
    }

    /// Settles `reference` now as `outcome`. `Err(Some(status))` when it has already
    /// settled, `Err(None)` when there is no such purchase.
    pub fn force(
        &self,
        reference: &str,
        outcome: Outcome,
        stamp: &str,
        wallet: &Wallet,
    ) -> Result<DataPurchase, Option<DataPurchaseStatus>> {
        let mut entries = self.lock();
        let e = entries
            .iter_mut()
            .find(|e| e.purchase.reference == reference)
            .ok_or(None)?;
        if e.purchase.status != DataPurchaseStatus::Processing {
            return Err(Some(e.purchase.status));
        }
        settle(&mut e.purchase, outcome, stamp, wallet);
        Ok(e.purchase.clone())
    }

    /// The purchase with `reference`.
    pub fn by_reference(&self, reference: &str) -> Option<DataPurchase> {
        self.lock()
            .iter()
            .find(|e| e.purchase.reference == reference)
            .map(|e| e.purchase.clone())
    }

    /// A page of purchases, newest first, and the total count.
    pub fn page(&self, limit: usize, offset: usize) -> (Vec<DataPurchase>, u64) {
        let entries = self.lock();
        let page = entries
            .iter()
            .rev()
            .skip(offset)
            .take(limit)
            .map(|e| e.purchase.clone())
            .collect();
        (page, entries.len() as u64)
    }

    /// How many purchases there are.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn settle(p: &mut DataPurchase, outcome: Outcome, stamp: &str, wallet: &Wallet) {
    p.completed_at = Some(stamp.to_owned());
    match outcome {
        Outcome::Delivered => p.status = DataPurchaseStatus::Delivered,
        Outcome::Failed => {
            p.status = DataPurchaseStatus::Failed;
            p.refunded = true;
            p.failure_reason =
                Some("The carrier did not confirm the top-up; the amount was refunded.".into());
            wallet.credit(p.amount.amount);
        }
    }
}
