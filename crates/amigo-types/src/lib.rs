//! Wire types of the Amigo Developer Platform (`../shared/spec/amigo-developer-platform.txt`),
//! plus the parse-don't-validate newtypes and field rules that the sandbox, the proxy and the
//! widget must agree on.
//!
//! Every response body the platform documents has a type here, so a shape change is a compile
//! error in all three consumers at once. Validation that must give the same answer on both sides
//! of the wire (order bodies, query strings, phone numbers, tokens, idempotency keys, webhook
//! signatures) lives here too.

pub mod catalog;
pub mod checkout;
pub mod curation;
pub mod data;
pub mod delivery;
pub mod envelope;
#[cfg(feature = "test-fixtures")]
pub mod fixtures;
pub mod idempotency;
pub mod locations;
pub mod money;
pub mod orders;
pub mod phone;
pub mod pricing;
pub mod query;
pub mod token;
pub mod tracking;
pub mod wallet;
pub mod webhooks;

pub use envelope::{ApiError, DataEnvelope, ErrorBody, ListEnvelope, Pagination};
pub use money::{Money, format_naira};
