//! Signed webhooks: each merchant's endpoints ([`registry`]), the background sender
//! ([`delivery`]), and [`emit`], which turns an order event into one delivery per subscribed,
//! active endpoint of the same merchant (so test events only ever reach test endpoints).

pub mod delivery;
pub mod registry;

use std::sync::Arc;

use amigo_types::orders::Order;
use amigo_types::webhooks::{DeliveryRecord, WebhookPayload};
use bytes::Bytes;

use crate::clock::{Clock, iso8601};
use crate::merchants::{Merchant, Merchants};

pub use delivery::{DeliveryJob, Dispatcher};
pub use registry::{Endpoint, WebhookRegistry};

/// Sends the event for `order`'s current status (`order.created` for a new paid order,
/// `order.accepted`, …, `order.cancelled`) to every active endpoint of `merchant` whose filter
/// takes it. Returns at once; delivery happens in the background. Returns the delivery ids.
pub fn emit(
    merchants: &Merchants,
    merchant: &Merchant,
    clock: &Arc<Clock>,
    order: &Order,
) -> Vec<u64> {
    let event = order.status.event_name();
    let endpoints = merchant.webhooks.subscribers(event);
    if endpoints.is_empty() {
        return Vec::new();
    }
    let created_at = iso8601(clock.now());
    let payload = WebhookPayload {
        event: event.to_owned(),
        livemode: merchant.mode.is_live(),
        created_at: created_at.clone(),
        data: order.clone(),
    };
    let body = match serde_json::to_vec(&payload) {
        Ok(b) => Bytes::from(b),
        Err(e) => {
            tracing::error!(error = %e, "webhook payload did not serialise");
            return Vec::new();
        }
    };
    endpoints
        .into_iter()
        .map(|endpoint| {
            let delivery_id = merchants.next_delivery_id();
            let record = endpoint.record_delivery(DeliveryRecord {
                delivery_id,
                event: event.to_owned(),
                status: "pending".into(),
                attempts: 0,
                response_code: None,
                next_attempt_at: None,
                created_at: created_at.clone(),
            });
            merchants.dispatcher.spawn(
                DeliveryJob {
                    endpoint,
                    record,
                    delivery_id,
                    event,
                    body: body.clone(),
                },
                Arc::clone(clock),
            );
            delivery_id
        })
        .collect()
}
