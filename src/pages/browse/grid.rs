//! The product grid: fetches page one whenever the filters change and further pages on
//! "Load more"; only the newest request's response is applied. Skeletons while loading, an
//! empty state with "Clear filters", and an error state with Retry.

use amigo_types::catalog::Product;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::error_state::ErrorState;
use crate::components::skeleton::CardSkeletons;
use crate::state::browse::{Browse, PAGE_SIZE};
use crate::state::latest::Latest;
use crate::state::route::Route;
use crate::state::shop::{FirstView, Shop};

use crate::wording::{Text, words};

use super::view::{GridList, GridMore, GridSection, count_line};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Status {
    Loading,
    Ready,
    Failed(String),
}

/// The grid for the current filters.
#[component]
pub fn ProductGrid(
    /// The current filters.
    browse: Memo<Browse>,
) -> impl IntoView {
    let shop = expect_context::<Shop>();
    let w = words();
    let client = shop.client;
    let router = shop.router;
    let items = RwSignal::new(Vec::<Product>::new());
    let total = RwSignal::new(0u64);
    let status = RwSignal::new(Status::Loading);
    let more = RwSignal::new(None::<Result<(), String>>);
    let latest = StoredValue::new(Latest::default());

    let part = FirstView::part();
    let events = crate::events_dom::Events::from_context();
    let load = Callback::new(move |reset: bool| {
        let Some(ticket) = latest.try_update_value(Latest::issue) else {
            return;
        };
        let b = browse.get_untracked();
        let offset = if reset {
            status.set(Status::Loading);
            more.set(None);
            0
        } else {
            more.set(Some(Ok(())));
            items.with_untracked(Vec::len) as u64
        };
        let client = client.clone();
        spawn_local(async move {
            let result = client.products(&b.query(offset)).await;
            if latest.try_with_value(|l| l.is_current(ticket)) != Some(true) {
                return; // a newer request owns the grid now
            }
            match result {
                Ok(page) => {
                    total.set(page.pagination.total);
                    if reset {
                        events.emit(&crate::events::StoreEvent::ViewList(
                            b.item_list(),
                            page.data
                                .iter()
                                .map(|p| crate::events::Item::of_product(p, 1))
                                .collect(),
                        ));
                        items.set(page.data);
                    } else {
                        items.update(|v| v.extend(page.data));
                    }
                    status.set(Status::Ready);
                    more.set(None);
                }
                Err(e) if reset => status.set(Status::Failed(e.text(w))),
                Err(e) => more.set(Some(Err(e.text(w)))),
            }
            part.done();
        });
    });
    Effect::new(move |_| {
        browse.track();
        load.run(true);
    });

    let retry = Callback::new(move |()| load.run(true));
    let count = Signal::derive(move || match status.get() {
        Status::Ready => count_line(w, items.with(Vec::len), total.get()),
        _ => String::new(),
    });
    view! {
        <GridSection count=count>
            {move || match status.get() {
                Status::Loading => view! {
                    <div class="grid" aria-busy="true"><CardSkeletons count=PAGE_SIZE as usize/></div>
                }.into_any(),
                Status::Failed(message) => view! { <ErrorState message=message on_retry=retry/> }.into_any(),
                Status::Ready if items.with(Vec::is_empty) => {
                    let narrowed = browse.with(Browse::is_narrowed);
                    view! {
                        <div class="state empty">
                            <p>{w.get(if narrowed { Text::no_match } else { Text::no_products })}</p>
                            {narrowed.then(|| view! {
                                <button class="btn" on:click=move |_| router.go(Route::Browse(browse.get_untracked().cleared()))>
                                    {w.get(Text::clear_filters)}
                                </button>
                            })}
                        </div>
                    }.into_any()
                }
                Status::Ready => view! {
                    <GridList items=items/>
                    <GridMore
                        shown=Signal::derive(move || items.with(Vec::len))
                        total=total
                        more=more
                        on_more=Callback::new(move |()| load.run(false))
                    />
                }.into_any(),
            }}
        </GridSection>
    }
}
