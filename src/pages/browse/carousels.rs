//! Curation carousels: one per active list (Featured, New arrivals, Bestsellers, Deals, custom
//! ones), scroll-snapped, with prev/next buttons that disable at the ends. Empty lists are hidden.

use leptos::html::Ul;
use leptos::prelude::*;

use super::view::{CarouselControls, CarouselSection};
use crate::components::skeleton::CarouselSkeleton;
use crate::state::shop::{FirstView, Shop};

/// Every active curation list as a carousel.
#[component]
pub fn Carousels() -> impl IntoView {
    let client = expect_context::<Shop>().client;
    let part = FirstView::part();
    let lists = LocalResource::new(move || {
        let client = client.clone();
        async move { client.curation_lists().await }
    });
    // each list's carousel joins the first view (below) before the lists themselves leave it
    move || match lists.get() {
        // the platform's four standard lists, at their final size, until the lists are known
        None => (0..EXPECTED_LISTS)
            .map(|_| view! { <CarouselSkeleton/> })
            .collect_view()
            .into_any(),
        Some(Err(_)) => {
            part.done();
            ().into_any()
        }
        Some(Ok(lists)) => {
            let view = lists
                .into_iter()
                .filter(|l| l.product_count > 0)
                .map(|l| view! { <Carousel slug=l.info.slug name=l.info.name/> })
                .collect_view()
                .into_any();
            part.done();
            view
        }
    }
}

/// Featured, New arrivals, Bestsellers and Deals: what a store shows unless the merchant has
/// archived some or added custom lists.
const EXPECTED_LISTS: usize = 4;

/// One curation list.
#[component]
pub fn Carousel(
    /// List slug (`featured`, `deals`, …).
    slug: String,
    /// Heading.
    name: String,
) -> impl IntoView {
    let client = expect_context::<Shop>().client;
    let part = FirstView::part();
    let fetch_slug = slug.clone();
    let events = crate::events_dom::Events::from_context();
    let list = crate::events::ItemList {
        item_list_id: format!("curation:{fetch_slug}"),
        item_list_name: name.clone(),
    };
    let products = LocalResource::new(move || {
        let client = client.clone();
        let slug = fetch_slug.clone();
        let list = list.clone();
        async move {
            let answer = client.curation(&slug).await;
            if let Ok(lists) = &answer {
                events.emit(&crate::events::StoreEvent::ViewList(
                    list,
                    lists
                        .products
                        .iter()
                        .map(|p| crate::events::Item::of_product(p, 1))
                        .collect(),
                ));
            }
            answer
        }
    });
    let track = NodeRef::<Ul>::new();
    let at_start = RwSignal::new(true);
    let at_end = RwSignal::new(false);
    // runs from an animation frame and from scroll events: the carousel may be gone by then
    // (the shopper navigated away between the data landing and the next frame), so the node
    // ref is read with `try_`: reading a disposed one panics, and a panic traps the module
    let measure = move || {
        if let Some(el) = track.try_get_untracked().flatten() {
            let left = el.scroll_left();
            at_start.set(left <= 1);
            at_end.set(left + el.client_width() >= el.scroll_width() - 1);
        }
    };
    let controls = CarouselControls {
        at_start: at_start.into(),
        at_end: at_end.into(),
        step: Callback::new(move |dir: i32| {
            if let Some(el) = track.try_get_untracked().flatten() {
                let by = f64::from(el.client_width()) * 0.8 * f64::from(dir);
                el.scroll_by_with_x_and_y(by, 0.0);
            }
        }),
        scrolled: Callback::new(move |()| measure()),
        track,
    };
    let skeleton_name = name.clone();
    move || {
        let Some(answer) = products.get() else {
            return Some(view! { <CarouselSkeleton name=skeleton_name.clone()/> }.into_any());
        };
        part.done();
        let items = answer.ok()?.products;
        if items.is_empty() {
            return None;
        }
        request_animation_frame(measure);
        Some(view! {
            <CarouselSection slug=slug.clone() name=name.clone() products=items controls=controls/>
        }.into_any())
    }
}
