//! Moving a stored order forward from a partial webhook event ([`advance_in`]), and the events
//! for orders this proxy does not know yet (issue 23 item 10): the event can beat
//! the order's own `201` answer, or arrive for an order still being recorded. Such an event is
//! kept here and applied when the order is recorded, instead of being acknowledged and lost.
//!
//! Anyone holding a valid signature could only send what Amigo sent, but the table is still
//! bounded so it can never fill the disk: an event waits at most [`MAX_AGE_MS`], and at most
//! [`MAX_ROWS`] events wait, the oldest dropped first.

use super::sql::Tx;
use amigo_types::orders::OrderStatus;
use amigo_types::tracking::{OrderTracking, lagos_to_iso};

use crate::clock::{now_iso, now_ms};

/// How long an event waits for its order (the platform retries a delivery for about a day).
pub(super) const MAX_AGE_MS: i64 = 24 * 60 * 60 * 1000;

/// Most events waiting at once; the oldest are dropped beyond it.
pub(super) const MAX_ROWS: i64 = 10_000;

/// Keeps a partial event for `reference` until the order is recorded, then trims the table to
/// its bounds.
pub(super) async fn keep_in(
    tx: &mut impl Tx,
    reference: &str,
    status: OrderStatus,
    cancelled_reason: Option<&str>,
    at: &str,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    tx.execute(
        "INSERT INTO pending_webhook_events (reference, status, cancelled_reason, at, received_ms)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (reference, status) DO NOTHING",
        &[
            reference.into(),
            status.as_str().into(),
            cancelled_reason.into(),
            at.into(),
            now.into(),
        ],
    )
    .await?;
    tx.execute(
        "DELETE FROM pending_webhook_events WHERE received_ms < $1",
        &[(now - MAX_AGE_MS).into()],
    )
    .await?;
    // the newest MAX_ROWS stay; everything at or before the first one past them goes
    tx.execute(
        "DELETE FROM pending_webhook_events WHERE received_ms <= (
             SELECT received_ms FROM pending_webhook_events
             ORDER BY received_ms DESC LIMIT 1 OFFSET $1)",
        &[MAX_ROWS.into()],
    )
    .await?;
    Ok(())
}

/// Applies (in status order) and forgets the events that waited for `reference`, now that the
/// order is recorded. Returns whether any of them moved the order.
pub(super) async fn apply_in(tx: &mut impl Tx, reference: &str) -> Result<bool, sqlx::Error> {
    let rows = tx
        .fetch_all(
            "DELETE FROM pending_webhook_events WHERE reference = $1 AND received_ms >= $2
             RETURNING status, cancelled_reason, at",
            &[reference.into(), (now_ms() - MAX_AGE_MS).into()],
        )
        .await?;
    let mut events = Vec::with_capacity(rows.len());
    for row in &rows {
        let status = row.text(0)?;
        let Some(status) = OrderStatus::parse(&status) else {
            continue;
        };
        let reason = row.opt_text(1)?;
        let at = row.text(2)?;
        events.push((status, reason, at));
    }
    events.sort_by_key(|(status, _, _)| status.rank());
    let mut changed = false;
    for (status, reason, at) in events {
        changed |= advance_in(tx, reference, status, reason.as_deref(), &at).await?;
    }
    Ok(changed)
}

/// Moves a stored order to `status` (never backwards) from a partial event. An order this proxy
/// does not know yet keeps the event waiting (`keep_in`) until it is recorded.
pub(super) async fn advance_in(
    tx: &mut impl Tx,
    reference: &str,
    status: OrderStatus,
    cancelled_reason: Option<&str>,
    at: &str,
) -> Result<bool, sqlx::Error> {
    let Some(row) = tx
        .fetch_optional(
            "SELECT view_json, status_rank FROM orders WHERE reference = $1",
            &[reference.into()],
        )
        .await?
    else {
        keep_in(tx, reference, status, cancelled_reason, at).await?;
        return Ok(false);
    };
    let rank = i64::from(status.rank());
    let current = row.int(1)?;
    if rank <= current {
        return Ok(false);
    }
    let json = row.text(0)?;
    let mut view: OrderTracking =
        serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    view.status = status;
    if status == OrderStatus::Cancelled {
        view.cancelled_reason = cancelled_reason.map(str::to_owned);
    }
    let view_json = serde_json::to_string(&view).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    tx.execute(
        "UPDATE orders SET status = $1, status_rank = $2, view_json = $3, updated_at = $4
         WHERE reference = $5 AND status_rank < $2",
        &[
            status.as_str().into(),
            rank.into(),
            (&view_json).into(),
            now_iso().as_str().into(),
            reference.into(),
        ],
    )
    .await?;
    tx.execute(
        "INSERT INTO order_timeline (reference, status, status_rank, at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (reference, status) DO NOTHING",
        &[
            reference.into(),
            status.as_str().into(),
            rank.into(),
            lagos_to_iso(at).as_str().into(),
        ],
    )
    .await?;
    Ok(true)
}
