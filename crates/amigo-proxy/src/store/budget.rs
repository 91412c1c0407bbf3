//! Daily Naira budgets for spending the merchant's wallet before anyone has paid: one table of
//! reservations keyed by the budget's name and the request's Idempotency-Key, written before the
//! upstream call, so the cap holds across concurrent requests and across every instance on one
//! database. It caps unpaid orders (`AMIGO_ORDER_DAILY_LIMIT`) and mobile-data sales
//! (`AMIGO_DATA_DAILY_LIMIT`, whose purchase record is written in the same transaction); any
//! other spending route gets its own [`Budget`] name and the same guarantees.

use sqlx::{Any, Row, Transaction};

use super::backend::Backend;
use super::db::Store;
use crate::clock::now_iso;

/// The spending a budget caps: the name its reservations are kept under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// Orders placed with `AMIGO_PAYMENT=none`: the wallet pays and no shopper has.
    UnpaidOrders,
    /// Mobile-data purchases (`AMIGO_DATA_DAILY_LIMIT`): the wallet pays at once.
    DataSales,
}

impl Budget {
    /// The name stored in `budget_reservations.budget` and in the PostgreSQL lock key.
    pub fn name(self) -> &'static str {
        match self {
            Self::UnpaidOrders => "unpaid_orders",
            Self::DataSales => "data_sales",
        }
    }
}

/// Today's date in Lagos (UTC+1, no daylight saving), which every daily budget counts in.
pub fn lagos_day() -> String {
    const LAGOS: time::UtcOffset = time::macros::offset!(+1);
    const DAY: &[time::format_description::BorrowedFormatItem<'_>] =
        time::macros::format_description!("[year]-[month]-[day]");
    let today = time::OffsetDateTime::now_utc().to_offset(LAGOS).date();
    // a date always formats with a description of date parts only
    today.format(DAY).unwrap_or_default()
}

/// What a spending request asks a budget to hold before its upstream call.
#[derive(Debug, Clone)]
pub struct BudgetClaim<'a> {
    pub budget: Budget,
    /// The request's Idempotency-Key: a retry under it is never counted twice.
    pub key: &'a str,
    /// Hash of the request body, so a key reserved for one body cannot spend for another.
    pub body_hash: &'a str,
    /// Naira to hold.
    pub amount: i64,
    /// Lagos calendar day, `YYYY-MM-DD` ([`lagos_day`]).
    pub lagos_day: &'a str,
    /// The day's limit in Naira.
    pub daily_limit: i64,
}

/// The outcome of [`Store::reserve_budget`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BudgetReserved {
    /// A new key: the amount now counts against the day's budget.
    New,
    /// The key holds a reservation for this body already (a retry): nothing new was counted.
    Retry,
    /// The key holds a reservation for another body.
    OtherBody,
    /// The day's budget has no room for this amount.
    OverBudget {
        /// Naira already spent or in flight that day.
        spent: i64,
    },
}

impl Store {
    /// Holds `c.amount` under `c.key`, unless the day's budget has no room for it. The check and
    /// the insert are one statement, so two requests racing for the last Naira of the day cannot
    /// both pass: on SQLite the write lock serialises them; on PostgreSQL (READ COMMITTED, where
    /// two such statements would not see each other's row) a transaction-scoped advisory lock on
    /// the budget and day does, across every instance.
    pub async fn reserve_budget(&self, c: &BudgetClaim<'_>) -> Result<BudgetReserved, sqlx::Error> {
        if let Some(seen) = self.budget_key(c.budget, c.key).await? {
            return Ok(same_body(&seen, c.body_hash));
        }
        let mut tx = self.pool.begin().await?;
        let inserted = self.reserve_in(&mut tx, c).await?;
        tx.commit().await?;
        if inserted {
            return Ok(BudgetReserved::New);
        }
        // Either the same key won a race with us, or the budget is spent.
        self.reservation_lost(c).await
    }

    /// What a reservation that was not inserted ran into: the same key (won by a racing
    /// request), or a full day.
    pub(super) async fn reservation_lost(
        &self,
        c: &BudgetClaim<'_>,
    ) -> Result<BudgetReserved, sqlx::Error> {
        if let Some(seen) = self.budget_key(c.budget, c.key).await? {
            return Ok(same_body(&seen, c.body_hash));
        }
        Ok(BudgetReserved::OverBudget {
            spent: self.budget_spent(c.budget, c.lagos_day).await?,
        })
    }

