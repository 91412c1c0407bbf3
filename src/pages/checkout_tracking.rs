//! The tracking page of a checkout (`#/order/CHK-…?phone=…`), where Paystack sends the shopper
//! back and a transfer checkout shows the store's bank details: the payment state
//! (`checkout::payment_status`), polled from the proxy until it is final, then, once placed, the
//! Amigo order's own tracking with its timeline, or for a data checkout the data purchase's
//! outcome (the same view "Buy data" shows). When the checkout ends it settles this browser's
//! checkout draft (placed: the cart is emptied; otherwise the form comes back) or top-up draft.
//! A reload at any point resumes here, since the URL carries the reference and phone; the way
//! back from Paystack carries only the reference, and the phone comes from the draft that made
//! the checkout (`pages::checkout_phone`).

use amigo_types::checkout::{CheckoutKind, CheckoutStatus, CheckoutView};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::checkout::api::{CallError, CheckoutApi};
use crate::checkout::draft::settle_stored;
use crate::checkout::payment_status::{NextStep, Tone, check_view, is_newer, next_poll, stage};
use crate::checkout::quote::price_label;
use crate::components::link::StoreLink;
use crate::components::module_styles::ModuleStyles;
use crate::components::transfer_details::TransferDetailsList;
use crate::events;
use crate::keyed::browser::storage;
use crate::pages::checkout::{CHECKOUT_STYLES, DraftKey, cart_items};
use crate::pages::checkout_phone::CheckoutPhoneGate;
use crate::pages::data_outcome::DataPurchaseTracking;
use crate::pages::order_tracking::OrderTrackingPage;
use crate::pages::topup::{TOPUP_STYLES, TopUpContext};
use crate::state::route::Route;
use crate::state::shop::Shop;
use crate::topup::TopUp;
use crate::topup::api::TopUpApi;
use crate::topup::pay::masked_phone;

type Listener = Closure<dyn FnMut(web_sys::Event)>;

fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// The shown stage: status line, what to do next.
fn stage_view(view: &CheckoutView) -> impl IntoView + use<> {
    let s = stage(view);
    let tone = match s.tone {
        Tone::Waiting => "waiting",
        Tone::Good => "good",
        Tone::Bad => "bad",
    };
    let next = match s.next {
        NextStep::Pay { url } => view! {
            <p class="co-actions">
                <a class="btn primary co-pay" href=url>{format!("Pay {}", view.total.display)}</a>
            </p>
        }
        .into_any(),
        NextStep::Transfer(details) => view! { <TransferDetailsList details=details/> }.into_any(),
        NextStep::StartAgain if view.kind == CheckoutKind::Data => view! {
            <p class="co-actions">
                <StoreLink to=Route::Data class="btn primary">"Buy data again"</StoreLink>
            </p>
        }
        .into_any(),
        NextStep::StartAgain => view! {
            <p class="co-actions">
                <StoreLink to=Route::Checkout class="btn primary">"Check out again"</StoreLink>
            </p>
        }
        .into_any(),
        NextStep::Wait | NextStep::TrackOrder { .. } | NextStep::TrackData { .. } => ().into_any(),
    };
    view! {
        <section class=format!("co-stage {tone}") aria-labelledby="co-stage-title"
            data-status=view.status.as_str()>
            <div role="status" aria-live="polite">
                <h3 id="co-stage-title">{s.title}</h3>
                <p class="co-stage-detail">{s.detail}</p>
            </div>
            {next}
        </section>
    }
}

/// What was bought and what it costs: the lines and delivery of an order, or the plan and the
/// line (masked) of a data top-up.
fn summary_view(view: &CheckoutView, phone: &str) -> AnyView {
    if view.kind == CheckoutKind::Data {
        let plan = view
            .items
            .first()
            .map(|i| i.name.clone())
            .unwrap_or_default();
        return view! {
            <h3 class="co-tl-title">"Your data"</h3>
            <dl class="co-totals tu-summary">
                <div><dt>"Plan"</dt><dd>{plan}</dd></div>
                <div><dt>"Line"</dt><dd>{masked_phone(phone)}</dd></div>
                <div class="co-total"><dt>"Total"</dt><dd>{view.total.display.clone()}</dd></div>
            </dl>
        }
        .into_any();
    }
    view! {
        <ul class="co-items" aria-label="Items">
            {view.items.iter().map(|i| view! {
                <li class="co-item">
                    <span class="co-item-name">{i.name.clone()}</span>
                    <span class="co-item-qty">{format!("× {}", i.quantity)}</span>
                    <span class="co-item-total">{i.line_total.display.clone()}</span>
                </li>
            }).collect_view()}
        </ul>
        <dl class="co-totals">
            <div><dt>"Items"</dt><dd>{view.subtotal.display.clone()}</dd></div>
            <div><dt>"Delivery"</dt><dd>{price_label(view.delivery_fee.amount)}</dd></div>
            <div class="co-total"><dt>"Total"</dt><dd>{view.total.display.clone()}</dd></div>
        </dl>
    }
    .into_any()
}

