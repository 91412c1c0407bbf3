//! Placing an order: validate the request, snapshot prices and the resolver's delivery answer,
//! check stock, then commit (reserve live stock, debit the wallet, file the order) so that a
//! refused order changes nothing, and announce it with `order.created`. It is handed the parts
//! of the sandbox it reads and writes; the route parses the body and picks them out.

use amigo_types::Money;
use amigo_types::orders::{
    CreateOrderRequest, Order, OrderCustomer, OrderStatus, PaymentState, ValidOrderRequest,
};
use amigo_types::token::Mode;

use std::sync::Arc;

use crate::catalog::Catalog;
use crate::clock::{Clock, order_time};
use crate::delivery::DeliverySchemes;
use crate::error::SandboxError;
use crate::locations::Locations;
use crate::merchants::{Merchant, Merchants};
use crate::orders::book::new_reference;
use crate::orders::pricing::{
    delivery_snapshot, lookup_products, price_lines, short_of_stock, unserviceable,
};

/// The sandbox parts placing an order reads (catalog, places, schemes) and writes (live stock,
/// the order id sequence, webhooks).
#[derive(Debug, Clone, Copy)]
pub(crate) struct OrderDesk<'a> {
    /// Products and live stock.
    pub catalog: &'a Catalog,
    /// States and LGAs, for the delivery location.
    pub locations: &'a Locations,
    /// Delivery schemes, for the fee.
    pub schemes: &'a DeliverySchemes,
    /// Order ids and the webhook sender.
    pub merchants: &'a Merchants,
    /// Now, with test skew.
    pub clock: &'a Arc<Clock>,
}

/// Creates an order for `merchant` from its parsed request.
///
/// Checks run in this order, first failure wins: body rules (`invalid_*`), unknown products
/// (`invalid_items`), the delivery location (`invalid_delivery_location`), serviceability
/// (`unserviceable_delivery`), stock (`out_of_stock`, against current catalog stock; test
/// orders only check it, live orders reserve it), and the wallet (`insufficient_balance`).
pub(crate) fn place_order(
    desk: OrderDesk<'_>,
    merchant: &Merchant,
    mut req: CreateOrderRequest,
) -> Result<Order, SandboxError> {
    // a product named on two lines is one line of both quantities (README: lenient readings)
    req.items = amigo_types::delivery::merge_repeated_lines(&req.items);
    let valid = req.validate()?;
    let products = lookup_products(&valid.items, |id| desk.catalog.product(id))?;
    let quote = if valid.location.is_present() {
        let q = crate::delivery::quote(
            desk.catalog,
            desk.locations,
            desk.schemes,
            &valid.location,
            &valid.items,
        )?;
        if !q.serviceable {
            return Err(unserviceable(&q));
        }
        Some(q)
    } else {
        None
    };
    let short = short_of_stock(&valid.items, &products);
    if !short.is_empty() {
        return Err(SandboxError::OutOfStock(short));
    }
    let lines = price_lines(&valid.items, &products);
    let delivery = delivery_snapshot(&valid, quote.as_ref())?;
    let total = lines.subtotal.saturating_add(delivery.fee);

    let live = merchant.mode == Mode::Live;
    if live {
        desk.catalog
            .reserve_live(&valid.items)
            .map_err(SandboxError::OutOfStock)?;
    }
    if let Err(short) = merchant.wallet.debit(total) {
        if live {
            desk.catalog.release_live(&valid.items);
        }
        return Err(SandboxError::InsufficientBalance {
            required: short.required,
            balance: short.balance,
        });
    }
    let now = desk.clock.now();
    let at = order_time(now);
    let order = Order {
        id: desk.merchants.next_order_id(),
        reference: String::new(),
        status: OrderStatus::Paid,
        payment_state: PaymentState::Paid,
        subtotal: Money::naira(lines.subtotal),
        delivery_fee: Money::naira(delivery.fee),
        total: Money::naira(total),
        customer: customer(&valid),
        delivery: delivery.delivery,
        items: lines.items,
        created_at: at.clone(),
        paid_at: Some(at),
        cancelled_reason: None,
    };
    let mut rng = rand::rng();
    let order = merchant
        .orders
        .insert(order, || new_reference(live, now, &mut rng));
    desk.merchants.announce(merchant, desk.clock, &order);
    Ok(order)
}

fn customer(valid: &ValidOrderRequest) -> OrderCustomer {
    OrderCustomer {
        name: valid.name.clone(),
        phone: valid.phone.clone(),
        email: valid.email.clone(),
    }
}
