//! Catalog wire types (products, categories) and the product-list query every side parses alike.

use serde::{Deserialize, Serialize};

use crate::envelope::{ApiError, DataEnvelope, ListEnvelope};
use crate::money::format_naira;
use crate::query::{QueryPairs, shorten};

/// The two catalog brands.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Brand {
    /// Oraimo accessories.
    Oraimo,
    /// Amigo's own brand.
    Amigo,
}

impl Brand {
    /// The wire value (`oraimo`, `amigo`).
    pub fn as_str(self) -> &'static str {
        match self {
            Brand::Oraimo => "oraimo",
            Brand::Amigo => "amigo",
        }
    }

    /// Display name for people (`Oraimo`, `Amigo`).
    pub fn label(self) -> &'static str {
        match self {
            Brand::Oraimo => "Oraimo",
            Brand::Amigo => "Amigo",
        }
    }
}

/// A compare-at ("market") price: what the item sells for elsewhere. Present only when the
/// catalog price is a discount on it; feeds the Deals list and the struck-through price.
///
/// The docs elide its contents (`"market": {…}`), so it is read tolerantly (see [`Price`]): only
/// `amount` is needed; `display` and `discount_percent` are derived when missing.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MarketPrice {
    /// Compare-at price in whole Naira (always above the catalog price).
    pub amount: i64,
    /// Display string of `amount` (derived with [`format_naira`] when the platform sends none).
    /// Not required in the schema: the proxy passes Amigo's catalog bytes through, and the docs
    /// do not promise it.
    #[cfg_attr(feature = "schema", schema(required = false))]
    pub display: String,
    /// Whole-percent saving against `amount`, rounded down (derived when the platform sends
    /// none). Not required in the schema, as `display`.
    #[cfg_attr(feature = "schema", schema(required = false))]
    pub discount_percent: u8,
}

impl MarketPrice {
    /// The compare-at price `compare_at` of something sold at `amount`, its display and discount
    /// derived; `None` when it is not above `amount` (a "saving" of nothing misleads).
    pub fn derived(compare_at: i64, amount: i64) -> Option<Self> {
        (amount >= 0 && compare_at > amount).then(|| Self {
            amount: compare_at,
            display: format_naira(compare_at),
            discount_percent: discount_percent(compare_at, amount),
        })
    }

    /// Reads the wire `market` of a price of `amount`: an object with a whole-Naira `amount`
    /// above the price, with `display` and `discount_percent` taken when they are readable and
    /// derived when not. Anything else (absent, `null`, another shape) is no compare-at price:
    /// never an error, since a product is sellable without one.
    fn from_wire(raw: Option<&serde_json::Value>, amount: i64) -> Option<Self> {
        let raw = raw.filter(|v| !v.is_null())?;
        let read = raw
            .get("amount")
            .and_then(whole_naira)
            .and_then(|compare_at| Self::derived(compare_at, amount));
        let Some(mut market) = read else {
            #[cfg(feature = "tracing")]
            tracing::debug!(
                price = amount,
                "product price: unreadable market price (or not above the price), shown as none"
            );
            return None;
        };
        if let Some(display) = raw
            .get("display")
            .and_then(serde_json::Value::as_str)
            .filter(|d| !d.is_empty())
        {
            display.clone_into(&mut market.display);
        }
        if let Some(percent) = raw
            .get("discount_percent")
            .and_then(serde_json::Value::as_u64)
            .filter(|p| (1..=100).contains(p))
            .and_then(|p| u8::try_from(p).ok())
        {
            market.discount_percent = percent;
        }
        Some(market)
    }
}

