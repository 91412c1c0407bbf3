//! Browser tests: the real store mounted into a page in headless Chromium, talking to a running
//! `amigo-proxy --sandbox` whose URL is baked in at compile time (`AMIGO_TEST_PROXY`, set by
//! `scripts/browser-test.sh`). Latency and hostile catalog text are injected at `fetch`, so the
//! components under test are exactly the shipped ones.
#![cfg(target_arch = "wasm32")]

mod cart;
mod catalog;
mod checkout;
mod embed;
mod helpers;
mod topup;
mod unmount;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
