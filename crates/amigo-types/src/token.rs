//! API tokens: `amg_test_…` / `amg_live_…`, the prefix deciding the mode, or a *legacy* token.
//! The platform's docs show only the prefixes (`amg_live_…`) and list live tokens
//! as "`amg_live_…` (or legacy)"; they fix no alphabet and no length for what follows. So only
//! what is safe is checked, never an invented shape: printable ASCII without whitespace or
//! control characters, at most [`MAX_LEN`] characters, and a non-empty tail after the prefix. A
//! token without the `amg_` prefix is legacy and taken as live (a merchant with an older token
//! must be able to go live); it must be at least [`LEGACY_MIN_LEN`] long. A token that starts
//! with `amg_` but with neither documented prefix (`amg_prod_…`) is refused rather than taken as
//! a live legacy one. Debug output never shows the token.

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

/// The shortest legacy token accepted: shorter strings without the `amg_` prefix are typing
/// slips (`changeme`), not credentials.
pub const LEGACY_MIN_LEN: usize = 16;
/// The longest token accepted, prefix included: room for any opaque token the platform may
/// issue, and a bound on what a header can make the proxy or sandbox hold.
pub const MAX_LEN: usize = 512;

/// The characters of the secret part shown by [`ApiToken::redacted`], and the shortest secret
/// part that shows them (a shorter one is not revealed at all).
const REDACTED_TAIL: usize = 4;
const REDACTED_TAIL_FROM: usize = 12;

/// A well-formed token. Holding one proves only its shape, not that it is authorised.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ApiToken(String);

impl ApiToken {
    /// Parses a token: `amg_test_` or `amg_live_` followed by at least one character, or a legacy
    /// token (no `amg_` prefix, at least [`LEGACY_MIN_LEN`] characters); in both cases printable
    /// ASCII without whitespace, at most [`MAX_LEN`] characters. `None` for anything else,
    /// including an `amg_` token with neither documented prefix.
    pub fn parse(raw: &str) -> Option<Self> {
        if raw.len() > MAX_LEN || !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return None;
        }
        let well_formed = if raw.starts_with("amg_") {
            raw.strip_prefix("amg_test_")
                .or_else(|| raw.strip_prefix("amg_live_"))
                .is_some_and(|tail| !tail.is_empty())
        } else {
            raw.len() >= LEGACY_MIN_LEN
        };
        well_formed.then(|| Self(raw.to_owned()))
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

