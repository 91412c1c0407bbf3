//! One routed page per module: browsing (nav, carousels, grid), a product, the cart,
//! checkout (with its confirmation and payment), checkout and order tracking and "Buy data".

pub mod browse;
pub mod cart;
#[cfg(feature = "checkout")]
pub mod checkout;
#[cfg(feature = "checkout")]
pub mod checkout_confirmation;
#[cfg(feature = "checkout")]
pub mod checkout_pending;
#[cfg(feature = "checkout")]
pub mod checkout_phone;
#[cfg(feature = "checkout")]
pub mod checkout_tracking;
#[cfg(feature = "checkout")]
pub mod data_outcome;
#[cfg(feature = "checkout")]
pub mod order_tracking;
pub mod product;
#[cfg(feature = "checkout")]
pub mod topup;
