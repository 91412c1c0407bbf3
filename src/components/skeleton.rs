//! Placeholder shapes shown while content loads, sized like the real thing so nothing shifts.

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
                <div class="card skeleton" aria-hidden="true">
                    <span class="img-box"></span>
                    <span class="line"></span>
                    <span class="line short"></span>
                </div>
            }
        })
        .collect_view()
}
