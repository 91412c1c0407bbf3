//! Live tracking of one order (`#/order/{reference}?phone=…`): the timeline fed by the proxy's
//! Server-Sent Events, with polling when SSE is unavailable, and never a step backwards.

use std::time::Duration;

use amigo_types::delivery::DeliveryTier;
use amigo_types::tracking::{OrderTracking, STATUS_EVENT};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{EventSource, MessageEvent};

use crate::checkout::api::{CallError, CheckoutApi};
use crate::checkout::quote::{eta_label, price_label};
use crate::checkout::tracking::{is_final, is_newer, timeline};
use crate::components::link::StoreLink;
use crate::components::module_styles::ModuleStyles;
use crate::components::order_timeline::OrderTimeline;
use crate::pages::checkout::CHECKOUT_STYLES;
use crate::state::route::Route;

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
    let shown: RwSignal<Option<OrderTracking>> = RwSignal::new(None);
    let problem: RwSignal<Option<String>> = RwSignal::new(None);
    let live = RwSignal::new(false);
    let source: StoredValue<Option<EventSource>, LocalStorage> = StoredValue::new_local(None);
    let listeners: StoredValue<Vec<Listener>, LocalStorage> = StoredValue::new_local(Vec::new());
    let poller: StoredValue<Option<IntervalHandle>> = StoredValue::new(None);

    // closes the stream and the poller; touches no signal, so it is safe while the page is
    // being disposed (a signal set then re-runs a view effect that reads disposed signals)
    let close = move || {
        if let Some(es) = source.try_get_value().flatten() {
            es.close();
        }
        source.try_set_value(None);
        if let Some(h) = poller.try_get_value().flatten() {
            h.clear();
        }
        poller.try_set_value(None);
    };
    let stop = move || {
        close();
        live.try_set(false);
    };
    // `accept`, `load`'s answer and the stream's listeners can all run after the page is gone
    // (an answer in flight, an event already queued): every read is a `try_`, as reading a
    // disposed signal panics and a panic traps the whole module
    let accept = move |t: OrderTracking| {
        let Some(current) =
            shown.try_with_untracked(|s| s.as_ref().map(|s| (s.status, s.timeline.len())))
        else {
            return;
        };
        if is_newer(current, (t.status, t.timeline.len())) {
            let done = is_final(t.status);
            shown.set(Some(t));
            problem.set(None);
            if done {
                stop();
            }
        }
    };
    let title = format!("Order {reference}");
    let events_url = api.events_url(&reference, &phone);
    let load = {
        let api = api.clone();
        move || {
            let api = api.clone();
            let reference = reference.clone();
            let phone = phone.clone();
            spawn_local(async move {
                match api.tracking(&reference, &phone).await {
                    Ok(t) => accept(t),
                    Err(CallError::Http { status: 404, .. }) => {
                        stop();
                        problem.set(Some(
                            "We couldn't find an order with that reference and phone number."
                                .to_owned(),
                        ));
                    }
                    // keep showing what we have; only say so when there is nothing yet
                    Err(_) if shown.try_with_untracked(Option::is_none) == Some(true) => problem
                        .set(Some(
                            "We couldn't load your order. We'll keep trying.".to_owned(),
                        )),
                    Err(_) => {}
                }
            });
        }
    };
    let load = StoredValue::new_local(load);
    let start_polling = move || {
        if poller.try_get_value().is_none_or(|p| p.is_some()) {
            return;
        }
        let handle = set_interval_with_handle(
            move || {
                load.try_with_value(|f| f());
            },
            POLL_EVERY,
        )
        .ok();
        poller.try_set_value(handle);
    };

    load.with_value(|f| f());
    match EventSource::new(&events_url) {
        Ok(es) => {
            let on_status: Listener = Closure::new(move |ev: web_sys::Event| {
                let data = ev
                    .dyn_ref::<MessageEvent>()
                    .and_then(|m| m.data().as_string());
                if let Some(t) = data.and_then(|d| serde_json::from_str::<OrderTracking>(&d).ok()) {
                    accept(t);
                }
            });
            let on_open: Listener = Closure::new(move |_| {
                live.set(true);
                if let Some(h) = poller.try_get_value().flatten() {
                    h.clear();
                }
                poller.try_set_value(None);
            });
            let on_error: Listener = Closure::new(move |_| {
                // the browser retries a dropped stream by itself; poll meanwhile, and for good
                // once it gives up
                live.set(false);
                if shown.try_with_untracked(|s| s.as_ref().is_some_and(|t| is_final(t.status)))
                    != Some(false)
                {
                    return;
                }
                start_polling();
            });
            let _ = es
                .add_event_listener_with_callback(STATUS_EVENT, on_status.as_ref().unchecked_ref());
            let _ = es.add_event_listener_with_callback("open", on_open.as_ref().unchecked_ref());
            let _ = es.add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref());
            listeners.set_value(vec![on_status, on_open, on_error]);
            source.set_value(Some(es));
        }
        Err(_) => start_polling(),
    }
    on_cleanup(move || {
        close();
        listeners.try_set_value(Vec::new());
    });

    let steps = Signal::derive(move || {
        shown.with(|s| {
            s.as_ref()
                .map(|t| {
                    let reached: Vec<_> = t
                        .timeline
                        .iter()
                        .map(|e| (e.status, e.at.as_str()))
                        .collect();
                    timeline(t.status, &reached, t.cancelled_reason.as_deref())
                })
                .unwrap_or_default()
        })
    });
    view! {
        <div class="page co-page co-tracking">
            <ModuleStyles name="checkout" css=CHECKOUT_STYLES/>
            <h2 class="title">{title}</h2>
            <p class="co-hint" role="status" aria-live="polite">
                {move || match shown.with(|s| s.as_ref().map(|t| t.status)) {
                    Some(s) if is_final(s) => String::new(),
                    Some(_) if live.get() => "Live: this page updates by itself.".to_owned(),
                    Some(_) => "Checking for updates every few seconds.".to_owned(),
                    None => String::new(),
                }}
            </p>
            <p class="co-error" role="alert" hidden=move || problem.with(Option::is_none)>
                {move || problem.get().unwrap_or_default()}
            </p>
            {move || {
                shown
                    .get()
                    .map(|t| {
                        let tier = match t.delivery.tier {
                            Some(DeliveryTier::Premium) => "Premium home delivery",
                            _ => "Standard delivery",
                        };
                        let eta = match (t.delivery.eta_min_days, t.delivery.eta_max_days) {
                            (Some(lo), Some(hi)) => format!(" · {}", eta_label(lo, hi)),
                            _ => String::new(),
                        };
                        let place = [t.delivery.city.clone(), t.delivery.state.clone()]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(", ");
                        view! {
                            <p class="co-delivery">{format!("{tier} to {place}{eta}")}</p>
                            <dl class="co-totals">
                                <div><dt>"Items"</dt><dd>{t.subtotal.display.clone()}</dd></div>
                                <div><dt>"Delivery"</dt><dd>{price_label(t.delivery_fee.amount)}</dd></div>
                                <div class="co-total"><dt>"Total"</dt><dd>{t.total.display.clone()}</dd></div>
                            </dl>
                            <ul class="co-items" aria-label="Items">
                                {t.items.iter().map(|i| view! {
                                    <li class="co-item">
                                        <span class="co-item-name">{i.name.clone()}</span>
                                        <span class="co-item-qty">{format!("× {}", i.quantity)}</span>
                                        <span class="co-item-total">{i.line_total.display.clone()}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }
                    })
            }}
            <h3 class="co-tl-title">"Progress"</h3>
            <OrderTimeline steps=steps/>
            <p class="co-actions">
                <StoreLink to=Route::default() class="btn">"Continue shopping"</StoreLink>
            </p>
        </div>
    }
}
