//! Sample values for tests (feature `test-fixtures`, never in a shipped build): one product, one
//! order and one data-plan builder, and the cheapest-plan lookup, shared by the sandbox's, the
//! proxy's and the widget's tests instead of each writing its own.

use crate::catalog::{Brand, CategoryRef, Price, Product, Rating, Stock};
use crate::data::{DataPlan, EfficiencyRating, Network};
use crate::delivery::DeliveryTier;
use crate::money::Money;
use crate::orders::{Order, OrderCustomer, OrderDelivery, OrderStatus, PaymentState};

/// A cable `id` at `price` Naira with `stock` in stock (out of stock at 0), rated 4.5 by ten.
pub fn product(id: u64, price: i64, stock: u32) -> Product {
    Product {
        id,
        slug: format!("p-{id}"),
        brand: Brand::Oraimo,
        name: format!("Product {id}"),
        description: String::new(),
        price: Price {
            amount: price,
            display: crate::format_naira(price),
            currency: "NGN".into(),
            market: None,
        },
        category: CategoryRef {
            id: 1,
            slug: "cables".into(),
            name: "Cables".into(),
        },
        stock: Stock {
            in_stock: stock > 0,
            count: stock,
        },
        rating: Rating {
            value: 4.5,
            count: 10,
        },
        images: vec![],
        delivery_scheme_id: None,
        free_delivery: false,
        updated_at: "2026-05-16T18:32:11+01:00".into(),
    }
}

/// A paid ₦100 order `id` for `name`, placed at `created_at` (`YYYY-MM-DD HH:MM:SS`, Lagos), with
/// no lines, no reference yet and a phone made from `id`.
pub fn order(id: u64, created_at: &str, name: &str) -> Order {
    Order {
        id,
        reference: String::new(),
        status: OrderStatus::Paid,
        payment_state: PaymentState::Paid,
        subtotal: Money::naira(100),
        delivery_fee: Money::naira(0),
        total: Money::naira(100),
        customer: OrderCustomer {
            name: name.into(),
            phone: format!("0801234{:04}", id % 10_000),
            email: None,
        },
        delivery: OrderDelivery {
            address: "Plot 12".into(),
            city: None,
            state: None,
            state_id: None,
            lga_id: None,
            scheme_id: None,
            scheme_name: None,
            tier: Some(DeliveryTier::Standard),
            was_free: None,
            eta_min_days: None,
            eta_max_days: None,
            breakdown: vec![],
            notes: None,
        },
        items: vec![],
        created_at: created_at.into(),
        paid_at: Some(created_at.into()),
        cancelled_reason: None,
    }
}

/// Plan `id` on `network`: `mb` megabytes for `days` days at `price` Naira, rated `efficiency`.
pub fn data_plan(
    id: u64,
    network: Network,
    mb: u64,
    days: u32,
    price: i64,
    efficiency: u8,
) -> DataPlan {
    DataPlan {
        plan_id: id,
        network,
        network_name: network.name().to_owned(),
        capacity: format!("{mb}MB"),
        capacity_mb: mb,
        validity: format!("{days} days"),
        validity_days: days,
        price: Money::naira(price),
        efficiency: Some(efficiency),
        efficiency_rating: Some(EfficiencyRating::of(efficiency)),
    }
}

/// The cheapest of `plans` on `network` (the first of equal prices).
pub fn cheapest_plan(plans: &[DataPlan], network: Network) -> Option<&DataPlan> {
    plans
        .iter()
        .filter(|p| p.network == network)
        .min_by_key(|p| p.price.amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cheapest_plan_is_on_its_network() {
        let plans = [
            data_plan(1, Network::Mtn, 1024, 30, 1500, 99),
            data_plan(2, Network::Glo, 1024, 1, 100, 99),
            data_plan(3, Network::Mtn, 500, 1, 350, 80),
            data_plan(4, Network::Mtn, 500, 1, 350, 80),
        ];
        assert_eq!(
            cheapest_plan(&plans, Network::Mtn).map(|p| p.plan_id),
            Some(3)
        );
        assert_eq!(cheapest_plan(&plans, Network::Airtel), None);
        assert!(!product(1, 500, 0).stock.in_stock);
        assert_eq!(
            order(12, "2026-05-20 10:00:00", "a").customer.phone,
            "08012340012"
        );
    }
}
