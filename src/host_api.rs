//! The merchant page's JS API (issue 26) as plain data: what `open(route)` and
//! `addToCart(productId, quantity)` accept, checked as strictly as a click would be, and the
//! copy `cart()` hands out. Unit-tested natively; [`crate::host_api_dom`] wires it to the host
//! element.
//!
//! Arguments arrive as the loader hands them over, the page's two values as one JSON array (see
//! [`args_from_json`]), read into an [`Arg`] each, so anything unexpected is refused with a
//! sentence the page's developer can act on.

use amigo_types::catalog::MAX_SEARCH_LEN;

use crate::events::Sink;
use crate::state::browse::Browse;
use crate::state::cart::{Cart, MAX_QUANTITY};
use crate::state::route::Route;

/// Longest slug the API takes (catalog slugs are far shorter).
const MAX_SLUG: usize = 120;

/// One argument a page passed, as far as the API reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// `undefined` or `null`.
    Missing,
    /// A string.
    Text(String),
    /// A number.
    Number(f64),
    /// An object with exactly one own key, and its value when that is a string.
    Entry(String, Option<String>),
    /// Anything else (an array, an object of other keys, a boolean).
    Other,
}

impl From<serde_json::Value> for Arg {
    fn from(v: serde_json::Value) -> Self {
        use serde_json::Value;
        match v {
            Value::Null => Arg::Missing,
            Value::String(s) => Arg::Text(s),
            Value::Number(n) => n.as_f64().map_or(Arg::Other, Arg::Number),
            Value::Object(map) if map.len() == 1 => match map.into_iter().next() {
                Some((k, v)) => Arg::Entry(k, v.as_str().map(str::to_owned)),
                None => Arg::Other,
            },
            _ => Arg::Other,
        }
    }
}

/// The two arguments of a call, from the JSON array the loader makes of them
/// (`JSON.stringify([a, b])`: `undefined` reads as `null`, and the loader writes `NaN`,
/// `Infinity` and `BigInt`s as text so that they are refused, or read, as such). Anything but an
/// array reads as two [`Arg::Other`]s, which every method refuses.
pub fn args_from_json(text: &str) -> (Arg, Arg) {
    match serde_json::from_str::<Vec<serde_json::Value>>(text) {
        Ok(values) => {
            let mut values = values.into_iter().map(Arg::from);
            (
                values.next().unwrap_or(Arg::Missing),
                values.next().unwrap_or(Arg::Missing),
            )
        }
        Err(_) => (Arg::Other, Arg::Other),
    }
}

