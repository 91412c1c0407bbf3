//! The browser's part of a keyed submit: minting a key from the platform's random source, and the
//! `localStorage` the drafts (with their keys) are kept in.

use amigo_types::idempotency::IdempotencyKey;

/// This page's `localStorage`, when the browser allows it.
pub(crate) fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// A fresh idempotency key: `amg-w-` and 128 random bits in hex.
pub(crate) fn new_key() -> IdempotencyKey {
    let mut bytes = [0u8; 16];
    if let Some(c) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = c.get_random_values_with_u8_array(&mut bytes);
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    IdempotencyKey::parse(&format!("amg-w-{hex}")).unwrap_or_else(|_| unreachable!())
}
