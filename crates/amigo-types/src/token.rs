//! API tokens: `amg_test_…` / `amg_live_…` plus 8–64 letters or digits. The prefix decides the
//! mode. Debug output never shows the token.

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

/// A well-formed token. Holding one proves only its shape, not that it is authorised.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ApiToken(String);

impl ApiToken {
    /// Parses a token; `None` for anything not matching `amg_(test|live)_[A-Za-z0-9]{8,64}`.
    pub fn parse(raw: &str) -> Option<Self> {
        let rest = raw
            .strip_prefix("amg_test_")
            .or_else(|| raw.strip_prefix("amg_live_"))?;
        ((8..=64).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
            .then(|| Self(raw.to_owned()))
    }

    /// The token's mode.
    pub fn mode(&self) -> Mode {
        if self.0.starts_with("amg_live_") {
            Mode::Live
        } else {
            Mode::Test
        }
    }

    /// The token text, for sending upstream. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A short, non-reversible label for logs and metrics (`amg_test_…a1b2`).
    pub fn redacted(&self) -> String {
        let tail = &self.0[self.0.len() - 4..];
        format!("{}…{tail}", &self.0[..9])
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
    }
}
