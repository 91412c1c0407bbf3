//! The order's timeline as an ordered list: each status with whether it is done, current or
//! still to come, and when it happened.

use leptos::prelude::*;

use crate::checkout::tracking::{StepState, TimelineStep};

/// The paid → accepted → shipped → delivered (or cancelled) timeline.
#[component]
pub fn OrderTimeline(
    /// The steps to show, oldest first.
    #[prop(into)]
    steps: Signal<Vec<TimelineStep>>,
) -> impl IntoView {
    view! {
        <ol class="co-timeline" aria-label=crate::wording::words().get(crate::wording::Later::order_progress)>
            {move || {
                steps
                    .get()
                    .into_iter()
                    .map(|s| {
                        let (class, state) = match s.state {
                            StepState::Done => ("done", "done"),
                            StepState::Current => ("current", "current status"),
                            StepState::Upcoming => ("upcoming", "not yet"),
                        };
                        let when = s.at.clone().map(|t| {
                            let shown = t.replacen('T', " ", 1).chars().take(16).collect::<String>();
                            view! { <time datetime=t>{shown}</time> }
                        });
                        view! {
                            <li
                                class=format!("co-tl-step {class}")
                                data-status=s.status.as_str()
                                aria-current=(s.state == StepState::Current).then_some("step")
                            >
                                <span class="co-tl-dot" aria-hidden="true"></span>
                                <span class="co-tl-label">{s.label}</span>
                                <span class="sr-only">{format!(" ({state})")}</span>
                                <span class="co-tl-detail">{s.detail.clone()}</span>
                                {when}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ol>
    }
}
