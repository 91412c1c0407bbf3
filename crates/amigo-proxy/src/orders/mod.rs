//! The proxy's order path, in one place: what placing an Amigo order means, apart from HTTP
//! (`routes/orders.rs` extracts, calls [`place`], responds) and from SQL ([`crate::store`]
//! keeps the rows).
//!
//! - [`guard`]: the checks before any spending call: the per-phone limit, and the spend guard
//!   that prices every line from the catalog, refuses unknown products and caps the total;
//! - [`keys`]: the browser's `Idempotency-Key`: parsed, claimed in the database before the
//!   upstream call (so the same key on two instances places one order), refused once past
//!   Amigo's 24 h window;
//! - [`unpaid`]: with `AMIGO_PAYMENT=none`, the money-safety floor (orders off on a live token
//!   unless opted in, and the daily budget held per order);
//! - [`record`]: sending an order to Amigo under its key and keeping what came back for
//!   tracking, at the prices the shopper was shown. A paid checkout's order goes through the
//!   same two steps ([`crate::checkout::settle`]).

pub(crate) mod guard;
pub(crate) mod keys;
mod place;
pub(crate) mod record;
pub(crate) mod unpaid;

pub(crate) use keys::idempotency_key;
pub(crate) use place::{admit, place};