/// A whole number of Naira from JSON: an integer, or a float with no fraction (`19999.0`).
fn whole_naira(v: &serde_json::Value) -> Option<i64> {
    v.as_i64().or_else(|| {
        v.as_f64()
            .filter(|f| f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    })
}

/// Whole-percent saving of `amount` against `compare_at`, rounded down, as the platform
/// computes it (`compare_at > amount ≥ 0`).
pub(crate) fn discount_percent(compare_at: i64, amount: i64) -> u8 {
    let saving = (i128::from(compare_at) - i128::from(amount)) * 100 / i128::from(compare_at);
    u8::try_from(saving.clamp(0, 100)).unwrap_or(100)
}

/// A product's price block.
///
/// Read tolerantly, because a product that cannot be read cannot be sold: only `amount` is
/// required. The docs say "most responses also include" the display string, so a missing
/// `display` is derived ([`format_naira`]); a missing `currency` is `NGN` (money is integer
/// Naira); `market`, whose contents the docs elide, is read by [`MarketPrice`]'s rules.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Price {
    /// Whole Naira.
    pub amount: i64,
    /// Display string (`₦14,500`).
    pub display: String,
    /// Always `NGN`.
    pub currency: String,
    /// Compare-at price when discounted; `null` otherwise.
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub market: Option<MarketPrice>,
}

impl<'de> Deserialize<'de> for Price {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// The wire block: everything but `amount` kept raw, to be read by the rules above.
        #[derive(Deserialize)]
        struct Wire {
            amount: i64,
            #[serde(default)]
            display: Option<serde_json::Value>,
            #[serde(default)]
            currency: Option<serde_json::Value>,
            #[serde(default)]
            market: Option<serde_json::Value>,
        }
        let wire = Wire::deserialize(deserializer)?;
        let text = |v: Option<serde_json::Value>| match v {
            Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s),
            _ => None,
        };
        Ok(Self {
            amount: wire.amount,
            display: text(wire.display).unwrap_or_else(|| format_naira(wire.amount)),
            currency: text(wire.currency).unwrap_or_else(|| "NGN".to_owned()),
            market: MarketPrice::from_wire(wire.market.as_ref(), wire.amount),
        })
    }
}

/// The category a product belongs to, as embedded in a product.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryRef {
    /// Category id.
    pub id: u32,
    /// URL slug (`power-banks`).
    pub slug: String,
    /// Display name.
    pub name: String,
}

/// Stock as documented: a flag plus the count.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stock {
    /// `count > 0`.
    pub in_stock: bool,
    /// Units available.
    pub count: u32,
}

/// Average rating and how many ratings it is built on (none yet: `0.0` from `0`).
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Rating {
    /// 0.0–5.0, one decimal.
    pub value: f32,
    /// Number of ratings.
    pub count: u32,
}

/// One product image.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductImage {
    /// 1-based order in the gallery.
    pub position: u8,
    /// Absolute URL of the image.
    pub url: String,
}

/// A catalog product, the same shape in lists, single reads and curation lists.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    /// Numeric id (may be renumbered; slugs are stable).
    pub id: u64,
    /// Stable URL slug.
    pub slug: String,
    /// Brand.
    pub brand: Brand,
    /// Display name. Untrusted text: render as text, never as HTML.
    pub name: String,
    /// Description. Untrusted text: render as text, never as HTML. Empty when missing: the
    /// widget reads catalog pages tolerantly, so a product without an optional field never
    /// blanks the store (the writer, the sandbox, always sends it).
    #[cfg_attr(feature = "schema", schema(required = true))]
    #[serde(default)]
    pub description: String,
    /// Price block.
    pub price: Price,
    /// Category.
    pub category: CategoryRef,
    /// Stock.
    pub stock: Stock,
    /// Rating (none yet when missing).
    #[cfg_attr(feature = "schema", schema(required = true))]
    #[serde(default)]
    pub rating: Rating,
    /// 1–4 images in gallery order (none when missing: the card shows its empty image box).
    #[cfg_attr(feature = "schema", schema(required = true))]
    #[serde(default)]
    pub images: Vec<ProductImage>,
    /// Delivery scheme id; `null` for products with no scheme (always-free bucket).
    #[serde(default)]
    pub delivery_scheme_id: Option<u32>,
    /// Whether the standard delivery tier is free for this product.
    #[serde(default)]
    pub free_delivery: bool,
    /// ISO 8601 with a `+01:00` offset (empty when missing).
    #[cfg_attr(feature = "schema", schema(required = true))]
    #[serde(default)]
    pub updated_at: String,
}

