//! Catalog bodies at the merchant's retail prices.
//!
//! Amigo's catalog answers carry Amigo's price, which is what the merchant's wallet pays. The
//! shopper must see the merchant's price instead ([`PriceRule`], `AMIGO_PRICE_MARKUP`), so
//! every product in a products or curation body has its `price` block rewritten as the body
//! enters the cache: the ready-made answers, ETags and compressed forms are then all of the
//! retail body, and nothing is rewritten per request. The upstream bytes are kept beside it
//! (see [`crate::cache::CachedBody::upstream`]) for the spend guard, which needs the cost.

use amigo_types::DataEnvelope;
use amigo_types::catalog::Price;
use amigo_types::orders::Order;
use amigo_types::pricing::PriceRule;
use bytes::Bytes;
use serde_json::Value;

use crate::error::ProxyError;
use crate::store::RetailSale;

/// `upstream` (a products or curation `200` body) with every product's price block at retail.
///
/// The products are where the documented shapes put them: `data` (one product), `data[…]` (a
/// page) and `data.products[…]` (a curation list); a body without products (curation discovery,
/// categories) comes back as the same bytes. With no markup the bytes are never parsed. A body
/// that is not JSON, or a price block without a whole-Naira `amount`, is refused rather than
/// passed on, because passing it on would show the shopper Amigo's price. The rest of the block
/// is read tolerantly ([`Price`]): a `market` with only its `amount` is marked up with its
/// display and discount derived, and an unreadable one is dropped (no compare-at price).
pub(crate) fn retail_body(rule: &PriceRule, upstream: &Bytes) -> Result<Bytes, ProxyError> {
    if rule.is_identity() {
        return Ok(upstream.clone());
    }
    let mut body: Value = serde_json::from_slice(upstream)
        .map_err(|e| ProxyError::Upstream(format!("unreadable catalog body: {e}")))?;
    let mut changed = false;
    if let Some(data) = body.get_mut("data") {
        match data {
            Value::Array(products) => {
                for product in products {
                    changed |= mark_up(rule, product)?;
                }
            }
            Value::Object(_) => {
                changed |= mark_up(rule, data)?;
                if let Some(Value::Array(products)) = data.get_mut("products") {
                    for product in products {
                        changed |= mark_up(rule, product)?;
                    }
                }
            }
            _ => {}
        }
    }
    if !changed {
        return Ok(upstream.clone());
    }
    serde_json::to_vec(&body)
        .map(Bytes::from)
        .map_err(|e| ProxyError::Internal(format!("writing a retail body: {e}")))
}

/// Rewrites `item.price` at retail when `item` has one; whether it did.
fn mark_up(rule: &PriceRule, item: &mut Value) -> Result<bool, ProxyError> {
    let Some(block) = item.get_mut("price") else {
        return Ok(false);
    };
    let price: Price = serde_json::from_value(block.take())
        .map_err(|e| ProxyError::Upstream(format!("unreadable product price: {e}")))?;
    *block = serde_json::to_value(rule.retail_price(&price))
        .map_err(|e| ProxyError::Internal(format!("writing a retail price: {e}")))?;
    Ok(true)
}

/// Amigo's order answer (`{success, data: order}`) as the shopper gets it: lines, subtotal and
/// total at what `sale` says the shopper was shown, the delivery fee at cost. With no markup,
/// or a body that cannot be read (logged where the order is recorded), the bytes are Amigo's.
pub(crate) fn order_body(rule: &PriceRule, sale: &RetailSale, body: Bytes) -> Bytes {
    if rule.is_identity() {
        return body;
    }
    let Ok(mut env) = serde_json::from_slice::<DataEnvelope<Order>>(&body) else {
        return body;
    };
    env.data = env.data.at_retail(|item| sale.unit_price(item, rule));
    serde_json::to_vec(&env).map_or(body, Bytes::from)
}

/// The catalog price of the product in a single-product body (`{data: product}`), as that body
/// says: Amigo's price in an upstream body, the shopper's in a retail one.
///
/// Only `data.price.amount` is read: it is all the spend guard and the order record need, so no
/// other field (the elided `market`, the display string, anything the docs do not show) can
/// fail an order.
pub(crate) fn product_price(body: &[u8]) -> Result<i64, ProxyError> {
    #[derive(serde::Deserialize)]
    struct Priced {
        price: Amount,
    }
    #[derive(serde::Deserialize)]
    struct Amount {
        amount: i64,
    }
    let env: amigo_types::DataEnvelope<Priced> = serde_json::from_slice(body)
        .map_err(|e| ProxyError::Upstream(format!("unreadable product: {e}")))?;
    Ok(env.data.price.amount)
}

