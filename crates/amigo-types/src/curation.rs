//! Curation lists: discovery summaries and a list's token-seeded products.

use serde::{Deserialize, Serialize};

use crate::catalog::Product;
use crate::envelope::{ApiError, DataEnvelope};
use crate::query::{QueryPairs, shorten};

/// A list's description, as embedded in a fetch response.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurationListInfo {
    /// Slug (`featured`, `deals`, or a custom one).
    pub slug: String,
    /// Display name.
    pub name: String,
    /// How the pool is chosen: `manual`, `new`, `bestseller`, `deals`.
    pub source_type: String,
    /// One-line description.
    pub description: String,
    /// Products returned when `limit` is not given.
    pub default_limit: u32,
    /// Cap on the pool before the shuffle; also caps `limit`.
    pub pool_size: u32,
}

/// A list as enumerated by discovery: its info plus how many products it currently holds.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurationListSummary {
    /// The list.
    #[serde(flatten)]
    pub info: CurationListInfo,
    /// Eligible (in-stock, capped) products in the pool right now.
    pub product_count: u32,
}

/// `GET curation/?type=…` data.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurationProducts {
    /// The list.
    pub list: CurationListInfo,
    /// Token-seeded subset, in-stock only.
    pub products: Vec<Product>,
}

/// A `GET curation/` body, which has two shapes: discovery (no `type`) lists the active lists, a
/// fetch (`type=<slug>`) gives one list and its products. The proxy's OpenAPI document describes
/// the endpoint with this type (`oneOf`).
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CurationResponse {
    /// Discovery: `{success, data: [list summary…]}`.
    Lists(DataEnvelope<Vec<CurationListSummary>>),
    /// One list: `{success, data: {list, products}}`.
    List(DataEnvelope<CurationProducts>),
}

/// What a curation request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CurationQuery {
    /// No `type`/`slug`: enumerate active lists.
    Discover,
    /// One list's products, with an optional limit override.
    Fetch {
        /// List slug.
        slug: String,
        /// Requested size; capped at the pool size by the server.
        limit: Option<u32>,
    },
}

impl CurationQuery {
    /// Parses `type` (or its alias `slug`) and `limit`.
    pub fn parse(q: &QueryPairs) -> Result<Self, ApiError> {
        let Some(slug) = q.non_empty("type").or_else(|| q.non_empty("slug")) else {
            return Ok(CurationQuery::Discover);
        };
        let slug = slug.trim();
        if slug.len() > 64
            || !slug
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(ApiError::invalid(
                "invalid_type",
                "type",
                format!("type must be a list slug, got '{}'", shorten(slug)),
            ));
        }
        // The docs: limit is "capped server-side at the list's pool_size", so a large limit is
        // clamped (here to u32::MAX, then by the server to the pool), never refused.
        let limit = q
            .capped_u64("limit", 1, u64::from(u32::MAX))?
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX));
        Ok(CurationQuery::Fetch {
            slug: slug.to_ascii_lowercase(),
            limit,
        })
    }

    /// Canonical query string (for forwarding and cache keys).
    pub fn to_query_string(&self) -> String {
        match self {
            CurationQuery::Discover => String::new(),
            CurationQuery::Fetch { slug, limit } => {
                let mut parts = vec![("type".to_owned(), slug.clone())];
                if let Some(l) = limit {
                    parts.push(("limit".to_owned(), l.to_string()));
                }
                crate::catalog::encode_pairs(&parts)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> QueryPairs {
        QueryPairs::from_strs(pairs)
    }

    #[test]
    fn slug_is_an_alias_of_type() {
        assert_eq!(
            CurationQuery::parse(&q(&[("slug", "deals"), ("limit", "4")])).unwrap(),
            CurationQuery::Fetch {
                slug: "deals".into(),
                limit: Some(4)
            }
        );
        assert_eq!(
            CurationQuery::parse(&q(&[])).unwrap(),
            CurationQuery::Discover
        );
        assert_eq!(
            CurationQuery::parse(&q(&[("type", "x"), ("limit", "5000000000000")])).unwrap(),
            CurationQuery::Fetch {
                slug: "x".into(),
                limit: Some(u32::MAX)
            },
            "a huge limit is capped, not refused"
        );
        assert_eq!(
            CurationQuery::parse(&q(&[("type", "x"), ("limit", "zero")]))
                .unwrap_err()
                .code,
            "invalid_limit"
        );
    }

    #[test]
    fn a_curation_body_reads_as_the_shape_it_has() {
        let info = r#"{"slug": "deals", "name": "Deals", "source_type": "deals",
            "description": "Products with market discount.", "default_limit": 8, "pool_size": 50"#;
        let lists: CurationResponse = serde_json::from_str(&format!(
            r#"{{"success": true, "data": [{info}, "product_count": 17}}]}}"#
        ))
        .unwrap();
        assert!(matches!(lists, CurationResponse::Lists(env) if env.data[0].product_count == 17));
        let list: CurationResponse = serde_json::from_str(&format!(
            r#"{{"success": true, "data": {{"list": {info}}}, "products": []}}}}"#
        ))
        .unwrap();
        assert!(matches!(list, CurationResponse::List(env) if env.data.list.slug == "deals"));
    }

    #[test]
    fn summary_flattens_info() {
        let s = CurationListSummary {
            info: CurationListInfo {
                slug: "featured".into(),
                name: "Featured".into(),
                source_type: "manual".into(),
                description: "Admin-picked highlights.".into(),
                default_limit: 8,
                pool_size: 50,
            },
            product_count: 12,
        };
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["slug"], "featured");
        assert_eq!(v["product_count"], 12);
    }
}
