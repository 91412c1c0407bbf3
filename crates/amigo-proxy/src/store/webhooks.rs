//! Verified Amigo webhook deliveries: each stored whole, applied at most once (a replayed
//! delivery id with the same signed body changes nothing), moving its order forward.

use super::db::Store;
use super::orders::record_in;
use super::pending::advance_in;
use super::phone_key::PhoneKey;
use super::sql::Tx;
use super::writes::{WebhookOutcome, WebhookUpdate, Write};
use crate::clock::now_iso;

impl Store {
    /// Applies a verified webhook delivery once: a replayed `delivery_id` is reported as a
    /// duplicate and changes nothing. The delivery is stored in the same transaction, and this
    /// returns only once it is committed.
    pub async fn apply_webhook(
        &self,
        update: WebhookUpdate,
    ) -> Result<WebhookOutcome, sqlx::Error> {
        self.writer.submit(Write::Webhook(update)).await
    }

    /// The raw body stored for a webhook delivery, if that delivery was received.
    #[cfg(feature = "test-support")]
    pub async fn delivery_payload(&self, delivery_id: &str) -> Result<Option<String>, sqlx::Error> {
        Ok(sqlx::query(
            "SELECT payload FROM webhook_deliveries WHERE delivery_id = $1
                 ORDER BY received_at LIMIT 1",
        )
        .bind(delivery_id)
        .fetch_optional(&self.pool)
        .await?
        .and_then(|r| {
            sqlx::Row::try_get::<Option<String>, _>(&r, "payload")
                .ok()
                .flatten()
        }))
    }
}

pub(super) async fn apply_in(
    tx: &mut impl Tx,
    update: &WebhookUpdate,
    key: &PhoneKey,
) -> Result<WebhookOutcome, sqlx::Error> {
    // Written first, so the transaction takes SQLite's write lock at once (no read-to-write
    // upgrade, which another writer on the database would make fail).
    let inserted = tx
        .execute(
            "INSERT INTO webhook_deliveries
                 (delivery_id, body_sha256, event, reference, status, event_created_at,
                  received_at, payload)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (delivery_id, body_sha256) DO NOTHING",
            &[
                (&update.delivery_id).into(),
                (&update.body_sha256).into(),
                (&update.event).into(),
                (&update.reference).into(),
                (&update.raw_status).into(),
                (&update.created_at).into(),
                now_iso().as_str().into(),
                (&update.payload).into(),
            ],
        )
        .await?;
    if inserted == 0 {
        return Ok(WebhookOutcome {
            duplicate: true,
            changed: false,
        });
    }
    let others = tx
        .fetch_all(
            "SELECT body_sha256 FROM webhook_deliveries
             WHERE delivery_id = $1 AND body_sha256 <> $2",
            &[(&update.delivery_id).into(), (&update.body_sha256).into()],
        )
        .await?
        .iter()
        .map(|row| row.text(0))
        .collect::<Result<Vec<_>, _>>()?;
    // Rows received before bodies were hashed have an empty hash and still dedupe by id.
    if others.iter().any(String::is_empty) {
        return Ok(WebhookOutcome {
            duplicate: true,
            changed: false,
        });
    }
    if !others.is_empty() {
        tracing::warn!(
            delivery_id = %update.delivery_id,
            event = %update.event,
            reference = %update.reference,
            "suspicious webhook: a delivery id already received with another signed body \
             (a captured delivery replayed under this id?); applying this one"
        );
    }
    let changed = match (&update.order, update.status) {
        // the complete documented shape: record it (an order placed elsewhere is added)
        (Some(order), _) => record_in(tx, order, &update.created_at, key, None).await?,
        // only the reference and a known status: move a known order forward
        (None, Some(status)) => {
            advance_in(
                tx,
                &update.reference,
                status,
                update.cancelled_reason.as_deref(),
                &update.created_at,
            )
            .await?
        }
        // an unknown or missing status: stored above, nothing to apply
        (None, None) => false,
    };
    Ok(WebhookOutcome {
        duplicate: false,
        changed,
    })
}
