//! The orders this proxy knows (`orders`) and their status timelines (`order_timeline`):
//! recorded from a `201` or a webhook, never moved backwards, read back as the shopper's
//! tracking view.

use amigo_types::orders::{Order, OrderStatus};
use amigo_types::tracking::{OrderTracking, TimelineEntry, lagos_to_iso};
use sqlx::Row;

use super::admin;
use super::db::Store;
use super::pending;
use super::phone_key::PhoneKey;
use super::retail::{self, RetailSale};
use super::sql::Tx;
use super::writes::Write;
use crate::clock::now_iso;

impl Store {
    /// Records `order` as reported by a `201` or a webhook, with `at` as the time it reached its
    /// status. Returns whether anything changed. Never moves the status backwards.
    pub async fn record_order(&self, order: &Order, at: &str) -> Result<bool, sqlx::Error> {
        self.record_sale(order, at, None).await
    }

    /// [`Self::record_order`] for an order placed through this proxy, with what the shopper
    /// was shown for it (`sale`), in the same transaction.
    pub async fn record_sale(
        &self,
        order: &Order,
        at: &str,
        sale: Option<RetailSale>,
    ) -> Result<bool, sqlx::Error> {
        let outcome = self
            .writer
            .submit(Write::Order {
                order: order.clone(),
                at: at.to_owned(),
                sale,
            })
            .await?;
        Ok(outcome.changed)
    }

    /// Records an order placed under the Idempotency-Key `key`: the answer Amigo gave
    /// (`status`, `body`, for replays), the order it describes as of `at`, and `sale`, in one
    /// transaction. Returns whether the order's view changed.
    pub async fn record_placed(
        &self,
        key: &str,
        status: u16,
        body: &str,
        order: &Order,
        at: &str,
        sale: RetailSale,
    ) -> Result<bool, sqlx::Error> {
        let outcome = self
            .writer
            .submit(Write::Placed {
                key: key.to_owned(),
                status,
                body: body.to_owned(),
                order: order.clone(),
                at: at.to_owned(),
                sale,
            })
            .await?;
        Ok(outcome.changed)
    }

    /// The stored view of `reference` and its phone hash, if known.
    ///
    /// One statement, so the order row and its timeline come from one snapshot: read as two
    /// statements, a status change committing between them gave a torn view (the old status
    /// with the new timeline entry), which an event stream sent as a change.
    pub async fn tracking(
        &self,
        reference: &str,
    ) -> Result<Option<(String, OrderTracking)>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT o.phone_hash, o.view_json, o.retail_units, t.status AS step, t.at AS step_at
             FROM orders o LEFT JOIN order_timeline t ON t.reference = o.reference
             WHERE o.reference = $1
             ORDER BY t.status_rank, t.at",
        )
        .bind(reference)
        .fetch_all(&self.pool)
        .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let hash: String = first.try_get("phone_hash")?;
        let json: String = first.try_get("view_json")?;
        let units: Option<String> = first.try_get("retail_units")?;
        let view: OrderTracking =
            serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        let mut view = retail::shopper_view(view, units.as_deref(), &self.price_rule);
        view.timeline = rows
            .iter()
            .filter_map(|r| {
                let status: String = r.try_get::<Option<String>, _>("step").ok()??;
                Some(TimelineEntry {
                    status: OrderStatus::parse(&status)?,
                    at: r.try_get::<Option<String>, _>("step_at").ok()??,
                })
            })
            .collect();
        Ok(Some((hash, view)))
    }

    /// Number of stored orders.
    #[cfg(feature = "test-support")]
    pub async fn order_count(&self) -> Result<i64, sqlx::Error> {
        sqlx::query("SELECT COUNT(*) AS n FROM orders")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")
    }
}

/// The write path shared by `record_order` and `apply_webhook`; writes first so the
/// transaction takes the write lock at once (no SQLite read-to-write upgrade).
///
/// With `sale` (an order placed through this proxy), what the shopper was shown is written in
/// the same `INSERT`, or over what a webhook that arrived first left.
pub(super) async fn record_in(
    tx: &mut impl Tx,
    order: &Order,
    at: &str,
    key: &PhoneKey,
    sale: Option<&RetailSale>,
) -> Result<bool, sqlx::Error> {
    let sold = sale
        .map(|sale| retail::sale_columns(order, sale))
        .transpose()?;
    let at = lagos_to_iso(at);
    let view = OrderTracking::from_order(order, Vec::new());
    let view_json = serde_json::to_string(&view).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let rank = i64::from(order.status.rank());
    let now = now_iso();
    let phone_hash = key.phone_hash(&order.customer.phone);
    let last4 = admin::last4(&order.customer.phone);
    let inserted = tx
        .execute(
            "INSERT INTO orders (reference, status, status_rank, phone_hash, subtotal,
                                 delivery_fee, total, view_json, created_at, updated_at,
                                 phone_hash_version, phone_last4, retail_units, retail_total)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 2, $11, $12, $13)
             ON CONFLICT (reference) DO NOTHING",
            &[
                (&order.reference).into(),
                order.status.as_str().into(),
                rank.into(),
                (&phone_hash).into(),
                order.subtotal.amount.into(),
                order.delivery_fee.amount.into(),
                order.total.amount.into(),
                (&view_json).into(),
                (&view.created_at).into(),
                (&now).into(),
                last4.as_deref().into(),
                sold.as_ref().map(|(units, _)| units.as_str()).into(),
                sold.as_ref().map(|(_, total)| *total).into(),
            ],
        )
        .await?;
    if inserted == 0
        && let Some(sold) = sold
    {
        retail::record_sale_in(tx, order, sold).await?;
    }
    let advanced = if inserted == 0 {
        tx.execute(
            "UPDATE orders SET status = $1, status_rank = $2, view_json = $3, updated_at = $4
             WHERE reference = $5 AND status_rank < $2",
            &[
                order.status.as_str().into(),
                rank.into(),
                (&view_json).into(),
                (&now).into(),
                (&order.reference).into(),
            ],
        )
        .await?
    } else {
        1
    };
    let timeline = tx
        .execute(
            "INSERT INTO order_timeline (reference, status, status_rank, at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (reference, status) DO NOTHING",
            &[
                (&order.reference).into(),
                order.status.as_str().into(),
                rank.into(),
                (&at).into(),
            ],
        )
        .await?;
    // events that arrived before the order did
    let caught_up = pending::apply_in(tx, &order.reference).await?;
    Ok(advanced > 0 || timeline > 0 || caught_up)
}
