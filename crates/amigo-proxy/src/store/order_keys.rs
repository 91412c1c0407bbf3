//! The Idempotency-Keys orders were placed under (`order_keys`): claimed before the upstream
//! call, answered after it (for replays), released when the order failed. One row per key
//! under a primary key, so of several instances on one database exactly one places the order.

use std::time::Duration;

use sqlx::{Any, Row};

use super::writer::Write;
use super::{Store, now_ms};

/// What recording an order's Idempotency-Key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyClaim {
    /// The key is new: this caller places the order and must [`Store::finish_order_key`] or
    /// [`Store::release_order_key`].
    Owner,
    /// The order was placed before: its stored answer.
    Replay {
        /// HTTP status of the stored answer.
        status: u16,
        /// Body of the stored answer.
        body: String,
    },
    /// Another request (here or on another instance) is placing this order right now.
    InFlight,
    /// The key was used for a different order body.
    Reused,
}

/// How long a key's record is kept (the platform keeps keys for 24 hours).
pub(super) const KEY_TTL_MS: i64 = 24 * 60 * 60 * 1000;

impl Store {
    /// Records `key` with the hash of its order body before the order is placed, or reports
    /// what an earlier use of the key left: its answer, a call still in flight, or a different
    /// body. One row per key under a primary key, so of several instances exactly one owns it.
    /// Goes through the writer (batched with the other writes: no extra commit per order).
    pub async fn claim_order_key(
        &self,
        key: &str,
        body_hash: &str,
    ) -> Result<KeyClaim, sqlx::Error> {
        self.submit_key(Write::ClaimKey {
            key: key.to_owned(),
            body_hash: body_hash.to_owned(),
        })
        .await
    }

    /// What a claimed `key` holds now, read without writing (for a request waiting on another
    /// one's call): `None` once the key was released.
    pub async fn order_key(
        &self,
        key: &str,
        body_hash: &str,
    ) -> Result<Option<KeyClaim>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT body_hash, response_status, response_body FROM order_keys
             WHERE idempotency_key = $1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| key_state(&row, body_hash)).transpose()
    }

    /// Whether `key` was claimed more than `ttl` ago and never got an answer: past Amigo's 24 h
    /// idempotency window, forwarding it again would not be a retry upstream.
    pub async fn order_key_unanswered_older_than(
        &self,
        key: &str,
        ttl: Duration,
    ) -> Result<bool, sqlx::Error> {
        let cutoff = now_ms() - i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX);
        Ok(sqlx::query(
            "SELECT 1 AS one FROM order_keys
             WHERE idempotency_key = $1 AND response_body IS NULL AND created_ms < $2",
        )
        .bind(key)
        .bind(cutoff)
        .fetch_optional(&self.pool)
        .await?
        .is_some())
    }

    /// Stores the answer an order placed under `key` got, for replays.
    pub async fn finish_order_key(
        &self,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), sqlx::Error> {
        self.submit_key(Write::FinishKey {
            key: key.to_owned(),
            status,
            body: body.to_owned(),
        })
        .await
        .map(|_| ())
    }

    /// Forgets an unanswered `key` after its order failed, so a retry places it again (the
    /// upstream, which saw the same key, decides what a retry gets).
    pub async fn release_order_key(&self, key: &str) -> Result<(), sqlx::Error> {
        self.submit_key(Write::ReleaseKey {
            key: key.to_owned(),
        })
        .await
        .map(|_| ())
    }
}

/// Records an order's key before its upstream call, or reads what an earlier use left.
pub(super) async fn claim_in(
    tx: &mut sqlx::Transaction<'_, Any>,
    key: &str,
    body_hash: &str,
) -> Result<KeyClaim, sqlx::Error> {
    let now = now_ms();
    if now % 64 == 0 {
        sqlx::query("DELETE FROM order_keys WHERE created_ms < $1")
            .bind(now - KEY_TTL_MS)
            .execute(&mut **tx)
            .await?;
    }
    let inserted = sqlx::query(
        "INSERT INTO order_keys (idempotency_key, body_hash, created_ms) VALUES ($1, $2, $3)
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(key)
    .bind(body_hash)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(KeyClaim::Owner);
    }
    let row = sqlx::query(
        "SELECT body_hash, response_status, response_body FROM order_keys
         WHERE idempotency_key = $1",
    )
    .bind(key)
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        Some(row) => key_state(&row, body_hash),
        // Released by another instance between the two statements: the caller polls again.
        None => Ok(KeyClaim::InFlight),
    }
}

/// What a stored key means for a request with `body_hash`.
fn key_state(row: &sqlx::any::AnyRow, body_hash: &str) -> Result<KeyClaim, sqlx::Error> {
    let stored: String = row.try_get("body_hash")?;
    if stored != body_hash {
        return Ok(KeyClaim::Reused);
    }
    let status: Option<i64> = row.try_get("response_status")?;
    let body: Option<String> = row.try_get("response_body")?;
    Ok(match (status, body) {
        (Some(status), Some(body)) => KeyClaim::Replay {
            status: u16::try_from(status).unwrap_or(500),
            body,
        },
        _ => KeyClaim::InFlight,
    })
}

/// Stores the answer the order placed under `key` got.
pub(super) async fn finish_in(
    tx: &mut sqlx::Transaction<'_, Any>,
    key: &str,
    status: u16,
    body: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE order_keys SET response_status = $1, response_body = $2
         WHERE idempotency_key = $3 AND response_body IS NULL",
    )
    .bind(i64::from(status))
    .bind(body)
    .bind(key)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Forgets an unanswered `key`.
pub(super) async fn release_in(
    tx: &mut sqlx::Transaction<'_, Any>,
    key: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM order_keys WHERE idempotency_key = $1 AND response_body IS NULL")
        .bind(key)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