/// A product body's `data.name`, read tolerantly (empty when absent).
pub(crate) fn product_name(body: &[u8]) -> String {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| {
            v.pointer("/data/name")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn price(amount: i64, market: Option<i64>) -> Value {
        json!({"amount": amount, "display": "x", "currency": "NGN",
               "market": market.map(|m| json!({"amount": m, "display": "y", "discount_percent": 1}))})
    }

    fn rewrite(rule: &str, body: &Value) -> Value {
        let rule = PriceRule::parse(rule).unwrap();
        let bytes = Bytes::from(serde_json::to_vec(body).unwrap());
        serde_json::from_slice(&retail_body(&rule, &bytes).unwrap()).unwrap()
    }

    #[test]
    fn every_documented_product_place_is_marked_up() {
        let page = json!({"success": true, "data": [{"id": 1, "price": price(1000, Some(2000))}],
                          "pagination": {"total": 1}});
        let out = rewrite("10%", &page);
        assert_eq!(out["data"][0]["price"]["amount"], 1100);
        assert_eq!(out["data"][0]["price"]["display"], "₦1,100");
        assert_eq!(out["data"][0]["price"]["market"]["amount"], 2200);
        assert_eq!(out["data"][0]["price"]["market"]["discount_percent"], 50);
        assert_eq!(out["pagination"]["total"], 1);

        let one = json!({"success": true, "data": {"id": 1, "price": price(1000, None)}});
        assert_eq!(rewrite("+5", &one)["data"]["price"]["amount"], 1005);

        let list = json!({"success": true, "data": {"list": {"slug": "deals"},
                          "products": [{"price": price(100, None)}, {"price": price(200, None)}]}});
        let out = rewrite("round 1000", &list);
        assert_eq!(out["data"]["products"][0]["price"]["amount"], 1000);
        assert_eq!(out["data"]["products"][1]["price"]["amount"], 1000);
    }

    #[test]
    fn a_market_price_with_only_an_amount_is_marked_up_with_its_discount() {
        let bare = json!({"success": true, "data": {"id": 1,
            "price": {"amount": 1000, "currency": "NGN", "market": {"amount": 2000}}}});
        let out = rewrite("10%", &bare);
        let market = &out["data"]["price"]["market"];
        assert_eq!(market["amount"], 2200);
        assert_eq!(market["display"], "₦2,200");
        assert_eq!(market["discount_percent"], 50);
        assert_eq!(out["data"]["price"]["display"], "₦1,100");
        // an unreadable market is no compare-at price, not a refused body
        let odd = json!({"success": true, "data": [{"id": 1,
            "price": {"amount": 1000, "display": "x", "currency": "NGN", "market": "soon"}}],
            "pagination": {"total": 1}});
        let out = rewrite("10%", &odd);
        assert_eq!(out["data"][0]["price"]["amount"], 1100);
        assert!(out["data"][0]["price"]["market"].is_null());
    }

    #[test]
    fn the_spend_guard_reads_only_the_amount() {
        let body = br#"{"success": true, "data": {"id": 3, "brand": "tecno",
            "price": {"amount": 4200, "market": {"amount": "lots"}}}}"#;
        assert_eq!(product_price(body).unwrap(), 4200);
        assert!(product_price(br#"{"success": true, "data": {"price": {}}}"#).is_err());
    }

    #[test]
    fn bodies_without_prices_and_no_markup_keep_their_bytes() {
        let rule = PriceRule::parse("15%").unwrap();
        let discovery = Bytes::from_static(br#"{"success":true,"data":[{"slug":"deals"}]}"#);
        assert_eq!(retail_body(&rule, &discovery).unwrap(), discovery);
        let not_json = Bytes::from_static(b"<html>");
        assert_eq!(
            retail_body(&PriceRule::none(), &not_json).unwrap(),
            not_json
        );
    }

    #[test]
    fn unreadable_bodies_and_prices_are_refused_under_a_markup() {
        let rule = PriceRule::parse("15%").unwrap();
        assert!(retail_body(&rule, &Bytes::from_static(b"<html>")).is_err());
        let odd = Bytes::from_static(br#"{"data":{"price":{"amount":"cheap"}}}"#);
        assert!(matches!(
            retail_body(&rule, &odd),
            Err(ProxyError::Upstream(_))
        ));
    }
}
