//! Mobile-data purchases: a record written before the upstream call, settled from the
//! upstream's answer. The record binds each Idempotency-Key to one body; the daily Naira budget
//! is the shared one of [`super::budget`] (budget `data_sales`), reserved in the same
//! transaction, so it holds under concurrent purchases on every instance.

use amigo_types::data::{DataPurchase, DataPurchaseStatus};
use sqlx::Row;

use super::budget::{Budget, BudgetClaim, BudgetReserved};
use super::db::Store;
use crate::clock::now_iso;

/// What a purchase asks the store to hold before the upstream is called.
#[derive(Debug, Clone)]
pub struct Reservation<'a> {
    /// The browser's Idempotency-Key.
    pub key: &'a str,
    /// Hash of the validated body, so a key cannot be reused for another purchase.
    pub body_hash: &'a str,
    /// Keyed hash of the line.
    pub phone_hash: &'a str,
    pub plan: u64,
    /// Catalog price in Naira.
    pub amount: i64,
    /// Lagos calendar day, `YYYY-MM-DD`.
    pub lagos_day: &'a str,
    /// `AMIGO_DATA_DAILY_LIMIT`.
    pub daily_limit: i64,
}

/// The outcome of [`Store::reserve_data`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reserved {
    /// A new key: the amount now counts against today's budget.
    New,
    /// The key was seen before with this body (a retry): nothing new was counted.
    Retry,
    /// The key was seen before with another body.
    OtherBody,
    /// Today's budget has no room for this amount.
    OverBudget {
        /// Naira already spent or in flight today.
        spent: i64,
    },
}

/// A purchase the merchant should check on Amigo's side: its answer never came (`unknown`) or
/// could not be read whole (recorded under the proxy's own `PRX-DAT-` reference).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataToCheck {
    /// When it was asked for (RFC 3339).
    pub created_at: String,
    /// The reference shown to the shopper, if there is one.
    pub reference: Option<String>,
    pub plan: i64,
    /// Naira counted against the day.
    pub amount: i64,
    /// `pending`, `unknown`, `processing`, `delivered` or `failed`.
    pub state: String,
    /// Amigo's answer as it came (at most 16 KiB), if one came.
    pub upstream_body: Option<String>,
}

/// A stored purchase, as a shopper's lookup needs it.
#[derive(Debug, Clone)]
pub struct StoredPurchase {
    /// Keyed hash of the line it was bought for.
    pub phone_hash: String,
    /// The last purchase body the upstream returned.
    pub purchase: DataPurchase,
}

fn state_of(status: DataPurchaseStatus) -> &'static str {
    match status {
        DataPurchaseStatus::Processing => "processing",
        DataPurchaseStatus::Delivered => "delivered",
        DataPurchaseStatus::Failed => "failed",
    }
}

