//! One routed page per module: browsing (nav, carousels, grid), a product, the cart,
//! checkout (with its confirmation and payment), checkout and order tracking and "Buy data".
//! Only the browse view's markup compiles natively (for the first view); the pages are wasm-only.

pub mod browse;
#[cfg(target_arch = "wasm32")]
pub mod cart;
#[cfg(all(feature = "checkout", target_arch = "wasm32"))]
pub mod checkout;
#[cfg(all(feature = "checkout", target_arch = "wasm32"))]
pub mod checkout_confirmation;
#[cfg(all(feature = "checkout", target_arch = "wasm32"))]
pub mod checkout_pending;
#[cfg(all(feature = "checkout", target_arch = "wasm32"))]
pub mod checkout_phone;
#[cfg(all(feature = "checkout", target_arch = "wasm32"))]
pub mod checkout_tracking;
#[cfg(all(feature = "checkout", target_arch = "wasm32"))]
pub mod data_outcome;
#[cfg(all(feature = "checkout", target_arch = "wasm32"))]
pub mod order_tracking;
#[cfg(target_arch = "wasm32")]
pub mod product;
#[cfg(all(feature = "checkout", target_arch = "wasm32"))]
pub mod topup;
