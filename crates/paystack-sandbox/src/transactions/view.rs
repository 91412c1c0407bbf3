//! The JSON Paystack shows for a transaction: `data` of `GET /transaction/verify/{reference}`
//! and of the `charge.success` webhook. Field names, `null`s and the camelCase duplicates
//! (`paidAt`, `createdAt`) follow the docs' verify example.

use serde_json::{Value, json};

use super::{Channel, Transaction, TransactionStatus};
use crate::clock::paystack_time;
use crate::keys::Domain;

/// The verify `data` object for `tx`.
pub(crate) fn verify_data(tx: &Transaction, domain: Domain) -> Value {
    let paid_at = tx.paid_at.map(paystack_time);
    let created_at = paystack_time(tx.created_at);
    let paid = matches!(
        tx.status,
        TransactionStatus::Success | TransactionStatus::Reversed
    );
    json!({
        "id": tx.id,
        "domain": domain.as_str(),
        "status": tx.status.as_str(),
        "reference": tx.reference,
        "amount": tx.amount.get(),
        "message": null,
        "gateway_response": tx.gateway_response(),
        "paid_at": paid_at,
        "created_at": created_at,
        "channel": tx.channel.map(Channel::as_str),
        "currency": tx.currency,
        "ip_address": null,
        "metadata": tx.metadata.clone().unwrap_or_else(|| Value::String(String::new())),
        "log": null,
        "fees": paid.then(|| tx.amount.local_fee()),
        "fees_split": null,
        "authorization": authorization(tx),
        "customer": {
            "id": tx.customer.id,
            "first_name": null,
            "last_name": null,
            "email": tx.customer.email,
            "customer_code": tx.customer.customer_code,
            "phone": null,
            "metadata": null,
            "risk_action": "default",
            "international_format_phone": null,
        },
        "plan": null,
        "split": {},
        "order_id": null,
        "paidAt": paid_at,
        "createdAt": created_at,
        "requested_amount": tx.amount.get(),
        "pos_transaction_data": null,
        "source": null,
        "fees_breakdown": null,
        "transaction_date": created_at,
        "plan_object": {},
        "subaccount": {},
    })
}

/// The `authorization` object: empty until paid; for a card payment, Paystack's test card
/// (Visa 408408…4081, the docs' example); for transfer and USSD, a non-reusable offline one.
fn authorization(tx: &Transaction) -> Value {
    let (Some(code), Some(channel)) = (&tx.authorization_code, tx.channel) else {
        return json!({});
    };
    match channel {
        Channel::Card => json!({
            "authorization_code": code,
            "bin": "408408",
            "last4": "4081",
            "exp_month": "12",
            "exp_year": "2030",
            "channel": "card",
            "card_type": "visa ",
            "bank": "TEST BANK",
            "country_code": "NG",
            "brand": "visa",
            "reusable": true,
            "signature": format!("SIG_{}", &code[5..]),
            "account_name": null,
        }),
        other => json!({
            "authorization_code": code,
            "bin": "XXXXXX",
            "last4": "XXXX",
            "exp_month": null,
            "exp_year": null,
            "channel": other.as_str(),
            "card_type": "offline",
            "bank": "TEST BANK",
            "country_code": "NG",
            "brand": "offline",
            "reusable": false,
            "signature": null,
            "account_name": null,
        }),
    }
}
