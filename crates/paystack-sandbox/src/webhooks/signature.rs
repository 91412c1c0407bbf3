//! What a delivery is: the event names and the `x-paystack-signature` over the exact body bytes.
//! Apart from [`super::sender`], which sends them, so the two do not import each other.

use hmac::{Hmac, Mac};
use sha2::Sha512;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "x-paystack-signature";

/// The events the emulator sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A transaction was paid (`data` is the verify shape).
    ChargeSuccess,
    /// A refund was queued.
    RefundPending,
    /// A refund was returned to the payer.
    RefundProcessed,
}

impl Event {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Event::ChargeSuccess => "charge.success",
            Event::RefundPending => "refund.pending",
            Event::RefundProcessed => "refund.processed",
        }
    }
}

/// Hex HMAC-SHA512 of `body` keyed with `secret`: the value of `x-paystack-signature`.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    // HMAC takes a key of any length, so this never fails.
    let mut mac = <Hmac<Sha512> as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `signature` is `sign(secret, body)`, compared in constant time. What a receiver
/// (and this crate's tests) must do with the raw bytes before parsing them.
pub fn verify(secret: &[u8], body: &[u8], signature: &str) -> bool {
    let Ok(expected) = hex::decode(signature) else {
        return false;
    };
    let Ok(mut mac) = <Hmac<Sha512> as Mac>::new_from_slice(secret) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_and_verify() {
        let body = br#"{"event":"charge.success","data":{"amount":500000}}"#;
        let sig = sign(b"sk_test_abc", body);
        assert_eq!(sig.len(), 128, "hex of 64 bytes");
        assert!(verify(b"sk_test_abc", body, &sig));
        assert!(!verify(b"sk_test_abd", body, &sig));
        let tampered = br#"{"event":"charge.success","data":{"amount":500001}}"#;
        assert!(!verify(b"sk_test_abc", tampered, &sig));
        assert!(!verify(b"sk_test_abc", body, "not hex"));
    }

    #[test]
    fn known_vector() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            sign(b"Jefe", b"what do ya want for nothing?"),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        );
    }
}
