//! Integration tests of amigo-proxy against an in-process amigo-sandbox as upstream.

mod abuse;
mod admin;
mod binary;
mod catalog;
mod checkouts;
mod cross_cutting;
mod data;
mod data_checkouts;
mod faults;
mod first_view;
mod golive;
mod golive_cli;
mod helpers;
mod instances;
mod legacy_token;
mod market_prices;
mod orders;
mod payment;
mod quote;
mod retail;
mod startup;
mod token_shapes;
mod tracking;
mod webhooks;
mod widget;
