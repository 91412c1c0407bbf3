//! Integration tests of amigo-proxy against an in-process amigo-sandbox as upstream.

mod catalog;
mod cross_cutting;
mod faults;
mod helpers;
mod legacy_token;
mod orders;
mod startup;
mod tracking;
mod webhooks;
mod widget;
