//! The part of Paystack's public API a checkout uses, as Paystack documents it: initialize a
//! transaction, verify it, refund it, and check a webhook's `x-paystack-signature` (hex
//! HMAC-SHA512 of the raw body under the secret key). Answers are read tolerantly: only the
//! fields named here are required.

use std::time::Duration;

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use sha2::Sha512;

use crate::config::PaystackSettings;

/// Why a Paystack call did not give what was asked.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum PaystackError {
    /// No answer, or not in time: the outcome is unknown.
    #[error("Paystack could not be reached: {0}")]
    Unreachable(String),
    /// Paystack answered `status: false` (or a non-2xx) with this message.
    #[error("Paystack refused: {status} {message}")]
    Refused {
        status: u16,
        /// Paystack's `message`.
        message: String,
    },
    /// A 2xx answer without the fields this client needs.
    #[error("Paystack sent an unexpected answer: {0}")]
    Unreadable(String),
}

impl PaystackError {
    /// Whether the same call may give another answer later (no answer, or a 5xx/429).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Unreachable(_) => true,
            Self::Refused { status, .. } => *status >= 500 || *status == 429,
            Self::Unreadable(_) => false,
        }
    }
}

/// A transaction's payment page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentPage {
    /// Where the shopper pays.
    pub authorization_url: String,
    /// The transaction reference (the one sent).
    pub reference: String,
}

/// What `verify` says of a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// `success`, `failed`, `abandoned`, `ongoing`, `pending`, `reversed`, …
    pub status: String,
    /// Kobo.
    pub amount: i64,
    /// `NGN`.
    pub currency: String,
    pub reference: String,
    /// `card`, `bank_transfer`, `ussd`, … when paid.
    pub channel: Option<String>,
    pub paid_at: Option<String>,
}

/// A Paystack client for one integration. Cheap to clone.
#[derive(Clone)]
pub struct Paystack {
    http: reqwest::Client,
    base: String,
    secret: SecretString,
    public_key: String,
}

