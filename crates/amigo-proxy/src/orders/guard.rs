//! The checks an order passes before any spending call: the per-phone limit, and the spend
//! guard, which prices every line from the catalog cache (refusing a product the catalog does
//! not have) and caps the total at Amigo's prices (`AMIGO_MAX_ORDER_TOTAL`). A checkout runs
//! the same checks before it asks the shopper for money.

use std::time::Duration;

use amigo_types::orders::CreateOrderRequest;

use crate::error::{ProxyError, ProxyResult};
use crate::routes::catalog::product_prices;
use crate::state::AppState;
use crate::store::RetailSale;

/// The per-phone order limit (shared by every instance on PostgreSQL).
pub(crate) async fn limit_phone(state: &AppState, phone_hash: &str) -> ProxyResult<()> {
    crate::limits::per_phone(
        state.store(),
        &format!("orders/phone/{phone_hash}"),
        state.config().rates.orders_per_phone,
        Duration::from_secs(60),
        || state.limits().order_for_phone(phone_hash),
    )
    .await
}

/// One order line as the spend guard priced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PricedLine {
    pub(crate) product_id: u64,
    pub(crate) name: String,
    pub(crate) quantity: u32,
    /// The retail unit price the shopper was shown.
    pub(crate) retail: i64,
}

/// Items at Amigo's prices (what the wallet pays, not the retail prices the shopper sees) must
/// not exceed `AMIGO_MAX_ORDER_TOTAL`; unknown products are refused here, before any spending
/// call. Returns that total (what the daily budget for unpaid orders holds) and what the shopper
/// is paying for each product (the catalog's retail prices, read from the same cache entries),
/// to record with the order.
pub(crate) async fn spend_guard(
    state: &AppState,
    request: &CreateOrderRequest,
) -> ProxyResult<(i64, RetailSale)> {
    let (total, lines) = spend_guard_lines(state, request).await?;
    Ok((
        total,
        RetailSale::new(lines.into_iter().map(|l| (l.product_id, l.retail))),
    ))
}

/// [`spend_guard`], line by line (a checkout shows each line at its retail price).
pub(crate) async fn spend_guard_lines(
    state: &AppState,
    request: &CreateOrderRequest,
) -> ProxyResult<(i64, Vec<PricedLine>)> {
    // One line at a time, stopping at the first unknown product: an order naming fifty ids that
    // do not exist costs the merchant's Amigo rate limit one lookup, not fifty.
    let mut total: i64 = 0;
    let mut lines = Vec::with_capacity(request.items.len());
    for (i, item) in request.items.iter().enumerate() {
        let Some(price) = product_prices(state, item.product_id).await? else {
            return Err(ProxyError::UnknownProduct {
                index: i,
                product_id: item.product_id,
            });
        };
        total = total.saturating_add(price.cost.saturating_mul(i64::from(item.quantity)));
        lines.push(PricedLine {
            product_id: item.product_id,
            name: price.name,
            quantity: item.quantity,
            retail: price.retail,
        });
    }
    let limit = state.config().max_order_total;
    if total > limit {
        return Err(ProxyError::OrderTotalExceedsLimit { total, limit });
    }
    Ok((total, lines))
}
