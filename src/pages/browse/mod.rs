//! The home/browse page: category nav, curation carousels (on the unfiltered view), the
//! filter bar and the product grid, all driven by the [`Browse`] in the route.

pub mod carousels;
pub mod category_nav;
pub mod filters;
pub mod grid;

use leptos::prelude::*;

use crate::state::browse::Browse;
use crate::state::route::Route;
use crate::state::shop::Shop;

use carousels::Carousels;
use category_nav::CategoryNav;
use filters::Filters;
use grid::ProductGrid;

/// The browse page. Reads its filters from the route.
#[component]
pub fn BrowsePage() -> impl IntoView {
    let router = expect_context::<Shop>().router;
    let route = router.route();
    let browse = Memo::new(move |prev: Option<&Browse>| match route.get() {
        Route::Browse(b) => b,
        _ => prev.cloned().unwrap_or_default(),
    });
    let show_carousels = Memo::new(move |_| !browse.with(Browse::is_narrowed));
    view! {
        <CategoryNav browse=browse/>
        <Show when=move || show_carousels.get()>
            <Carousels/>
        </Show>
        <Filters browse=browse/>
        <ProductGrid browse=browse/>
    }
}
