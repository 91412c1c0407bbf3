//! `amigo-proxy webhooks register | list | disable | enable | delete | rotate`: the proxy's
//! webhook endpoint on the platform, with its secret kept in the proxy's database.
//!
//! Rotation: `rotate` registers a new endpoint (same URL, every event) and stores its secret,
//! disables the old endpoint at once (so each event is delivered once, signed with the new
//! secret) and keeps accepting the old secret for the overlap window (default 48 h, longer than
//! the platform's whole retry schedule of about 38.6 h, so every delivery already made to the
//! old endpoint can still be retried and verified). After the window the old secret is refused
//! whatever happens; `rotate --finish` deletes the old endpoint upstream and drops its secret,
//! at any time (ending the overlap early).

use std::time::Duration;

use amigo_types::webhooks::{EndpointStatus, WebhookEndpoint};
use secrecy::SecretString;
use time::OffsetDateTime;

use super::{GoLive, GoLiveError};
use crate::webhook_endpoints::{self as stored, StoredEndpoint};

/// Default overlap of a rotation: longer than the platform's retry schedule (60 s + 5 min +
/// 30 min + 2 h + 12 h + 24 h ≈ 38.6 h after the first attempt).
pub const DEFAULT_OVERLAP: Duration = Duration::from_secs(48 * 3600);
/// Shortest overlap accepted: less would refuse retries already on their way.
pub const MIN_OVERLAP: Duration = Duration::from_secs(60);
/// Longest overlap accepted: a secret rotated out because it leaked should not live for months.
pub const MAX_OVERLAP: Duration = Duration::from_secs(30 * 24 * 3600);

/// Parses `--overlap` (`48h`, `90m`, `2days`).
pub fn parse_overlap(raw: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(raw.trim())
        .map_err(|e| format!("--overlap: '{raw}' is not a duration such as 48h or 90m ({e})"))?;
    if !(MIN_OVERLAP..=MAX_OVERLAP).contains(&d) {
        return Err(format!(
            "--overlap: must be from 1m to 30days, got '{raw}' (`rotate --finish` ends an overlap at once)"
        ));
    }
    Ok(d)
}

/// What `register` did.
#[derive(Debug)]
pub struct Registration {
    pub endpoint: WebhookEndpoint,
    /// Its secret, now in the proxy's database; shown only with `--show-secret`.
    pub secret: SecretString,
}

/// One line of `list`.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The endpoint as the platform lists it.
    pub endpoint: WebhookEndpoint,
    /// Whether it is the proxy's own URL (`{AMIGO_PUBLIC_URL}/webhooks/amigo`).
    pub this_url: bool,
    /// Whether the proxy's database holds its secret.
    pub secret_stored: bool,
    /// When its secret stops being accepted, if it is being rotated out.
    pub retire_at: Option<OffsetDateTime>,
}

/// What `list` shows.
#[derive(Debug, Clone)]
pub struct Listing {
    /// Endpoints on the platform.
    pub endpoints: Vec<Listed>,
    /// Endpoints whose secret the database holds but the platform no longer lists (deleted
    /// elsewhere); `delete ID` forgets them.
    pub missing_upstream: Vec<u64>,
}

/// What `rotate` did.
#[derive(Debug)]
pub struct Rotation {
    /// The endpoint rotated out (disabled, secret accepted until `retire_at`).
    pub old_id: u64,
    /// The new endpoint.
    pub new_id: u64,
    /// End of the overlap window.
    pub retire_at: OffsetDateTime,
    /// Set when disabling the old endpoint failed: it then keeps receiving events too (each
    /// applied once, deliveries being idempotent), until `rotate --finish` deletes it.
    pub disable_failed: Option<String>,
}

impl GoLive {
    fn now() -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    async fn stored_here(&self) -> Result<Vec<StoredEndpoint>, GoLiveError> {
        Ok(stored::for_api(self.store(), self.platform().base()).await?)
    }

    /// The proxy's current endpoint: stored for this platform and URL, not being rotated out.
    async fn current(&self) -> Result<Option<StoredEndpoint>, GoLiveError> {
        let url = self.webhook_url();
        Ok(self
            .stored_here()
            .await?
            .into_iter()
            .rev()
            .find(|e| e.url == url && e.retire_at.is_none()))
    }

    async fn register_and_store(&self) -> Result<Registration, GoLiveError> {
        let url = self.webhook_url();
        let registered = self.platform().register(&url, "*").await?;
        stored::insert(
            self.store(),
            &StoredEndpoint {
                api_base: self.platform().base().to_owned(),
                mode: Some(stored::mode_of(&self.config().api_key)),
                endpoint_id: registered.endpoint.id,
                url,
                secret: registered.secret.clone(),
                created_at: Self::now(),
                retire_at: None,
            },
        )
        .await?;
        tracing::info!(
            endpoint = registered.endpoint.id,
            "webhook endpoint registered"
        );
        Ok(Registration {
            endpoint: registered.endpoint,
            secret: registered.secret,
        })
    }

    /// Registers `{AMIGO_PUBLIC_URL}/webhooks/amigo` for every event and stores its secret,
    /// which a running proxy on the same database accepts from its next delivery on. Refused
    /// when an active endpoint already has that URL (each event would arrive twice) and, with a
    /// live token, when the public URL is not https (order data would cross the internet in the
    /// clear).
    pub async fn register(&self) -> Result<Registration, GoLiveError> {
        let url = self.webhook_url();
        if self.is_live() && !url.starts_with("https://") {
            return Err(GoLiveError::Refused(format!(
                "AMIGO_PUBLIC_URL: a live store receives webhooks over https only; {url} is not (set AMIGO_PUBLIC_URL=https://your-proxy.example)"
            )));
        }
        if let Some(existing) = self
            .platform()
            .list()
            .await?
            .into_iter()
            .find(|e| e.url == url && e.status == EndpointStatus::Active)
        {
            return Err(GoLiveError::Refused(format!(
                "endpoint {} already receives every event at {url}; `amigo-proxy webhooks rotate` gives it a new secret, `amigo-proxy webhooks delete {}` removes it",
                existing.id, existing.id
            )));
        }
        self.register_and_store().await
    }

