//! Reusable view pieces: product card, price and rating, stock badge, quantity stepper,
//! in-widget links, skeletons and the error state; checkout's state/LGA typeahead, delivery
//! tiers, order timeline, a purchase's lines and totals, and a transfer's bank details.

//!
//! The link, price, product card, skeletons and top bar also compile natively: the proxy renders
//! them in the store's first view (`first_view.rs`).

#[cfg(target_arch = "wasm32")]
pub mod error_state;
#[cfg(all(feature = "checkout", target_arch = "wasm32"))]
pub mod lga_typeahead;
pub mod link;
#[cfg(all(feature = "checkout", target_arch = "wasm32"))]
pub mod module_styles;
#[cfg(all(feature = "checkout", target_arch = "wasm32"))]
pub mod order_timeline;
pub mod price;
pub mod product_card;
#[cfg(all(feature = "checkout", target_arch = "wasm32"))]
pub mod purchase_lines;
#[cfg(all(feature = "checkout", target_arch = "wasm32"))]
pub mod quote_tiers;
pub mod skeleton;
#[cfg(target_arch = "wasm32")]
pub mod stepper;
pub mod top_bar;
#[cfg(all(feature = "checkout", target_arch = "wasm32"))]
pub mod transfer_details;
