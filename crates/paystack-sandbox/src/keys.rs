//! The integration's API keys. The secret key authorises every API call and keys the webhook
//! signature, so it lives in a [`SecretString`] (never printed by `Debug`, never logged) and is
//! compared in constant time. Its prefix decides the domain (`test` or `live`), which shows in
//! every object and picks the webhook retry schedule.

use rand::Rng;
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

/// Paystack's two domains; objects carry it as `domain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// `sk_test_…` keys: no real money moves.
    Test,
    /// `sk_live_…` keys.
    Live,
}

impl Domain {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Domain::Test => "test",
            Domain::Live => "live",
        }
    }
}

/// A secret or public key that does not look like one of Paystack's.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("expected {expected}_test_ or {expected}_live_ followed by 16-100 letters or digits")]
pub struct KeyFormatError {
    expected: &'static str,
}

/// The secret and public key this emulator accepts.
#[derive(Clone)]
pub struct ApiKeys {
    secret: SecretString,
    public: String,
    domain: Domain,
}

impl std::fmt::Debug for ApiKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeys")
            .field("secret", &"[redacted]")
            .field("public", &self.public)
            .field("domain", &self.domain)
            .finish()
    }
}

fn random_key(prefix: &str) -> String {
    const HEX: &[u8] = b"0123456789abcdef";
    let mut rng = rand::rng();
    let tail: String = (0..40)
        .map(|_| char::from(HEX[rng.random_range(0..HEX.len())]))
        .collect();
    format!("{prefix}{tail}")
}

fn domain_of(key: &str, kind: &'static str) -> Result<Domain, KeyFormatError> {
    let err = KeyFormatError { expected: kind };
    let rest = key.strip_prefix(kind).ok_or(err.clone())?;
    let (domain, tail) = if let Some(t) = rest.strip_prefix("_test_") {
        (Domain::Test, t)
    } else if let Some(t) = rest.strip_prefix("_live_") {
        (Domain::Live, t)
    } else {
        return Err(err);
    };
    let ok = (16..=100).contains(&tail.len()) && tail.bytes().all(|b| b.is_ascii_alphanumeric());
    if ok { Ok(domain) } else { Err(err) }
}

impl ApiKeys {
    /// A fresh test pair: `sk_test_` and `pk_test_` followed by 40 hex digits, as Paystack
    /// issues them.
    pub fn generate() -> Self {
        Self {
            secret: SecretString::from(random_key("sk_test_")),
            public: random_key("pk_test_"),
            domain: Domain::Test,
        }
    }

    /// Keys chosen by the caller (the binary's `--secret-key`). The public key is generated in
    /// the secret key's domain when not given.
    pub fn from_parts(
        secret: SecretString,
        public: Option<String>,
    ) -> Result<Self, KeyFormatError> {
        let domain = domain_of(secret.expose_secret(), "sk")?;
        let public = match public {
            Some(p) => {
                if domain_of(&p, "pk")? != domain {
                    return Err(KeyFormatError { expected: "pk" });
                }
                p
            }
            None => random_key(match domain {
                Domain::Test => "pk_test_",
                Domain::Live => "pk_live_",
            }),
        };
        Ok(Self {
            secret,
            public,
            domain,
        })
    }

    /// The secret key (for callers that must send it, and for signing).
    pub fn secret(&self) -> &SecretString {
        &self.secret
    }

    /// The public key (Paystack's Popup/inline checkout uses it; the API does not).
    pub fn public(&self) -> &str {
        &self.public
    }

    /// The domain the keys belong to.
    pub fn domain(&self) -> Domain {
        self.domain
    }

    /// Whether an `Authorization` header value is `Bearer <our secret key>`. Constant time in
    /// the key's bytes, so a guesser learns nothing from timing.
    pub fn authorizes(&self, header: Option<&str>) -> bool {
        let Some(token) = header.and_then(|h| {
            let (scheme, rest) = h.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        }) else {
            return false;
        };
        let ours = self.secret.expose_secret().as_bytes();
        ours.len() == token.len() && bool::from(ours.ct_eq(token.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_have_paystacks_shape() {
        let k = ApiKeys::generate();
        assert!(k.secret().expose_secret().starts_with("sk_test_"));
        assert_eq!(k.secret().expose_secret().len(), 48);
        assert!(k.public().starts_with("pk_test_"));
        assert_eq!(k.domain(), Domain::Test);
        assert!(!format!("{k:?}").contains(k.secret().expose_secret()));
    }

    #[test]
    fn bearer_check() {
        let k = ApiKeys::generate();
        let secret = k.secret().expose_secret().to_owned();
        assert!(k.authorizes(Some(&format!("Bearer {secret}"))));
        assert!(k.authorizes(Some(&format!("bearer {secret}"))));
        assert!(!k.authorizes(Some(&secret)));
        assert!(!k.authorizes(Some(&format!("Bearer {secret}x"))));
        assert!(!k.authorizes(Some(&format!("Bearer {}", k.public()))));
        assert!(!k.authorizes(None));
    }

    #[test]
    fn chosen_keys_are_checked() {
        // live-shaped keys are minted per run, never written into the source
        let live = ApiKeys::from_parts(SecretString::from(random_key("sk_live_")), None).unwrap();
        assert_eq!(live.domain(), Domain::Live);
        assert!(live.public().starts_with("pk_live_"));
        assert!(ApiKeys::from_parts(SecretString::from("sk_test_short"), None).is_err());
        assert!(ApiKeys::from_parts(SecretString::from("pk_test_0123456789abcdef"), None).is_err());
        assert!(
            ApiKeys::from_parts(
                SecretString::from("sk_test_0123456789abcdef"),
                Some(random_key("pk_live_"))
            )
            .is_err(),
            "a live public key with a test secret key"
        );
    }
}
