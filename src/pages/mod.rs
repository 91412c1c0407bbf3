//! One routed page per module: browsing (nav, carousels, grid), a product, the cart.

pub mod browse;
pub mod cart;
pub mod product;
