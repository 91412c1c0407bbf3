//! The widget's state. Plain types (cart and its limits, browse filters, routes, latest-wins
//! sequencing) are unit-tested natively; the reactive stores that wrap them in signals
//! (`cart_store`, `router`) and the `shop` context that carries them are browser-only.

pub mod actions;
pub mod browse;
pub mod cart;
pub mod latest;
pub mod route;
pub mod scope;

#[cfg(target_arch = "wasm32")]
pub mod cart_store;
#[cfg(target_arch = "wasm32")]
pub mod router;
#[cfg(target_arch = "wasm32")]
pub mod shop;
