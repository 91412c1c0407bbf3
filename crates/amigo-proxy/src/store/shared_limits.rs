//! Rate limits kept in the database (`shared_limits`), so they hold across every instance on
//! one PostgreSQL database.

use std::time::Duration;

use super::db::Store;
use crate::clock::now_ms;

impl Store {
    /// A rate limit kept in the database, so it holds across every instance on it (the
    /// per-phone limits on PostgreSQL): GCRA allowing `quota` per `period` with a burst of as
    /// many, one atomic upsert of the key's theoretical arrival time. `Ok(None)` admits;
    /// `Ok(Some(secs))` refuses, to retry after `secs`. PostgreSQL only (`GREATEST`).
    pub async fn shared_limit(
        &self,
        key: &str,
        quota: u32,
        period: Duration,
    ) -> Result<Option<u64>, sqlx::Error> {
        let period_ms = i64::try_from(period.as_millis()).unwrap_or(i64::MAX);
        let interval = period_ms / i64::from(quota.max(1));
        let now = now_ms();
        let admitted = sqlx::query(
            "INSERT INTO shared_limits AS l (limit_key, tat_ms) VALUES ($1, $2 + $3)
             ON CONFLICT (limit_key) DO UPDATE SET tat_ms = GREATEST(l.tat_ms, $2) + $3
             WHERE GREATEST(l.tat_ms, $2) + $3 - $2 <= $4
             RETURNING tat_ms",
        )
        .bind(key)
        .bind(now)
        .bind(interval)
        .bind(period_ms)
        .fetch_optional(&self.pool)
        .await?;
        if admitted.is_some() {
            return Ok(None);
        }
        let tat: i64 = sqlx::query_scalar("SELECT tat_ms FROM shared_limits WHERE limit_key = $1")
            .bind(key)
            .fetch_one(&self.pool)
            .await?;
        let wait_ms = (tat + interval - period_ms - now).max(1);
        Ok(Some(u64::try_from((wait_ms + 999) / 1000).unwrap_or(1)))
    }
}
