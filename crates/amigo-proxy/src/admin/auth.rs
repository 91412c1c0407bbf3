//! Console sign-in: the password checked against its argon2 hash, sessions kept in the database
//! by the hash of a random token keyed by the password hash (so several instances share them, a
//! leaked table signs nobody in, and every session ends when the password changes), the session
//! cookie (HttpOnly, SameSite=Strict, expiring; behind https `Secure` with the `__Host-` prefix,
//! so no other host or path can plant or shadow it),
//! CSRF tokens derived from the session (or, before sign-in, from a pre-session cookie), and the
//! same-origin rule for every state-changing request.

use argon2::PasswordVerifier;
use argon2::password_hash::PasswordHash;
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::state::AppState;

/// The session cookie.
pub(crate) const SESSION_COOKIE: &str = "amigo_admin";
/// The pre-session cookie that binds the sign-in form's CSRF token.
pub(crate) const PRE_COOKIE: &str = "amigo_admin_pre";
/// How long a session lasts.
pub(crate) const SESSION_SECS: i64 = 8 * 3600;

/// 256 random bits in hex.
pub(crate) fn random_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

fn is_token(raw: &str) -> bool {
    raw.len() == 64 && raw.bytes().all(|b| b.is_ascii_hexdigit())
}

/// What the database keeps of a session token: its hash keyed by the console password's hash,
/// so a new password (a new hash) finds none of the sessions signed in under the old one.
pub(crate) fn token_hash(password_hash: &str, token: &str) -> String {
    let key = Sha256::digest(password_hash.as_bytes());
    let mut mac = Hmac::<Sha256>::new_from_slice(&key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(b"amigo-admin-session:");
    mac.update(token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// [`token_hash`] under the configured password.
pub(crate) fn session_hash(state: &AppState, token: &str) -> String {
    let password = state
        .config()
        .admin_password_hash
        .as_ref()
        .map_or("", |h| h.expose_secret());
    token_hash(password, token)
}

/// Whether the console is served over https: its cookies are then `Secure` and `__Host-`.
fn over_https(state: &AppState) -> bool {
    state.config().public_url.starts_with("https://")
}

/// The name cookie `name` is sent under: `__Host-{name}` over https (the browser then insists on
/// `Secure`, `Path=/` and no `Domain`, so a sibling subdomain cannot set it), `name` otherwise.
pub(crate) fn cookie_name(state: &AppState, name: &'static str) -> String {
    if over_https(state) {
        format!("__Host-{name}")
    } else {
        name.to_owned()
    }
}

/// The path the console's cookies are scoped to: `/admin`, or `/` where `__Host-` requires it.
fn cookie_path(state: &AppState) -> &'static str {
    if over_https(state) { "/" } else { "/admin" }
}

/// A CSRF token bound to `secret` (the session or pre-session token) and a purpose.
pub(crate) fn csrf_for(secret: &str, purpose: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(purpose.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Constant-time equality of two tokens.
pub(crate) fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Whether `password` matches the configured hash. Argon2 is slow on purpose, so it runs off
/// the async workers.
pub(crate) async fn password_matches(state: &AppState, password: String) -> bool {
    let Some(hash) = state.config().admin_password_hash.clone() else {
        return false;
    };
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(hash.expose_secret()).is_ok_and(|parsed| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

/// A console cookie: HttpOnly, SameSite=Strict, expiring; over https `Secure` and `__Host-`.
pub(crate) fn console_cookie(
    state: &AppState,
    name: &'static str,
    value: String,
) -> Cookie<'static> {
    Cookie::build((cookie_name(state, name), value))
        .path(cookie_path(state))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(over_https(state))
        .max_age(time::Duration::seconds(SESSION_SECS))
        .build()
}

/// A cookie that removes console cookie `name`.
pub(crate) fn removal(state: &AppState, name: &'static str) -> Cookie<'static> {
    Cookie::build((cookie_name(state, name), ""))
        .path(cookie_path(state))
        .secure(over_https(state))
        .build()
}

/// A state-changing request must come from the console's own pages: a browser's `Origin` (when
/// sent) must be the proxy's public origin, and `Sec-Fetch-Site` (when sent) must not say
/// cross-site. The widget's CORS origins get no exception.
pub(crate) fn same_origin(state: &AppState, headers: &HeaderMap) -> bool {
    let origin_ok = headers
        .get("origin")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|o| o.eq_ignore_ascii_case(&state.config().public_url));
    let site_ok = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|s| matches!(s, "same-origin" | "none"));
    origin_ok && site_ok
}

/// A signed-in console request: the session's CSRF token for its forms.
#[derive(Debug, Clone)]
pub(crate) struct Signed {
    /// The token every form of this session must carry.
    pub(crate) csrf: String,
    /// The session's hash (to end it).
    pub(crate) token_hash: String,
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let to_login = || Redirect::to("/admin/login").into_response();
        let Some(token) = jar
            .get(&cookie_name(state, SESSION_COOKIE))
            .map(|c| c.value().to_owned())
        else {
            return Err(to_login());
        };
        if !is_token(&token) {
            return Err(to_login());
        }
        let hash = session_hash(state, &token);
        match state.store().session_valid(&hash).await {
            Ok(true) => Ok(Signed {
                csrf: csrf_for(&token, "console"),
                token_hash: hash,
            }),
            Ok(false) => Err(to_login()),
            Err(e) => Err(super::AdminError::from(e).into_response()),
        }
    }
}

/// The pre-session token of a sign-in form (a fresh one when the cookie is missing or malformed).
pub(crate) fn pre_token(state: &AppState, jar: &CookieJar) -> Option<String> {
    jar.get(&cookie_name(state, PRE_COOKIE))
        .map(|c| c.value().to_owned())
        .filter(|t| is_token(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_hashes_and_csrf_are_distinct_and_stable() {
        let t = random_token();
        assert!(is_token(&t));
        assert_ne!(t, random_token());
        assert_eq!(token_hash("pw1", &t), token_hash("pw1", &t));
        assert_ne!(token_hash("pw1", &t), t);
        assert_ne!(token_hash("pw1", &t), token_hash("pw2", &t));
        let c = csrf_for(&t, "console");
        assert_eq!(c, csrf_for(&t, "console"));
        assert_ne!(c, csrf_for(&t, "login"));
        assert!(same_token(&c, &csrf_for(&t, "console")));
        assert!(!same_token(&c, &c[..10]));
        assert!(!is_token("zz"));
    }
}
