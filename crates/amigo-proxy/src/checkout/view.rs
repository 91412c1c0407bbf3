//! A stored checkout as its shopper sees it: lines and totals at retail, how to pay while it
//! awaits payment, the order once placed, why it ended otherwise. Nothing personal.

use amigo_types::Money;
use amigo_types::checkout::{
    CheckoutFailure, CheckoutStatus, CheckoutView, PaymentInstructions, PaymentMethod,
};
use amigo_types::orders::OrderItem;

use crate::state::AppState;
use crate::store::CheckoutRow;

/// The shopper's view of `row`.
pub(crate) fn shopper_view(state: &AppState, row: &CheckoutRow) -> CheckoutView {
    let items: Vec<OrderItem> = serde_json::from_str(&row.items_json).unwrap_or_default();
    let pay = match (row.status, row.method) {
        (CheckoutStatus::AwaitingPayment, PaymentMethod::Paystack) => row
            .authorization_url
            .clone()
            .map(|authorization_url| PaymentInstructions::Paystack { authorization_url }),
        (CheckoutStatus::AwaitingPayment, PaymentMethod::Transfer) => state
            .config()
            .checkout
            .transfer
            .as_ref()
            .map(|account| PaymentInstructions::Transfer {
                account_name: account.account_name.clone(),
                bank_name: account.bank_name.clone(),
                account_number: account.account_number.clone(),
                amount: Money::naira(row.total),
                narration: row.reference.clone(),
            }),
        _ => None,
    };
    let failure = match row.status {
        CheckoutStatus::Failed | CheckoutStatus::Refunded => Some(CheckoutFailure {
            code: row
                .failure_code
                .clone()
                .unwrap_or_else(|| "order_not_placed".to_owned()),
            message: row
                .failure_message
                .clone()
                .unwrap_or_else(|| "The store could not place your order.".to_owned()),
        }),
        _ => None,
    };
    CheckoutView {
        reference: row.reference.clone(),
        kind: row.kind,
        status: row.status,
        method: row.method,
        items,
        subtotal: Money::naira(row.subtotal),
        delivery_fee: Money::naira(row.delivery_fee),
        total: Money::naira(row.total),
        created_at: row.created_at.clone(),
        expires_at: row.expires_at.clone(),
        pay,
        order_reference: row
            .order_reference
            .clone()
            .filter(|_| row.status == CheckoutStatus::Placed),
        failure,
    }
}
