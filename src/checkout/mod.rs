//! The checkout as plain data: customer details and their rules, the state/LGA typeahead model,
//! the delivery quote as the shopper sees it, the order state machine with its idempotency-key
//! rules, the mapping of every order error to a field or step, the draft kept in
//! `localStorage`, how the store takes payment and the checkout's payment states, and the
//! tracking timeline.
//!
//! Everything here is unit-tested natively; only [`api`] (the network calls) is browser-only.
//! Components render these types and never decide anything themselves.

pub mod details;
pub mod draft;
pub mod failure;
pub mod flow;
pub mod location;
pub mod payment;
pub mod payment_feed;
pub mod payment_status;
pub mod quote;
pub mod quote_route;
pub mod reaction;
pub mod tracking;
pub mod tracking_feed;
pub mod typeahead;

#[cfg(all(target_arch = "wasm32", feature = "checkout"))]
pub mod api;
