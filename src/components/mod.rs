//! Reusable view pieces: product card, price and rating, stock badge, quantity stepper,
//! in-widget links, skeletons and the error state.

pub mod error_state;
pub mod link;
pub mod price;
pub mod product_card;
pub mod skeleton;
pub mod stepper;