impl Store {
    /// Records a purchase attempt before its upstream call, unless today's budget is spent:
    /// the `data_sales` budget reservation ([`Store::reserve_budget`]'s check-and-insert, which
    /// racing purchases on any instance cannot both pass) and the purchase record commit
    /// together or not at all.
    pub async fn reserve_data(&self, r: &Reservation<'_>) -> Result<Reserved, sqlx::Error> {
        if let Some(seen) = self.data_key(r.key).await? {
            return Ok(if seen == r.body_hash {
                Reserved::Retry
            } else {
                Reserved::OtherBody
            });
        }
        let now = now_iso();
        let claim = BudgetClaim {
            budget: Budget::DataSales,
            key: r.key,
            body_hash: r.body_hash,
            amount: r.amount,
            lagos_day: r.lagos_day,
            daily_limit: r.daily_limit,
        };
        let mut tx = self.pool.begin().await?;
        let inserted = self.reserve_in(&mut tx, &claim).await?
            && sqlx::query(
                "INSERT INTO data_purchases
                     (idempotency_key, body_hash, phone_hash, plan, amount, lagos_day, state,
                      created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7)
                 ON CONFLICT (idempotency_key) DO NOTHING",
            )
            .bind(r.key)
            .bind(r.body_hash)
            .bind(r.phone_hash)
            .bind(i64::try_from(r.plan).unwrap_or(i64::MAX))
            .bind(r.amount)
            .bind(r.lagos_day)
            .bind(&now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
        if inserted {
            tx.commit().await?;
            return Ok(Reserved::New);
        }
        // Nothing of it stands (dropping `tx` rolls the reservation back): either the same key
        // won a race with us, or the budget is spent.
        drop(tx);
        if let Some(seen) = self.data_key(r.key).await? {
            return Ok(if seen == r.body_hash {
                Reserved::Retry
            } else {
                Reserved::OtherBody
            });
        }
        Ok(match self.reservation_lost(&claim).await? {
            BudgetReserved::OverBudget { spent } => Reserved::OverBudget { spent },
            // the key's purchase record went away (refused) while its reservation was seen
            _ => Reserved::OverBudget {
                spent: self.data_spent(r.lagos_day).await?,
            },
        })
    }

    /// The body hash a key was first used with, if it was used.
    pub async fn data_key(&self, key: &str) -> Result<Option<String>, sqlx::Error> {
        sqlx::query("SELECT body_hash FROM data_purchases WHERE idempotency_key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?
            .map(|row| row.try_get("body_hash"))
            .transpose()
    }

    /// Whether `key` was first used more than `ttl` ago (`false` for an unknown key). Amigo's
    /// idempotency cache lasts 24 h (the docs' "Cache TTL is 24h"): past it, the key is no
    /// longer a retry upstream.
    pub async fn data_key_older_than(
        &self,
        key: &str,
        ttl: std::time::Duration,
    ) -> Result<bool, sqlx::Error> {
        let created: Option<String> =
            sqlx::query("SELECT created_at FROM data_purchases WHERE idempotency_key = $1")
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

    /// Naira spent or in flight on `lagos_day` (failed purchases were refunded and do not count).
    pub async fn data_spent(&self, lagos_day: &str) -> Result<i64, sqlx::Error> {
        self.budget_spent(Budget::DataSales, lagos_day).await
    }

    /// Stores the upstream's purchase body under its key (after a `201`, a replay or a lookup).
    /// The amount becomes what the wallet was really charged.
    pub async fn settle_data(&self, key: &str, purchase: &DataPurchase) -> Result<(), sqlx::Error> {
        let json = serde_json::to_string(purchase).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        sqlx::query(
            "UPDATE data_purchases
             SET state = $1, reference = $2, purchase_json = $3, amount = $4, updated_at = $5
             WHERE idempotency_key = $6",
        )
        .bind(state_of(purchase.status))
        .bind(&purchase.reference)
        .bind(json)
        .bind(purchase.amount.amount)
        .bind(now_iso())
        .bind(key)
        .execute(&self.pool)
        .await?;
        if purchase.status == DataPurchaseStatus::Failed {
            self.refund_budget(Budget::DataSales, key).await
        } else {
            self.settle_budget_at(Budget::DataSales, key, purchase.amount.amount)
                .await
        }
    }

    /// Keeps the body Amigo answered a purchase with, as it came (at most 16 KiB of it): the
    /// docs show no purchase answer, so what the proxy could not read stays for the merchant.
    pub async fn keep_data_answer(&self, key: &str, body: &[u8]) -> Result<(), sqlx::Error> {
        let raw = String::from_utf8_lossy(&body[..body.len().min(16 * 1024)]).into_owned();
        sqlx::query("UPDATE data_purchases SET upstream_body = $1 WHERE idempotency_key = $2")
            .bind(raw)
            .bind(key)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Updates a known purchase from a fresh upstream read (a lookup), by reference.
    pub async fn refresh_data(&self, purchase: &DataPurchase) -> Result<(), sqlx::Error> {
        let json = serde_json::to_string(purchase).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        sqlx::query(
            "UPDATE data_purchases SET state = $1, purchase_json = $2, updated_at = $3
             WHERE reference = $4",
        )
        .bind(state_of(purchase.status))
        .bind(json)
        .bind(now_iso())
        .bind(&purchase.reference)
        .execute(&self.pool)
        .await?;
        if purchase.status == DataPurchaseStatus::Failed {
            // refunded: it stops counting against the day
            sqlx::query(
                "DELETE FROM budget_reservations WHERE budget = $1 AND reservation_key IN
                 (SELECT idempotency_key FROM data_purchases WHERE reference = $2)",
            )
            .bind(Budget::DataSales.name())
            .bind(&purchase.reference)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// Forgets a reservation the upstream definitively refused (a `4xx`): nothing was charged,
    /// so it must not hold budget. A retry with the same key reserves anew.
    pub async fn release_data(&self, key: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM data_purchases WHERE idempotency_key = $1 AND reference IS NULL")
            .bind(key)
            .execute(&self.pool)
            .await?;
        self.release_budget(Budget::DataSales, key).await
    }

    /// Marks a reservation whose upstream call failed without an answer: the purchase may exist
    /// upstream, so it keeps holding budget until a retry with the same key settles it.
    pub async fn data_unknown(&self, key: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE data_purchases SET state = 'unknown', updated_at = $1
             WHERE idempotency_key = $2 AND state = 'pending'",
        )
        .bind(now_iso())
        .bind(key)
        .execute(&self.pool)
        .await?;
        self.budget_unknown(Budget::DataSales, key).await
    }

    /// The newest `limit` purchases to check ([`DataToCheck`]).
    pub async fn data_to_check(&self, limit: i64) -> Result<Vec<DataToCheck>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT created_at, reference, plan, amount, state, upstream_body FROM data_purchases
             WHERE state = 'unknown' OR reference LIKE 'PRX-DAT-%'
             ORDER BY created_at DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DataToCheck {
                    created_at: row.try_get("created_at")?,
                    reference: row.try_get("reference")?,
                    plan: row.try_get("plan")?,
                    amount: row.try_get("amount")?,
                    state: row.try_get("state")?,
                    upstream_body: row.try_get("upstream_body")?,
                })
            })
            .collect()
    }

    /// The stored purchase with `reference`, if this proxy placed it.
    pub async fn data_purchase(
        &self,
        reference: &str,
    ) -> Result<Option<StoredPurchase>, sqlx::Error> {
        let Some(row) = sqlx::query(
            "SELECT phone_hash, purchase_json FROM data_purchases
             WHERE reference = $1 AND purchase_json IS NOT NULL",
        )
        .bind(reference)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let json: String = row.try_get("purchase_json")?;
        Ok(Some(StoredPurchase {
            phone_hash: row.try_get("phone_hash")?,
            purchase: serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        }))
    }
}
