//! A link to a widget route: a real `href` (so it can be opened in a new tab in hash mode, and
//! works in the server-rendered first view before the wasm runs) whose plain click routes inside
//! the widget without reloading or touching the host page.

use leptos::ev::MouseEvent;
use leptos::prelude::*;

use crate::state::actions::Actions;
use crate::state::route::Route;

/// An anchor that navigates inside the widget.
#[component]
pub fn StoreLink(
    /// Where the link goes.
    to: Route,
    /// CSS class of the anchor.
    #[prop(optional, into)]
    class: String,
    /// `aria-current="page"` when true.
    #[prop(optional, into)]
    current: Signal<bool>,
    /// Accessible name when the content alone is not enough.
    #[prop(optional, into)]
    label: Option<String>,
    /// The link's content.
    children: Children,
) -> impl IntoView {
    let actions = Actions::from_context();
    let href = to.to_hash();
    let on_click = move |ev: MouseEvent| {
        if ev.button() != 0 || ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
            return;
        }
        ev.prevent_default();
        Actions::go_to(actions, to.clone());
    };
    view! {
        <a
            href=href
            class=class
            aria-label=label
            aria-current=move || current.get().then_some("page")
            on:click=on_click
        >
            {children()}
        </a>
    }
}
