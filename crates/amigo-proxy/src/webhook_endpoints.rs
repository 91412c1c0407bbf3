//! The webhook endpoints this proxy registered with Amigo, kept in its database with their
//! signing secrets (`webhook_endpoints` table), so `amigo-proxy webhooks register` needs no
//! restart and no secret copied by hand: the receiver reads the secrets it accepts from here on
//! every delivery, alongside `AMIGO_WEBHOOK_SECRETS`.
//!
//! Each secret is scoped to the API base and the token mode (test or live) it was registered
//! with: the receiver accepts only those of the platform and mode it is running against, so a
//! secret from a sandbox registration never signs a live event.
//!
//! A rotated-out endpoint keeps its row with a `retire_at` time; its secret is accepted until
//! then (the overlap window), and never after, whether or not anyone runs
//! `webhooks rotate --finish`.

use amigo_types::token::{ApiToken, Mode};
use secrecy::{ExposeSecret, SecretString};
use sqlx::Row;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::clock::rfc3339;
use crate::store::Store;

/// One endpoint this proxy registered, with its secret.
#[derive(Debug, Clone)]
pub struct StoredEndpoint {
    /// The Amigo API base it was registered with (endpoint ids are unique per platform only).
    pub api_base: String,
    /// The mode of the token it was registered with; `None` for rows stored before modes were
    /// recorded (accepted for test tokens only).
    pub mode: Option<Mode>,
    pub endpoint_id: u64,
    /// The URL registered (`{AMIGO_PUBLIC_URL}/webhooks/amigo`).
    pub url: String,
    /// The signing secret, as returned once by the platform. Never logged or printed.
    pub secret: SecretString,
    /// When it was registered.
    pub created_at: OffsetDateTime,
    /// When its secret stops being accepted; `None` while it is the current endpoint.
    pub retire_at: Option<OffsetDateTime>,
}

impl StoredEndpoint {
    /// Whether its secret is still accepted at `now`.
    pub fn accepted_at(&self, now: OffsetDateTime) -> bool {
        self.retire_at.is_none_or(|at| at > now)
    }

    /// Whether its secret may sign events for a proxy on `api_base` with a token of `mode`:
    /// registered there in that mode (a row without a mode only for a test token).
    pub fn scoped_to(&self, api_base: &str, mode: Mode) -> bool {
        self.api_base == api_base && self.mode.unwrap_or(Mode::Test) == mode
    }
}

/// The mode of `api_key`: test for an `amg_test_` token, live for any other (a legacy token is
/// treated as live, the stricter side).
pub fn mode_of(api_key: &SecretString) -> Mode {
    ApiToken::parse(api_key.expose_secret()).map_or(Mode::Live, |t| t.mode())
}

fn mode_text(mode: Option<Mode>) -> &'static str {
    match mode {
        Some(Mode::Test) => "test",
        Some(Mode::Live) => "live",
        None => "",
    }
}

fn parse_mode(raw: &str) -> Option<Mode> {
    match raw {
        "test" => Some(Mode::Test),
        "live" => Some(Mode::Live),
        _ => None,
    }
}

fn parse_time(raw: &str) -> Result<OffsetDateTime, sqlx::Error> {
    OffsetDateTime::parse(raw, &Rfc3339).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// Records a newly registered endpoint. A row already under the same platform and id is
/// replaced: the platform reissued the id (a restarted sandbox counts from 1 again), so the old
/// row describes an endpoint that no longer exists.
pub async fn insert(store: &Store, endpoint: &StoredEndpoint) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO webhook_endpoints (api_base, endpoint_id, url, secret, created_at, retire_at,
             token_mode)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (api_base, endpoint_id) DO UPDATE SET url = excluded.url,
             secret = excluded.secret, created_at = excluded.created_at,
             retire_at = excluded.retire_at, token_mode = excluded.token_mode",
    )
    .bind(&endpoint.api_base)
    .bind(endpoint.endpoint_id.to_string())
    .bind(&endpoint.url)
    .bind(endpoint.secret.expose_secret())
    .bind(rfc3339(endpoint.created_at))
    .bind(endpoint.retire_at.map(rfc3339))
    .bind(mode_text(endpoint.mode))
    .execute(store.pool())
    .await
    .map(|_| ())
}

