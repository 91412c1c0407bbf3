//! The Idempotency-Keys orders were placed under (`order_keys`): claimed before the upstream
//! call, answered after it (for replays), released when the order failed. One row per key
//! under a primary key, so of several instances on one database exactly one places the order.

use amigo_types::idempotency::KEY_WINDOW;

use super::budget::Budget;
use super::db::Store;
use super::sql::{Row, Tx};
use super::writes::{KeyClaim, Write};
use crate::clock::now_ms;

/// How long a key's record is kept: as long as the platform keeps the key.
pub(super) const KEY_TTL_MS: i64 = KEY_WINDOW.as_millis() as i64;

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
        self.writer
            .submit_key(Write::ClaimKey {
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
        row.map(|row| key_state(&Row::Any(row), body_hash))
            .transpose()
    }

    /// Stores the answer an order placed under `key` got, for replays.
    pub async fn finish_order_key(
        &self,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), sqlx::Error> {
        self.writer
            .submit_key(Write::FinishKey {
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
        self.writer
            .submit_key(Write::ReleaseKey {
                key: key.to_owned(),
            })
            .await
            .map(|_| ())
    }
}

/// Records an order's key before its upstream call, or reads what an earlier use left.
pub(super) async fn claim_in(
    tx: &mut impl Tx,
    key: &str,
    body_hash: &str,
) -> Result<KeyClaim, sqlx::Error> {
    // Keys past their window are pruned by the store's interval task (`retention::run_pruner`);
    // one that is past it but not pruned yet must not be sent again.
    if expired_in(tx, key).await? {
        return Ok(KeyClaim::Expired);
    }
    let inserted = tx
        .execute(
            "INSERT INTO order_keys (idempotency_key, body_hash, created_ms) VALUES ($1, $2, $3)
             ON CONFLICT (idempotency_key) DO NOTHING",
            &[key.into(), body_hash.into(), now_ms().into()],
        )
        .await?;
    if inserted == 1 {
        return Ok(KeyClaim::Owner);
    }
    let row = tx
        .fetch_optional(
            "SELECT body_hash, response_status, response_body FROM order_keys
             WHERE idempotency_key = $1",
            &[key.into()],
        )
        .await?;
    match row {
        Some(row) => key_state(&row, body_hash),
        // Released by another instance between the two statements: the caller polls again.
        None => Ok(KeyClaim::InFlight),
    }
}

/// Whether `key` was first used more than [`KEY_WINDOW`] ago with an outcome the proxy never
/// learnt: an unpaid order's budget reservation under it, or a claim without an answer. One
/// statement for both, in the claim's own transaction (this read is on every order's way).
async fn expired_in(tx: &mut impl Tx, key: &str) -> Result<bool, sqlx::Error> {
    let Some(row) = tx
        .fetch_optional(
            "SELECT (SELECT created_at FROM budget_reservations
                     WHERE budget = $1 AND reservation_key = $2) AS reserved_at,
                    (SELECT created_ms FROM order_keys
                     WHERE idempotency_key = $2 AND response_body IS NULL) AS claimed_ms",
            &[Budget::UnpaidOrders.name().into(), key.into()],
        )
        .await?
    else {
        return Ok(false);
    };
    let (reserved_at, claimed_ms) = (row.opt_text(0)?, row.opt_int(1)?);
    if claimed_ms.is_some_and(|ms| ms < now_ms().saturating_sub(KEY_TTL_MS)) {
        return Ok(true);
    }
    let Some(reserved_at) = reserved_at else {
        return Ok(false);
    };
    let at =
        time::OffsetDateTime::parse(&reserved_at, &time::format_description::well_known::Rfc3339)
            .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    Ok(time::OffsetDateTime::now_utc() - at > KEY_WINDOW)
}

/// What a stored key (`body_hash, response_status, response_body`) means for a request with
/// `body_hash`.
fn key_state(row: &Row, body_hash: &str) -> Result<KeyClaim, sqlx::Error> {
    if row.text(0)? != body_hash {
        return Ok(KeyClaim::Reused);
    }
    let status = row.opt_int(1)?;
    let body = row.opt_text(2)?;
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
    tx: &mut impl Tx,
    key: &str,
    status: u16,
    body: &str,
) -> Result<(), sqlx::Error> {
    tx.execute(
        "UPDATE order_keys SET response_status = $1, response_body = $2
         WHERE idempotency_key = $3 AND response_body IS NULL",
        &[i64::from(status).into(), body.into(), key.into()],
    )
    .await?;
    Ok(())
}

/// Forgets an unanswered `key`.
pub(super) async fn release_in(tx: &mut impl Tx, key: &str) -> Result<(), sqlx::Error> {
    tx.execute(
        "DELETE FROM order_keys WHERE idempotency_key = $1 AND response_body IS NULL",
        &[key.into()],
    )
    .await?;
    Ok(())
}
