//! The widget's routes and their URL-hash form (`#/c/{slug}?q=&sort=`, `#/p/{slug}`, `#/cart`,
//! `#/checkout`, `#/data`). Hashes that are not ours (`#top`) parse to `None` so the merchant's own
//! anchors and routers are left alone.

use amigo_types::catalog::{ProductSort, encode_pairs};

use super::browse::{Browse, parse_brand};

/// Where the shopper is inside the widget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Home: category nav, carousels and the product grid with these filters.
    Browse(Browse),
    /// One product by slug.
    Product(String),
    /// The cart.
    Cart,
    /// Checkout (part 2 of the widget).
    Checkout,
    /// "Buy data" (mobile data top-ups), when the merchant enabled it.
    Data,
    /// Tracking one order: its reference and the phone it was placed with (both in the URL, so
    /// the link keeps working after a reload).
    Order {
        /// `AMG-COM-…` reference, or a checkout's `CHK-…`.
        reference: String,
        /// The customer's phone (for data, the line topped up). Empty only for a checkout
        /// reached without one (Paystack's way back): the page then finds it.
        phone: String,
    },
}

impl Default for Route {
    fn default() -> Self {
        Route::Browse(Browse::default())
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty() && s.len() <= 200 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Decodes `%XX` escapes and `+` (as a space) in a query component; invalid escapes are kept
/// literally and invalid UTF-8 is replaced.
pub fn percent_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Route {
    /// Parses `location.hash` (with or without the leading `#`). `None` for hashes that are
    /// not the widget's.
    pub fn parse_hash(hash: &str) -> Option<Route> {
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        if hash.is_empty() {
            return Some(Route::default());
        }
        let rest = hash.strip_prefix('/')?;
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let path = path.trim_end_matches('/');
        let mut parts = path.splitn(2, '/');
        match (parts.next().unwrap_or(""), parts.next()) {
            ("", None) => Some(Route::Browse(parse_browse(None, query))),
            ("c", Some(slug)) if is_slug(slug) => {
                Some(Route::Browse(parse_browse(Some(slug.to_owned()), query)))
            }
            ("p", Some(slug)) if is_slug(slug) => Some(Route::Product(slug.to_owned())),
            ("cart", None) => Some(Route::Cart),
            ("checkout", None) => Some(Route::Checkout),
            ("data", None) => Some(Route::Data),
            // an Amigo order (`AMG-COM-…`) or a checkout awaiting payment (`CHK-…`), which
            // the tracking page tells apart
            ("order", Some(reference))
                if crate::checkout::tracking::is_reference(reference)
                    || amigo_types::checkout::is_checkout_reference(reference) =>
            {
                let phone = query
                    .split('&')
                    .filter_map(|p| p.split_once('='))
                    .find(|(k, _)| *k == "phone")
                    .map(|(_, v)| percent_decode(v))
                    .filter(|v| !v.is_empty() && v.len() <= 20);
                // without a phone only a checkout, whose page finds it in this browser's drafts
                let phone = match phone {
                    Some(p) => p,
                    None if amigo_types::checkout::is_checkout_reference(reference) => {
                        String::new()
                    }
                    None => return None,
                };
                Some(Route::Order {
                    reference: reference.to_owned(),
                    phone,
                })
            }
            _ => None,
        }
    }

    /// The hash for this route, starting with `#/`.
    pub fn to_hash(&self) -> String {
        match self {
            Route::Browse(b) => {
                let mut pairs: Vec<(String, String)> = Vec::new();
                let q = b.q.trim();
                if !q.is_empty() {
                    pairs.push(("q".into(), q.into()));
                }
                if let Some(brand) = b.brand {
                    pairs.push(("brand".into(), brand.as_str().into()));
                }
                if b.in_stock {
                    pairs.push(("in_stock".into(), "true".into()));
                }
                if b.sort != ProductSort::New {
                    pairs.push(("sort".into(), b.sort.as_str().into()));
                }
                let path = match &b.category {
                    Some(c) => format!("#/c/{c}"),
                    None => "#/".to_owned(),
                };
                if pairs.is_empty() {
                    path
                } else {
                    format!("{path}?{}", encode_pairs(&pairs))
                }
            }
            Route::Product(slug) => format!("#/p/{slug}"),
            Route::Cart => "#/cart".to_owned(),
            Route::Checkout => "#/checkout".to_owned(),
            Route::Data => "#/data".to_owned(),
            Route::Order { reference, phone } if phone.is_empty() => format!("#/order/{reference}"),
            Route::Order { reference, phone } => {
                crate::checkout::tracking::tracking_hash(reference, phone)
            }
        }
    }
}

fn parse_browse(category: Option<String>, query: &str) -> Browse {
    let mut b = Browse {
        category,
        ..Browse::default()
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = percent_decode(v);
        match k {
            "q" => {
                b.q = v
                    .chars()
                    .take(amigo_types::catalog::MAX_SEARCH_LEN)
                    .collect();
            }
            "brand" => b.brand = parse_brand(&v),
            "in_stock" => b.in_stock = v == "true",
            "sort" => b.sort = ProductSort::parse(&v).unwrap_or_default(),
            _ => {}
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use amigo_types::catalog::Brand;

    #[test]
    fn round_trips() {
        let routes = [
            Route::default(),
            Route::Data,
            Route::Browse(Browse {
                category: Some("power-banks".into()),
                q: "fast & 20% off ₦".into(),
                brand: Some(Brand::Amigo),
                in_stock: true,
                sort: ProductSort::PriceDesc,
            }),
            Route::Browse(Browse {
                q: "a+b".into(),
                ..Browse::default()
            }),
            Route::Product("oraimo-traveler-3".into()),
            Route::Cart,
            Route::Checkout,
            Route::Order {
                reference: "AMG-COM-TEST-20260520-AB12CD".into(),
                phone: "08031234567".into(),
            },
            Route::Order {
                reference: "CHK-7H3K9Q2M4X".into(),
                phone: "08031234567".into(),
            },
            // where the proxy sends the shopper back after paying: no phone in it
            Route::Order {
                reference: "CHK-7H3K9Q2M4X".into(),
                phone: String::new(),
            },
        ];
        for r in routes {
            assert_eq!(
                Route::parse_hash(&r.to_hash()),
                Some(r.clone()),
                "{}",
                r.to_hash()
            );
        }
    }

    #[test]
    fn documented_forms_parse() {
        assert_eq!(
            Route::parse_hash("#/c/power-banks?q=traveler&sort=price_asc"),
            Some(Route::Browse(Browse {
                category: Some("power-banks".into()),
                q: "traveler".into(),
                sort: ProductSort::PriceAsc,
                ..Browse::default()
            }))
        );
        assert_eq!(Route::parse_hash(""), Some(Route::default()));
        assert_eq!(Route::parse_hash("#/"), Some(Route::default()));
        assert_eq!(Route::parse_hash("#/cart/"), Some(Route::Cart));
        assert_eq!(
            Route::parse_hash("#/p/x-1"),
            Some(Route::Product("x-1".into()))
        );
    }

    #[test]
    fn foreign_and_hostile_hashes_are_not_ours() {
        for h in [
            "#top",
            "#section-2",
            "#/p/",
            "#/p/<img>",
            "#/c/a b",
            "#/admin",
            "#/p/a/b",
            "#/order/AMG-COM-1",
            "#/order/AMG-COM-<x>?phone=0803",
            "#/order/CHK-short?phone=08031234567",
            "#/order/CHK-short",
            "#/order/AMG-COM-TEST-20260520-AB12CD",
        ] {
            assert_eq!(Route::parse_hash(h), None, "{h}");
        }
        // unknown values fall back to defaults rather than failing
        assert_eq!(
            Route::parse_hash("#/?sort=cheapest&brand=tecno&in_stock=maybe&x=1"),
            Some(Route::default())
        );
    }

    #[test]
    fn percent_decoding_is_lenient() {
        assert_eq!(percent_decode("a%20b+c"), "a b c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%E2%82%A6"), "₦");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    }
}
