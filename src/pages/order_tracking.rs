//! Live tracking of one order (`#/order/{reference}?phone=…`): the timeline fed by the proxy's
//! Server-Sent Events, with polling when SSE is unavailable, and never a step backwards. What is
//! shown and what the stream and poller must do are `checkout::tracking_feed::Feed`'s; this
//! wires an `EventSource`, an interval and the tracking call to it.

use std::time::Duration;

use amigo_types::tracking::{OrderTracking, STATUS_EVENT};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{EventSource, MessageEvent};

use crate::checkout::api::{CallError, CheckoutApi};
use crate::checkout::tracking_feed::{Feed, Next, delivery_line};
use crate::components::link::StoreLink;
use crate::components::module_styles::ModuleStyles;
use crate::components::order_timeline::OrderTimeline;
use crate::components::purchase_lines::{item_list, totals};
use crate::pages::checkout::CHECKOUT_STYLES;
use crate::state::route::Route;
use crate::wording::{Later, Wording, words};

/// How often to ask when SSE is unavailable.
pub const POLL_EVERY: Duration = Duration::from_secs(5);

type Listener = Closure<dyn FnMut(web_sys::Event)>;

/// The tracking view of one order.
#[component]
pub fn OrderTrackingPage(
    /// The order's reference.
    reference: String,
    /// The phone it was placed with.
    phone: String,
) -> impl IntoView {
    let api = expect_context::<CheckoutApi>();
    let feed = RwSignal::new(Feed::default());
    let source: StoredValue<Option<EventSource>, LocalStorage> = StoredValue::new_local(None);
    let listeners: StoredValue<Vec<Listener>, LocalStorage> = StoredValue::new_local(Vec::new());
    let poller: StoredValue<Option<IntervalHandle>> = StoredValue::new(None);

    // stops the poller and, with `stream`, closes the stream; touches no signal, so it is safe
    // while the page is being disposed
    let stop = move |stream: bool| {
        if stream && let Some(es) = source.try_get_value().flatten() {
            es.close();
        }
        if let Some(h) = poller.try_get_value().flatten() {
            h.clear();
        }
        poller.try_set_value(None);
    };
    let w = words();
    let title = w.fill(Later::order_title, &[("reference", &reference)]);
    let events_url = api.events_url(&reference, &phone);
    let load = {
        let api = api.clone();
        move || {
            let (api, reference, phone) = (api.clone(), reference.clone(), phone.clone());
            spawn_local(async move {
                let next = match api.tracking(&reference, &phone).await {
                    Ok(t) => feed.try_update(|f| f.accept(t)),
                    Err(e) => feed.try_update(|f| {
                        f.load_failed(matches!(e, CallError::Http { status: 404, .. }))
                    }),
                };
                if next == Some(Next::Close) {
                    stop(true);
                }
            });
        }
    };
    let load = StoredValue::new_local(load);
    // every listener and answer can run after the page is gone (an event already queued, an
    // answer in flight): each reads through `try_`, as reading a disposed signal panics and a
    // panic traps the whole module
    let run = move |next: Option<Next>| match next {
        Some(Next::Close) => stop(true),
        Some(Next::StopPolling) => stop(false),
        Some(Next::Poll) if poller.try_get_value().is_some_and(|p| p.is_none()) => {
            let handle = set_interval_with_handle(
                move || {
                    load.try_with_value(|f| f());
                },
                POLL_EVERY,
            );
            poller.try_set_value(handle.ok());
        }
        _ => {}
    };

    load.with_value(|f| f());
    match EventSource::new(&events_url) {
        Ok(es) => {
            let on_status: Listener = Closure::new(move |ev: web_sys::Event| {
                let data = ev
                    .dyn_ref::<MessageEvent>()
                    .and_then(|m| m.data().as_string());
                if let Some(t) = data.and_then(|d| serde_json::from_str::<OrderTracking>(&d).ok()) {
                    run(feed.try_update(|f| f.accept(t)));
                }
            });
            let on_open: Listener = Closure::new(move |_| run(feed.try_update(Feed::opened)));
            let on_error: Listener =
                Closure::new(move |_| run(feed.try_update(Feed::stream_failed)));
            let _ = es
                .add_event_listener_with_callback(STATUS_EVENT, on_status.as_ref().unchecked_ref());
            let _ = es.add_event_listener_with_callback("open", on_open.as_ref().unchecked_ref());
            let _ = es.add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref());
            listeners.set_value(vec![on_status, on_open, on_error]);
            source.set_value(Some(es));
        }
        Err(_) => run(Some(Next::Poll)),
    }
    on_cleanup(move || {
        stop(true);
        listeners.try_set_value(Vec::new());
    });

    let steps = Signal::derive(move || feed.with(|f| f.steps(w)));
    view! {
        <div class="page co-page co-tracking">
            <ModuleStyles name="checkout" css=CHECKOUT_STYLES/>
            <h2 class="title">{title}</h2>
            <p class="co-hint" role="status" aria-live="polite">
                {move || feed.with(|f| f.status_line(w))}
            </p>
            <p class="co-error" role="alert" hidden=move || feed.with(|f| f.problem().is_none())>
                {move || feed.with(|f| f.problem().map(|p| w.get(p)).unwrap_or_default())}
            </p>
            {move || feed.with(|f| f.shown().map(|t| order_summary(t, w)))}
            <h3 class="co-tl-title">{w.get(Later::progress)}</h3>
            <OrderTimeline steps=steps/>
            <p class="co-actions">
                <StoreLink to=Route::default() class="btn">{w.get(Later::continue_shopping)}</StoreLink>
            </p>
        </div>
    }
}

/// Where the order goes, its totals and its items.
fn order_summary(t: &OrderTracking, w: &'static Wording) -> impl IntoView + use<> {
    view! {
        <p class="co-delivery">{delivery_line(t, w)}</p>
        {totals(&t.subtotal, &t.delivery_fee, &t.total, w)}
        {item_list(&t.items, w.get(Later::items))}
    }
}
