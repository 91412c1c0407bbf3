//! Content codings for bodies the proxy keeps and serves many times (cached catalog reads).
//!
//! A cached body is compressed at most once per coding, the first time a client asks for it,
//! and every later answer sends the kept bytes. Compressing a 10 KB list on every request, as a
//! generic compression layer does, would cost more CPU than everything else the proxy does for
//! that request.

use std::io::Write;
use std::sync::OnceLock;

use axum::http::{HeaderMap, HeaderValue, header};
use bytes::Bytes;

/// Bodies shorter than this are sent as they are: the coding's framing would eat the gain.
pub(crate) const MIN_COMPRESSIBLE: usize = 256;

/// A content coding the proxy can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Coding {
    /// Brotli (`br`), preferred: about a fifth smaller than gzip on JSON.
    Brotli,
    /// gzip, for clients without Brotli.
    Gzip,
    /// The body as it is.
    #[default]
    Identity,
}

impl Coding {
    /// The `Content-Encoding` value, or `None` for identity.
    pub fn header_value(self) -> Option<HeaderValue> {
        match self {
            Coding::Brotli => Some(HeaderValue::from_static("br")),
            Coding::Gzip => Some(HeaderValue::from_static("gzip")),
            Coding::Identity => None,
        }
    }

    /// The best coding `headers` (a request's) accept: Brotli, then gzip, then identity.
    pub fn preferred(headers: &HeaderMap) -> Self {
        if accepts(headers, "br") {
            Coding::Brotli
        } else if accepts(headers, "gzip") {
            Coding::Gzip
        } else {
            Coding::Identity
        }
    }
}

/// What a read asks of its answer's form: the coding, and the validator it already holds.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReadPreferences {
    /// The coding to answer in.
    pub coding: Coding,
    if_none_match: Option<HeaderMap>,
}

impl ReadPreferences {
    /// Read from a request's headers.
    pub(crate) fn of(headers: &HeaderMap) -> Self {
        let tags: HeaderMap = headers
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .map(|v| (header::IF_NONE_MATCH, v.clone()))
            .collect();
        Self {
            coding: Coding::preferred(headers),
            if_none_match: (!tags.is_empty()).then_some(tags),
        }
    }

    /// Whether the client already holds `body` (answer `304 Not Modified`).
    pub(crate) fn not_modified(&self, body: &Encoded) -> bool {
        self.if_none_match
            .as_ref()
            .is_some_and(|h| body.not_modified(h))
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ReadPreferences {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self::of(&parts.headers))
    }
}

/// Marks a response whose body the handler already put in its final coding, so the generic
/// compression layer leaves it alone (even when it chose identity for a short body).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Precoded;

/// Whether the request's `Accept-Encoding` names `coding` without refusing it (`q=0`).
pub(crate) fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|part| {
            let mut bits = part.split(';').map(str::trim);
            let name = bits.next().unwrap_or("");
            let refused = bits.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_none_or(|q| q <= 0.0)
            });
            name.eq_ignore_ascii_case(coding) && !refused
        })
}

/// A strong ETag for one representation: the first 16 bytes of its SHA-256, quoted.
pub(crate) fn etag_of(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

/// Whether `If-None-Match` lists `tag` (or `*`); weak forms match too (RFC 9110 weak comparison).
pub(crate) fn if_none_match(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == tag)
}

/// One body, its validator and its compressed forms, each made on first use and kept.
#[derive(Debug)]
pub struct Encoded {
    identity: Bytes,
    /// `W/"…"`: weak, as one tag covers every coding of the same bytes.
    etag: HeaderValue,
    /// The quoted opaque tag, for [`if_none_match`].
    tag: String,
    brotli: OnceLock<Option<Bytes>>,
    gzip: OnceLock<Option<Bytes>>,
}

impl Encoded {
    /// Wraps `body`; nothing is compressed yet.
    pub fn new(body: Bytes) -> Self {
        let tag = etag_of(&body);
        Self {
            etag: HeaderValue::try_from(format!("W/{tag}"))
                .unwrap_or_else(|_| HeaderValue::from_static("W/\"-\"")),
            tag,
            identity: body,
            brotli: OnceLock::new(),
            gzip: OnceLock::new(),
        }
    }