/// A category with its product count (`GET categories/`).
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// Category id.
    pub id: u32,
    /// URL slug.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Products in the category.
    pub product_count: u32,
}

/// A `GET products/` body, which has two shapes: a page of products with its pagination, or one
/// product (`?id=` / `?slug=`). The proxy's OpenAPI document describes the endpoint with this
/// type (`oneOf`); a reader that does not know which shape it asked for parses into it.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ProductsResponse {
    /// The paginated list: `{success, data: [product…], pagination}`.
    Page(ListEnvelope<Product>),
    /// One product: `{success, data: product}`.
    // boxed: a product is far larger than a page, which holds its products on the heap
    One(Box<DataEnvelope<Product>>),
}

/// Sort orders of `GET products/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductSort {
    /// Most recently updated first (the default).
    #[default]
    New,
    /// Cheapest first.
    PriceAsc,
    /// Dearest first.
    PriceDesc,
    /// By name, A–Z.
    Name,
}

impl ProductSort {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            ProductSort::New => "new",
            ProductSort::PriceAsc => "price_asc",
            ProductSort::PriceDesc => "price_desc",
            ProductSort::Name => "name",
        }
    }

    /// Parses a wire value.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "new" => Some(ProductSort::New),
            "price_asc" => Some(ProductSort::PriceAsc),
            "price_desc" => Some(ProductSort::PriceDesc),
            "name" => Some(ProductSort::Name),
            _ => None,
        }
    }
}

/// Largest page the platform serves.
pub const MAX_PAGE_LIMIT: u32 = 100;
/// Page size when `limit` is omitted.
pub const DEFAULT_PAGE_LIMIT: u32 = 20;
/// Longest free-text search accepted (`q`).
pub const MAX_SEARCH_LEN: usize = 100;
/// Longest offset accepted; far beyond any catalog, it only stops overflow games.
pub const MAX_OFFSET: u64 = 1_000_000;

/// What to look up with `GET products/`: one product, or a filtered page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProductLookup {
    /// `?id=N`.
    ById(u64),
    /// `?slug=X`.
    BySlug(String),
    /// The paginated list.
    List(ProductQuery),
}

/// A validated product-list query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProductQuery {
    /// Category slug filter (validated against the catalog by whoever holds it).
    pub category: Option<String>,
    /// Brand filter.
    pub brand: Option<Brand>,
    /// `Some(true)` keeps only in-stock items.
    pub in_stock: Option<bool>,
    /// Free text over name and description, trimmed.
    pub q: Option<String>,
    /// Sort order.
    pub sort: ProductSort,
    /// Page size, 1–100.
    pub limit: u32,
    /// Rows to skip.
    pub offset: u64,
}

impl ProductLookup {
    /// Parses the documented parameters of `GET products/`.
    ///
    /// Errors are `invalid_<param>`. Unknown parameters are ignored.
    pub fn parse(q: &QueryPairs) -> Result<Self, ApiError> {
        if let Some(id) = q.non_empty("id") {
            return id
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .map(ProductLookup::ById)
                .ok_or_else(|| {
                    ApiError::invalid(
                        "invalid_id",
                        "id",
                        format!("id must be a positive whole number, got '{}'", shorten(id)),
                    )
                });
        }
        if let Some(slug) = q.non_empty("slug") {
            let slug = slug.trim();
            if slug.len() > 200 || !slug.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(ApiError::invalid(
                    "invalid_slug",
                    "slug",
                    format!(
                        "slug must be lowercase letters, digits and dashes, got '{}'",
                        shorten(slug)
                    ),
                ));
            }
            return Ok(ProductLookup::BySlug(slug.to_ascii_lowercase()));
        }
        ProductQuery::parse(q).map(ProductLookup::List)
    }
}

