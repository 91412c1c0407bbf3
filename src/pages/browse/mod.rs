//! The home/browse page: category nav, curation carousels (on the unfiltered view), the
//! filter bar and the product grid, all driven by the filters (`Browse`) in the route. The
//! markup each part shows once its data is in (`view.rs`) and the filter bar also compile
//! natively, for the proxy's first view.

#[cfg(target_arch = "wasm32")]
pub mod carousels;
#[cfg(target_arch = "wasm32")]
pub mod category_nav;
pub mod filters;
#[cfg(target_arch = "wasm32")]
pub mod grid;
#[cfg(target_arch = "wasm32")]
pub mod page;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub use page::BrowsePage;
