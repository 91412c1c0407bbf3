//! `amigo-proxy`: the small server a merchant deploys next to their site. It holds the secret
//! Amigo token, serves the widget and the demo store page, forwards catalog reads (validated,
//! cached, single-flight, stale on error), places orders safely (validation, spend guard, rate
//! limits, end-to-end idempotency), receives Amigo's signed webhooks, and lets a shopper follow
//! their own order (JSON and Server-Sent Events). With a console password it also serves the
//! merchant console at `/admin`.
//!
//! [`router`] is the whole HTTP surface over an [`AppState`]; [`app::Application`] binds,
//! starts the embedded sandbox for `--sandbox`, and serves until stopped.

// The library is the binary's code, public where the binary and this crate's own tests reach it;
// `missing_docs` (for the workspace's library crates) would only force one-phrase docs on it.
#![allow(missing_docs)]

mod admin;
pub mod app;
mod assets;
mod breaker;
mod cache;
pub mod checkout;
pub mod cli;
mod clock;
pub mod config;
mod data_answer;
mod encoding;
pub mod error;
pub mod event_streams;
pub mod first_view;
pub mod golive;
mod limits;
mod listener;
pub mod lookup_locks;
mod middleware;
mod orders;
pub mod outcome_lookup;
mod plan_catalog;
mod platform_webhooks;
mod ready;
mod retail;
mod routes;
pub mod sandbox;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod upstream;
pub mod webhook_endpoints;

pub use cli::Cli;
pub use config::ProxyConfig;
pub use error::ProxyError;
pub use routes::{App, app, router};
pub use state::AppState;
