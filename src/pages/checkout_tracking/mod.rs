//! The tracking page of a checkout (`#/order/CHK-…?phone=…`), where Paystack sends the shopper
//! back and a transfer checkout shows the store's bank details: the payment state
//! (`checkout::payment_status`), polled from the proxy until it is final, then, once placed, the
//! Amigo order's own tracking with its timeline, or for a data checkout the data purchase's
//! outcome (the same view "Buy data" shows). When the checkout ends it settles this browser's
//! checkout draft (placed: the cart is emptied; otherwise the form comes back) or top-up draft.
//! A reload at any point resumes here, since the URL carries the reference and phone; the way
//! back from Paystack carries only the reference, and the phone comes from the draft that made
//! the checkout (`pages::checkout_phone`).

mod poller;
mod views;

use amigo_types::checkout::{CheckoutKind, CheckoutStatus, CheckoutView};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::checkout::api::CheckoutApi;
use crate::checkout::payment_feed::{PaymentFeed, tells_placed};
use crate::components::link::StoreLink;
use crate::components::module_styles::ModuleStyles;
use crate::events;
use crate::pages::checkout::{CHECKOUT_STYLES, DraftKey};
use crate::pages::checkout_phone::CheckoutPhoneGate;
use crate::pages::data_outcome::DataPurchaseTracking;
use crate::pages::order_tracking::OrderTrackingPage;
use crate::pages::topup::{TOPUP_STYLES, TopUpContext};
use crate::state::route::Route;
use crate::state::shop::Shop;
use crate::topup::api::TopUpApi;
use poller::{Poller, page_hidden, settle_order, settle_topup};
use views::{stage_view, summary_view};

use crate::wording::Later;

type Listener = Closure<dyn FnMut(web_sys::Event)>;
/// One checkout's payment, then its order.
#[component]
pub fn CheckoutTrackingPage(
    /// `CHK-…`, checked by the route.
    reference: String,
    /// The phone the order was placed with.
    phone: String,
) -> impl IntoView {
    let api = expect_context::<CheckoutApi>();
    let cart = expect_context::<Shop>().cart;
    let DraftKey(draft_key) = expect_context::<DraftKey>();
    let topup_key = use_context::<TopUpContext>().map(|c| c.storage_key().to_owned());
    let data_api = TopUpApi::new(api.proxy());
    let feed = RwSignal::new(PaymentFeed::default());
    let events = crate::events_dom::Events::from_context();

    // a new view is shown: the merchant's page hears each state this page shows, and an order
    // once, when this browser settles the checkout it made (a reload, or another browser, does
    // not count it again)
    let shown_now = {
        let reference = reference.clone();
        move |view: &CheckoutView| {
            events.emit(&events::checkout_payment(view));
            if !view.status.is_final() {
                return;
            }
            let placed = view.status == CheckoutStatus::Placed;
            let settled = if view.kind == CheckoutKind::Data {
                topup_key
                    .as_ref()
                    .is_some_and(|key| settle_topup(key, &reference, placed))
            } else {
                settle_order(&draft_key, cart, &reference, placed)
            };
            if tells_placed(view, settled) {
                events.emit(&events::checkout_placed(view));
            }
        }
    };
    let poller = Poller {
        feed,
        timer: StoredValue::new(None),
        api: StoredValue::new_local(api),
        asked: StoredValue::new((reference.clone(), phone.clone())),
        shown_now: StoredValue::new_local(Box::new(shown_now)),
    };
    poller.load();

    // polling pauses while the page is hidden and asks at once when it is shown again
    let listener: Listener = Closure::new(move |_| {
        let waiting = poller.timer.try_get_value().flatten().is_none();
        if feed.try_with_untracked(|f| f.ask_on_visible(page_hidden(), waiting)) == Some(true) {
            poller.load();
        }
    });
    let doc = web_sys::window().and_then(|w| w.document());
    if let Some(doc) = &doc {
        let _ = doc.add_event_listener_with_callback(
            "visibilitychange",
            listener.as_ref().unchecked_ref(),
        );
    }
    let on_visible = StoredValue::new_local(Some(listener));
    on_cleanup(move || {
        feed.try_update_untracked(PaymentFeed::stop);
        if let Some(h) = poller.timer.try_get_value().flatten() {
            h.clear();
        }
        if let (Some(doc), Some(Some(l))) = (&doc, on_visible.try_update_value(Option::take)) {
            let _ = doc.remove_event_listener_with_callback(
                "visibilitychange",
                l.as_ref().unchecked_ref(),
            );
        }
    });

    let order = Memo::new(move |_| feed.with(PaymentFeed::placed));
    let is_data = Memo::new(move |_| feed.with(PaymentFeed::is_data));
    let w = crate::wording::words();
    let title = w.fill(Later::checkout_title, &[("reference", &reference)]);
    let checkout_ref = reference;
    let summary_phone = phone.clone();
    view! {
        <div class="page co-page co-tracking">
            <ModuleStyles name="checkout" css=CHECKOUT_STYLES/>
            {move || is_data.get().then(|| view! { <ModuleStyles name="topup" css=TOPUP_STYLES/> })}
            {move || match order.get() {
                // paid and placed, for data: the purchase's outcome, followed while processing
                Some((purchase, CheckoutKind::Data, total)) => view! {
                    <h2 class="title">{w.get(Later::your_data)}</h2>
                    <p class="co-stage good co-paid-note" role="status" data-status="placed">
                        {w.fill(Later::paid_data_note, &[("total", &total), ("reference", &checkout_ref)])}
                    </p>
                    <DataPurchaseTracking reference=purchase phone=phone.clone()
                        checkout=checkout_ref.clone() api=data_api.clone()/>
                }
                .into_any(),
                // paid and placed: the order's own tracking, with its timeline
                Some((order_reference, CheckoutKind::Order, _)) => view! {
                    <p class="co-stage good co-paid-note" role="status" data-status="placed">
                        {w.fill(Later::paid_order_note, &[("reference", &checkout_ref)])}
                    </p>
                    <OrderTrackingPage reference=order_reference phone=phone.clone()/>
                }
                .into_any(),
                None => view! {
                    <h2 class="title">{title.clone()}</h2>
                    <p class="co-error" role="alert" hidden=move || feed.with(|f| f.problem().is_none())>
                        {move || feed.with(|f| f.problem().map(|p| w.get(p)).unwrap_or_default())}
                    </p>
                    {move || feed.with(|f| f.shown().map(|v| stage_view(v, w)))}
                    {
                        let phone = summary_phone.clone();
                        move || feed.with(|f| f.shown().map(|v| summary_view(v, &phone)))
                    }
                    <p class="co-actions">
                        <StoreLink to=Route::default() class="btn">{w.get(Later::continue_shopping)}</StoreLink>
                    </p>
                }
                .into_any(),
            }}
        </div>
    }
}

/// The tracking page a `#/order/{reference}` route shows: a checkout's (`CHK-…`) or an Amigo
/// order's (`AMG-COM-…`), told apart by the reference's shape. A checkout reached without a
/// phone (Paystack's way back) first finds it ([`CheckoutPhoneGate`]).
pub fn tracking_page(reference: String, phone: String) -> AnyView {
    if phone.is_empty() {
        view! { <CheckoutPhoneGate reference=reference/> }.into_any()
    } else if amigo_types::checkout::is_checkout_reference(&reference) {
        view! { <CheckoutTrackingPage reference=reference phone=phone/> }.into_any()
    } else {
        view! { <OrderTrackingPage reference=reference phone=phone/> }.into_any()
    }
}