    /// The budget check and the insert, inside `tx` (which the caller commits, with anything
    /// else that must stand or fall with the reservation). `true` when the reservation was
    /// written.
    pub(super) async fn reserve_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        c: &BudgetClaim<'_>,
    ) -> Result<bool, sqlx::Error> {
        let now = now_iso();
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))::text")
                .bind(format!(
                    "amigo-proxy/budget/{}/{}",
                    c.budget.name(),
                    c.lagos_day
                ))
                .fetch_one(&mut **tx)
                .await?;
        }
        let inserted = sqlx::query(
            "INSERT INTO budget_reservations
                 (budget, reservation_key, body_hash, amount, lagos_day, state, created_at,
                  updated_at)
             SELECT $1, $2, $3, $4, $5, 'pending', $6, $6
             WHERE (SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM budget_reservations
                    WHERE budget = $1 AND lagos_day = $5) + $4 <= $7
             ON CONFLICT (budget, reservation_key) DO NOTHING",
        )
        .bind(c.budget.name())
        .bind(c.key)
        .bind(c.body_hash)
        .bind(c.amount)
        .bind(c.lagos_day)
        .bind(&now)
        .bind(c.daily_limit)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        Ok(inserted == 1)
    }

    /// The body hash `key` holds a reservation of `budget` for, if it holds one.
    pub async fn budget_key(
        &self,
        budget: Budget,
        key: &str,
    ) -> Result<Option<String>, sqlx::Error> {
        sqlx::query(
            "SELECT body_hash FROM budget_reservations WHERE budget = $1 AND reservation_key = $2",
        )
        .bind(budget.name())
        .bind(key)
        .fetch_optional(&self.pool)
        .await?
        .map(|row| row.try_get("body_hash"))
        .transpose()
    }

    /// Whether `key` holds a reservation of `budget` made more than `ttl` ago. Amigo keeps an
    /// Idempotency-Key for 24 h: past that, re-sending the key would spend again while this old
    /// reservation made the request look like an already-counted retry.
    pub async fn budget_key_older_than(
        &self,
        budget: Budget,
        key: &str,
        ttl: std::time::Duration,
    ) -> Result<bool, sqlx::Error> {
        let created: Option<String> = sqlx::query(
            "SELECT created_at FROM budget_reservations WHERE budget = $1 AND reservation_key = $2",
        )
        .bind(budget.name())
        .bind(key)
        .fetch_optional(&self.pool)
        .await?
        .map(|row| row.try_get("created_at"))
        .transpose()?;
        let Some(created) = created else {
            return Ok(false);
        };
        let at =
            time::OffsetDateTime::parse(&created, &time::format_description::well_known::Rfc3339)
                .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        Ok(time::OffsetDateTime::now_utc() - at > ttl)
    }

    /// Naira of `budget` spent or in flight on `lagos_day`.
    pub async fn budget_spent(&self, budget: Budget, lagos_day: &str) -> Result<i64, sqlx::Error> {
        sqlx::query(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS n FROM budget_reservations
             WHERE budget = $1 AND lagos_day = $2",
        )
        .bind(budget.name())
        .bind(lagos_day)
        .fetch_one(&self.pool)
        .await?
        .try_get("n")
    }

    /// Marks `key`'s reservation as spent: the upstream took the request. It holds budget for
    /// good.
    pub async fn settle_budget(&self, budget: Budget, key: &str) -> Result<(), sqlx::Error> {
        self.mark_budget(budget, key, "settled").await
    }

    /// Marks `key`'s reservation as of unknown outcome (a timeout, a 5xx): the spending may
    /// have happened upstream, so it keeps holding budget until a retry with the same key
    /// settles or releases it.
    pub async fn budget_unknown(&self, budget: Budget, key: &str) -> Result<(), sqlx::Error> {
        self.mark_budget(budget, key, "unknown").await
    }

    async fn mark_budget(&self, budget: Budget, key: &str, state: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE budget_reservations SET state = $1, updated_at = $2
             WHERE budget = $3 AND reservation_key = $4 AND state <> 'settled'",
        )
        .bind(state)
        .bind(now_iso())
        .bind(budget.name())
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records what the upstream really charged under `key`: the reservation is settled at
    /// that amount (a price that moved between the catalog read and the purchase).
    pub async fn settle_budget_at(
        &self,
        budget: Budget,
        key: &str,
        amount: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE budget_reservations SET state = 'settled', amount = $1, updated_at = $2
             WHERE budget = $3 AND reservation_key = $4",
        )
        .bind(amount)
        .bind(now_iso())
        .bind(budget.name())
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets `key`'s reservation, settled or not, because the spending was undone upstream
    /// (a failed data purchase is refunded): it no longer counts against the day.
    pub async fn refund_budget(&self, budget: Budget, key: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM budget_reservations WHERE budget = $1 AND reservation_key = $2")
            .bind(budget.name())
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Forgets `key`'s reservation after the upstream definitively refused the request: nothing
    /// was spent, so it must not hold budget. A settled reservation is never released.
    pub async fn release_budget(&self, budget: Budget, key: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "DELETE FROM budget_reservations
             WHERE budget = $1 AND reservation_key = $2 AND state <> 'settled'",
        )
        .bind(budget.name())
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

fn same_body(seen: &str, body_hash: &str) -> BudgetReserved {
    if seen == body_hash {
        BudgetReserved::Retry
    } else {
        BudgetReserved::OtherBody
    }
}

#[cfg(test)]
mod tests {
    /// The stored day keys keep their shape (`YYYY-MM-DD`, zero-padded), so rows written before
    /// the format description count in the same day.
    #[test]
    fn lagos_day_is_a_zero_padded_iso_date() {
        let day = super::lagos_day();
        let parts: Vec<&str> = day.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [4, 2, 2],
            "{day}"
        );
        assert!(
            day.bytes().all(|b| b.is_ascii_digit() || b == b'-'),
            "{day}"
        );
    }
}
