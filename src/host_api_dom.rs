//! Registers the store's controller on its host element (`__amigoController`), which the
//! loader's public API (`open`, `addToCart`, `cart`, `on`, on the element and on
//! `window.AmigoStore`) calls once the store is ready, replaying calls queued before. Every
//! method answers a Promise; a refused call rejects with a `TypeError` (bad arguments) or an
//! `Error` (the catalog says no) whose message says why.

use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::future_to_promise;
use web_sys::HtmlElement;

use crate::host_api::{add_args, cart_copy, open_route};
use crate::state::shop::Shop;

fn json_arg(raw: &str) -> Value {
    serde_json::from_str(raw).unwrap_or(Value::Null)
}

fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

fn to_js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap_or(JsValue::NULL)
}

/// Puts the controller on `host` for the life of the page.
pub fn register(host: &HtmlElement, shop: &Shop, sells_data: bool) {
    let controller = js_sys::Object::new();
    let router = shop.router;
    let cart = shop.cart;
    let client = shop.client.clone();

    // open and cart answer at once (the loader turns a throw into a rejected Promise); only
    // addToCart waits, for the catalog
    let open = Closure::<dyn Fn(String) -> Result<(), JsValue>>::new(move |raw: String| {
        let route = open_route(&json_arg(&raw), sells_data).map_err(|e| type_error(&e))?;
        router.go(route);
        Ok(())
    });
    let add = Closure::<dyn Fn(String, String) -> js_sys::Promise>::new(
        move |id: String, quantity: String| {
            let args = add_args(&json_arg(&id), &json_arg(&quantity));
            let client = client.clone();
            future_to_promise(async move {
                let (id, quantity) = args.map_err(|e| type_error(&e))?;
                let product = client
                    .product_by_id(id)
                    .await
                    .map_err(|e| {
                        JsValue::from(js_sys::Error::new(&format!(
                            "addToCart: the catalog could not be read ({e}); try again"
                        )))
                    })?
                    .ok_or_else(|| {
                        JsValue::from(js_sys::Error::new(&format!(
                            "addToCart: the catalog has no product {id}"
                        )))
                    })?;
                if !product.stock.in_stock || product.stock.count == 0 {
                    return Err(js_sys::Error::new(&format!(
                        "addToCart: {} is sold out",
                        product.name
                    ))
                    .into());
                }
                cart.add(&product, quantity);
                Ok(to_js(&cart.cart().with_untracked(cart_copy)))
            })
        },
    );
    let copy = Closure::<dyn Fn() -> Result<JsValue, JsValue>>::new(move || {
        cart.cart()
            .try_with_untracked(cart_copy)
            .map(|c| to_js(&c))
            .ok_or_else(|| js_sys::Error::new("cart: this store is no longer mounted").into())
    });
    for (name, f) in [
        ("open", open.as_ref()),
        ("addToCart", add.as_ref()),
        ("cart", copy.as_ref()),
    ] {
        let _ = js_sys::Reflect::set(&controller, &JsValue::from_str(name), f);
    }
    let _ = js_sys::Reflect::set(host, &JsValue::from_str("__amigoController"), &controller);
    // the store lives as long as the page, and so does its controller
    open.forget();
    add.forget();
    copy.forget();
}
