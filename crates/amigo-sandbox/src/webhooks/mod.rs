//! Signed webhooks: each merchant's endpoints ([`registry`]), the background sender
//! ([`delivery`]), and [`emit`], which turns an order event into one delivery per subscribed,
//! active endpoint of the same merchant (so test events only ever reach test endpoints).
//! Nothing here knows merchants or the shared state: callers pass the one registry and sender.

pub(crate) mod delivery;
pub(crate) mod registry;

use std::sync::Arc;

use amigo_types::orders::Order;
use amigo_types::webhooks::{DeliveryRecord, DeliveryStatus, WebhookPayload};
use bytes::Bytes;

use crate::clock::{Clock, iso8601};

pub(crate) use delivery::{DeliveryJob, Dispatcher};
pub(crate) use registry::WebhookRegistry;

/// Sends the event for `order`'s current status (`order.created` for a new paid order,
/// `order.accepted`, …, `order.cancelled`) to every active endpoint in `registry` (one
/// merchant's) whose filter takes it, through `dispatcher`. `livemode` is the merchant's mode,
/// as the payload states it. Returns at once; delivery happens in the background. Returns the
/// delivery ids.
pub(crate) fn emit(
    dispatcher: &Arc<Dispatcher>,
    registry: &WebhookRegistry,
    livemode: bool,
    clock: &Arc<Clock>,
    order: &Order,
) -> Vec<u64> {
    let event = order.status.event_name();
    let endpoints = registry.subscribers(event);
    if endpoints.is_empty() {
        return Vec::new();
    }
    let created_at = iso8601(clock.now());
    let payload = WebhookPayload {
        event: event.to_owned(),
        livemode,
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
            let delivery_id = dispatcher.next_delivery_id();
            let record = endpoint.record_delivery(DeliveryRecord {
                delivery_id,
                event: event.to_owned(),
                status: DeliveryStatus::Pending,
                attempts: 0,
                response_code: None,
                next_attempt_at: None,
                created_at: created_at.clone(),
            });
            dispatcher.spawn(
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
