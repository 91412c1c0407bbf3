//! What goes through the single writer task ([`super::writer`]): the writes it takes, what each
//! did, and the handle the store queues them on. Plain values, so the modules that queue writes
//! and the writer that commits them both depend on this file and not on each other.

use amigo_types::orders::{Order, OrderStatus};
use tokio::sync::{mpsc, oneshot};

use super::retail::RetailSale;

/// What applying a webhook delivery did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookOutcome {
    /// This delivery (its id with the same signed body) was seen before; nothing was applied.
    pub duplicate: bool,
    /// The order's view changed (new status or a new timeline entry).
    pub changed: bool,
}

/// What a verified webhook delivery asks the store to do. Only the reference is certain: the
/// status may be missing or one this build does not know, and the full order is there only when
/// the body had the complete documented shape.
#[derive(Debug, Clone)]
pub struct WebhookUpdate {
    /// `X-Amigo-Delivery`, the dedupe key together with `body_sha256`.
    pub delivery_id: String,
    /// Hex SHA-256 of the signed body. The delivery id is not under the signature, so a replay
    /// is a known id WITH the same body; a known id with another body is a real delivery
    /// (applied) and a sign that someone replayed a captured body under that id (logged).
    pub body_sha256: String,
    /// Event name as sent.
    pub event: String,
    pub reference: String,
    /// The status as sent (kept even when unknown).
    pub raw_status: String,
    /// The status, when it is a documented one.
    pub status: Option<OrderStatus>,
    /// The cancel reason, on `order.cancelled`.
    pub cancelled_reason: Option<String>,
    /// The whole order, when the body parsed as one (lets an order placed elsewhere be recorded).
    pub order: Option<Order>,
    /// When the event happened.
    pub created_at: String,
    /// The raw body, kept whole.
    pub payload: String,
}

/// What recording an order's Idempotency-Key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyClaim {
    /// The key is new: this caller places the order and must [`Store::finish_order_key`](super::Store::finish_order_key) or
    /// [`Store::release_order_key`](super::Store::release_order_key).
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
    /// The key was first used more than Amigo's 24 h idempotency window ago, and the outcome
    /// of that use was never learnt (an unanswered claim, or an unpaid order's budget
    /// reservation): Amigo has forgotten the key, so sending it again could place a second
    /// order while the proxy counted it as a retry of the first.
    Expired,
}

/// A write waiting for the writer task.
#[derive(Debug)]
pub(super) enum Write {
    /// An order as a `201` reported it.
    Order {
        order: Order,
        at: String,
        /// What the shopper was shown, for an order placed through this proxy.
        sale: Option<RetailSale>,
    },
    /// A verified webhook delivery.
    Webhook(WebhookUpdate),
    /// An order placed under a key: the answer Amigo gave (for replays) and the order it
    /// describes, with what the shopper was shown, in one transaction (one commit per order,
    /// and never an answer without its order).
    Placed {
        key: String,
        status: u16,
        body: String,
        order: Order,
        at: String,
        sale: RetailSale,
    },
    /// An order's Idempotency-Key and body hash, before its upstream call.
    ClaimKey { key: String, body_hash: String },
    /// The answer an order placed under a key got.
    FinishKey {
        key: String,
        status: u16,
        body: String,
    },
    /// An unanswered key whose order failed.
    ReleaseKey { key: String },
}

/// What a write did.
#[derive(Debug)]
pub(super) enum Outcome {
    /// An order or webhook write.
    Applied(WebhookOutcome),
    /// A key write.
    Key(KeyClaim),
}

#[derive(Debug)]
pub(super) struct Job {
    pub(super) write: Write,
    /// Taken once answered (a claim on SQLite is answered before its batch commits).
    reply: Option<oneshot::Sender<Result<Outcome, String>>>,
}

impl Job {
    pub(super) fn answer(&mut self, result: Result<Outcome, String>) {
        if let Some(reply) = self.reply.take() {
            // The caller may have gone (its request was cancelled): nothing to tell.
            let _ = reply.send(result);
        }
    }
}

/// The queue into the writer task (cheap to clone).
#[derive(Debug, Clone)]
pub(super) struct Writer(pub(super) mpsc::Sender<Job>);

impl Writer {
    /// Queues `write` for the writer and waits until its batch has committed.
    async fn submit_any(&self, write: Write) -> Result<Outcome, sqlx::Error> {
        let (reply, answer) = oneshot::channel();
        self.0
            .send(Job {
                write,
                reply: Some(reply),
            })
            .await
            .map_err(|_| sqlx::Error::WorkerCrashed)?;
        answer
            .await
            .map_err(|_| sqlx::Error::WorkerCrashed)?
            .map_err(sqlx::Error::Protocol)
    }

    /// Queues an order or webhook write; returns what it did once committed.
    pub(super) async fn submit(&self, write: Write) -> Result<WebhookOutcome, sqlx::Error> {
        match self.submit_any(write).await? {
            Outcome::Applied(outcome) => Ok(outcome),
            Outcome::Key(_) => Err(sqlx::Error::Protocol("a key outcome for a write".into())),
        }
    }

    /// Queues a key write; returns what it found once committed (on SQLite, a claim once
    /// written).
    pub(super) async fn submit_key(&self, write: Write) -> Result<KeyClaim, sqlx::Error> {
        match self.submit_any(write).await? {
            Outcome::Key(claim) => Ok(claim),
            Outcome::Applied(_) => Err(sqlx::Error::Protocol("a write outcome for a key".into())),
        }
    }
}
