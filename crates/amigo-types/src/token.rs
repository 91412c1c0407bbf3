//! API tokens: `amg_test_…` / `amg_live_…` plus 8–64 letters or digits, the prefix deciding the
//! mode; or a *legacy* token. The platform's docs list live tokens as "`amg_live_…` (or legacy)":
//! a merchant with an older token must be able to go live, so any token without the `amg_` prefix
//! is taken as live, and only what is safe is checked (printable ASCII, no whitespace, a sane
//! length). A token that does start with `amg_` must have the documented shape. Debug output
//! never shows the token.

use std::fmt;

/// Test (sandbox wallet, fake money) or live (real wallet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// `amg_test_` tokens.
    Test,
    /// `amg_live_` tokens.
    Live,
}

impl Mode {
    /// `livemode` as webhook payloads carry it.
    pub fn is_live(self) -> bool {
        matches!(self, Mode::Live)
    }
}

/// The shortest legacy token accepted: shorter strings are typing slips, not credentials.
pub const LEGACY_MIN_LEN: usize = 16;
/// The longest legacy token accepted: room for any opaque token, and a bound on what a header can
/// make the proxy or sandbox hold.
pub const LEGACY_MAX_LEN: usize = 256;

/// A well-formed token. Holding one proves only its shape, not that it is authorised.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ApiToken(String);

impl ApiToken {
    /// Parses a token: `amg_(test|live)_[A-Za-z0-9]{8,64}`, or a legacy token (no `amg_` prefix,
    /// printable ASCII without whitespace, 16 to 256 characters). `None` for anything else,
    /// including an `amg_` token of another shape.
    pub fn parse(raw: &str) -> Option<Self> {
        if raw.starts_with("amg_") {
            let rest = raw
                .strip_prefix("amg_test_")
                .or_else(|| raw.strip_prefix("amg_live_"))?;
            return ((8..=64).contains(&rest.len())
                && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
            .then(|| Self(raw.to_owned()));
        }
        ((LEGACY_MIN_LEN..=LEGACY_MAX_LEN).contains(&raw.len())
            && raw.bytes().all(|b| b.is_ascii_graphic()))
        .then(|| Self(raw.to_owned()))
    }

    /// The token's mode: legacy tokens are live, as the platform's docs say.
    pub fn mode(&self) -> Mode {
        if self.0.starts_with("amg_test_") {
            Mode::Test
        } else {
            Mode::Live
        }
    }

    /// Whether this is a legacy token (no `amg_` prefix).
    pub fn is_legacy(&self) -> bool {
        !self.0.starts_with("amg_")
    }

    /// The token text, for sending upstream. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A short, non-reversible label for logs and metrics (`amg_test_…a1b2`, `legacy…a1b2`).
    pub fn redacted(&self) -> String {
        let tail = &self.0[self.0.len() - 4..];
        if self.is_legacy() {
            format!("legacy…{tail}")
        } else {
            format!("{}…{tail}", &self.0[..9])
        }
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiToken({})", self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_and_mode() {
        assert_eq!(
            ApiToken::parse("amg_test_abcdEFGH12").unwrap().mode(),
            Mode::Test
        );
        assert_eq!(
            ApiToken::parse(&format!("amg_live_{}", "a".repeat(64)))
                .unwrap()
                .mode(),
            Mode::Live
        );
        for bad in [
            "",
            "amg_test_short",
            "amg_test_has-dash1",
            "amg_prod_abcdefgh",
            &format!("amg_test_{}", "a".repeat(65)),
        ] {
            assert!(ApiToken::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn debug_redacts() {
        let t = ApiToken::parse("amg_test_supersecret99").unwrap();
        assert!(!format!("{t:?}").contains("supersecret"));
        let legacy = ApiToken::parse("9f8e7d6c5b4a3210supersecret").unwrap();
        assert_eq!(format!("{legacy:?}"), "ApiToken(legacy…cret)");
        assert!(!legacy.redacted().contains("9f8e"));
    }

    #[test]
    fn legacy_tokens_are_live() {
        for raw in [
            "9f8e7d6c5b4a32100123",
            "sk_live_0123456789abcdef",
            "Tok.en-with_punctuation:1234",
            &"x".repeat(LEGACY_MAX_LEN),
        ] {
            let t = ApiToken::parse(raw).unwrap_or_else(|| panic!("{raw} is a legacy token"));
            assert_eq!(t.mode(), Mode::Live);
            assert!(t.is_legacy());
        }
        assert!(!ApiToken::parse("amg_test_abcdEFGH12").unwrap().is_legacy());
    }

    #[test]
    fn legacy_tokens_are_checked_only_for_safety() {
        for bad in [
            "short",
            "has a space in it here",
            "tab\tinside-the-token-here",
            "new\nline-inside-the-token",
            "nön-ascii-tökenvalue-1234",
            &"x".repeat(LEGACY_MAX_LEN + 1),
            &"x".repeat(LEGACY_MIN_LEN - 1),
            // an amg_ token must have the documented shape, never fall back to legacy
            "amg_prod_abcdefghijkl",
            "amg_live_has-dash-12345",
        ] {
            assert!(ApiToken::parse(bad).is_none(), "{bad:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics_and_accepts_only_safe_text(raw in "\\PC{0,300}") {
            if let Some(t) = ApiToken::parse(&raw) {
                proptest::prop_assert!(t.expose().bytes().all(|b| b.is_ascii_graphic()));
                proptest::prop_assert!(t.expose().len() <= LEGACY_MAX_LEN);
                let _ = t.redacted();
            }
        }
    }
}
