//! The single writer: every order, webhook and order-key write goes through one queue and
//! is committed in batches, so a burst of orders costs one commit (one fsync) instead of one
//! each, and no request ever sleeps in SQLite's busy handler. The same code runs as a task on
//! PostgreSQL's pool and on a thread of its own with its own connection on SQLite
//! ([`super::lite`], [`start`]).

use std::path::Path;

use sqlx::AnyPool;
use tokio::sync::mpsc;

use super::feed::OrderFeed;
use super::lite::Lite;
use super::order_keys::{claim_in, finish_in, release_in};
use super::orders::record_in;
use super::phone_key::PhoneKey;
use super::sql::{Begin, Tx};
use super::webhooks::apply_in;
use super::writes::{Job, KeyClaim, Outcome, WebhookOutcome, Write};

/// Most writes committed together.
const MAX_BATCH: usize = 64;

/// Starts the writer taking `jobs`: on SQLite a thread with its own connection to the file at
/// `sqlite_file`, on PostgreSQL a task on `pool`.
pub(super) fn start(
    pool: &AnyPool,
    sqlite_file: Option<&Path>,
    jobs: mpsc::Receiver<Job>,
    key: PhoneKey,
    feed: OrderFeed,
) -> Result<(), sqlx::Error> {
    match sqlite_file {
        Some(path) => {
            let lite = Lite::open(path)?;
            std::thread::Builder::new()
                .name("amigo-sqlite-writer".into())
                // Every call on this thread is synchronous (rusqlite), so a tiny executor
                // drives it; the queue and the answers are tokio channels, which work anywhere.
                .spawn(move || {
                    futures::executor::block_on(run_writer(lite, jobs, key, feed, true));
                })
                .map_err(sqlx::Error::Io)?;
        }
        None => {
            tokio::spawn(run_writer(pool.clone(), jobs, key, feed, false));
        }
    }
    Ok(())
}

/// The single writer: takes every waiting write (up to [`MAX_BATCH`]) and commits them in one
/// transaction, so a burst costs one commit (one fsync) instead of one each, and no request
/// ever sleeps in SQLite's busy handler. If a batch fails, its writes are retried one by one so
/// one bad write cannot fail the others. Each committed batch's changes go to the order feed.
///
/// On SQLite a key claim is answered as soon as it is written in the batch's transaction,
/// before the commit: its only reader is this process (a request waiting on the same key asks
/// the writer again), and a claim never has to survive a crash there, since start-up frees
/// every unanswered key. That leaves one durable commit (one fsync wait) on an order's way
/// instead of two. On PostgreSQL other instances read the claim, so it waits for its commit.
async fn run_writer<D: Begin>(
    mut db: D,
    mut jobs: mpsc::Receiver<Job>,
    key: PhoneKey,
    feed: OrderFeed,
    early_claims: bool,
) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        match write_batch(&mut db, &mut batch, &key, &feed, early_claims).await {
            Ok((outcomes, changed)) => {
                feed.committed(changed);
                for (job, outcome) in batch.iter_mut().zip(outcomes) {
                    job.answer(Ok(outcome));
                }
            }
            Err(e) if batch.len() == 1 => batch[0].answer(Err(e.to_string())),
            Err(_) => {
                for job in &mut batch {
                    let one = std::slice::from_mut(job);
                    let result = match write_batch(&mut db, one, &key, &feed, early_claims).await {
                        Ok((mut o, changed)) => {
                            feed.committed(changed);
                            Ok(o.remove(0))
                        }
                        Err(e) => Err(e.to_string()),
                    };
                    job.answer(result);
                }
            }
        }
    }
}

/// Commits `jobs`' writes in one transaction; returns each write's outcome and the references
/// of the orders whose shopper view changed (the order feed's announcements). With
/// `early_claims`, a key claim is answered once written, before the commit.
async fn write_batch<D: Begin>(
    db: &mut D,
    jobs: &mut [Job],
    key: &PhoneKey,
    feed: &OrderFeed,
    early_claims: bool,
) -> Result<(Vec<Outcome>, Vec<String>), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let mut outcomes = Vec::with_capacity(jobs.len());
    let mut changed = Vec::new();
    for job in jobs.iter_mut() {
        let (outcome, reference) = match &job.write {
            Write::Order { order, at, sale } => {
                let changed = record_in(&mut tx, order, at, key, sale.as_ref()).await?;
                (
                    WebhookOutcome {
                        duplicate: false,
                        changed,
                    },
                    &order.reference,
                )
            }
            Write::Webhook(update) => (apply_in(&mut tx, update, key).await?, &update.reference),
            Write::Placed {
                key: order_key,
                status,
                body,
                order,
                at,
                sale,
            } => {
                finish_in(&mut tx, order_key, *status, body).await?;
                let changed = record_in(&mut tx, order, at, key, Some(sale)).await?;
                (
                    WebhookOutcome {
                        duplicate: false,
                        changed,
                    },
                    &order.reference,
                )
            }
            Write::ClaimKey {
                key: order_key,
                body_hash,
            } => {
                let claim = claim_in(&mut tx, order_key, body_hash).await?;
                if early_claims {
                    job.answer(Ok(Outcome::Key(claim.clone())));
                }
                outcomes.push(Outcome::Key(claim));
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
