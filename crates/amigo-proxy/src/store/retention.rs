//! Pruning by age of the tables that anyone's requests can grow: webhook deliveries and
//! rejections, data purchases, the console's refusal log, answered order keys, expired console
//! sessions and (PostgreSQL) the shared limit rows. Run once at start and then on a schedule
//! ([`run_pruner`]), on both databases, with the same portable SQL.

use std::time::Duration;

use super::backend::Backend;
use super::db::Store;
use super::order_keys::KEY_TTL_MS;

/// How long rows are kept and how often the pruner runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// `AMIGO_RETENTION_DAYS`: webhook deliveries and rejections and data purchases older than
    /// this go (the deliveries' dedupe needs only Amigo's retry window, hours long).
    pub keep: Duration,
    /// The console's refusal log, which it shows for the last 24 hours.
    pub keep_refusals: Duration,
    /// Time between two runs.
    pub every: Duration,
}

/// Default of [`Retention::keep`].
pub const DEFAULT_KEEP: Duration = Duration::from_secs(90 * 86_400);

impl Default for Retention {
    fn default() -> Self {
        Self {
            keep: DEFAULT_KEEP,
            keep_refusals: Duration::from_secs(7 * 86_400),
            every: Duration::from_secs(3600),
        }
    }
}

/// Rows one run removed, per table (for the log).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    /// `webhook_deliveries`.
    pub deliveries: u64,
    /// `webhook_rejections`.
    pub rejections: u64,
    /// `data_purchases`.
    pub data_purchases: u64,
    /// `refusals`.
    pub refusals: u64,
    /// `order_keys` past Amigo's 24 h key window.
    pub order_keys: u64,
    /// Expired `admin_sessions`.
    pub sessions: u64,
    /// `shared_limits` rows whose limit has fully recovered (PostgreSQL only).
    pub limit_rows: u64,
    /// `checkouts` that expired unpaid (no money ever moved), past the retention. Paid ones
    /// (placed, failed, refunded) are the merchant's books and are kept.
    pub expired_checkouts: u64,
}

impl Pruned {
    pub fn total(&self) -> u64 {
        self.deliveries
            + self.rejections
            + self.data_purchases
            + self.refusals
            + self.order_keys
            + self.sessions
            + self.limit_rows
            + self.expired_checkouts
    }
}

/// An RFC 3339 UTC instant `ago` before `now`, written as the store writes its text times, so
/// that text columns compare in time order.
fn iso_before(now: time::OffsetDateTime, ago: Duration) -> String {
    (now - ago)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

impl Store {
    /// Removes the rows `retention` no longer keeps, as of `now`.
    pub async fn prune(
        &self,
        retention: &Retention,
        now: time::OffsetDateTime,
    ) -> Result<Pruned, sqlx::Error> {
        let unix = now.unix_timestamp();
        let ms = i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX);
        let keep = i64::try_from(retention.keep.as_secs()).unwrap_or(i64::MAX);
        let keep_refusals = i64::try_from(retention.keep_refusals.as_secs()).unwrap_or(i64::MAX);
        let old = iso_before(now, retention.keep);
        let run = |sql: &'static str| sqlx::query(sql);
        let mut pruned = Pruned {
            deliveries: run("DELETE FROM webhook_deliveries WHERE received_at < $1")
                .bind(&old)
                .execute(self.pool())
                .await?
                .rows_affected(),
            rejections: run("DELETE FROM webhook_rejections WHERE received_unix < $1")
                .bind(unix.saturating_sub(keep))
                .execute(self.pool())
                .await?
                .rows_affected(),
            data_purchases: run("DELETE FROM data_purchases WHERE created_at < $1")
                .bind(&old)
                .execute(self.pool())
                .await?
                .rows_affected(),
            refusals: run("DELETE FROM refusals WHERE at_unix < $1")
                .bind(unix.saturating_sub(keep_refusals))
                .execute(self.pool())
                .await?
                .rows_affected(),
            order_keys: run("DELETE FROM order_keys WHERE created_ms < $1")
                .bind(ms.saturating_sub(KEY_TTL_MS))
                .execute(self.pool())
                .await?
                .rows_affected(),
            sessions: run("DELETE FROM admin_sessions WHERE expires_at < $1")
                .bind(unix)
                .execute(self.pool())
                .await?
                .rows_affected(),
            limit_rows: 0,
            expired_checkouts: run(
                "DELETE FROM checkouts WHERE status = 'expired' AND paid_at IS NULL \
                 AND expires_at < $1",
            )
            .bind(&old)
            .execute(self.pool())
            .await?
            .rows_affected(),
        };
        if self.backend() == Backend::Postgres {
            // A row whose theoretical arrival time has passed allows what no row allows.
            pruned.limit_rows = run("DELETE FROM shared_limits WHERE tat_ms < $1")
                .bind(ms)
                .execute(self.pool())
                .await?
                .rows_affected();
        }
        Ok(pruned)
    }
}

/// Prunes at once, then every [`Retention::every`], until `stopping` completes. A failed run
/// is logged and tried again next time.
pub async fn run_pruner(
    store: Store,
    retention: Retention,
    stopping: impl std::future::Future<Output = ()>,
) {
    let mut ticks = tokio::time::interval(retention.every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stopping);
    loop {
        tokio::select! {
            () = &mut stopping => return,
            _ = ticks.tick() => {}
        }
        match store
            .prune(&retention, time::OffsetDateTime::now_utc())
            .await
        {
            Ok(pruned) if pruned.total() > 0 => {
                tracing::info!(?pruned, "pruned old rows");
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "could not prune old rows"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_times_compare_in_time_order() {
        let now = time::OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let a = iso_before(now, Duration::from_secs(86_400));
        let b = iso_before(now, Duration::from_secs(3600));
        assert!(a < b, "{a} {b}");
        assert!(a.ends_with('Z'), "{a}");
    }
}
