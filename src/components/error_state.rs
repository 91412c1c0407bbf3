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
    // the merchant's page hears what went wrong for the shopper (`amigo:error`)
    crate::events_dom::Events::from_context().emit(&crate::events::StoreEvent::Error {
        scope: "store".to_owned(),
        message: message.clone(),
    });
    view! {
        <div class="state error" role="alert">
            <p>{message}</p>
            <button class="btn" on:click=move |_| on_retry.run(())>{crate::wording::words().get(crate::wording::Text::retry)}</button>
        </div>
    }
}
