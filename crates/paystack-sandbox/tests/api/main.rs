//! Integration tests of the emulator, compiled as one binary: one module per feature, the
//! shared client and webhook receiver in `helpers`.

mod checkout;
mod helpers;
mod initialize;
mod refunds;
mod webhooks;