impl ProductQuery {
    /// Parses the list parameters (`category, brand, in_stock, q, sort, limit, offset`).
    pub fn parse(q: &QueryPairs) -> Result<Self, ApiError> {
        let category = match q.non_empty("category") {
            None => None,
            Some(c) => {
                let c = c.trim();
                if c.len() > 64 || !c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                    return Err(ApiError::invalid(
                        "invalid_category",
                        "category",
                        format!("category must be a category slug, got '{}'", shorten(c)),
                    ));
                }
                Some(c.to_ascii_lowercase())
            }
        };
        let brand = match q.non_empty("brand") {
            None => None,
            Some(b) => Some(match b.trim().to_ascii_lowercase().as_str() {
                "oraimo" => Brand::Oraimo,
                "amigo" => Brand::Amigo,
                _ => {
                    return Err(ApiError::invalid(
                        "invalid_brand",
                        "brand",
                        format!("brand must be 'oraimo' or 'amigo', got '{}'", shorten(b)),
                    ));
                }
            }),
        };
        let in_stock = q.boolean("in_stock")?;
        let text = match q.get("q").map(str::trim) {
            None | Some("") => None,
            Some(t) if t.chars().count() > MAX_SEARCH_LEN => {
                return Err(ApiError::invalid(
                    "invalid_q",
                    "q",
                    format!("q must be at most {MAX_SEARCH_LEN} characters"),
                ));
            }
            Some(t) => Some(t.to_owned()),
        };
        let sort = match q.non_empty("sort") {
            None => ProductSort::default(),
            Some(s) => ProductSort::parse(s.trim()).ok_or_else(|| {
                ApiError::invalid(
                    "invalid_sort",
                    "sort",
                    format!(
                        "sort must be one of price_asc, price_desc, name, new; got '{}'",
                        shorten(s)
                    ),
                )
            })?,
        };
        // "max 100": a larger limit is capped, not refused (a client asking for more gets the
        // most a page holds); 0 or a non-number is still `invalid_limit`
        let limit = q
            .capped_u64("limit", 1, u64::from(MAX_PAGE_LIMIT))?
            .map_or(DEFAULT_PAGE_LIMIT, |n| n as u32);
        let offset = q.bounded_u64("offset", 0, MAX_OFFSET)?.unwrap_or(0);
        Ok(Self {
            category,
            brand,
            in_stock,
            q: text,
            sort,
            limit,
            offset,
        })
    }

    /// The canonical query string for this query (only documented parameters, fixed order):
    /// what the proxy forwards and caches by.
    pub fn to_query_string(&self) -> String {
        let mut parts: Vec<(String, String)> = Vec::new();
        if let Some(c) = &self.category {
            parts.push(("category".into(), c.clone()));
        }
        if let Some(b) = self.brand {
            parts.push(("brand".into(), b.as_str().into()));
        }
        if let Some(s) = self.in_stock {
            parts.push(("in_stock".into(), s.to_string()));
        }
        if let Some(t) = &self.q {
            parts.push(("q".into(), t.clone()));
        }
        parts.push(("sort".into(), self.sort.as_str().into()));
        parts.push(("limit".into(), self.limit.to_string()));
        parts.push(("offset".into(), self.offset.to_string()));
        encode_pairs(&parts)
    }
}

