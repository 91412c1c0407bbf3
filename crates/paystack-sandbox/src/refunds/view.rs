//! The JSON Paystack shows for a refund: the `POST /refund` answer (the transaction embedded),
//! `GET /refund/{id}` (the transaction as an id), and the `refund.*` webhook `data`, whose
//! shape the docs give apart (`transaction_reference`, `refund_reference`, a short customer).

use serde_json::{Value, json};

use super::{Refund, RefundStatus};
use crate::clock::paystack_time;
use crate::keys::Domain;
use crate::transactions::{Channel, Transaction};

fn common(refund: &Refund, domain: Domain, integration: u64) -> serde_json::Map<String, Value> {
    let deducted = if refund.status == RefundStatus::Processed {
        refund.amount.get()
    } else {
        0
    };
    let view = json!({
        "integration": integration,
        "domain": domain.as_str(),
        "amount": refund.amount.get(),
        "deducted_amount": deducted,
        "fully_deducted": deducted == refund.amount.get(),
        "currency": refund.currency,
        "channel": null,
        "status": refund.status.as_str(),
        "refunded_by": refund.refunded_by,
        "refunded_at": refund.refunded_at.map(paystack_time),
        "expected_at": paystack_time(refund.expected_at),
        "customer_note": refund.customer_note,
        "merchant_note": refund.merchant_note,
        "id": refund.id,
        "createdAt": paystack_time(refund.created_at),
        "updatedAt": paystack_time(refund.updated_at),
    });
    view.as_object().cloned().unwrap_or_default()
}

/// `data` of `POST /refund`: the refund with a summary of its transaction.
pub(crate) fn created_data(
    refund: &Refund,
    tx: &Transaction,
    domain: Domain,
    integration: u64,
) -> Value {
    let mut map = common(refund, domain, integration);
    let paid_at = tx.paid_at.map(paystack_time);
    map.insert(
        "transaction".into(),
        json!({
            "id": tx.id,
            "domain": domain.as_str(),
            "reference": tx.reference,
            "amount": tx.amount.get(),
            "paid_at": paid_at,
            "channel": tx.channel.map(Channel::as_str),
            "currency": tx.currency,
            "paidAt": paid_at,
        }),
    );
    Value::Object(map)
}

/// `data` of `GET /refund/{id}`.
pub(crate) fn fetch_data(refund: &Refund, domain: Domain, integration: u64) -> Value {
    let mut map = common(refund, domain, integration);
    map.insert("transaction".into(), json!(refund.transaction_id));
    map.insert("dispute".into(), Value::Null);
    map.insert("settlement".into(), Value::Null);
    Value::Object(map)
}

/// `data` of a `refund.pending` / `refund.processed` webhook. The docs' examples send `amount`
/// as a string of kobo for these two events; so does the emulator, so receivers must cope.
pub(crate) fn event_data(refund: &Refund, domain: Domain, integration: u64) -> Value {
    json!({
        "status": refund.status.as_str(),
        "transaction_reference": refund.transaction_reference,
        "refund_reference": refund.refund_reference,
        "amount": refund.amount.get().to_string(),
        "currency": refund.currency,
        "processor": "sandbox",
        "customer": {
            "first_name": null,
            "last_name": null,
            "email": refund.customer_email,
        },
        "integration": integration,
        "domain": domain.as_str(),
        "id": refund.id.to_string(),
    })
}
