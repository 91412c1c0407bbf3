//! One merchant's orders: lookup by reference or id, the filtered newest-first list, and
//! lifecycle transitions applied atomically (so a cancel refunds exactly once).

use std::collections::HashMap;
use std::sync::RwLock;

use amigo_types::Pagination;
use amigo_types::orders::{Order, OrderListQuery, OrderStatus, PaymentState};
use rand::Rng;
use time::OffsetDateTime;

use crate::clock::LAGOS;
use crate::error::SandboxError;

/// A fresh order reference for the order's date (Lagos time): `AMG-COM-YYYYMMDD-XXXXXX`, or
/// `AMG-COM-TEST-YYYYMMDD-XXXXXX` for a test-mode order. The tail is six random characters
/// from `A–Z0–9`.
pub(crate) fn new_reference(live: bool, at: OffsetDateTime, rng: &mut impl Rng) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let at = at.to_offset(LAGOS);
    let tail: String = (0..6)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!(
        "AMG-COM-{}{:04}{:02}{:02}-{tail}",
        if live { "" } else { "TEST-" },
        at.year(),
        u8::from(at.month()),
        at.day()
    )
}

/// Whether `order` passes the list filters (`status`, `payment_state`, whole-day `from`/`to`
/// on the Lagos-time `created_at`, and `q` as a case-insensitive substring of the reference,
/// customer name or phone). Pagination is applied by the caller.
pub(crate) fn matches(order: &Order, q: &OrderListQuery) -> bool {
    if q.status.is_some_and(|s| s != order.status)
        || q.payment_state.is_some_and(|p| p != order.payment_state)
    {
        return false;
    }
    // `created_at` is `YYYY-MM-DD HH:MM:SS`, so its first ten bytes compare as dates.
    let day = order.created_at.get(..10).unwrap_or("");
    if q.from.is_some_and(|f| day < f.to_iso().as_str())
        || q.to.is_some_and(|t| day > t.to_iso().as_str())
    {
        return false;
    }
    match &q.q {
        None => true,
        Some(text) => {
            let needle = text.to_lowercase();
            [
                &order.reference,
                &order.customer.name,
                &order.customer.phone,
            ]
            .iter()
            .any(|hay| hay.to_lowercase().contains(&needle))
        }
    }
}

#[derive(Debug, Default)]
struct Book {
    /// In creation order; the list walks it backwards for newest first.
    orders: Vec<Order>,
    by_reference: HashMap<String, usize>,
    by_id: HashMap<u64, usize>,
}

/// A status change that took effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The status before.
    pub from: OrderStatus,
    /// The order after the change.
    pub order: Order,
}

/// One merchant's orders.
#[derive(Debug, Default)]
pub struct OrderBook {
    book: RwLock<Book>,
}

