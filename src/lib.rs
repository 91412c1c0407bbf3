//! The embeddable Amigo storefront: a Leptos client-side app that a merchant mounts into any
//! page (script tag or `<amigo-store>`), inside an open Shadow DOM.
//!
//! Pure logic (cart rules, routes, filters, request sequencing, embed configuration) lives in
//! [`state`] and [`config`] and is unit-tested natively; everything that touches the browser is
//! compiled for `wasm32` only: [`api`] (the proxy client), [`components`], [`pages`], [`app`]
//! and [`mount`]. The browse view's components ([`components`], [`pages::browse`]) compile both
//! ways: natively they render the store's first view to HTML for the proxy ([`first_view`]).

pub mod checkout;
pub mod components;
pub mod config;
pub mod events;
#[cfg(not(target_arch = "wasm32"))]
pub mod first_view;
pub mod host_api;
pub mod keyed;
pub mod pages;
pub mod state;
pub mod theme;
pub mod topup;
pub mod wording;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod events_dom;
#[cfg(target_arch = "wasm32")]
pub mod host_api_dom;
#[cfg(target_arch = "wasm32")]
pub mod mount;
#[cfg(target_arch = "wasm32")]
mod stylesheets;

/// The widget's stylesheet: placed inside each shadow root by the live store, and sent with the
/// proxy's first view so that it is styled before the wasm arrives.
pub const STYLES: &str = include_str!("../style/widget.css");
