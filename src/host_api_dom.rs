//! Registers the store's controller on its host element (`__amigoController`), which the
//! loader's public API (`open`, `addToCart`, `cart`, `on`, on the element and on
//! `window.AmigoStore`) calls once the store is ready, replaying calls queued before. The
//! controller is one function, `controller(method, a, b, resolve, reject)`, that settles the
//! Promise the loader hands out; a refused call rejects with a `TypeError` (bad arguments) or an
//! `Error` (the catalog says no) whose message says why.
//!
//! Only that function is in the first-load module: what a call does (reading its arguments, the
//! catalog read of `addToCart`, the cart copy) lives in the product page and cart module
//! (`split` builds), which is prefetched when the browser idles and loaded by the first call
//! that needs it.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlElement;

use crate::api::ProxyClient;
use crate::events_dom::JsObject;
use crate::host_api::{Arg, add_args, cart_copy, open_route};
use crate::state::cart_store::CartStore;
use crate::state::router::Router;
use crate::state::shop::Shop;

/// What a call needs of the store.
#[derive(Clone)]
pub(crate) struct Controls {
    router: Router,
    cart: CartStore,
    client: ProxyClient,
    sells_data: bool,
}

/// A call's answer: the value the Promise resolves to, or the error it rejects with.
type Answer = Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>;

/// The module holding the API's work could not be downloaded.
#[derive(Debug)]
pub(crate) struct ApiMissing;

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for ApiMissing {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ApiMissing
    }
}

/// Puts the controller on `host` for the life of the page.
pub fn register(host: &HtmlElement, shop: &Shop, sells_data: bool) {
    let controls = Controls {
        router: shop.router,
        cart: shop.cart,
        client: shop.client.clone(),
        sells_data,
    };
    type Call = dyn Fn(String, JsValue, JsValue, js_sys::Function, js_sys::Function);
    let call = Closure::<Call>::new(
        move |method: String,
              a: JsValue,
              b: JsValue,
              resolve: js_sys::Function,
              reject: js_sys::Function| {
            let controls = controls.clone();
            spawn_local(async move {
                let answer = match load_call(controls, method, a, b).await {
                    Ok(answer) => answer.await,
                    Err(ApiMissing) => Err(js_sys::Error::new(
                        "the store's module could not be downloaded; try again",
                    )
                    .into()),
                };
                let _ = match answer {
                    Ok(v) => resolve.call1(&JsValue::NULL, &v),
                    Err(e) => reject.call1(&JsValue::NULL, &e),
                };
            });
        },
    );
    let _ = js_sys::Reflect::set(
        host,
        &JsValue::from_str("__amigoController"),
        call.as_ref().unchecked_ref(),
    );
    // the store lives as long as the page, and so does its controller
    call.forget();
}

/// The API's work, once its module is here (a split build downloads it first; otherwise it is
/// already in the one module).
// the split build awaits the module's download, the other has nothing to wait for
#[allow(clippy::let_and_return)]
async fn load_call(
    c: Controls,
    method: String,
    a: JsValue,
    b: JsValue,
) -> Result<Answer, ApiMissing> {
    let answer = api_call(c, method, a, b);
    #[cfg(feature = "split")]
    let answer = answer.await;
    answer
}

#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(pages, wasm_split_path = ::leptos::wasm_split, fallible)
)]
// the split module's entry takes its arguments by value (its ABI), in every build alike
#[allow(clippy::needless_pass_by_value)]
fn api_call(c: Controls, method: String, a: JsValue, b: JsValue) -> Result<Answer, ApiMissing> {
    Ok(Box::pin(answer(c, method, arg(&a), arg(&b))))
}

/// What the page passed, as the API reads it.
fn arg(v: &JsValue) -> Arg {
    if v.is_undefined() || v.is_null() {
        return Arg::Missing;
    }
    if let Some(s) = v.as_string() {
        return Arg::Text(s);
    }
    if let Some(n) = v.as_f64() {
        return Arg::Number(n);
    }
    if v.is_object() && !js_sys::Array::is_array(v) {
        let keys = js_sys::Object::keys(v.unchecked_ref::<js_sys::Object>());
        if keys.length() == 1
            && let Some(key) = keys.get(0).as_string()
        {
            let value = js_sys::Reflect::get(v, &JsValue::from_str(&key)).ok();
            return Arg::Entry(key, value.and_then(|v| v.as_string()));
        }
    }
    Arg::Other
}

fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

fn error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

async fn answer(c: Controls, method: String, a: Arg, b: Arg) -> Result<JsValue, JsValue> {
    match method.as_str() {
        "open" => {
            let route = open_route(&a, c.sells_data).map_err(|e| type_error(&e))?;
            c.router.go(route);
            Ok(JsValue::UNDEFINED)
        }
        "addToCart" => {
            let (id, quantity) = add_args(&a, &b).map_err(|e| type_error(&e))?;
            let product = c
                .client
                .product_by_id(id)
                .await
                .map_err(|e| {
                    error(&format!(
                        "addToCart: the catalog could not be read ({e}); try again"
                    ))
                })?
                .ok_or_else(|| error(&format!("addToCart: the catalog has no product {id}")))?;
            if !product.stock.in_stock || product.stock.count == 0 {
                return Err(error(&format!("addToCart: {} is sold out", product.name)));
            }
            c.cart.add(&product, quantity);
            copy(c.cart)
        }
        "cart" => copy(c.cart),
        _ => Err(type_error("unknown method")),
    }
}

fn copy(cart: CartStore) -> Result<JsValue, JsValue> {
    cart.cart()
        .try_with_untracked(|c| {
            let mut copy = JsObject::new();
            cart_copy(c, &mut copy);
            copy.0.into()
        })
        .ok_or_else(|| error("cart: this store is no longer mounted"))
}
