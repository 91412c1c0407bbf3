//! The product grid: fetches page one whenever the filters change and further pages on
//! "Load more"; only the newest request's response is applied. Skeletons while loading, an
//! empty state with "Clear filters", and an error state with Retry.

use amigo_types::catalog::Product;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::error_state::ErrorState;
use crate::components::product_card::ProductCard;
use crate::components::skeleton::CardSkeletons;
use crate::state::browse::{Browse, PAGE_SIZE};
use crate::state::latest::Latest;
use crate::state::route::Route;
use crate::state::shop::Shop;

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
    let client = shop.client;
    let router = shop.router;
    let items = RwSignal::new(Vec::<Product>::new());
    let total = RwSignal::new(0u64);
    let status = RwSignal::new(Status::Loading);
    let more = RwSignal::new(None::<Result<(), String>>);
    let latest = StoredValue::new(Latest::default());

    let first_view = use_context::<crate::state::shop::FirstView>();
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
                        items.set(page.data);
                    } else {
                        items.update(|v| v.extend(page.data));
                    }
                    status.set(Status::Ready);
                    more.set(None);
                }
                Err(e) if reset => status.set(Status::Failed(e.to_string())),
                Err(e) => more.set(Some(Err(e.to_string()))),
            }
            if let Some(first) = first_view {
                first.settle_now();
            }
        });
    });
    Effect::new(move |_| {
        browse.track();
        load.run(true);
    });

    let retry = Callback::new(move |()| load.run(true));
    view! {
        <section class="grid-section" aria-label="Products">
            <p class="count" role="status">
                {move || match status.get() {
                    Status::Ready => {
                        let shown = items.with(Vec::len);
                        let t = total.get();
                        if t == 0 { String::new() } else { format!("Showing {shown} of {t} products") }
                    }
                    _ => String::new(),
                }}
            </p>
            {move || match status.get() {
                Status::Loading => view! {
                    <div class="grid" aria-busy="true"><CardSkeletons count=PAGE_SIZE as usize/></div>
                }.into_any(),
                Status::Failed(message) => view! { <ErrorState message=message on_retry=retry/> }.into_any(),
                Status::Ready if items.with(Vec::is_empty) => {
                    let narrowed = browse.with(Browse::is_narrowed);
                    view! {
                        <div class="state empty">
                            <p>{if narrowed { "No products match these filters." } else { "No products to show yet." }}</p>
                            {narrowed.then(|| view! {
                                <button class="btn" on:click=move |_| router.go(Route::Browse(browse.get_untracked().cleared()))>
                                    "Clear filters"
                                </button>
                            })}
                        </div>
                    }.into_any()
                }
                Status::Ready => view! {
                    <ul class="grid">
                        <For each=move || items.get() key=|p| p.id let:p>
                            <li><ProductCard product=p/></li>
                        </For>
                    </ul>
                    <div class="more">
                        {move || match more.get() {
                            Some(Err(e)) => view! { <p class="state error" role="alert">{e}</p> }.into_any(),
                            _ => ().into_any(),
                        }}
                        <Show when=move || (items.with(Vec::len) as u64) < total.get()>
                            <button class="btn wide" disabled=move || more.get() == Some(Ok(()))
                                on:click=move |_| load.run(false)>
                                {move || if more.get() == Some(Ok(())) { "Loading…" } else { "Load more" }}
                            </button>
                        </Show>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}
