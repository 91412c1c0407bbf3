//! Registers the store's controller on its host element (`__amigoController`), which the
//! loader's public API (`open`, `addToCart`, `cart`, `on`, on the element and on
//! `window.AmigoStore`) calls once the store is ready, replaying calls queued before. The
//! controller is one function, `controller(method, args, resolve, reject)` (the method by its
//! number, the page's two arguments as a JSON array), that settles the Promise the loader hands
//! out; a refused call rejects with a `TypeError` (bad arguments) or an
//! `Error` (the catalog says no) whose message says why.
//!
//! Only that function is in the first-load module, and all it does is hand the call over: what a
//! call does (reading its arguments, the catalog read of `addToCart`, the cart copy, settling the
//! Promise) lives in the product page and cart module (`split` builds), which is prefetched when
//! the browser idles and loaded by the first call that needs it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlElement;

use crate::api::ProxyClient;
use crate::events_dom::JsObject;
use crate::host_api::{Arg, add_args, args_from_json, cart_copy, open_route};
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

/// One call from the page: the method by its number, the page's arguments as JSON text, and the
/// two functions that settle the call's Promise.
pub(crate) struct PageCall {
    method: u32,
    args: JsValue,
    resolve: js_sys::Function,
    reject: js_sys::Function,
}

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
    // plain values only (a number and the arguments' JSON text as a JS value): the first module
    // carries the glue of every type a closure takes
    type Call = dyn Fn(u32, JsValue, js_sys::Function, js_sys::Function);
    let call = Closure::<Call>::new(
        move |method: u32, args: JsValue, resolve: js_sys::Function, reject: js_sys::Function| {
            let controls = controls.clone();
            let call = PageCall {
                method,
                args,
                resolve,
                reject: reject.clone(),
            };
            spawn_local(async move {
                // the later module answers the call and settles it; here only its download can
                // fail (keeping the answer's code out of the first load)
                if load_call(controls, call).await.is_err() {
                    let _ = reject.call1(
                        &JsValue::NULL,
                        &js_sys::Error::new(
                            "the store's module could not be downloaded; try again",
                        ),
                    );
                }
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

/// Hands the call to the API's work, once its module is here (a split build downloads it
/// first; otherwise it is already in the one module).
// the split build awaits the module's download, the other has nothing to wait for
#[allow(clippy::let_and_return, clippy::unused_async)]
async fn load_call(c: Controls, call: PageCall) -> Result<(), ApiMissing> {
    let started = api_call(c, call);
    #[cfg(feature = "split")]
    let started = started.await;
    started
}

/// Runs the call in the background and settles its Promise with the answer.
#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(pages, wasm_split_path = ::leptos::wasm_split, fallible)
)]
// the split module's entry takes its arguments by value (its ABI), in every build alike
#[allow(clippy::needless_pass_by_value)]
fn api_call(c: Controls, call: PageCall) -> Result<(), ApiMissing> {
    let PageCall {
        method,
        args,
        resolve,
        reject,
    } = call;
    let (a, b) = args_from_json(&args.as_string().unwrap_or_default());
    spawn_local(async move {
        let _ = match answer(c, method, a, b).await {
            Ok(v) => resolve.call1(&JsValue::NULL, &v),
            Err(e) => reject.call1(&JsValue::NULL, &e),
        };
    });
    Ok(())
}

fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

fn error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

/// The loader's numbers for the methods, in its order (`loader/amigo-widget.js`).
const OPEN: u32 = 0;
const ADD_TO_CART: u32 = 1;
const CART: u32 = 2;

async fn answer(c: Controls, method: u32, a: Arg, b: Arg) -> Result<JsValue, JsValue> {
    match method {
        OPEN => {
            let route = open_route(&a, c.sells_data).map_err(|e| type_error(&e))?;
            c.router.go(route);
            Ok(JsValue::UNDEFINED)
        }
        ADD_TO_CART => {
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
        CART => copy(c.cart),
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
