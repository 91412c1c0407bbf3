//! Orders: pricing and delivery snapshots ([`pricing`]), each merchant's order book
//! ([`book`]), placing an order ([`place`]) and the sandbox-only lifecycle extension
//! ([`lifecycle`]). Handlers in `routes/` only parse HTTP and call these.

pub mod book;
pub mod lifecycle;
pub mod place;
pub mod pricing;

pub use book::{OrderBook, order_not_found};
pub use lifecycle::{AdvanceRequest, advance_order};
pub use place::{OrderDesk, place_order};
