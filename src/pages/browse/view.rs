//! The browse view's markup once its data is in: the category chips, a curation carousel and
//! the grid's list. The live store's components (`category_nav`, `carousels`, `grid`) show these
//! when their requests answer; the proxy renders the very same components to HTML for the first
//! view ([`crate::first_view`]), so the two cannot drift apart (an end-to-end test compares them).

use amigo_types::catalog::{Category, Product};
use leptos::html::Ul;
use leptos::prelude::*;

use crate::components::link::StoreLink;
use crate::components::product_card::ProductCard;
use crate::state::browse::Browse;
use crate::state::route::Route;
use crate::wording::{Text, Wording, words};

/// The frame of the category nav, around its chips, skeleton or error.
#[component]
pub fn CategoryBar(
    /// What the nav holds.
    children: Children,
) -> impl IntoView {
    view! { <nav class="cats" aria-label=words().get(Text::categories_label)>{children()}</nav> }
}

/// "All" and every category with its product count, each a link that keeps the other filters.
#[component]
pub fn ChipList(
    /// The categories, in the catalog's order.
    list: Vec<Category>,
    /// The current filters (the active category comes from here).
    #[prop(into)]
    browse: Signal<Browse>,
) -> impl IntoView {
    let w = words();
    let all: u64 = list.iter().map(|c| u64::from(c.product_count)).sum();
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
    // re-render the links when filters change so each keeps the other filters
    let list = StoredValue::new(list);
    view! {
        <ul class="chips">
            {move || {
                browse.track();
                let mut items = vec![chip(None, w.get(Text::all_categories).to_owned(), all).into_any()];
                list.with_value(|l| {
                    for c in l {
                        items.push(chip(Some(c.slug.clone()), c.name.clone(), u64::from(c.product_count)).into_any());
                    }
                });
                items
            }}
        </ul>
    }
}

/// How a carousel's step buttons behave: whether each end is reached, and what a step and a
/// scroll do. The server's render has no scrolling: the start is reached, the end is not.
#[derive(Debug, Clone, Copy)]
pub struct CarouselControls {
    /// The track shows its first card.
    pub at_start: Signal<bool>,
    /// The track shows its last card.
    pub at_end: Signal<bool>,
    /// A step button was pressed (-1 back, 1 forward).
    pub step: Callback<i32>,
    /// The track scrolled.
    pub scrolled: Callback<()>,
    /// The track element, for measuring and scrolling.
    pub track: NodeRef<Ul>,
}

impl CarouselControls {
    /// Controls for a render that cannot scroll (the server's).
    pub fn still() -> Self {
        CarouselControls {
            at_start: Signal::stored(true),
            at_end: Signal::stored(false),
            step: Callback::new(|_| {}),
            scrolled: Callback::new(|()| {}),
            track: NodeRef::new(),
        }
    }
}

/// One curation list's carousel: heading, step buttons and its cards.
#[component]
pub fn CarouselSection(
    /// List slug (`featured`, `deals`, …).
    slug: String,
    /// Heading.
    name: String,
    /// The list's products (not empty).
    products: Vec<Product>,
    /// Step buttons and scrolling.
    controls: CarouselControls,
) -> impl IntoView {
    let mut heading_id = slug;
    heading_id.insert_str(0, "amigo-list-");
    let w = words();
    let prev_label = w.fill(Text::carousel_previous, &[("name", &name)]);
    let next_label = w.fill(Text::carousel_next, &[("name", &name)]);
    let CarouselControls {
        at_start,
        at_end,
        step,
        scrolled,
        track,
    } = controls;
    view! {
        <section class="carousel" aria-labelledby=heading_id.clone()>
            <div class="carousel-head">
                <h2 id=heading_id.clone()>{name}</h2>
                <div class="carousel-nav">
                    <button class="step" aria-label=prev_label disabled=move || at_start.get() on:click=move |_| step.run(-1)>"‹"</button>
                    <button class="step" aria-label=next_label disabled=move || at_end.get() on:click=move |_| step.run(1)>"›"</button>
                </div>
            </div>
            <ul class="track" node_ref=track on:scroll=move |_| scrolled.run(())>
                {products.into_iter().map(|p| view! { <li><ProductCard product=p/></li> }).collect_view()}
            </ul>
        </section>
    }
}

/// The frame of the product grid, with its count line ("Showing 12 of 40 products").
#[component]
pub fn GridSection(
    /// The count line (empty while loading).
    #[prop(into)]
    count: Signal<String>,
    /// The grid, its skeleton, empty state or error.
    children: Children,
) -> impl IntoView {
    view! {
        <section class="grid-section" aria-label=words().get(Text::products_label)>
            <p class="count" role="status">{move || count.get()}</p>
            {children()}
        </section>
    }
}

/// The count line for `shown` of `total` products (nothing when there are none).
pub fn count_line(w: &Wording, shown: usize, total: u64) -> String {
    if total == 0 {
        String::new()
    } else {
        w.fill(
            Text::showing_count,
            &[("shown", &shown.to_string()), ("total", &total.to_string())],
        )
    }
}

/// The products shown so far, as a list of cards.
#[component]
pub fn GridList(
    /// The products.
    #[prop(into)]
    items: Signal<Vec<Product>>,
) -> impl IntoView {
    view! {
        <ul class="grid">
            <For each=move || items.get() key=|p| p.id let:p>
                <li><ProductCard product=p/></li>
            </For>
        </ul>
    }
}

/// "Load more" under the grid while more products match, and a failed page's alert.
#[component]
pub fn GridMore(
    /// Products shown so far.
    #[prop(into)]
    shown: Signal<usize>,
    /// Products that match.
    #[prop(into)]
    total: Signal<u64>,
    /// `Some(Ok)` while the next page loads, `Some(Err)` when it failed.
    #[prop(into)]
    more: Signal<Option<Result<(), String>>>,
    /// "Load more" was pressed.
    on_more: Callback<()>,
) -> impl IntoView {
    let w = words();
    view! {
        <div class="more">
            {move || match more.get() {
                Some(Err(e)) => view! { <p class="state error" role="alert">{e}</p> }.into_any(),
                _ => ().into_any(),
            }}
            <Show when=move || (shown.get() as u64) < total.get()>
                <button class="btn wide" disabled=move || more.get() == Some(Ok(()))
                    on:click=move |_| on_more.run(())>
                    {move || w.get(if more.get() == Some(Ok(())) { Text::loading_more } else { Text::load_more })}
                </button>
            </Show>
        </div>
    }
}
