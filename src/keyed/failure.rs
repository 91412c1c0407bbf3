//! What the keyed-submit protocol needs to know of a failure: how an HTTP error or no answer at
//! all maps to one, and whether the thing may exist under the key (so the next attempt must
//! reuse it). Checkout and "Buy data" word their failures differently; both answer these.

use amigo_types::ErrorBody;

/// A failed keyed submit, as one form words and places it.
pub(crate) trait SubmitFailure: Sized {
    /// Classifies an HTTP error answer: its status, its `Retry-After` header and its body (when
    /// it was the documented envelope).
    fn from_response(status: u16, retry_after: Option<&str>, body: Option<&ErrorBody>) -> Self;

    /// No response at all (offline, DNS, CORS, aborted by a timeout): the thing may exist.
    // only the browser's network calls meet "no response" (and the tests)
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    fn network() -> Self;

    /// The page the widget is on can't be returned to after paying (`invalid_return_url`, or
    /// not an `http(s)` page at all): nothing the shopper can fix, and nothing was made.
    fn bad_return_url() -> Self;

    /// Whether the thing may exist under the key already, so the next attempt must reuse it.
    /// Every other failure is a definite "nothing was made", after which a new key is safe (and
    /// needed: the platform replays a stored failure for the old key).
    fn keeps_key(&self) -> bool;
}

/// Reads `Retry-After` as delay-seconds (HTTP dates are not sent by the proxy); missing or
/// unreadable values fall back to the body's `retry_after`, then to 5 s; at most `cap`.
pub(crate) fn retry_after_secs(header: Option<&str>, body: Option<&ErrorBody>, cap: u64) -> u64 {
    header
        .and_then(|h| h.trim().parse::<u64>().ok())
        .or_else(|| body.and_then(|b| b.retry_after))
        .unwrap_or(5)
        .clamp(1, cap)
}
