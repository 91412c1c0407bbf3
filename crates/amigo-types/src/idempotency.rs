//! Idempotency keys: opaque strings of 1–80 visible ASCII characters, scoped per token.

use crate::envelope::ApiError;

/// Longest key the platform keeps.
pub const MAX_KEY_LEN: usize = 80;

/// How long the platform keeps a key's outcome for replay: 24 hours, as documented. The
/// sandbox replays for this long and the proxy keeps its own key records as long.
pub const KEY_WINDOW: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// A valid `Idempotency-Key` header value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Parses a header value: 1–80 characters, visible ASCII only (no spaces or controls), so it
    /// survives every proxy and log unchanged. Errors are `422 invalid_idempotency_key`.
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let bad = |m: String| ApiError::invalid("invalid_idempotency_key", "Idempotency-Key", m);
        if raw.is_empty() {
            return Err(bad("Idempotency-Key must not be empty".into()));
        }
        if raw.len() > MAX_KEY_LEN {
            return Err(bad(format!(
                "Idempotency-Key must be at most {MAX_KEY_LEN} characters, got {}",
                raw.len()
            )));
        }
        if !raw.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
            return Err(bad(
                "Idempotency-Key may contain only visible ASCII characters".into(),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert!(IdempotencyKey::parse("ord-2026-05-17-7f3a").is_ok());
        assert!(IdempotencyKey::parse(&"k".repeat(80)).is_ok());
        assert_eq!(
            IdempotencyKey::parse(&"k".repeat(81)).unwrap_err().code,
            "invalid_idempotency_key"
        );
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("has space").is_err());
        assert!(IdempotencyKey::parse("naïve").is_err());
    }
}