    /// A short, non-reversible label for logs and metrics (`amg_test_…a1b2`, `legacy…a1b2`): the
    /// last four characters of the secret part, and none of a short one (`amg_test_…`).
    pub fn redacted(&self) -> String {
        let (label, secret) = if self.is_legacy() {
            ("legacy", self.0.as_str())
        } else {
            // "amg_test_" and "amg_live_" are both nine ASCII bytes
            (&self.0[..9], &self.0[9..])
        };
        let tail = if secret.len() >= REDACTED_TAIL_FROM {
            &secret[secret.len() - REDACTED_TAIL..]
        } else {
            ""
        };
        format!("{label}…{tail}")
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

    /// The live prefix; live-mode tokens below are minted per run with [`live`], so no
    /// live-looking token is written into the source.
    const LIVE: &str = "amg_live_";

    /// A live-mode token whose tail is a random part (from a fresh hasher seed) followed by
    /// `shape`, the characters a case is about.
    fn live(shape: &str) -> String {
        use std::hash::{BuildHasher, RandomState};
        let random = RandomState::new().hash_one(shape);
        format!("{LIVE}{random:016x}{shape}")
    }

    #[test]
    fn shape_and_mode() {
        assert_eq!(
            ApiToken::parse("amg_test_abcdEFGH12").unwrap().mode(),
            Mode::Test
        );
        assert_eq!(
            ApiToken::parse(&live(&"a".repeat(48))).unwrap().mode(),
            Mode::Live
        );
        for bad in ["", "amg_test_", LIVE, "amg_prod_abcdefgh", "amg_"] {
            assert!(ApiToken::parse(bad).is_none(), "{bad}");
        }
    }

    /// The docs fix only the prefixes: a tail with `-` or `_`, a long one or a short one is the
    /// platform's business, not a reason to stop the proxy at start.
    #[test]
    fn any_printable_tail_after_a_documented_prefix_is_accepted() {
        for (raw, mode) in [
            (live("-cd_ef-0123456789").as_str(), Mode::Live),
            ("amg_test_under_score_and-dash", Mode::Test),
            (&live(&"A9".repeat(42)), Mode::Live),
            (&format!("amg_test_{}", "z".repeat(100)), Mode::Test),
            ("amg_test_x", Mode::Test),
            (&live(".b~c+d/e="), Mode::Live),
            (&live(&"k".repeat(MAX_LEN - 9 - 16)), Mode::Live),
        ] {
            let t = ApiToken::parse(raw).unwrap_or_else(|| panic!("{raw} is a token"));
            assert_eq!(t.mode(), mode, "{raw}");
            assert!(!t.is_legacy());
            assert_eq!(t.expose(), raw);
        }
    }

    #[test]
    fn only_what_is_unsafe_is_refused() {
        for bad in [
            // empty tail
            "amg_test_",
            LIVE,
            // whitespace
            "amg_test_has space",
            &live("tab\there"),
            "amg_test_new\nline",
            " amg_test_leading",
            "amg_test_trailing ",
            // control characters
            "amg_test_bell\u{7}",
            &live("nul\0byte"),
            "amg_test_del\u{7f}",
            &live("esc\u{1b}[0m"),
            // not ASCII
            "amg_test_tökén",
            // too long
            &format!("amg_test_{}", "a".repeat(MAX_LEN - 8)),
        ] {
            assert!(ApiToken::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn debug_redacts() {
        let t = ApiToken::parse("amg_test_supersecret99").unwrap();
        assert!(!format!("{t:?}").contains("supersecret"));
        assert_eq!(t.redacted(), "amg_test_…et99");
        let legacy = ApiToken::parse("9f8e7d6c5b4a3210supersecret").unwrap();
        assert_eq!(format!("{legacy:?}"), "ApiToken(legacy…cret)");
        assert!(!legacy.redacted().contains("9f8e"));
        // a short secret part shows none of itself
        let short = &live("")[..LIVE.len() + 3];
        assert_eq!(
            ApiToken::parse(short).unwrap().redacted(),
            format!("{LIVE}…")
        );
    }

    #[test]
    fn legacy_tokens_are_live() {
        for raw in [
            "9f8e7d6c5b4a32100123",
            "sk_live_0123456789abcdef",
            "Tok.en-with_punctuation:1234",
            &"x".repeat(MAX_LEN),
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
            "control\u{1}characters-inside",
            &"x".repeat(MAX_LEN + 1),
            &"x".repeat(LEGACY_MIN_LEN - 1),
            // an amg_ token must have a documented prefix, never fall back to legacy
            "amg_prod_abcdefghijkl",
            "amg_livE_abcdefghijkl",
        ] {
            assert!(ApiToken::parse(bad).is_none(), "{bad:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics_and_accepts_only_safe_text(raw in "\\PC{0,600}") {
            if let Some(t) = ApiToken::parse(&raw) {
                proptest::prop_assert!(t.expose().bytes().all(|b| b.is_ascii_graphic()));
                proptest::prop_assert!(t.expose().len() <= MAX_LEN);
                let _ = t.redacted();
            }
        }

        #[test]
        fn every_printable_tail_is_a_token(tail in "[!-~]{1,503}") {
            let t = ApiToken::parse(&format!("amg_live_{tail}"));
            proptest::prop_assert!(t.is_some_and(|t| t.mode() == Mode::Live));
        }
    }
}
