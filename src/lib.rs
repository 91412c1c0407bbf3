//! The embeddable Amigo storefront: a Leptos client-side app that a merchant mounts into any
//! page (script tag or `<amigo-store>`), inside an open Shadow DOM.
//!
//! Pure logic (cart rules, routes, filters, request sequencing, embed configuration) lives in
//! [`state`] and [`config`] and is unit-tested natively; everything that touches the browser is
//! compiled for `wasm32` only: [`api`] (the proxy client), [`components`], [`pages`], [`app`]
//! and [`mount`].

pub mod checkout;
pub mod config;
pub mod events;
pub mod host_api;
pub mod keyed;
pub mod state;
pub mod theme;
pub mod topup;
pub mod wording;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod events_dom;
#[cfg(target_arch = "wasm32")]
pub mod host_api_dom;
#[cfg(target_arch = "wasm32")]
pub mod mount;
#[cfg(target_arch = "wasm32")]
pub mod pages;
#[cfg(target_arch = "wasm32")]
mod stylesheets;
