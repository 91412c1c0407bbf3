//! The platform's webhook-endpoint API (`/commerce/webhooks/`: register, list, one endpoint with
//! its recent deliveries, enable/disable, delete), for the going-live commands and `doctor`.
//!
//! A client of its own rather than methods on [`crate::upstream::AmigoClient`]: these calls are
//! made by an operator from the command line, once each, where the shopper-facing client's
//! retries and cache have no place, and they need `PATCH` and `DELETE`, which the shopper path
//! never sends.

use std::time::Duration;

use amigo_types::webhooks::{
    CreateWebhookRequest, DeliveryRecord, UpdateWebhookRequest, WebhookEndpoint,
};
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;

/// Why a call to the platform's webhook API failed. `Display` is one line for an operator, and
/// never contains the token or a secret.
#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    /// The platform could not be reached (or took too long).
    #[error("could not reach the Amigo API at {base}: {cause}")]
    Unreachable {
        base: String,
        /// What the transport said.
        cause: String,
    },
    /// The platform refused the token.
    #[error("the Amigo API refused the token ({status} {code}): check AMIGO_API_KEY")]
    Unauthorized {
        status: u16,
        /// The envelope's `error`.
        code: String,
    },
    /// The platform answered with its error envelope.
    #[error("the Amigo API answered {status} {code}: {message}")]
    Rejected {
        status: u16,
        /// The envelope's `error`.
        code: String,
        /// The envelope's `message`.
        message: String,
    },
    /// The answer was not the documented shape.
    #[error("the Amigo API sent an answer this build cannot read ({0})")]
    Unreadable(String),
    /// The token cannot be sent as a header.
    #[error("AMIGO_API_KEY cannot be sent as an HTTP header")]
    BadToken,
}

impl PlatformError {
    /// Whether the platform said the endpoint does not exist (404).
    pub fn is_not_found(&self) -> bool {
        matches!(self, PlatformError::Rejected { status: 404, .. })
    }
}

/// The innermost cause of a transport error ("Connection refused (os error 111)"), which says
/// more to an operator than reqwest's "error sending request"; the URL is left out.
fn root_cause(e: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    if e.is_timeout() {
        format!("timed out ({cause})")
    } else {
        cause.to_string()
    }
}

/// A newly registered endpoint and its secret (the only time the platform shows it).
#[derive(Debug)]
pub struct Registered {
    /// The endpoint, without its secret.
    pub endpoint: WebhookEndpoint,
    pub secret: SecretString,
}

/// The webhook-endpoint API of one platform, with one token.
#[derive(Clone)]
pub struct PlatformWebhooks {
    http: reqwest::Client,
    base: String,
    token: SecretString,
}