fn slug(raw: Option<&str>, what: &str) -> Result<String, String> {
    let s = raw
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.len() <= MAX_SLUG)
        .filter(|s| {
            s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
        .ok_or_else(|| {
            format!("open({{{what}: …}}) needs a slug of lower-case letters, digits and dashes")
        })?;
    Ok(s.to_owned())
}

fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

/// The route `open(route)` asks for: `"home"`, `"cart"`, `"checkout"`, `"data"` (when the store
/// sells data), `{product: slug}`, `{category: slug}` or `{search: "…"}`.
pub fn open_route(raw: &Arg, sells_data: bool) -> Result<Route, String> {
    match raw {
        Arg::Text(s) => match s.as_str() {
            "home" => Ok(Route::Browse(Browse::default())),
            "cart" => Ok(Route::Cart),
            "checkout" => Ok(Route::Checkout),
            "data" if sells_data => Ok(Route::Data),
            "data" => Err("open(\"data\"): this store does not sell data (data-features)".into()),
            other => Err(format!(
                "open(\"{}\"): expected \"home\", \"cart\", \"checkout\", \"data\", {{product}}, {{category}} or {{search}}",
                short(other)
            )),
        },
        Arg::Entry(key, value) => match key.as_str() {
            "product" => Ok(Route::Product(slug(value.as_deref(), "product")?)),
            "category" => Ok(Route::Browse(Browse {
                category: Some(slug(value.as_deref(), "category")?),
                ..Browse::default()
            })),
            "search" => {
                let q = value
                    .as_deref()
                    .map(str::trim)
                    .filter(|q| !q.is_empty())
                    .ok_or("open({search: …}) needs some text to search for")?;
                Ok(Route::Browse(Browse {
                    q: q.chars().take(MAX_SEARCH_LEN).collect(),
                    ..Browse::default()
                }))
            }
            other => Err(format!(
                "open({{{}: …}}): expected product, category or search",
                short(other)
            )),
        },
        _ => Err(
            "open(route): expected a name (\"cart\", \"checkout\", …) or one of {product}, {category}, {search}"
                .into(),
        ),
    }
}

/// A whole number from 1 up to `max`, as JS numbers carry them.
fn whole(n: f64, max: u64) -> Option<u64> {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let whole = n as u64;
    (n.fract() == 0.0 && n >= 1.0 && n <= max as f64).then_some(whole)
}

/// The product id and quantity `addToCart(productId, quantity)` asks for: a positive whole
/// product id (a number or its digits as text), and 1 to the per-line limit units (1 when left
/// out).
pub fn add_args(id: &Arg, quantity: &Arg) -> Result<(u64, u32), String> {
    // JS numbers are exact up to 2^53
    const MAX_ID: u64 = (1 << 53) - 1;
    let id = match id {
        Arg::Number(n) => whole(*n, MAX_ID),
        Arg::Text(s) => s.trim().parse::<u64>().ok().filter(|id| *id > 0),
        _ => None,
    }
    .ok_or("addToCart(productId, quantity): productId must be a catalog product id (a positive whole number)")?;
    let quantity = match quantity {
        Arg::Missing => Some(1),
        Arg::Number(n) => whole(*n, u64::from(MAX_QUANTITY)).and_then(|q| u32::try_from(q).ok()),
        _ => None,
    }
    .ok_or_else(|| {
        format!(
            "addToCart(productId, quantity): quantity must be a whole number from 1 to {MAX_QUANTITY}"
        )
    })?;
    Ok((id, quantity))
}

/// Writes what `cart()` hands the page: a copy, with no way back into the store's state.
pub fn cart_copy(cart: &Cart, s: &mut dyn Sink) {
    let lines = cart.lines();
    s.text("currency", "NGN");
    s.int("count", i64::from(cart.item_count()));
    s.int("subtotal", cart.subtotal());
    s.list("lines", lines.len(), &|n, s| {
        let l = &lines[n];
        s.int(
            "product_id",
            i64::try_from(l.product_id).unwrap_or(i64::MAX),
        );
        s.text("slug", &l.slug);
        s.text("name", &l.name);
        s.int("unit_price", l.unit_price);
        s.int("quantity", i64::from(l.quantity));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// What the page's value reads as.
    fn arg(v: Value) -> Arg {
        Arg::from(v)
    }

    #[test]
    fn the_loaders_json_reads_into_two_arguments() {
        assert_eq!(
            args_from_json(r#"[7,null]"#),
            (Arg::Number(7.0), Arg::Missing)
        );
        assert_eq!(args_from_json("[]"), (Arg::Missing, Arg::Missing));
        assert_eq!(
            args_from_json(r#"[{"product":"a-b"},"x"]"#),
            (
                Arg::Entry("product".into(), Some("a-b".into())),
                Arg::Text("x".into())
            )
        );
        assert_eq!(
            args_from_json(r#"[{"product":3},[1]]"#),
            (Arg::Entry("product".into(), None), Arg::Other)
        );
        assert_eq!(
            args_from_json(r#"[{"a":1,"b":2},true]"#),
            (Arg::Other, Arg::Other)
        );
        // not what the loader sends: refused by every method
        for bad in ["", "{}", "7", "[1,", "\"x\""] {
            assert_eq!(args_from_json(bad), (Arg::Other, Arg::Other), "{bad}");
        }
        // the loader's text for NaN is refused as a quantity, read as text for an id
        let (id, q) = args_from_json(r#"["7","NaN"]"#);
        assert_eq!(add_args(&id, &Arg::Missing), Ok((7, 1)));
        assert!(add_args(&id, &q).unwrap_err().contains("quantity"));
    }

    #[test]
    fn open_takes_the_documented_routes_and_explains_the_rest() {
        assert_eq!(open_route(&arg(json!("cart")), false), Ok(Route::Cart));
        assert_eq!(
            open_route(&arg(json!("checkout")), false),
            Ok(Route::Checkout)
        );
        assert_eq!(open_route(&arg(json!("data")), true), Ok(Route::Data));
        assert!(
            open_route(&arg(json!("data")), false)
                .unwrap_err()
                .contains("does not sell data")
        );
        assert_eq!(
            open_route(&arg(json!({"product": "oraimo-freepods-3"})), false),
            Ok(Route::Product("oraimo-freepods-3".into()))
        );
        let Ok(Route::Browse(b)) = open_route(&arg(json!({"category": "audio"})), false) else {
            panic!("a category opens browse");
        };
        assert_eq!(b.category.as_deref(), Some("audio"));
        let Ok(Route::Browse(b)) = open_route(&arg(json!({"search": "  earbuds "})), false) else {
            panic!("a search opens browse");
        };
        assert_eq!(b.q, "earbuds");
        for bad in [
            json!("basket"),
            json!(7),
            json!(null),
            json!({"product": "Bad Slug"}),
            json!({"product": "<script>"}),
            json!({"search": "   "}),
            json!({"product": "a", "category": "b"}),
            json!({"brand": "oraimo"}),
        ] {
            let e = open_route(&arg(bad.clone()), true).unwrap_err();
            assert!(e.starts_with("open("), "{bad}: {e}");
        }
    }

    #[test]
    fn add_to_cart_takes_a_product_id_and_a_sane_quantity() {
        assert_eq!(add_args(&Arg::Number(7.0), &Arg::Missing), Ok((7, 1)));
        assert_eq!(add_args(&arg(json!("7")), &arg(json!(2))), Ok((7, 2)));
        for (id, q) in [
            (json!(0), json!(1)),
            (json!(-3), json!(1)),
            (json!(1.5), json!(1)),
            (json!("seven"), json!(1)),
            (json!(7), json!(0)),
            (json!(7), json!(MAX_QUANTITY + 1)),
            (json!(7), json!("2")),
            (json!(7), json!(2.5)),
            (json!(9_007_199_254_740_993.0_f64), json!(1)),
            (json!([7]), json!(1)),
        ] {
            assert!(
                add_args(&arg(id.clone()), &arg(q.clone())).is_err(),
                "{id} {q}"
            );
        }
    }

    #[test]
    fn the_cart_copy_has_lines_count_and_subtotal() {
        let mut cart = Cart::default();
        cart.add(&crate::state::cart::tests::product(7, 1_500, 9), 2)
            .unwrap();
        let mut copy = crate::events::tests::Json::default();
        cart_copy(&cart, &mut copy);
        let copy = Value::Object(copy.0);
        assert_eq!(copy["count"], 2);
        assert_eq!(copy["subtotal"], 3_000);
        assert_eq!(copy["lines"][0]["product_id"], 7);
        assert_eq!(copy["lines"][0]["quantity"], 2);
    }
}
