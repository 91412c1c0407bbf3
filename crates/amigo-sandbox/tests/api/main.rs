//! The sandbox's HTTP API, in-process (`tower::ServiceExt::oneshot`); webhook tests add a real
//! receiver on loopback. One binary, one module per feature.

mod helpers;

mod abuse;
mod catalog;
mod curation;
mod data;
mod deliveries;
mod docs_examples;
mod faults;
mod fixtures;
mod idempotency;
mod lifecycle;
mod locations;
mod orders;
mod platform;
mod quote;
mod receiver;
mod wallet;
mod webhooks;
