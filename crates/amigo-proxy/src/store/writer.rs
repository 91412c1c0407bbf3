//! The single writer task: every order, webhook and order-key write goes through one queue and
//! is committed in batches, so a burst of orders costs one commit (one fsync) instead of one
//! each, and no request ever sleeps in SQLite's busy handler.

use amigo_types::orders::Order;
use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

use super::feed::OrderFeed;
use super::order_keys::{KeyClaim, claim_in, finish_in, release_in};
use super::orders::record_in;
use super::phone_key::PhoneKey;
use super::webhooks::{WebhookOutcome, WebhookUpdate, apply_in};
use super::{RetailSale, Store, retail};

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
    write: Write,
    reply: oneshot::Sender<Result<Outcome, String>>,
}

/// Most writes committed together.
const MAX_BATCH: usize = 64;

impl Store {
    /// Queues `write` for the writer and waits until its batch has committed.
    async fn submit_any(&self, write: Write) -> Result<Outcome, sqlx::Error> {
        let (reply, answer) = oneshot::channel();
        self.writer
            .send(Job { write, reply })
            .await
            .map_err(|_| sqlx::Error::WorkerCrashed)?;
        answer
            .await
            .map_err(|_| sqlx::Error::WorkerCrashed)?
            .map_err(sqlx::Error::Protocol)
    }

    pub(super) async fn submit(&self, write: Write) -> Result<WebhookOutcome, sqlx::Error> {
        match self.submit_any(write).await? {
            Outcome::Applied(outcome) => Ok(outcome),
            Outcome::Key(_) => Err(sqlx::Error::Protocol("a key outcome for a write".into())),
        }
    }

    pub(super) async fn submit_key(&self, write: Write) -> Result<KeyClaim, sqlx::Error> {
        match self.submit_any(write).await? {
            Outcome::Key(claim) => Ok(claim),
            Outcome::Applied(_) => Err(sqlx::Error::Protocol("a write outcome for a key".into())),
        }
    }
}

/// The single writer: takes every waiting write (up to [`MAX_BATCH`]) and commits them in one
/// transaction, so a burst costs one commit (one fsync) instead of one each, and no request
/// ever sleeps in SQLite's busy handler. If a batch fails, its writes are retried one by one so
/// one bad write cannot fail the others. Each committed batch's changes go to the order feed.
pub(super) async fn run_writer(
    pool: AnyPool,
    mut jobs: mpsc::Receiver<Job>,
    key: PhoneKey,
    feed: OrderFeed,
) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let writes: Vec<&Write> = batch.iter().map(|j| &j.write).collect();
        match write_batch(&pool, &writes, &key, &feed).await {
            Ok((outcomes, changed)) => {
                feed.committed(changed);
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(e) if batch.len() == 1 => {
                let _ = batch.remove(0).reply.send(Err(e.to_string()));
            }
            Err(_) => {
                for job in batch {
                    let result = match write_batch(&pool, &[&job.write], &key, &feed).await {
                        Ok((mut o, changed)) => {
                            feed.committed(changed);
                            Ok(o.remove(0))
                        }
                        Err(e) => Err(e.to_string()),
                    };
                    let _ = job.reply.send(result);
                }
            }
        }
    }
}

/// Commits `writes` in one transaction; returns each write's outcome and the references of
/// the orders whose shopper view changed (the order feed's announcements).
async fn write_batch(
    pool: &AnyPool,
    writes: &[&Write],
    key: &PhoneKey,
    feed: &OrderFeed,
) -> Result<(Vec<Outcome>, Vec<String>), sqlx::Error> {
    let mut tx = pool.begin().await?;
    let mut outcomes = Vec::with_capacity(writes.len());
    let mut changed = Vec::new();
    for write in writes {
        let (outcome, reference) = match write {
            Write::Order { order, at, sale } => {
                let changed = record_in(&mut tx, order, at, key).await?;
                if let Some(sale) = sale {
                    retail::record_sale_in(&mut tx, order, sale).await?;
                }
                (
                    WebhookOutcome {
                        duplicate: false,
                        changed,
                    },
                    &order.reference,
                )
            }
            Write::Webhook(update) => (apply_in(&mut tx, update, key).await?, &update.reference),
            Write::ClaimKey { key, body_hash } => {
                outcomes.push(Outcome::Key(claim_in(&mut tx, key, body_hash).await?));
                continue;
            }
            Write::FinishKey { key, status, body } => {
                finish_in(&mut tx, key, *status, body).await?;
                outcomes.push(Outcome::Key(KeyClaim::Owner));
                continue;
            }
            Write::ReleaseKey { key } => {
                release_in(&mut tx, key).await?;
                outcomes.push(Outcome::Key(KeyClaim::Owner));
                continue;
            }
        };
        if outcome.changed {
            feed.notify_in(&mut tx, reference).await?;
            changed.push(reference.to_owned());
        }
        outcomes.push(Outcome::Applied(outcome));
    }
    tx.commit().await?;
    Ok((outcomes, changed))
}
