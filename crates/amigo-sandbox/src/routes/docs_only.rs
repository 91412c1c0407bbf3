//! `--docs-only` for fields: the docs elide what `price.market` holds (`"market": {…}`), so in
//! that mode every `market` object the sandbox answers is cut down to its `amount` (the least a
//! compare-at price can be), and a client cannot come to depend on the invented `display` and
//! `discount_percent`. Invented endpoints are turned off where they are routed.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

use crate::state::AppState;

/// Cuts every `price.market` down to `{amount}` in JSON answers, with `--docs-only` only.
pub(super) async fn bare_market(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let resp = next.run(req).await;
    let json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if !state.config.docs_only || !json {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    if !strip(&mut value) {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let Ok(out) = serde_json::to_vec(&value) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(out))
}

/// Cuts `market` objects down to `amount`; whether anything was cut.
fn strip(v: &mut Value) -> bool {
    match v {
        Value::Object(map) => {
            let mut cut = false;
            if let Some(Value::Object(market)) =
                map.get_mut("price").and_then(|p| p.get_mut("market"))
            {
                let before = market.len();
                market.retain(|k, _| k == "amount");
                cut = market.len() != before;
            }
            // every child is visited (no short-circuit): each may hold a market
            for child in map.values_mut() {
                cut |= strip(child);
            }
            cut
        }
        Value::Array(items) => {
            let mut cut = false;
            for item in items {
                cut |= strip(item);
            }
            cut
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn market_keeps_only_its_amount() {
        let mut v = json!({"data": [
            {"price": {"amount": 900, "market": {"amount": 1200, "display": "₦1,200", "discount_percent": 25}}},
            {"price": {"amount": 500, "market": null}}
        ]});
        assert!(strip(&mut v));
        assert_eq!(v["data"][0]["price"]["market"], json!({"amount": 1200}));
        assert!(v["data"][1]["price"]["market"].is_null());
        assert!(!strip(&mut v), "nothing left to cut");
    }
}