/// Percent-encodes `key=value` pairs for a URL query (RFC 3986 unreserved characters kept).
pub fn encode_pairs(parts: &[(String, String)]) -> String {
    fn enc(s: &str, out: &mut String) {
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    let mut out = String::new();
    for (i, (k, v)) in parts.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        enc(k, &mut out);
        out.push('=');
        enc(v, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_product_missing_optional_fields_still_reads_and_unknown_fields_are_ignored() {
        let raw = r#"{"id": 7, "slug": "p", "brand": "oraimo", "name": "P",
            "price": {"amount": 100, "currency": "NGN", "display": "₦100"},
            "category": {"id": 1, "slug": "c", "name": "C"},
            "stock": {"in_stock": true, "count": 3},
            "brand_new_field": {"x": 1}}"#;
        let p: Product = serde_json::from_str(raw).unwrap();
        assert_eq!(
            (p.description.as_str(), p.images.len(), p.rating.count),
            ("", 0, 0)
        );
    }

    #[test]
    fn a_products_body_reads_as_the_shape_it_has() {
        let product = r#"{"id": 7, "slug": "p", "brand": "amigo", "name": "P",
            "price": {"amount": 100, "currency": "NGN", "display": "₦100", "market": null},
            "category": {"id": 1, "slug": "c", "name": "C"},
            "stock": {"in_stock": true, "count": 3}}"#;
        let one: ProductsResponse =
            serde_json::from_str(&format!(r#"{{"success": true, "data": {product}}}"#)).unwrap();
        assert!(matches!(one, ProductsResponse::One(env) if env.data.id == 7));
        let page: ProductsResponse = serde_json::from_str(&format!(
            r#"{{"success": true, "data": [{product}],
                "pagination": {{"total": 1, "limit": 20, "offset": 0, "has_more": false}}}}"#
        ))
        .unwrap();
        assert!(matches!(page, ProductsResponse::Page(env) if env.data.len() == 1));
        // a list that lost its pagination is neither shape
        assert!(
            serde_json::from_str::<ProductsResponse>(&format!(
                r#"{{"success": true, "data": [{product}]}}"#
            ))
            .is_err()
        );
    }

    fn price(raw: &str) -> Price {
        serde_json::from_str(raw).unwrap_or_else(|e| panic!("{raw}: {e}"))
    }

    #[test]
    fn a_full_market_price_is_read_as_sent() {
        let p = price(
            r#"{"amount": 14500, "display": "₦14,500", "currency": "NGN",
                "market": {"amount": 20000, "display": "₦20,000", "discount_percent": 27}}"#,
        );
        assert_eq!(
            p.market,
            Some(MarketPrice {
                amount: 20000,
                display: "₦20,000".into(),
                discount_percent: 27,
            })
        );
    }

    #[test]
    fn a_market_price_with_only_an_amount_has_its_display_and_discount_derived() {
        let p = price(
            r#"{"amount": 14500, "display": "₦14,500", "currency": "NGN", "market": {"amount": 19999}}"#,
        );
        // (19999 − 14500) × 100 / 19999 = 27.49…: rounded down
        assert_eq!(
            p.market,
            Some(MarketPrice {
                amount: 19999,
                display: "₦19,999".into(),
                discount_percent: 27,
            })
        );
        // a whole float is whole Naira; extra fields are ignored
        let p = price(r#"{"amount": 900, "market": {"amount": 1000.0, "was": "x"}}"#);
        assert_eq!(
            p.market.map(|m| (m.amount, m.discount_percent)),
            Some((1000, 10))
        );
    }

    #[test]
    fn a_missing_or_null_market_is_no_compare_at_price() {
        assert_eq!(
            price(r#"{"amount": 100, "display": "₦100", "currency": "NGN"}"#).market,
            None
        );
        assert_eq!(
            price(r#"{"amount": 100, "display": "₦100", "currency": "NGN", "market": null}"#)
                .market,
            None
        );
    }

    #[test]
    fn an_unreadable_market_is_no_compare_at_price_never_an_error() {
        for market in [
            r#"{}"#,
            r#"{"amount": "20000"}"#,
            r#"{"amount": 19999.5}"#,
            r#"{"amount": null, "display": "₦20,000", "discount_percent": 10}"#,
            r#"{"price": 20000}"#,
            r#"20000"#,
            r#""₦20,000""#,
            r#"[20000]"#,
            r#"true"#,
            // not above the price: no saving to show
            r#"{"amount": 14500}"#,
            r#"{"amount": 100}"#,
            r#"{"amount": -5}"#,
        ] {
            let raw = format!(
                r#"{{"amount": 14500, "display": "₦14,500", "currency": "NGN", "market": {market}}}"#
            );
            assert_eq!(price(&raw).market, None, "{market}");
        }
    }

    #[test]
    fn an_unreadable_discount_or_display_is_derived() {
        for extra in [
            r#""discount_percent": "50%", "display": 2000"#,
            r#""discount_percent": 0, "display": null"#,
            r#""discount_percent": 250, "display": """#,
            r#""discount_percent": -3"#,
        ] {
            let raw = format!(r#"{{"amount": 1000, "market": {{"amount": 2000, {extra}}}}}"#);
            let m = price(&raw).market.unwrap_or_else(|| panic!("{extra}"));
            assert_eq!(
                (m.display.as_str(), m.discount_percent),
                ("₦2,000", 50),
                "{extra}"
            );
        }
    }

    #[test]
    fn a_price_needs_only_its_amount() {
        let p = price(r#"{"amount": 14500}"#);
        assert_eq!(
            (p.display.as_str(), p.currency.as_str(), p.market),
            ("₦14,500", "NGN", None)
        );
        assert!(serde_json::from_str::<Price>(r#"{"display": "₦1"}"#).is_err());
        assert!(serde_json::from_str::<Price>(r#"{"amount": "cheap"}"#).is_err());
    }

    #[test]
    fn a_product_whose_market_has_only_an_amount_reads() {
        let raw = r#"{"id": 7, "slug": "p", "brand": "oraimo", "name": "P",
            "price": {"amount": 750, "currency": "NGN", "display": "₦750", "market": {"amount": 1000}},
            "category": {"id": 1, "slug": "c", "name": "C"},
            "stock": {"in_stock": true, "count": 3}}"#;
        let p: Product = serde_json::from_str(raw).unwrap();
        assert_eq!(p.price.market.map(|m| m.discount_percent), Some(25));
    }

    fn q(pairs: &[(&str, &str)]) -> QueryPairs {
        QueryPairs::from_strs(pairs)
    }

    #[test]
    fn a_limit_over_the_maximum_is_capped() {
        assert_eq!(
            ProductQuery::parse(&q(&[("limit", "101")])).unwrap().limit,
            100
        );
        assert_eq!(
            ProductQuery::parse(&q(&[("limit", "100000")]))
                .unwrap()
                .limit,
            100
        );
    }

    #[test]
    fn defaults() {
        let p = ProductQuery::parse(&q(&[])).unwrap();
        assert_eq!(p.limit, 20);
        assert_eq!(p.offset, 0);
        assert_eq!(p.sort, ProductSort::New);
    }

    #[test]
    fn each_bad_parameter_names_itself() {
        for (k, v) in [
            ("brand", "tecno"),
            ("sort", "cheapest"),
            ("limit", "0"),
            ("offset", "-3"),
            ("in_stock", "perhaps"),
            ("category", "<script>"),
            ("id", "abc"),
            ("slug", "a b"),
        ] {
            let err = ProductLookup::parse(&q(&[(k, v)])).unwrap_err();
            assert_eq!(err.code, format!("invalid_{k}"), "{k}={v}");
        }
        let long = "x".repeat(101);
        assert_eq!(
            ProductLookup::parse(&q(&[("q", &long)])).unwrap_err().code,
            "invalid_q"
        );
    }

    #[test]
    fn id_and_slug_select_one() {
        assert_eq!(
            ProductLookup::parse(&q(&[("id", "42")])).unwrap(),
            ProductLookup::ById(42)
        );
        assert_eq!(
            ProductLookup::parse(&q(&[("slug", "Oraimo-X")])).unwrap(),
            ProductLookup::BySlug("oraimo-x".into())
        );
    }

    #[test]
    fn canonical_query_string_is_encoded_and_stable() {
        let p = ProductQuery::parse(&q(&[
            ("q", "fast & cheap"),
            ("brand", "Oraimo"),
            ("junk", "1"),
        ]))
        .unwrap();
        assert_eq!(
            p.to_query_string(),
            "brand=oraimo&q=fast%20%26%20cheap&sort=new&limit=20&offset=0"
        );
    }
}
