//! Signed webhooks, as Paystack sends them: one JSON body `{"event": …, "data": …}` POSTed to
//! the integration's webhook URL with `x-paystack-signature`, the hex HMAC-SHA512 of the exact
//! body bytes keyed with the secret key. The [`schedule`] says when a failed delivery is tried
//! again; the [`sender`] does it in the background.

pub mod schedule;
pub mod sender;

mod signature;

pub use schedule::RetrySchedule;
pub use sender::{DeliveryRecord, DeliveryStatus, WebhookSender};
pub use signature::{Event, SIGNATURE_HEADER, sign, verify};