/// Settles this browser's top-up draft when the data checkout `reference` it made ended.
fn settle_topup(key: &str, reference: &str, placed: bool) -> bool {
    let Some(s) = storage() else { return false };
    let draft = s
        .get_item(key)
        .ok()
        .flatten()
        .and_then(|raw| TopUp::decode(&raw));
    if let Some(mut t) = draft
        && t.settle(reference, placed)
    {
        let _ = s.set_item(key, &t.encode());
        return true;
    }
    false
}

/// One checkout's payment, then its order.
#[component]
pub fn CheckoutTrackingPage(
    /// `CHK-…`, checked by the route.
    reference: String,
    /// The phone the order was placed with.
    phone: String,
) -> impl IntoView {
    let api = expect_context::<CheckoutApi>();
    let shop = expect_context::<Shop>();
    let DraftKey(draft_key) = expect_context::<DraftKey>();
    let cart = shop.cart;
    let topup_key = use_context::<TopUpContext>().map(|c| c.storage_key().to_owned());
    let data_api = TopUpApi::new(api.proxy());
    let shown: RwSignal<Option<CheckoutView>> = RwSignal::new(None);
    let problem: RwSignal<Option<String>> = RwSignal::new(None);
    let polls = StoredValue::new(0u32);
    let timer: StoredValue<Option<TimeoutHandle>> = StoredValue::new(None);
    let stopped = StoredValue::new(false);
    let on_visible: StoredValue<Option<Listener>, LocalStorage> = StoredValue::new_local(None);
    let load: StoredValue<Box<dyn Fn()>, LocalStorage> = StoredValue::new_local(Box::new(|| {}));

    // the checkout ended: settle this browser's draft if it made it
    let settle = {
        let reference = reference.clone();
        // `true` when this call settled the draft: the first time this browser sees it end
        move |status: CheckoutStatus, kind: CheckoutKind| -> bool {
            let placed = status == CheckoutStatus::Placed;
            if kind == CheckoutKind::Data {
                return topup_key
                    .as_ref()
                    .is_some_and(|key| settle_topup(key, &reference, placed));
            }
            let Some(s) = storage() else { return false };
            let raw = s.get_item(&draft_key).ok().flatten();
            let items = cart_items(cart);
            if let Some(next) = settle_stored(raw.as_deref(), items, &reference, placed) {
                let _ = s.set_item(&draft_key, &next);
                if placed {
                    cart.clear();
                }
                return true;
            }
            false
        }
    };
    // every value below belongs to this page and an answer may land after it is gone: one
    // `try_` read first (reading a disposed signal panics, and a panic traps the module)
    let schedule = move || {
        if stopped.try_get_value() != Some(false) {
            return;
        }
        let status = shown.with_untracked(|s| s.as_ref().map(|v| v.status));
        let n = polls.get_value() + 1;
        polls.set_value(n);
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        let handle = next_poll(status, n, page_hidden()).and_then(|wait| {
            set_timeout_with_handle(
                move || {
                    load.try_with_value(|f| f());
                },
                wait,
            )
            .ok()
        });
        timer.set_value(handle);
    };
    let events = crate::events_dom::Events::from_context();
    let accept = move |view: CheckoutView| {
        // an unchanged answer changes nothing (the buttons keep their focus)
        if shown.with_untracked(|s| s.as_ref() == Some(&view)) {
            return;
        }
        let current = shown.with_untracked(|s| s.as_ref().map(|v| v.status));
        if !is_newer(current, view.status) {
            return;
        }
        // the merchant's page hears each state this page shows, and an order once, when this
        // browser settles the checkout it made (a reload, or another browser, does not count it
        // again)
        events.emit(&events::checkout_payment(&view));
        if view.status.is_final()
            && settle(view.status, view.kind)
            && view.status == CheckoutStatus::Placed
            && view.kind == CheckoutKind::Order
        {
            events.emit(&events::checkout_placed(&view));
        }
        shown.set(Some(view));
        problem.set(None);
    };
    {
        let reference = reference.clone();
        let phone = phone.clone();
        load.set_value(Box::new(move || {
            // the timer that called this has fired: none is pending while a request is out
            timer.try_set_value(None);
            let api = api.clone();
            let reference = reference.clone();
            let phone = phone.clone();
            let accept = accept.clone();
            spawn_local(async move {
                let answer = api.checkout(&reference, &phone).await;
                if stopped.try_get_value() != Some(false) {
                    return;
                }
                match answer.map(|v| check_view(&reference, v)) {
                    Ok(Ok(view)) => accept(view),
                    Ok(Err(_)) => problem.set(Some(
                        "The store sent an answer we can't show. We'll keep trying.".to_owned(),
                    )),
                    Err(CallError::Http { status: 404, .. }) => {
                        stopped.set_value(true);
                        problem.set(Some(
                            "We couldn't find a checkout with that reference and phone number."
                                .to_owned(),
                        ));
                        return;
                    }
                    // keep showing what we have; only say so when there is nothing yet
                    Err(_) if shown.with_untracked(Option::is_none) => problem.set(Some(
                        "We couldn't load your checkout. We'll keep trying.".to_owned(),
                    )),
                    Err(_) => {}
                }
                schedule();
            });
        }));
    }
    load.with_value(|f| f());

    // polling pauses while the page is hidden and asks at once when it is shown again
    let listener: Listener = Closure::new(move |_| {
        let waiting = timer.try_get_value().flatten().is_none();
        let open = shown.try_with_untracked(|s| s.as_ref().is_none_or(|v| !v.status.is_final()));
        if !page_hidden() && waiting && open == Some(true) && stopped.try_get_value() == Some(false)
        {
            load.try_with_value(|f| f());
        }
    });
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        let _ = doc.add_event_listener_with_callback(
            "visibilitychange",
            listener.as_ref().unchecked_ref(),
        );
    }
    on_visible.set_value(Some(listener));
    on_cleanup(move || {
        stopped.try_set_value(true);
        if let Some(h) = timer.try_get_value().flatten() {
            h.clear();
        }
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            on_visible.try_with_value(|l| {
                if let Some(l) = l {
                    let _ = doc.remove_event_listener_with_callback(
                        "visibilitychange",
                        l.as_ref().unchecked_ref(),
                    );
                }
            });
        }
        on_visible.try_set_value(None);
    });

    let order = Memo::new(move |_| {
        shown.with(|s| {
            s.as_ref()
                .filter(|v| v.status == CheckoutStatus::Placed)
                .and_then(|v| {
                    let r = v.order_reference.clone()?;
                    Some((r, v.kind, v.total.display.clone()))
                })
        })
    });
    let is_data = Memo::new(move |_| {
        shown.with(|s| s.as_ref().is_some_and(|v| v.kind == CheckoutKind::Data))
    });
    let title = format!("Checkout {reference}");
    let checkout_ref = reference;
    let summary_phone = phone.clone();
    view! {
        <div class="page co-page co-tracking">
            <ModuleStyles name="checkout" css=CHECKOUT_STYLES/>
            {move || is_data.get().then(|| view! { <ModuleStyles name="topup" css=TOPUP_STYLES/> })}
            {move || match order.get() {
                // paid and placed, for data: the purchase's outcome, followed while processing
                Some((purchase, CheckoutKind::Data, total)) => view! {
                    <h2 class="title">"Your data"</h2>
                    <p class="co-stage good co-paid-note" role="status" data-status="placed">
                        {format!("Paid {total} — your data is on its way (checkout {checkout_ref}).")}
                    </p>
                    <DataPurchaseTracking reference=purchase phone=phone.clone()
                        checkout=checkout_ref.clone() api=data_api.clone()/>
                }
                .into_any(),
                // paid and placed: the order's own tracking, with its timeline
                Some((order_reference, CheckoutKind::Order, _)) => view! {
                    <p class="co-stage good co-paid-note" role="status" data-status="placed">
                        {format!("Paid — your order is placed (checkout {checkout_ref}).")}
                    </p>
                    <OrderTrackingPage reference=order_reference phone=phone.clone()/>
                }
                .into_any(),
                None => view! {
                    <h2 class="title">{title.clone()}</h2>
                    <p class="co-error" role="alert" hidden=move || problem.with(Option::is_none)>
                        {move || problem.get().unwrap_or_default()}
                    </p>
                    {move || shown.with(|s| s.as_ref().map(stage_view))}
                    {
                        let phone = summary_phone.clone();
                        move || shown.with(|s| s.as_ref().map(|v| summary_view(v, &phone)))
                    }
                    <p class="co-actions">
                        <StoreLink to=Route::default() class="btn">"Continue shopping"</StoreLink>
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
