//! Orders nobody has paid for (`AMIGO_PAYMENT=none`): the money-safety floor under the order
//! route. Every order Amigo accepts is debited from the merchant's wallet at once, and with
//! this payment mode no shopper has paid the merchant anything, so:
//!
//! - with a live token, orders are refused outright (`403 orders_disabled`, no upstream call)
//!   unless the merchant opted in and set a daily budget ([`crate::config::UnpaidOrders`]);
//! - with a budget, each order's total is reserved in the database before the upstream call
//!   ([`Store::reserve_budget`]), kept while the outcome is unknown, released when Amigo
//!   refuses the order definitely, so concurrent orders on any number of instances never
//!   spend more than the day's budget.
//!
//! [`super::place`] calls [`admit`] first, [`hold`] once it owns the order's key, and then tells
//! the [`Hold`] what happened upstream.

use axum::http::StatusCode;

use crate::config::UnpaidOrders;
use crate::error::{ProxyError, ProxyResult};
use crate::store::{Budget, BudgetClaim, BudgetReserved, Store, lagos_day};
use crate::upstream::UpstreamResponse;

/// Refuses every order while unpaid orders are off for this token, before anything else is
/// read or called.
pub(crate) fn admit(policy: &UnpaidOrders) -> ProxyResult<()> {
    match policy {
        UnpaidOrders::Open { .. } => Ok(()),
        UnpaidOrders::Off { .. } => Err(ProxyError::OrdersDisabled),
    }
}

/// An order's share of the day's budget, held until the upstream answers. Without a budget
/// (a test token with no `AMIGO_ORDER_DAILY_LIMIT`) it holds nothing.
#[derive(Debug)]
#[must_use = "tell the hold how the upstream call ended"]
pub(crate) struct Hold<'a> {
    store: &'a Store,
    key: Option<&'a str>,
}

/// Reserves the order's `total` (items at Amigo's prices, the spend guard's figure) under its
/// Idempotency-Key, refusing with `422 order_daily_limit_reached` when the day has no room.
/// A retry with the same key and body reuses its reservation; the same key with another body
/// is refused as `idempotency_key_reused`.
pub(crate) async fn hold<'a>(
    store: &'a Store,
    policy: &UnpaidOrders,
    key: &'a str,
    body_hash: &str,
    total: i64,
) -> ProxyResult<Hold<'a>> {
    let daily_limit = match policy {
        UnpaidOrders::Open {
            daily_limit: Some(limit),
        } => *limit,
        UnpaidOrders::Open { daily_limit: None } => return Ok(Hold { store, key: None }),
        UnpaidOrders::Off { .. } => return Err(ProxyError::OrdersDisabled),
    };
    let claim = BudgetClaim {
        budget: Budget::UnpaidOrders,
        key,
        body_hash,
        amount: total,
        lagos_day: &lagos_day(),
        daily_limit,
    };
    match store.reserve_budget(&claim).await? {
        BudgetReserved::New | BudgetReserved::Retry => Ok(Hold {
            store,
            key: Some(key),
        }),
        BudgetReserved::OtherBody => Err(amigo_types::envelope::ApiError::invalid(
            "idempotency_key_reused",
            "Idempotency-Key",
            "This Idempotency-Key was already used for a different order; use a new key for a new order.",
        )
        .into()),
        BudgetReserved::OverBudget { spent } => Err(ProxyError::OrderDailyLimit {
            spent,
            amount: total,
            limit: daily_limit,
        }),
    }
}

/// Whether an upstream answer proves no order was created under the key: a 4xx that is the
/// platform's decision on this order. Throttling (429), conflicts (409), early data (425) and
/// request timeouts (408) are not: an earlier attempt under the same key may have placed it.
pub(crate) fn definitely_refused(resp: &UpstreamResponse) -> bool {
    resp.status.is_client_error()
        && !matches!(
            resp.status,
            StatusCode::REQUEST_TIMEOUT
                | StatusCode::CONFLICT
                | StatusCode::TOO_EARLY
                | StatusCode::TOO_MANY_REQUESTS
        )
}

impl Hold<'_> {
    /// Amigo placed the order: its total stays spent for the day.
    pub(crate) async fn placed(self) {
        if let Some(key) = self.key
            && let Err(e) = self.store.settle_budget(Budget::UnpaidOrders, key).await
        {
            // Still counted (pending): the error only leaves the state label behind.
            tracing::error!(error = %e, "could not settle an order's budget reservation");
        }
    }

    /// The upstream call failed with `outcome`: release the reservation when Amigo definitely
    /// refused the order, keep it (the order may exist) otherwise.
    pub(crate) async fn failed(self, outcome: &ProxyResult<UpstreamResponse>) {
        let Some(key) = self.key else { return };
        let result = match outcome {
            Ok(resp) if definitely_refused(resp) => {
                self.store.release_budget(Budget::UnpaidOrders, key).await
            }
            _ => self.store.budget_unknown(Budget::UnpaidOrders, key).await,
        };
        if let Err(e) = result {
            // Failing here errs on the safe side: the reservation keeps holding budget.
            tracing::error!(error = %e, "could not update an order's budget reservation");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: StatusCode) -> UpstreamResponse {
        UpstreamResponse {
            status,
            cache_control: None,
            retry_after: None,
            body: bytes::Bytes::new(),
        }
    }

    #[test]
    fn only_a_decision_on_the_order_is_a_definite_refusal() {
        for s in [
            StatusCode::UNPROCESSABLE_ENTITY,
            StatusCode::BAD_REQUEST,
            StatusCode::NOT_FOUND,
            StatusCode::UNAUTHORIZED,
        ] {
            assert!(definitely_refused(&answer(s)), "{s}");
        }
        for s in [
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::CONFLICT,
            StatusCode::REQUEST_TIMEOUT,
            StatusCode::INTERNAL_SERVER_ERROR,
            StatusCode::BAD_GATEWAY,
            StatusCode::CREATED,
        ] {
            assert!(!definitely_refused(&answer(s)), "{s}");
        }
    }

    #[test]
    fn orders_off_are_refused_before_anything_else() {
        assert!(matches!(
            admit(&UnpaidOrders::Off { reason: "x" }),
            Err(ProxyError::OrdersDisabled)
        ));
        assert!(admit(&UnpaidOrders::Open { daily_limit: None }).is_ok());
        assert!(
            admit(&UnpaidOrders::Open {
                daily_limit: Some(1)
            })
            .is_ok()
        );
    }
}
