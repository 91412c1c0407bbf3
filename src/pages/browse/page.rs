//! The browse page itself: the four parts in their order, driven by the route's filters.

use leptos::prelude::*;

use crate::state::browse::Browse;
use crate::state::route::Route;
use crate::state::shop::Shop;

use super::carousels::Carousels;
use super::category_nav::CategoryNav;
use super::filters::Filters;
use super::grid::ProductGrid;

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
