//! The app shell: provides the [`Shop`](crate::state::shop::Shop) context (proxy client, cart, router), draws the top bar
//! with the cart count and the `aria-live` status line, and switches pages by route.

use amigo_types::catalog::Product;
use leptos::prelude::*;

use crate::api::ProxyClient;
use crate::components::top_bar::TopBar;
use crate::config::EmbedConfig;
use crate::pages::browse::BrowsePage;
#[cfg(not(feature = "split"))]
use crate::pages::cart::CartPage;
#[cfg(feature = "checkout")]
use crate::pages::checkout::provide_checkout;
#[cfg(not(feature = "split"))]
use crate::pages::product::ProductPage;
#[cfg(all(feature = "checkout", not(feature = "split")))]
use crate::pages::{checkout::CheckoutPage, checkout_tracking::tracking_page};
use crate::state::actions::Actions;
use crate::state::cart::storage_key;
use crate::state::cart_store::CartStore;
use crate::state::route::Route;
use crate::state::router::Router;
use crate::state::scope::Scope;
use crate::state::shop::{FirstView, Shop};

/// Which page is showing; filters inside the browse page do not re-create it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Page {
    Browse,
    Product(String),
    Cart,
    Checkout,
    Order(String, String),
    Data,
}

impl Page {
    /// Whether this page downloads the checkout module itself. The idle prefetch then stays out
    /// of its way: two downloads of one module racing each other made what a failed download
    /// logs (one failure or two, before or after the alert) depend on timing.
    #[cfg(feature = "split")]
    fn loads_checkout_module(&self) -> bool {
        matches!(self, Page::Checkout | Page::Order(..))
    }
}