    /// The body as received.
    pub fn identity(&self) -> &Bytes {
        &self.identity
    }

    /// The `ETag` to send with any coding of this body.
    pub fn etag(&self) -> &HeaderValue {
        &self.etag
    }

    /// Whether the request's `If-None-Match` already holds this body (answer `304`).
    pub fn not_modified(&self, request: &HeaderMap) -> bool {
        request.contains_key(header::IF_NONE_MATCH) && if_none_match(request, &self.tag)
    }

    /// The bytes to send for `wanted`, and the coding they are in: identity when the body is
    /// too short to gain or the compressed form would not be smaller.
    pub fn pick(&self, wanted: Coding) -> (Coding, Bytes) {
        let cell = match wanted {
            Coding::Brotli => &self.brotli,
            Coding::Gzip => &self.gzip,
            Coding::Identity => return (Coding::Identity, self.identity.clone()),
        };
        match cell.get_or_init(|| compress(&self.identity, wanted)) {
            Some(bytes) => (wanted, bytes.clone()),
            None => (Coding::Identity, self.identity.clone()),
        }
    }
}

/// `body` in `coding`, or `None` when that would not make it smaller.
fn compress(body: &[u8], coding: Coding) -> Option<Bytes> {
    if body.len() < MIN_COMPRESSIBLE {
        return None;
    }
    let out = match coding {
        Coding::Brotli => {
            let mut out = Vec::with_capacity(body.len() / 4);
            {
                // quality 9 of 11: near the best ratio at a few hundred microseconds per 10 KB,
                // paid once per cached body
                let mut w = brotli::CompressorWriter::new(&mut out, 4096, 9, 22);
                w.write_all(body).ok()?;
                w.flush().ok()?;
            }
            out
        }
        Coding::Gzip => {
            let mut w = flate2::write::GzEncoder::new(
                Vec::with_capacity(body.len() / 3),
                flate2::Compression::new(9),
            );
            w.write_all(body).ok()?;
            w.finish().ok()?
        }
        Coding::Identity => return None,
    };
    (out.len() < body.len()).then(|| Bytes::from(out))
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn with(accept: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(accept));
        h
    }

    #[test]
    fn negotiation() {
        assert_eq!(
            Coding::preferred(&with("gzip, deflate, br, zstd")),
            Coding::Brotli
        );
        assert_eq!(Coding::preferred(&with("gzip, br;q=0")), Coding::Gzip);
        assert_eq!(Coding::preferred(&with("GZIP;q=0.5")), Coding::Gzip);
        assert_eq!(Coding::preferred(&with("identity")), Coding::Identity);
        assert_eq!(Coding::preferred(&with("br;q=nonsense")), Coding::Identity);
        assert_eq!(Coding::preferred(&HeaderMap::new()), Coding::Identity);
    }

    #[test]
    fn round_trips_and_is_made_once() {
        let body = Bytes::from(
            r#"{"success":true,"data":["#.to_owned()
                + &r#"{"name":"Oraimo FreePods 4","price":{"amount":1999900}},"#.repeat(40)
                + "{}]}",
        );
        let e = Encoded::new(body.clone());
        let (coding, br) = e.pick(Coding::Brotli);
        assert_eq!(coding, Coding::Brotli);
        assert!(br.len() < body.len() / 4, "{} of {}", br.len(), body.len());
        let mut plain = Vec::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain, body);
        // the second pick is the same allocation, not a second compression
        assert_eq!(e.pick(Coding::Brotli).1.as_ptr(), br.as_ptr());

        let (coding, gz) = e.pick(Coding::Gzip);
        assert_eq!(coding, Coding::Gzip);
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain, body);
        assert_eq!(e.pick(Coding::Identity), (Coding::Identity, body));
    }

    #[test]
    fn short_bodies_stay_as_they_are() {
        let e = Encoded::new(Bytes::from_static(br#"{"success":true,"data":[]}"#));
        assert_eq!(e.pick(Coding::Brotli).0, Coding::Identity);
        assert_eq!(e.pick(Coding::Gzip).0, Coding::Identity);
    }
}
