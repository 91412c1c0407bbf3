//! Category nav: "All" plus every category with its count; the active one is marked, the row
//! scrolls horizontally on small screens and every item is a keyboard-reachable link.

use leptos::prelude::*;

use super::view::{CategoryBar, ChipList};
use crate::components::error_state::ErrorState;
use crate::state::browse::Browse;
use crate::state::shop::{FirstView, Shop};

/// The category nav.
#[component]
pub fn CategoryNav(
    /// The current filters (the active category comes from here).
    browse: Memo<Browse>,
) -> impl IntoView {
    let client = expect_context::<Shop>().client;
    let part = FirstView::part();
    let categories = LocalResource::new(move || {
        let client = client.clone();
        async move { client.categories().await }
    });
    view! {
        <CategoryBar>
            {move || match categories.get() {
                None => view! {
                    <ul class="chips" aria-busy="true">
                        {(0..6).map(|_| view! { <li class="chip skeleton" aria-hidden="true"></li> }).collect_view()}
                    </ul>
                }.into_any(),
                Some(Err(e)) => {
                    part.done();
                    view! {
                        <ErrorState message=e.text(crate::wording::words()) on_retry=Callback::new(move |()| categories.refetch())/>
                    }.into_any()
                }
                Some(Ok(list)) => {
                    part.done();
                    view! { <ChipList list=list browse=browse/> }.into_any()
                }
            }}
        </CategoryBar>
    }
}
