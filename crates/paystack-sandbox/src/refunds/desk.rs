//! Queuing and processing refunds: the refund is recorded `pending` (and `refund.pending`
//! sent), then a background task processes it after the configured delay and sends
//! `refund.processed`. The books decide; this module only sequences and notifies.

use std::sync::Arc;
use std::time::Duration;

use super::{Refund, RefundRequest, view};
use crate::clock::Clock;
use crate::error::ApiError;
use crate::keys::Domain;
use crate::ledger::{Ledger, RefundContext};
use crate::transactions::Transaction;
use crate::webhooks::{Event, WebhookSender};

/// What queuing a refund needs.
#[derive(Debug, Clone)]
pub struct RefundDesk {
    /// The books.
    pub ledger: Arc<Ledger>,
    /// Now.
    pub clock: Arc<Clock>,
    /// Where `refund.*` events go.
    pub webhooks: Arc<WebhookSender>,
    /// `domain` of the events.
    pub domain: Domain,
    /// `integration` of the events.
    pub integration: u64,
    /// `refunded_by`.
    pub refunded_by: String,
    /// How long the refund stays pending.
    pub delay: Duration,
}

impl RefundDesk {
    /// Queues the refund `req` asks for and schedules its processing.
    pub fn queue(&self, req: &RefundRequest) -> Result<(Refund, Transaction), ApiError> {
        let (refund, tx) = self.ledger.create_refund(
            req,
            RefundContext {
                refunded_by: self.refunded_by.clone(),
                now: self.clock.now(),
            },
        )?;
        self.webhooks.send(
            Event::RefundPending,
            view::event_data(&refund, self.domain, self.integration),
        );
        let desk = self.clone();
        let id = refund.id;
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(async move {
                    tokio::time::sleep(desk.delay).await;
                    desk.process(id);
                });
            }
            Err(_) => tracing::warn!(refund = id, "no runtime to process the refund on"),
        }
        Ok((refund, tx))
    }

    /// Processes refund `id` now, if still pending, and sends `refund.processed`.
    pub fn process(&self, id: u64) -> Option<Refund> {
        let (refund, _tx) = self.ledger.process_refund(id, self.clock.now())?;
        self.webhooks.send(
            Event::RefundProcessed,
            view::event_data(&refund, self.domain, self.integration),
        );
        Some(refund)
    }
}
