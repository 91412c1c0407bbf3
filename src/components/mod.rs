//! Reusable view pieces: product card, price and rating, stock badge, quantity stepper,
//! in-widget links, skeletons and the error state; checkout's state/LGA typeahead, delivery
//! tiers, order timeline and a transfer's bank details.

pub mod error_state;
#[cfg(feature = "checkout")]
pub mod lga_typeahead;
pub mod link;
#[cfg(feature = "checkout")]
pub mod module_styles;
#[cfg(feature = "checkout")]
pub mod order_timeline;
pub mod price;
pub mod product_card;
#[cfg(feature = "checkout")]
pub mod quote_tiers;
pub mod skeleton;
pub mod stepper;
#[cfg(feature = "checkout")]
pub mod transfer_details;
