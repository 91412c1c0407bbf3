//! Placeholder shapes shown while content loads, sized like the real thing so nothing shifts:
//! the store's layout shift budget (CLS <= 0.02) depends on it.

use leptos::prelude::*;

/// `count` grey product cards.
#[component]
pub fn CardSkeletons(
    /// How many placeholders.
    count: usize,
) -> impl IntoView {
    (0..count)
        .map(|_| {
            view! {
                // every row of a real card, at its real height, so nothing moves when
                // the products land (see `.card` in widget.css)
                <div class="card skeleton" aria-hidden="true">
                    <span class="img-box"></span>
                    <span class="card-name"><span class="line"></span><span class="line short"></span></span>
                    <p class="price"><span class="now">"\u{a0}"</span></p>
                    <p class="rating">"\u{a0}"</p>
                    <p class="badge">"\u{a0}"</p>
                    <span class="btn add ph"></span>
                </div>
            }
        })
        .collect_view()
}

/// A carousel while its list or its products load: the real heading (when known), disabled
/// steps and a track of card placeholders, all at their final sizes.
#[component]
pub fn CarouselSkeleton(
    /// The list's name, once the lists are known.
    #[prop(optional)]
    name: Option<String>,
) -> impl IntoView {
    view! {
        <section class="carousel skeleton" aria-busy="true">
            <div class="carousel-head">
                {match name {
                    Some(name) => view! { <h2>{name}</h2> }.into_any(),
                    None => view! { <span class="line head" aria-hidden="true"></span> }.into_any(),
                }}
                <div class="carousel-nav" aria-hidden="true"><span class="step"></span><span class="step"></span></div>
            </div>
            <div class="track"><CardSkeletons count=6/></div>
        </section>
    }
}