/// Every stored endpoint, oldest first.
pub async fn all(store: &Store) -> Result<Vec<StoredEndpoint>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT api_base, endpoint_id, url, secret, created_at, retire_at, token_mode
         FROM webhook_endpoints ORDER BY created_at, endpoint_id",
    )
    .fetch_all(store.pool())
    .await?;
    let mut endpoints = rows
        .iter()
        .map(|r| {
            let id: String = r.try_get("endpoint_id")?;
            let retire_at: Option<String> = r.try_get("retire_at")?;
            Ok(StoredEndpoint {
                api_base: r.try_get("api_base")?,
                mode: parse_mode(&r.try_get::<String, _>("token_mode")?),
                endpoint_id: id.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                url: r.try_get("url")?,
                secret: SecretString::from(r.try_get::<String, _>("secret")?),
                created_at: parse_time(&r.try_get::<String, _>("created_at")?)?,
                retire_at: retire_at.as_deref().map(parse_time).transpose()?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    // by time, not by text: an offset or fractional seconds written elsewhere sort correctly
    endpoints.sort_by_key(|e| (e.created_at, e.endpoint_id));
    Ok(endpoints)
}

/// The stored endpoints registered with `api_base`, oldest first.
pub async fn for_api(store: &Store, api_base: &str) -> Result<Vec<StoredEndpoint>, sqlx::Error> {
    Ok(all(store)
        .await?
        .into_iter()
        .filter(|e| e.api_base == api_base)
        .collect())
}

/// The secrets the receiver accepts at `now` for a proxy on `api_base` with a token of `mode`:
/// those registered there in that mode and not yet retired.
pub async fn accepted_secrets(
    store: &Store,
    api_base: &str,
    mode: Mode,
    now: OffsetDateTime,
) -> Result<Vec<SecretString>, sqlx::Error> {
    Ok(all(store)
        .await?
        .into_iter()
        .filter(|e| e.scoped_to(api_base, mode) && e.accepted_at(now))
        .map(|e| e.secret)
        .collect())
}

/// Starts the overlap window of a rotated-out endpoint: its secret is accepted until `at`.
pub async fn set_retire_at(
    store: &Store,
    api_base: &str,
    endpoint_id: u64,
    at: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE webhook_endpoints SET retire_at = $1 WHERE api_base = $2 AND endpoint_id = $3",
    )
    .bind(rfc3339(at))
    .bind(api_base)
    .bind(endpoint_id.to_string())
    .execute(store.pool())
    .await
    .map(|_| ())
}

/// Forgets an endpoint and its secret. Returns whether there was one.
pub async fn remove(store: &Store, api_base: &str, endpoint_id: u64) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM webhook_endpoints WHERE api_base = $1 AND endpoint_id = $2")
            .bind(api_base)
            .bind(endpoint_id.to_string())
            .execute(store.pool())
            .await?
            .rows_affected()
            > 0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_retiring_secret_is_accepted_until_its_time_and_never_after() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("p.db").display());
        let store = Store::connect(&url).await.expect("store");
        let now = OffsetDateTime::now_utc();
        for (id, secret) in [(1, "old-secret-0123456789"), (2, "new-secret-0123456789")] {
            insert(
                &store,
                &StoredEndpoint {
                    api_base: "http://a/api".into(),
                    mode: Some(Mode::Test),
                    endpoint_id: id,
                    url: "https://shop.example/webhooks/amigo".into(),
                    secret: SecretString::from(secret),
                    created_at: now,
                    retire_at: None,
                },
            )
            .await
            .expect("insert");
        }
        let hour = time::Duration::hours(1);
        set_retire_at(&store, "http://a/api", 1, now + hour)
            .await
            .expect("retire");
        let secrets = |at| {
            let store = store.clone();
            async move {
                accepted_secrets(&store, "http://a/api", Mode::Test, at)
                    .await
                    .expect("secrets")
                    .iter()
                    .map(|s| s.expose_secret().to_owned())
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(secrets(now).await.len(), 2, "both during the overlap");
        assert_eq!(
            secrets(now + hour * 2).await,
            vec!["new-secret-0123456789"],
            "only the new one after it"
        );
        // the same id again on the same platform replaces the row
        insert(
            &store,
            &StoredEndpoint {
                api_base: "http://a/api".into(),
                mode: Some(Mode::Test),
                endpoint_id: 2,
                url: "https://shop.example/webhooks/amigo".into(),
                secret: SecretString::from("newer-secret-0123456789"),
                created_at: now,
                retire_at: None,
            },
        )
        .await
        .expect("replace");
        assert_eq!(
            secrets(now).await,
            vec!["old-secret-0123456789", "newer-secret-0123456789"]
        );
        assert!(remove(&store, "http://a/api", 1).await.expect("remove"));
        assert!(!remove(&store, "http://a/api", 1).await.expect("again"));
        assert_eq!(for_api(&store, "http://b/api").await.expect("b").len(), 0);
        store.close().await;
    }
}
