//! Orders: pricing and delivery snapshots ([`pricing`]), each merchant's order book
//! ([`book`]), placing an order ([`place`]) and the sandbox-only lifecycle extension
//! ([`lifecycle`]). Handlers in `routes/` only parse HTTP and call these.

pub(crate) mod book;
pub(crate) mod lifecycle;
pub(crate) mod place;
pub(crate) mod pricing;

pub(crate) use book::{OrderBook, order_not_found};
pub(crate) use lifecycle::{AdvanceRequest, advance_order};
pub(crate) use place::{OrderDesk, place_order};
