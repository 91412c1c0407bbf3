//! The response envelopes: `{"success":true,"data":…}` for success and
//! `{"success":false,"error":"…","message":"…"}` (plus documented extras) for every non-2xx.

use serde::{Deserialize, Serialize};

/// A successful single-object or collection response: `{"success": true, "data": …}`.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataEnvelope<T> {
    /// Always `true` on this shape.
    pub success: bool,
    /// The payload.
    pub data: T,
    /// Optional human note (webhook creation says to save the secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl<T> DataEnvelope<T> {
    /// Wraps a payload as a success.
    pub fn new(data: T) -> Self {
        Self {
            success: true,
            data,
            message: None,
        }
    }
}

/// A paginated list response: `{"success": true, "data": [...], "pagination": {...}}`.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListEnvelope<T> {
    /// Always `true` on this shape.
    pub success: bool,
    /// One page of items.
    pub data: Vec<T>,
    /// Where this page sits in the whole result.
    pub pagination: Pagination,
}

/// Offset pagination as documented: `{total, limit, offset, has_more}`.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pagination {
    /// Matching rows in total, across all pages.
    pub total: u64,
    /// Page size that was applied.
    pub limit: u32,
    /// Rows skipped before this page.
    pub offset: u64,
    /// Whether rows remain after this page.
    pub has_more: bool,
}

impl Pagination {
    /// Computes the pagination block for a page of `limit` rows at `offset` out of `total`.
    pub fn new(total: u64, limit: u32, offset: u64) -> Self {
        Self {
            total,
            limit,
            offset,
            has_more: offset.saturating_add(u64::from(limit)) < total,
        }
    }

    /// The index range of this page within a result of `total` rows (empty past the end).
    pub fn range(&self) -> std::ops::Range<usize> {
        let total = usize::try_from(self.total).unwrap_or(usize::MAX);
        let start = usize::try_from(self.offset)
            .unwrap_or(usize::MAX)
            .min(total);
        let end = start.saturating_add(self.limit as usize).min(total);
        start..end
    }
}

/// The documented error envelope, with every documented extra field.
///
/// Extras are omitted when absent so each error has exactly the shape the spec shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// Always `false`.
    pub success: bool,
    /// Machine-readable code (`invalid_token`, `out_of_stock`, `invalid_customer_phone`, …).
    pub error: String,
    /// Human-readable explanation; names the offending field where there is one.
    pub message: String,
    /// The request field at fault (`state_code`, `customer.phone`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Per-scheme warnings (`unserviceable_delivery`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warnings: Option<Vec<String>>,
    /// Order total that was needed (`insufficient_balance`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<i64>,
    /// Wallet balance at the time (`insufficient_balance`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<i64>,
    /// Product ids at fault (`out_of_stock`, unknown products).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_ids: Option<Vec<u64>>,
    /// Whether retrying the same request (same idempotency key) may succeed (proxy errors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retryable: Option<bool>,
    /// Seconds to wait before retrying (`rate_limited`; mirrors the `Retry-After` header).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl ErrorBody {
    /// An error with just a code and a message.
    pub fn new(error: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            success: false,
            error: error.into(),
            message: message.into(),
            field: None,
            warnings: None,
            required: None,
            balance: None,
            product_ids: None,
            retryable: None,
            retry_after: None,
        }
    }

    /// Adds the `field` hint.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

/// A validation failure as both sides report it: `422 invalid_<what>` with a field hint.
///
/// Shared so the proxy rejects exactly what the platform would, before spending an upstream call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    /// Error code, e.g. `invalid_customer_name`.
    pub code: String,
    /// The request field at fault, dotted for nested bodies (`customer.name`).
    pub field: Option<String>,
    /// What was wrong, naming the field.
    pub message: String,
}

impl ApiError {
    /// A validation error for `field` with code `code`.
    pub fn invalid(
        code: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            code: code.into(),
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// The error as the documented envelope.
    pub fn to_body(&self) -> ErrorBody {
        let mut body = ErrorBody::new(self.code.clone(), self.message.clone());
        body.field.clone_from(&self.field);
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn error_extras_are_omitted_when_absent() {
        let json = serde_json::to_value(ErrorBody::new("not_found", "No such product.")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"success": false, "error": "not_found", "message": "No such product."})
        );
    }

    proptest! {
        #[test]
        fn pagination_arithmetic(total in 0u64..5000, limit in 1u32..=100, offset in 0u64..6000) {
            let p = Pagination::new(total, limit, offset);
            let r = p.range();
            prop_assert!(r.end - r.start <= limit as usize);
            prop_assert_eq!(p.has_more, (r.end as u64) < total);
            if offset >= total { prop_assert!(r.is_empty()); }
            // pages tile the result with no gap or overlap
            let next = Pagination::new(total, limit, offset + u64::from(limit)).range();
            if !next.is_empty() { prop_assert_eq!(next.start, r.end); }
        }
    }
}

/// Parses a JSON request body, turning serde's failure into `422 invalid_<field>` (or
/// `invalid_json` when the body is not JSON at all) with a message naming the path, so
/// `{"items":[{"product_id":"x"}]}` reports `items[0].product_id`.
pub fn parse_json_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError {
            code: "invalid_json".into(),
            field: None,
            message: "request body must be a JSON object".into(),
        });
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() || path == "." {
            ApiError {
                code: "invalid_json".into(),
                field: None,
                message: format!("request body is not valid JSON: {inner}"),
            }
        } else {
            let top = path.split(['.', '[']).next().unwrap_or("body").to_owned();
            ApiError {
                code: format!("invalid_{top}"),
                field: Some(path.clone()),
                message: format!("{path}: {inner}"),
            }
        }
    })
}

#[cfg(test)]
mod body_tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Body {
        items: Vec<Item>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        product_id: u64,
    }

    #[test]
    fn names_the_path() {
        let e = parse_json_body::<Body>(br#"{"items":[{"product_id":"x"}]}"#).unwrap_err();
        assert_eq!(e.code, "invalid_items");
        assert_eq!(e.field.as_deref(), Some("items[0].product_id"));
        assert_eq!(
            parse_json_body::<Body>(b"{nope").unwrap_err().code,
            "invalid_json"
        );
        assert_eq!(
            parse_json_body::<Body>(b"").unwrap_err().code,
            "invalid_json"
        );
        let missing = parse_json_body::<Body>(b"{}").unwrap_err();
        assert!(missing.message.contains("items"), "{}", missing.message);
    }
}
