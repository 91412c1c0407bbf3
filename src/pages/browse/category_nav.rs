//! Category nav: "All" plus every category with its count; the active one is marked, the row
//! scrolls horizontally on small screens and every item is a keyboard-reachable link.

use leptos::prelude::*;

use crate::components::error_state::ErrorState;
use crate::components::link::StoreLink;
use crate::state::browse::Browse;
use crate::state::route::Route;
use crate::state::shop::Shop;

/// The category nav.
#[component]
pub fn CategoryNav(
    /// The current filters (the active category comes from here).
    browse: Memo<Browse>,
) -> impl IntoView {
    let client = expect_context::<Shop>().client;
    let categories = LocalResource::new(move || {
        let client = client.clone();
        async move { client.categories().await }
    });
    let active = Memo::new(move |_| browse.with(|b| b.category.clone()));
    let chip = move |slug: Option<String>, name: String, count: u64| {
        let to = Route::Browse(browse.get_untracked().in_category(slug.clone()));
        let current = Signal::derive(move || active.get() == slug);
        view! {
            <li>
                <StoreLink to=to class="chip" current=current>
                    {name}<span class="count">{count.to_string()}</span>
                </StoreLink>
            </li>
        }
    };
    view! {
        <nav class="cats" aria-label="Product categories">
            {move || match categories.get() {
                None => view! {
                    <ul class="chips" aria-busy="true">
                        {(0..6).map(|_| view! { <li class="chip skeleton" aria-hidden="true"></li> }).collect_view()}
                    </ul>
                }.into_any(),
                Some(Err(e)) => view! {
                    <ErrorState message=e.to_string() on_retry=Callback::new(move |()| categories.refetch())/>
                }.into_any(),
                Some(Ok(list)) => {
                    let all: u64 = list.iter().map(|c| u64::from(c.product_count)).sum();
                    // re-render the links when filters change so each keeps the other filters
                    let list = StoredValue::new(list);
                    view! {
                        <ul class="chips">
                            {move || {
                                browse.track();
                                let mut items = vec![chip(None, "All".to_owned(), all).into_any()];
                                list.with_value(|l| {
                                    for c in l {
                                        items.push(chip(Some(c.slug.clone()), c.name.clone(), u64::from(c.product_count)).into_any());
                                    }
                                });
                                items
                            }}
                        </ul>
                    }.into_any()
                }
            }}
        </nav>
    }
}