impl OrderBook {
    /// An empty book.
    pub fn new() -> Self {
        Self::default()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Book> {
        self.book
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Book> {
        self.book
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Files `order`, giving it a reference from `reference` that no other order in this book
    /// has (drawing again on a collision). Returns the order as filed.
    pub fn insert(&self, mut order: Order, mut reference: impl FnMut() -> String) -> Order {
        let mut book = self.write();
        order.reference = loop {
            let r = reference();
            if !book.by_reference.contains_key(&r) {
                break r;
            }
        };
        let at = book.orders.len();
        book.by_reference.insert(order.reference.clone(), at);
        book.by_id.insert(order.id, at);
        book.orders.push(order.clone());
        order
    }

    /// The order with this reference, if it is in this book.
    pub fn by_reference(&self, reference: &str) -> Option<Order> {
        let book = self.read();
        book.by_reference
            .get(reference)
            .map(|&i| book.orders[i].clone())
    }

    /// The order with this id, if it is in this book.
    pub fn by_id(&self, id: u64) -> Option<Order> {
        let book = self.read();
        book.by_id.get(&id).map(|&i| book.orders[i].clone())
    }

    /// One page of the orders matching `q`, newest first, with its pagination block.
    pub fn list(&self, q: &OrderListQuery) -> (Vec<Order>, Pagination) {
        let book = self.read();
        let matching: Vec<&Order> = book.orders.iter().rev().filter(|o| matches(o, q)).collect();
        let pagination = Pagination::new(matching.len() as u64, q.limit, q.offset);
        let page = matching[pagination.range()]
            .iter()
            .map(|o| (*o).clone())
            .collect();
        (page, pagination)
    }

    /// Orders in the book.
    pub fn len(&self) -> usize {
        self.read().orders.len()
    }

    /// Whether the book is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Moves the order `reference` to `next` if the lifecycle allows it
    /// (`OrderStatus::can_become`). Cancelling marks the payment refunded and stores `reason`.
    /// The check and the change happen under one lock, so of two racing cancels exactly one
    /// succeeds (and so only one refund is made by the caller).
    pub fn advance(
        &self,
        reference: &str,
        next: OrderStatus,
        reason: Option<&str>,
    ) -> Result<Transition, SandboxError> {
        let mut book = self.write();
        let &i = book
            .by_reference
            .get(reference)
            .ok_or_else(|| order_not_found(reference))?;
        let order = &mut book.orders[i];
        let from = order.status;
        if !from.can_become(next) {
            return Err(SandboxError::InvalidTransition(format!(
                "Order {reference} is {} and cannot become {}. Allowed: paid → accepted → shipped → delivered, and cancelled from paid or accepted.",
                from.as_str(),
                next.as_str()
            )));
        }
        order.status = next;
        if next == OrderStatus::Cancelled {
            order.payment_state = PaymentState::Refunded;
            order.cancelled_reason = reason.map(str::to_owned);
        }
        Ok(Transition {
            from,
            order: order.clone(),
        })
    }
}

/// The documented 404 for an order that doesn't exist or isn't the caller's.
pub(crate) fn order_not_found(what: &str) -> SandboxError {
    SandboxError::NotFound(format!(
        "Order {} not found.",
        amigo_types::query::shorten(what)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use amigo_types::fixtures::order;
    use amigo_types::orders::CivilDate;
    use rand::SeedableRng;

    #[test]
    fn references_have_the_documented_shape() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        // 23:30 UTC on 19 May is already 20 May in Lagos.
        let t = time::macros::datetime!(2026-05-19 23:30 UTC);
        let live = new_reference(true, t, &mut rng);
        let test = new_reference(false, t, &mut rng);
        assert!(live.starts_with("AMG-COM-20260520-"), "{live}");
        assert!(test.starts_with("AMG-COM-TEST-20260520-"), "{test}");
        for r in [&live, &test] {
            let tail = r.rsplit('-').next().unwrap();
            assert_eq!(tail.len(), 6);
            assert!(
                tail.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            );
        }
    }

    #[test]
    fn references_never_collide_within_a_book() {
        let book = OrderBook::new();
        let mut draws = ["A", "A", "B"].into_iter();
        let mut next = || draws.next().unwrap().to_owned();
        assert_eq!(
            book.insert(order(1, "2026-05-20 10:00:00", "a"), &mut next)
                .reference,
            "A"
        );
        assert_eq!(
            book.insert(order(2, "2026-05-20 10:00:00", "b"), &mut next)
                .reference,
            "B"
        );
        assert_eq!(book.by_id(2).unwrap().reference, "B");
        assert_eq!(book.by_reference("A").unwrap().id, 1);
        assert!(book.by_reference("C").is_none());
    }

    #[test]
    fn list_filters_and_pages_newest_first() {
        let book = OrderBook::new();
        let mut n = 0;
        for (id, at, name) in [
            (1, "2026-05-18 23:59:59", "Aisha Bello"),
            (2, "2026-05-19 00:00:00", "Musa Ali"),
            (3, "2026-05-20 12:00:00", "aisha musa"),
            (4, "2026-05-21 00:00:00", "Chidi"),
        ] {
            book.insert(order(id, at, name), || {
                n += 1;
                format!("AMG-COM-TEST-2026052{n}-ABC00{n}")
            });
        }
        book.advance("AMG-COM-TEST-20260524-ABC004", OrderStatus::Accepted, None)
            .unwrap();
        let ids =
            |q: &OrderListQuery| -> Vec<u64> { book.list(q).0.iter().map(|o| o.id).collect() };
        let all = OrderListQuery {
            limit: 20,
            ..Default::default()
        };
        assert_eq!(ids(&all), vec![4, 3, 2, 1]);
        let days = OrderListQuery {
            from: CivilDate::parse("2026-05-19"),
            to: CivilDate::parse("2026-05-20"),
            ..all.clone()
        };
        assert_eq!(ids(&days), vec![3, 2], "whole days, inclusive");
        let text = OrderListQuery {
            q: Some("AISHA".into()),
            ..all.clone()
        };
        assert_eq!(ids(&text), vec![3, 1]);
        let phone = OrderListQuery {
            q: Some("12340002".into()),
            ..all.clone()
        };
        assert_eq!(ids(&phone), vec![2]);
        let reference = OrderListQuery {
            q: Some("abc003".into()),
            ..all.clone()
        };
        assert_eq!(ids(&reference), vec![3]);
        let accepted = OrderListQuery {
            status: Some(OrderStatus::Accepted),
            ..all.clone()
        };
        assert_eq!(ids(&accepted), vec![4]);
        let page = OrderListQuery {
            limit: 2,
            offset: 1,
            ..all.clone()
        };
        let (rows, p) = book.list(&page);
        assert_eq!(rows.iter().map(|o| o.id).collect::<Vec<_>>(), vec![3, 2]);
        assert_eq!((p.total, p.has_more), (4, true));
    }

    #[test]
    fn transitions_follow_the_lifecycle_and_cancel_refunds_once() {
        let book = OrderBook::new();
        let r = book
            .insert(order(1, "2026-05-20 10:00:00", "a"), || "R1".into())
            .reference;
        let err = book.advance(&r, OrderStatus::Shipped, None).unwrap_err();
        assert!(matches!(err, SandboxError::InvalidTransition(_)));
        let t = book
            .advance(&r, OrderStatus::Cancelled, Some("customer asked"))
            .unwrap();
        assert_eq!(t.from, OrderStatus::Paid);
        assert_eq!(t.order.payment_state, PaymentState::Refunded);
        assert_eq!(t.order.cancelled_reason.as_deref(), Some("customer asked"));
        assert!(book.advance(&r, OrderStatus::Cancelled, None).is_err());
        assert!(matches!(
            book.advance("nope", OrderStatus::Accepted, None),
            Err(SandboxError::NotFound(_))
        ));
    }
}
