//! Request extractors that fail with the documented envelope, never axum's plain-text
//! rejections: the caller's token (auth, IP whitelist, per-token rate limit), the public
//! caller (per-IP rate limit), and the query string as [`QueryPairs`].

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use amigo_types::envelope::ApiError;
use amigo_types::query::QueryPairs;
use amigo_types::token::ApiToken;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::error::SandboxError;
use crate::state::AppState;

/// An authenticated caller: a well-formed token, allowed from this IP, within its rate limit.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// The caller's token; each distinct token is its own merchant.
    pub token: ApiToken,
}

/// An unauthenticated caller of a public endpoint, within its per-IP rate limit (taking one is
/// what checks the limit).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PublicCaller;

/// The client IP from the connection; in-process tests without `ConnectInfo` count as loopback.
pub(crate) fn client_ip(parts: &Parts) -> IpAddr {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |ConnectInfo(addr)| {
            addr.ip()
        })
}

/// The token from `X-API-Key`, `Authorization: Token …` or `Authorization: Bearer …`. The docs
/// present the three as interchangeable, so a missing or malformed `X-API-Key` falls back to
/// `Authorization` rather than failing on its own.
pub(crate) fn token_from_headers(headers: &HeaderMap) -> Option<ApiToken> {
    headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| ApiToken::parse(v.trim()))
        .or_else(|| authorization_token(headers))
}

/// The token from `Authorization: Token …` or `Authorization: Bearer …`.
fn authorization_token(headers: &HeaderMap) -> Option<ApiToken> {
    let auth = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim();
    let (scheme, value) = auth.split_once(' ')?;
    if scheme.eq_ignore_ascii_case("token") || scheme.eq_ignore_ascii_case("bearer") {
        ApiToken::parse(value.trim())
    } else {
        None
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = SandboxError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = token_from_headers(&parts.headers).ok_or(SandboxError::InvalidToken)?;
        let ip = client_ip(parts);
        if let Some(list) = &state.config.ip_whitelist
            && !list.allows(token.expose(), ip)
        {
            return Err(SandboxError::IpNotWhitelisted);
        }
        state
            .token_limiter
            .check(&token, state.clock.unix())
            .map_err(|retry_after| SandboxError::RateLimited { retry_after })?;
        Ok(Caller { token })
    }
}

impl FromRequestParts<AppState> for PublicCaller {
    type Rejection = SandboxError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ip = client_ip(parts);
        state
            .ip_limiter
            .check(&ip, state.clock.unix())
            .map_err(|retry_after| SandboxError::RateLimited { retry_after })?;
        Ok(PublicCaller)
    }
}

/// The decoded query string. A malformed one is `422 invalid_query`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pairs(pub QueryPairs);

impl<S: Send + Sync> FromRequestParts<S> for Pairs {
    type Rejection = SandboxError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str::<Vec<(String, String)>>(raw)
            .map(|p| Pairs(QueryPairs::new(p)))
            .map_err(|e| {
                SandboxError::Invalid(ApiError {
                    code: "invalid_query".into(),
                    field: None,
                    message: format!("query string could not be decoded: {e}"),
                })
            })
    }
}

/// Parses a JSON body into `T`, mapping failures to `422 invalid_<field>` / `invalid_json`.
pub(crate) fn json_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, SandboxError> {
    amigo_types::envelope::parse_json_body(bytes).map_err(SandboxError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_in_each_header() {
        let t = "amg_test_abcdefgh12";
        for (k, v) in [
            ("x-api-key", t.to_owned()),
            ("authorization", format!("Token {t}")),
            ("authorization", format!("Bearer {t}")),
        ] {
            let mut h = HeaderMap::new();
            h.insert(k, v.parse().unwrap());
            assert_eq!(token_from_headers(&h).unwrap().expose(), t, "{k}: {v}");
        }
        let mut h = HeaderMap::new();
        h.insert("authorization", "Basic abc".parse().unwrap());
        assert!(token_from_headers(&h).is_none());
        // a malformed X-API-Key falls back to Authorization; a good one wins over it
        let other = "amg_test_zyxwvuts98";
        let mut h = HeaderMap::new();
        h.insert("x-api-key", "not a token".parse().unwrap());
        h.insert("authorization", format!("Bearer {t}").parse().unwrap());
        assert_eq!(token_from_headers(&h).unwrap().expose(), t);
        h.insert("x-api-key", other.parse().unwrap());
        assert_eq!(token_from_headers(&h).unwrap().expose(), other);
        h.remove("authorization");
        h.insert("x-api-key", "".parse().unwrap());
        assert!(token_from_headers(&h).is_none());
    }
}
