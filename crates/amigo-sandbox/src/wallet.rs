//! A merchant's wallet: whole Naira that orders debit inline and cancellations refund.
//!
//! Every change happens under one lock, so a debit checks and subtracts in one step and the
//! balance can never go below zero, however many orders race for it.

use std::sync::Mutex;

/// Why a debit was refused: the balance is below the amount asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortfall {
    /// What the debit needed.
    pub required: i64,
    /// What the wallet held at that moment.
    pub balance: i64,
}

/// One merchant's balance.
#[derive(Debug)]
pub struct Wallet {
    balance: Mutex<i64>,
}

impl Wallet {
    /// A wallet holding `balance` Naira (negative starting values are clamped to zero).
    pub fn new(balance: i64) -> Self {
        Self {
            balance: Mutex::new(balance.max(0)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, i64> {
        self.balance
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The balance now.
    pub fn balance(&self) -> i64 {
        *self.lock()
    }

    /// Takes `amount` out if the wallet holds at least that much, all in one step; otherwise
    /// changes nothing and reports the shortfall. Returns the new balance.
    pub fn debit(&self, amount: i64) -> Result<i64, Shortfall> {
        let mut b = self.lock();
        if amount < 0 || *b < amount {
            return Err(Shortfall {
                required: amount,
                balance: *b,
            });
        }
        *b -= amount;
        Ok(*b)
    }

    /// Puts `amount` back (a refund). Returns the new balance.
    pub fn credit(&self, amount: i64) -> i64 {
        let mut b = self.lock();
        *b = b.saturating_add(amount.max(0));
        *b
    }

    /// Sets the balance outright (the sandbox's reset-balance endpoint).
    pub fn reset(&self, balance: i64) -> i64 {
        let mut b = self.lock();
        *b = balance.max(0);
        *b
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn debit_refuses_rather_than_going_negative() {
        let w = Wallet::new(1000);
        assert_eq!(w.debit(400), Ok(600));
        assert_eq!(
            w.debit(601),
            Err(Shortfall {
                required: 601,
                balance: 600
            })
        );
        assert_eq!(w.balance(), 600);
        assert_eq!(w.debit(600), Ok(0));
        assert_eq!(w.credit(250), 250);
        assert_eq!(w.reset(1_000_000), 1_000_000);
        assert!(w.debit(-5).is_err(), "a negative debit would be a credit");
    }

    #[test]
    fn racing_debits_never_overdraw() {
        let w = Arc::new(Wallet::new(10_000));
        let handles: Vec<_> = (0..16)
            .map(|_| {
                let w = Arc::clone(&w);
                std::thread::spawn(move || (0..100).filter(|_| w.debit(7).is_ok()).count())
            })
            .collect();
        let ok: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(ok, 10_000 / 7);
        assert_eq!(w.balance(), 10_000 - 7 * ok as i64);
    }
}
