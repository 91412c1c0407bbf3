//! The error state: what went wrong, in words, and a Retry button.

use leptos::prelude::*;

/// An alert with a Retry action.
#[component]
pub fn ErrorState(
    /// The message to show.
    message: String,
    /// Called when the shopper presses Retry.
    on_retry: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="state error" role="alert">
            <p>{message}</p>
            <button class="btn" on:click=move |_| on_retry.run(())>"Retry"</button>
        </div>
    }
}