/// One store.
#[component]
pub fn App(
    /// The checked embed configuration.
    config: EmbedConfig,
    /// Where the store's events go (its host element, registered by the mount).
    events: crate::events_dom::Events,
) -> impl IntoView {
    let EmbedConfig {
        proxy,
        api,
        routing,
        merchant,
        features,
        datalayer: _,
        words,
    } = config;
    let shop = Shop {
        client: ProxyClient::new(&proxy),
        cart: CartStore::load(storage_key(&proxy, &merchant), events, words),
        router: Router::start(routing),
    };
    provide_context(shop.clone());
    let (router, cart_store) = (shop.router, shop.cart);
    Scope {
        words,
        events: events.index(),
        actions: Some(Actions {
            go: Callback::new(move |to| router.go(to)),
            replace: Callback::new(move |to| router.replace(to)),
            add: Callback::new(move |product: Product| cart_store.add(&product, 1)),
        }),
    }
    .provide();
    // the page's JS API (`open`, `addToCart`, `cart`) reaches this store through its host
    if let Some(host) = events.host() {
        crate::host_api_dom::register(&host, &shop, features.data);
    }
    #[cfg(feature = "checkout")]
    provide_checkout(&api, &proxy, &merchant);
    #[cfg(feature = "checkout")]
    if features.data {
        crate::pages::topup::provide_topup(&proxy, &merchant);
    }
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
        // `#/data` in a store that does not sell data is the home page
        Route::Data if features.data => Page::Data,
        Route::Data => Page::Browse,
    });
    let count = Memo::new(move |_| cart.cart().with(|c| c.item_count()));
    let on_cart = Signal::derive(move || page.get() == Page::Cart);
    let on_data = Signal::derive(move || page.get() == Page::Data);
    // The browse view says when its first products are on screen (or failed to come).
    let first_view = use_context::<FirstView>().unwrap_or_else(FirstView::provide);
    // a store that opens on another page has no browse view to wait for: it is live at once
    Effect::new(move |_| {
        if page.get() != Page::Browse {
            first_view.settle_now();
        }
    });
    // The checkout module downloads when the browser is idle after the first view (or at once
    // when the cart opens). Idle comes early, while the catalog is still on its way: on a slow
    // link the module would share the bandwidth with it and hold back the first price. A store
    // that opens on another page has no browse view to wait for.
    #[cfg(feature = "split")]
    {
        let asked = StoredValue::new(false);
        Effect::new(move |_| {
            let ready = first_view.shown() || page.get() != Page::Browse;
            if !ready || asked.get_value() {
                return;
            }
            asked.set_value(true);
            request_idle_callback(move || {
                // a store unmounted before the browser idled has nothing to prefetch for
                if page.try_with_untracked(|p| !p.loads_checkout_module()) == Some(true) {
                    // the product page and the cart first: a shopper reaches them first
                    part::prefetch_pages();
                    part::prefetch();
                }
            });
        });
        Effect::new(move |_| {
            if on_cart.get() {
                part::prefetch();
            }
        });
    }
    view! {
        <TopBar
            sells_data=features.data
            count=count
            on_cart=on_cart
            on_data=on_data
            announcement=cart.announcement()
        />
        // not a <main>: the merchant's page owns that landmark
        <div class="content">
            {move || match page.get() {
                Page::Browse => view! { <BrowsePage/> }.into_any(),
                #[cfg(not(feature = "split"))]
                Page::Product(slug) => view! { <ProductPage slug=slug/> }.into_any(),
                #[cfg(not(feature = "split"))]
                Page::Cart => view! { <CartPage/> }.into_any(),
                #[cfg(feature = "split")]
                Page::Product(slug) => view! { <part::Part which=part::Which::Product(slug)/> }.into_any(),
                #[cfg(feature = "split")]
                Page::Cart => view! { <part::Part which=part::Which::Cart/> }.into_any(),
                #[cfg(feature = "split")]
                Page::Checkout => view! { <part::Part which=part::Which::Checkout/> }.into_any(),
                #[cfg(feature = "split")]
                Page::Order(reference, phone) => {
                    view! { <part::Part which=part::Which::Order(reference, phone)/> }.into_any()
                }
                #[cfg(feature = "split")]
                Page::Data => view! { <part::Part which=part::Which::Data/> }.into_any(),
                #[cfg(all(feature = "checkout", not(feature = "split")))]
                Page::Data => view! { <crate::pages::topup::TopUpPage/> }.into_any(),
                #[cfg(all(feature = "checkout", not(feature = "split")))]
                Page::Checkout => view! { <CheckoutPage/> }.into_any(),
                #[cfg(all(feature = "checkout", not(feature = "split")))]
                Page::Order(reference, phone) => tracking_page(reference, phone),
                // built without checkout: the slot a separately loaded checkout part mounts into
                #[cfg(not(feature = "checkout"))]
                Page::Checkout | Page::Order(..) | Page::Data => view! {
                    <div class="part-slot" data-part="checkout">
                        <p class="state" role="status">{crate::wording::words().get(crate::wording::Text::loading_checkout)}</p>
                    </div>
                }
                .into_any(),
            }}
        </div>
    }
}

/// The pages after browsing as lazily loaded wasm modules (`split` feature, built by
/// `scripts/build-widget.sh`): the product page and the cart (`pages`, prefetched when the browser
/// idles after the first view), checkout and order tracking (`checkout`), "Buy data" (`topup`).
/// The first module then holds what the browse view needs. A download failure is an error value,
/// never a panic (which would abort the whole store), and is not cached: Retry fetches again.
#[cfg(feature = "split")]
mod part {
    use leptos::prelude::*;
    use leptos::wasm_split::SplitLoaderError;

    use crate::components::error_state::ErrorState;
    use crate::pages::cart::CartPage;
    use crate::pages::checkout::CheckoutPage;
    use crate::pages::checkout_tracking::tracking_page;
    use crate::pages::product::ProductPage;
    use crate::pages::topup::TopUpPage;

    /// The checkout module could not be downloaded.
    #[derive(Debug)]
    pub(super) struct PartMissing;