impl std::fmt::Debug for PlatformWebhooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformWebhooks")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl PlatformWebhooks {
    /// A client for `base` (`https://amigo.ng/api`) with `token`, each call bounded by `timeout`.
    pub fn new(base: &str, token: SecretString, timeout: Duration) -> Result<Self, PlatformError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("amigo-proxy/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| PlatformError::Unreachable {
                base: base.to_owned(),
                cause: e.to_string(),
            })?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            token,
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn request(
        &self,
        method: reqwest::Method,
        id: Option<u64>,
    ) -> Result<reqwest::RequestBuilder, PlatformError> {
        let mut token = HeaderValue::from_str(self.token.expose_secret())
            .map_err(|_| PlatformError::BadToken)?;
        token.set_sensitive(true);
        let url = match id {
            Some(id) => format!("{}/commerce/webhooks/?id={id}", self.base),
            None => format!("{}/commerce/webhooks/", self.base),
        };
        Ok(self
            .http
            .request(method, url)
            .header("X-API-Key", token)
            .header("Accept", "application/json"))
    }

    /// Sends `req`: an error answer is classified, a success answer gives its JSON body (`None`
    /// when it has none, a `204` say, or it is not JSON).
    async fn answer(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<Option<serde_json::Value>, PlatformError> {
        let unreachable = |e: reqwest::Error| PlatformError::Unreachable {
            base: self.base.clone(),
            cause: root_cause(&e.without_url()),
        };
        let resp = req.send().await.map_err(unreachable)?;
        let status = resp.status().as_u16();
        let body = resp.bytes().await.map_err(unreachable)?;
        let value: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
        if (200..300).contains(&status) {
            return Ok(value);
        }
        let Some(value) = value else {
            return Err(PlatformError::Unreadable(format!(
                "HTTP {status}, {} bytes, not JSON",
                body.len()
            )));
        };
        let text = |k: &str| {
            value
                .get(k)
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        Err(if matches!(status, 401 | 403) {
            PlatformError::Unauthorized {
                status,
                code: text("error"),
            }
        } else {
            PlatformError::Rejected {
                status,
                code: text("error"),
                message: text("message"),
            }
        })
    }

    /// Sends `req` and reads the success answer's `data` as `T` (the documented answers:
    /// register and list).
    async fn send<T: DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<T, PlatformError> {
        let value = self
            .answer(req)
            .await?
            .ok_or_else(|| PlatformError::Unreadable("a success answer that is not JSON".into()))?;
        let data = value
            .get("data")
            .cloned()
            .ok_or_else(|| PlatformError::Unreadable("no data".into()))?;
        serde_json::from_value(data).map_err(|e| PlatformError::Unreadable(e.to_string()))
    }

    /// Registers `url` for `events` (`*`); the answer carries the secret, shown this once.
    pub async fn register(&self, url: &str, events: &str) -> Result<Registered, PlatformError> {
        let req = self
            .request(reqwest::Method::POST, None)?
            .json(&CreateWebhookRequest {
                url: url.to_owned(),
                events: Some(events.to_owned()),
            });
        let mut endpoint: WebhookEndpoint = self.send(req).await?;
        let secret = endpoint
            .secret
            .take()
            .filter(|s| s.len() >= 16)
            .ok_or_else(|| PlatformError::Unreadable("no signing secret in the answer".into()))?;
        Ok(Registered {
            endpoint,
            secret: SecretString::from(secret),
        })
    }

    /// Every registered endpoint (no secrets).
    pub async fn list(&self) -> Result<Vec<WebhookEndpoint>, PlatformError> {
        self.send(self.request(reqwest::Method::GET, None)?).await
    }

    /// One endpoint with its 20 most recent delivery attempts. The docs name what a delivery
    /// record holds (status, attempts, response code, scheduled retry) but not its fields, so
    /// the records are read one by one: one this build cannot read is left out and counted, never
    /// the whole answer.
    pub async fn detail(&self, id: u64) -> Result<EndpointDetail, PlatformError> {
        let value = self
            .answer(self.request(reqwest::Method::GET, Some(id))?)
            .await?
            .ok_or_else(|| PlatformError::Unreadable("a success answer that is not JSON".into()))?;
        let data = value.get("data").unwrap_or(&value);
        let records = data
            .get("deliveries")
            .and_then(serde_json::Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let deliveries: Vec<DeliveryRecord> = records
            .iter()
            .filter_map(|r| serde_json::from_value(r.clone()).ok())
            .collect();
        Ok(EndpointDetail {
            listed: data
                .get("deliveries")
                .is_some_and(serde_json::Value::is_array),
            skipped: records.len() - deliveries.len(),
            deliveries,
        })
    }

    /// Turns an endpoint on (`active`) or off (`disabled`: no new events, history kept). The
    /// docs do not publish the answer, so any success counts, and the endpoint is read back
    /// from the answer when it holds it, else from the (documented) list.
    pub async fn set_active(
        &self,
        id: u64,
        active: bool,
    ) -> Result<WebhookEndpoint, PlatformError> {
        let req = self
            .request(reqwest::Method::PATCH, Some(id))?
            .json(&UpdateWebhookRequest {
                status: Some(if active { "active" } else { "disabled" }.to_owned()),
                ..UpdateWebhookRequest::default()
            });
        let answer = self.answer(req).await?;
        let read = answer
            .as_ref()
            .and_then(|v| v.get("data"))
            .and_then(|d| serde_json::from_value::<WebhookEndpoint>(d.clone()).ok())
            .filter(|e| e.id == id);
        if let Some(endpoint) = read {
            return Ok(endpoint);
        }
        self.list()
            .await?
            .into_iter()
            .find(|e| e.id == id)
            .ok_or_else(|| {
                PlatformError::Unreadable(format!(
                    "endpoint {id} is not in the list after the update"
                ))
            })
    }

    /// Deletes an endpoint and its delivery history. The docs do not publish the answer: any
    /// success (a `204`, an envelope, anything) counts as deleted.
    pub async fn delete(&self, id: u64) -> Result<(), PlatformError> {
        self.answer(self.request(reqwest::Method::DELETE, Some(id))?)
            .await
            .map(|_| ())
    }
}

/// `GET webhooks/?id=N` as this build could read it.
#[derive(Debug, Clone, Default)]
pub struct EndpointDetail {
    /// The delivery records it could read, newest first.
    pub deliveries: Vec<DeliveryRecord>,
    /// Records it could not read.
    pub skipped: usize,
    /// Whether the answer had a `deliveries` list at all.
    pub listed: bool,
}