    /// The platform's endpoints, marked with what the proxy knows of each.
    pub async fn list(&self) -> Result<Listing, GoLiveError> {
        let upstream = self.platform().list().await?;
        let mine = self.stored_here().await?;
        let url = self.webhook_url();
        let endpoints = upstream
            .iter()
            .map(|e| {
                let stored = mine.iter().find(|s| s.endpoint_id == e.id);
                Listed {
                    this_url: e.url == url,
                    secret_stored: stored.is_some(),
                    retire_at: stored.and_then(|s| s.retire_at),
                    endpoint: e.clone(),
                }
            })
            .collect();
        let missing_upstream = mine
            .iter()
            .filter(|s| !upstream.iter().any(|e| e.id == s.endpoint_id))
            .map(|s| s.endpoint_id)
            .collect();
        Ok(Listing {
            endpoints,
            missing_upstream,
        })
    }

    async fn id_or_current(&self, id: Option<u64>) -> Result<u64, GoLiveError> {
        match id {
            Some(id) => Ok(id),
            None => self.current().await?.map(|e| e.endpoint_id).ok_or_else(|| {
                GoLiveError::Refused(format!(
                    "this proxy has registered no endpoint for {}; name one (`amigo-proxy webhooks list` shows their ids)",
                    self.webhook_url()
                ))
            }),
        }
    }

    /// Turns an endpoint (by default the proxy's current one) on or off. A disabled endpoint
    /// gets no new events but keeps its history, and the proxy keeps its secret.
    pub async fn set_active(
        &self,
        id: Option<u64>,
        active: bool,
    ) -> Result<WebhookEndpoint, GoLiveError> {
        let id = self.id_or_current(id).await?;
        Ok(self.platform().set_active(id, active).await?)
    }

    /// Deletes endpoint `id` on the platform (already gone is fine) and forgets its secret.
    /// Returns whether the proxy held its secret.
    pub async fn delete(&self, id: u64) -> Result<bool, GoLiveError> {
        match self.platform().delete(id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e.into()),
        }
        Ok(stored::remove(self.store(), self.platform().base(), id).await?)
    }

    /// Replaces the current endpoint with a new one (see the module docs): both secrets are
    /// accepted until `now + overlap`. Refused while an earlier rotation's overlap runs.
    pub async fn rotate(&self, overlap: Duration) -> Result<Rotation, GoLiveError> {
        let now = Self::now();
        if let Some(busy) = self
            .stored_here()
            .await?
            .into_iter()
            .find(|e| e.retire_at.is_some_and(|at| at > now))
        {
            return Err(GoLiveError::Refused(format!(
                "endpoint {} is still being rotated out (its secret is accepted until {}); run `amigo-proxy webhooks rotate --finish` first",
                busy.endpoint_id,
                busy.retire_at.map(iso).unwrap_or_default()
            )));
        }
        let old = self.current().await?.ok_or_else(|| {
            GoLiveError::Refused(format!(
                "this proxy has registered no endpoint for {} to rotate; run `amigo-proxy webhooks register`",
                self.webhook_url()
            ))
        })?;
        let new = self.register_and_store().await?;
        let overlap = time::Duration::try_from(overlap)
            .map_err(|_| GoLiveError::Refused("--overlap is too long".into()))?;
        let retire_at = now + overlap;
        stored::set_retire_at(
            self.store(),
            self.platform().base(),
            old.endpoint_id,
            retire_at,
        )
        .await?;
        let disable_failed = self
            .platform()
            .set_active(old.endpoint_id, false)
            .await
            .err()
            .filter(|e| !e.is_not_found())
            .map(|e| e.to_string());
        tracing::info!(
            old = old.endpoint_id,
            new = new.endpoint.id,
            "webhook endpoint rotated"
        );
        Ok(Rotation {
            old_id: old.endpoint_id,
            new_id: new.endpoint.id,
            retire_at,
            disable_failed,
        })
    }

    /// Ends every rotation now: deletes the rotated-out endpoints upstream and drops their
    /// secrets. Returns their ids; refused when no rotation is in progress.
    pub async fn finish_rotation(&self) -> Result<Vec<u64>, GoLiveError> {
        let retiring: Vec<u64> = self
            .stored_here()
            .await?
            .into_iter()
            .filter(|e| e.retire_at.is_some())
            .map(|e| e.endpoint_id)
            .collect();
        if retiring.is_empty() {
            return Err(GoLiveError::Refused(
                "no rotation in progress: nothing to finish".into(),
            ));
        }
        for id in &retiring {
            self.delete(*id).await?;
        }
        Ok(retiring)
    }
}

/// RFC 3339 in UTC, to the second.
pub fn iso(t: OffsetDateTime) -> String {
    crate::clock::rfc3339(t.replace_nanosecond(0).unwrap_or(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_is_a_bounded_human_duration() {
        assert_eq!(parse_overlap("48h"), Ok(DEFAULT_OVERLAP));
        assert_eq!(parse_overlap(" 90m "), Ok(Duration::from_secs(5400)));
        for bad in ["", "soon", "10s", "31days", "-1h"] {
            let e = parse_overlap(bad).unwrap_err();
            assert!(e.starts_with("--overlap: "), "{bad}: {e}");
        }
    }
}