    impl From<SplitLoaderError> for PartMissing {
        fn from(_: SplitLoaderError) -> Self {
            PartMissing
        }
    }

    #[leptos::wasm_split::wasm_split(
        pages,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        preload(preload_pages)
    )]
    fn product_view(slug: String) -> Result<AnyView, PartMissing> {
        Ok(view! { <ProductPage slug=slug/> }.into_any())
    }

    #[leptos::wasm_split::wasm_split(pages, wasm_split_path = ::leptos::wasm_split, fallible)]
    fn cart_view() -> Result<AnyView, PartMissing> {
        Ok(view! { <CartPage/> }.into_any())
    }

    #[leptos::wasm_split::wasm_split(
        checkout,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        preload(preload_checkout)
    )]
    fn checkout_view() -> Result<AnyView, PartMissing> {
        Ok(view! { <CheckoutPage/> }.into_any())
    }

    #[leptos::wasm_split::wasm_split(
        checkout,
        wasm_split_path = ::leptos::wasm_split,
        fallible
    )]
    fn order_view(reference: String, phone: String) -> Result<AnyView, PartMissing> {
        Ok(tracking_page(reference, phone))
    }

    // "Buy data" is its own module: neither the first load nor checkout pays for it
    #[leptos::wasm_split::wasm_split(
        topup,
        wasm_split_path = ::leptos::wasm_split,
        fallible
    )]
    fn topup_view() -> Result<AnyView, PartMissing> {
        Ok(view! { <TopUpPage/> }.into_any())
    }

    /// Starts downloading the product page and cart module (on idle); a failure is left for the
    /// page itself to report.
    pub(super) fn prefetch_pages() {
        leptos::task::spawn_local(async {
            let _ = preload_pages().await;
        });
    }

    /// Starts downloading the checkout module (on idle, or when the cart opens); a failure is
    /// left for the page itself to report.
    pub(super) fn prefetch() {
        leptos::task::spawn_local(async {
            let _ = preload_checkout().await;
        });
    }

    /// Which split-off page to show.
    #[derive(Clone)]
    pub(super) enum Which {
        /// One product.
        Product(String),
        /// The cart.
        Cart,
        /// The checkout form.
        Checkout,
        /// Tracking one order.
        Order(String, String),
        /// "Buy data".
        Data,
    }

    /// The page from the checkout module: a status line while it downloads, an alert with Retry
    /// if it cannot.
    // the #[component] macro's generated items trip `unreachable_pub`
    #[allow(unreachable_pub)]
    #[component]
    pub(super) fn Part(which: Which) -> impl IntoView {
        use crate::wording::Text;
        let attempt = RwSignal::new(0u32);
        let w = crate::wording::words();
        let (loading, missing) = match which {
            Which::Product(_) => (Text::loading_product, Text::product_missing),
            Which::Cart => (Text::loading_cart, Text::cart_missing),
            Which::Checkout => (Text::loading_checkout, Text::checkout_missing),
            Which::Order(..) => (Text::loading_order, Text::checkout_missing),
            Which::Data => (Text::loading_plans, Text::data_missing),
        };
        let (loading, missing) = (w.get(loading), w.get(missing));
        view! {
            <Suspense fallback=move || view! { <p class="state" role="status">{loading}</p> }>
                {move || {
                    attempt.track();
                    let which = which.clone();
                    Suspend::new(async move {
                        let view = match which {
                            Which::Product(slug) => product_view(slug).await,
                            Which::Cart => cart_view().await,
                            Which::Checkout => checkout_view().await,
                            Which::Order(reference, phone) => order_view(reference, phone).await,
                            Which::Data => topup_view().await,
                        };
                        view.unwrap_or_else(|PartMissing| {
                            view! {
                                <ErrorState
                                    message=missing.to_owned()
                                    on_retry=Callback::new(move |()| attempt.update(|n| *n += 1))
                                />
                            }
                            .into_any()
                        })
                    })
                }}
            </Suspense>
        }
    }
}
