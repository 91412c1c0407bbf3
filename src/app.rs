//! The app shell: provides the [`Shop`](crate::state::shop::Shop) context (proxy client, cart, router), draws the top bar
//! with the cart count and the `aria-live` status line, and switches pages by route.

use leptos::prelude::*;

use crate::api::ProxyClient;
use crate::components::link::StoreLink;
use crate::config::EmbedConfig;
use crate::pages::browse::BrowsePage;
use crate::pages::cart::CartPage;
#[cfg(feature = "checkout")]
use crate::pages::checkout::{CheckoutPage, provide_checkout};
#[cfg(feature = "checkout")]
use crate::pages::order_tracking::OrderTrackingPage;
use crate::pages::product::ProductPage;
use crate::state::cart::storage_key;
use crate::state::cart_store::CartStore;
use crate::state::route::Route;
use crate::state::router::Router;
use crate::state::shop::Shop;

/// Which page is showing; filters inside the browse page do not re-create it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Page {
    Browse,
    Product(String),
    Cart,
    Checkout,
    Order(String, String),
}

/// One store.
#[component]
pub fn App(
    /// The checked embed configuration.
    config: EmbedConfig,
) -> impl IntoView {
    let EmbedConfig {
        proxy,
        api,
        routing,
        merchant,
        ..
    } = config;
    let shop = Shop {
        client: ProxyClient::new(&proxy),
        cart: CartStore::load(storage_key(&proxy, &merchant)),
        router: Router::start(routing),
    };
    provide_context(shop.clone());
    #[cfg(feature = "checkout")]
    provide_checkout(&api, &proxy, &merchant);
    #[cfg(not(feature = "checkout"))]
    let _ = &api;
    let cart = shop.cart;
    let route = shop.router.route();
    let page = Memo::new(move |_| match route.get() {
        Route::Browse(_) => Page::Browse,
        Route::Product(slug) => Page::Product(slug),
        Route::Cart => Page::Cart,
        Route::Checkout => Page::Checkout,
        Route::Order { reference, phone } => Page::Order(reference, phone),
    });
    let count = Memo::new(move |_| cart.cart().with(|c| c.item_count()));
    let on_cart = Signal::derive(move || page.get() == Page::Cart);
    view! {
        <header class="bar">
            <StoreLink to=Route::default() class="brand">"Shop"</StoreLink>
            // the accessible name is the visible text ("Cart 2 items"), so it stays current and
            // matches what is shown (axe: label-content-name-mismatch)
            <StoreLink to=Route::Cart class="cart-link" current=on_cart>
                <span>"Cart "</span>
                <span class="cart-count">{move || count.get().to_string()}</span>
                <span class="sr-only">" items"</span>
            </StoreLink>
        </header>
        <p class="toast" role="status" aria-live="polite">{move || cart.announcement().get()}</p>
        // not a <main>: the merchant's page owns that landmark
        <div class="content">
            {move || match page.get() {
                Page::Browse => view! { <BrowsePage/> }.into_any(),
                Page::Product(slug) => view! { <ProductPage slug=slug/> }.into_any(),
                Page::Cart => view! { <CartPage/> }.into_any(),
                #[cfg(feature = "split")]
                Page::Checkout => view! {
                    <Suspense fallback=|| view! { <p class="state" role="status">"Loading checkout…"</p> }>
                        {Suspend::new(async { checkout_part().await })}
                    </Suspense>
                }
                .into_any(),
                #[cfg(feature = "split")]
                Page::Order(reference, phone) => view! {
                    <Suspense fallback=|| view! { <p class="state" role="status">"Loading your order…"</p> }>
                        {Suspend::new(async move { order_part(reference, phone).await })}
                    </Suspense>
                }
                .into_any(),
                #[cfg(all(feature = "checkout", not(feature = "split")))]
                Page::Checkout => view! { <CheckoutPage/> }.into_any(),
                #[cfg(all(feature = "checkout", not(feature = "split")))]
                Page::Order(reference, phone) => {
                    view! { <OrderTrackingPage reference=reference phone=phone/> }.into_any()
                }
                // built without checkout: the slot a separately loaded checkout part mounts into
                #[cfg(not(feature = "checkout"))]
                Page::Checkout | Page::Order(..) => view! {
                    <div class="part-slot" data-part="checkout">
                        <p class="state" role="status">"Loading checkout…"</p>
                    </div>
                }
                .into_any(),
            }}
        </div>
    }
}

/// Checkout, split into its own lazily loaded wasm module (`split` feature, wasm-split build).
#[cfg(feature = "split")]
#[lazy]
fn checkout_part() -> AnyView {
    view! { <CheckoutPage/> }.into_any()
}

/// Order tracking, in the same lazily loaded module as checkout.
#[cfg(feature = "split")]
#[lazy]
fn order_part(reference: String, phone: String) -> AnyView {
    view! { <OrderTrackingPage reference=reference phone=phone/> }.into_any()
}