impl std::fmt::Debug for Paystack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paystack")
            .field("base", &self.base)
            .field("secret", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl Paystack {
    /// A client for `settings`, each call bounded by `timeout`.
    pub fn new(settings: &PaystackSettings, timeout: Duration) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("building the Paystack client: {e}"))?;
        Ok(Self {
            http,
            base: settings.api_base.trim_end_matches('/').to_owned(),
            secret: settings.secret_key.clone(),
            public_key: settings.public_key.clone(),
        })
    }

    /// The public key (the only Paystack value a browser may see).
    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    async fn call(&self, req: reqwest::RequestBuilder) -> Result<Value, PaystackError> {
        let resp = req
            .bearer_auth(self.secret.expose_secret())
            .send()
            .await
            .map_err(|e| PaystackError::Unreachable(e.without_url().to_string()))?;
        let status = resp.status().as_u16();
        let text = resp
            .text()
            .await
            .map_err(|e| PaystackError::Unreachable(e.without_url().to_string()))?;
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let ok = body.get("status").and_then(Value::as_bool) == Some(true);
        if !(200..300).contains(&status) || !ok {
            let message = body
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("no message")
                .chars()
                .take(200)
                .collect();
            return Err(PaystackError::Refused { status, message });
        }
        Ok(body.get("data").cloned().unwrap_or(Value::Null))
    }

    /// `POST /transaction/initialize`: a transaction of `amount_kobo` NGN under `reference`,
    /// returning to `callback_url`.
    pub async fn initialize(
        &self,
        email: &str,
        amount_kobo: i64,
        reference: &str,
        callback_url: &str,
        metadata: Value,
    ) -> Result<PaymentPage, PaystackError> {
        let body = json!({
            "email": email,
            "amount": amount_kobo,
            "currency": "NGN",
            "reference": reference,
            "callback_url": callback_url,
            "metadata": metadata,
        });
        let data = self
            .call(
                self.http
                    .post(format!("{}/transaction/initialize", self.base))
                    .json(&body),
            )
            .await?;
        let authorization_url = data
            .get("authorization_url")
            .and_then(Value::as_str)
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            .ok_or_else(|| PaystackError::Unreadable("no authorization_url".into()))?;
        Ok(PaymentPage {
            authorization_url: authorization_url.to_owned(),
            reference: data
                .get("reference")
                .and_then(Value::as_str)
                .unwrap_or(reference)
                .to_owned(),
        })
    }

    /// `GET /transaction/verify/{reference}`.
    pub async fn verify(&self, reference: &str) -> Result<Verified, PaystackError> {
        // Paystack's references are letters, digits, `-`, `.` and `=`: nothing to escape.
        if reference.is_empty()
            || !reference
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'='))
        {
            return Err(PaystackError::Unreadable("not a Paystack reference".into()));
        }
        let data = self
            .call(
                self.http
                    .get(format!("{}/transaction/verify/{reference}", self.base)),
            )
            .await?;
        let text = |k: &str| data.get(k).and_then(Value::as_str).map(str::to_owned);
        let amount = match data.get("amount") {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.parse().ok(),
            _ => None,
        };
        Ok(Verified {
            status: text("status").ok_or_else(|| PaystackError::Unreadable("no status".into()))?,
            amount: amount.ok_or_else(|| PaystackError::Unreadable("no amount".into()))?,
            currency: text("currency").unwrap_or_default(),
            reference: text("reference").unwrap_or_else(|| reference.to_owned()),
            channel: text("channel"),
            paid_at: text("paid_at").or_else(|| text("paidAt")),
        })
    }

    /// `POST /refund` of the whole of transaction `reference`.
    pub async fn refund(&self, reference: &str, note: &str) -> Result<(), PaystackError> {
        self.call(
            self.http
                .post(format!("{}/refund", self.base))
                .json(&json!({"transaction": reference, "merchant_note": note})),
        )
        .await
        .map(|_| ())
    }

    /// Whether `signature` (the `x-paystack-signature` header) is the hex HMAC-SHA512 of
    /// `body` under the secret key; compared in constant time.
    pub fn signature_valid(&self, body: &[u8], signature: &str) -> bool {
        let Ok(expected) = hex::decode(signature.trim()) else {
            return false;
        };
        let Ok(mut mac) = Hmac::<Sha512>::new_from_slice(self.secret.expose_secret().as_bytes())
        else {
            return false;
        };
        mac.update(body);
        mac.verify_slice(&expected).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client with keys made for this run, and its secret key.
    fn client_and_secret() -> (Paystack, String) {
        let secret = format!("sk_test_{:032x}", rand::random::<u128>());
        let client = Paystack::new(
            &PaystackSettings {
                api_base: "http://127.0.0.1:9".into(),
                secret_key: SecretString::from(secret.clone()),
                public_key: format!("pk_test_{:032x}", rand::random::<u128>()),
            },
            Duration::from_secs(1),
        )
        .unwrap();
        (client, secret)
    }

    fn client() -> Paystack {
        client_and_secret().0
    }

    #[test]
    fn signatures_are_checked_over_the_exact_body() {
        let (p, secret) = client_and_secret();
        let body = br#"{"event":"charge.success","data":{"reference":"CHK-1"}}"#;
        let mut mac = Hmac::<Sha512>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(body);
        let sig = hex::encode(mac.finalize().into_bytes());
        assert!(p.signature_valid(body, &sig));
        assert!(p.signature_valid(body, &sig.to_uppercase()));
        let mut tampered = body.to_vec();
        tampered[10] ^= 1;
        assert!(!p.signature_valid(&tampered, &sig));
        assert!(!p.signature_valid(body, ""));
        assert!(!p.signature_valid(body, "zz"));
        assert!(!p.signature_valid(body, &sig[..64]));
    }

    #[test]
    fn the_secret_never_shows_in_debug() {
        let (p, secret) = client_and_secret();
        let shown = format!("{p:?}");
        assert!(!shown.contains(&secret["sk_test_".len()..]), "{shown}");
    }

    #[tokio::test]
    async fn no_answer_is_retryable_and_a_refusal_is_not() {
        let e = client().verify("CHK-1").await.unwrap_err();
        assert!(e.is_retryable(), "{e}");
        let refused = PaystackError::Refused {
            status: 400,
            message: "Duplicate Transaction Reference".into(),
        };
        assert!(!refused.is_retryable());
        assert!(
            PaystackError::Refused {
                status: 502,
                message: String::new()
            }
            .is_retryable()
        );
    }
}
