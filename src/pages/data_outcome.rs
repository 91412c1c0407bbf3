//! A data purchase's outcome as the shopper sees it (topping up, delivered, failed and
//! refunded), and the polling that follows a processing purchase until it settles. "Buy data"
//! shows it for a purchase made at once; a data checkout's tracking page shows it, with the
//! number masked, for the purchase made once the checkout was paid.

use std::time::Duration;

use amigo_types::data::{DataPurchase, DataPurchaseStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::checkout::api::CallError;
use crate::components::link::StoreLink;
use crate::state::route::Route;
use crate::topup::api::TopUpApi;
use crate::topup::outcome;
use crate::topup::pay::masked_phone;
use crate::wording::{Later, words};

/// How often a processing purchase is asked about.
const POLL_EVERY: Duration = Duration::from_secs(3);

/// Asks the proxy about the purchase `current` names (reference and phone; `None` once it has
/// settled) every [`POLL_EVERY`], handing each answer to `fresh`, until the calling component
/// is cleaned up.
pub fn follow_purchase(
    api: TopUpApi,
    current: impl Fn() -> Option<(String, String)> + 'static,
    fresh: impl Fn(DataPurchase) + Copy + 'static,
) {
    let poll = set_interval_with_handle(
        move || {
            let Some((reference, phone)) = current() else {
                return;
            };
            let api = api.clone();
            spawn_local(async move {
                if let Ok(p) = api.status(&reference, &phone).await {
                    fresh(p);
                }
            });
        },
        POLL_EVERY,
    )
    .ok();
    on_cleanup(move || {
        if let Some(handle) = poll {
            handle.clear();
        }
    });
}

/// The outcome of one purchase: headline, the live status line and what was bought. Made from
/// a paid checkout (`paid_checkout`), the number shows only its last digits (a tracking page
/// anyone with the link may open).
pub fn outcome_view(p: &DataPurchase, paid_checkout: Option<&str>) -> impl IntoView + use<> {
    let number = if paid_checkout.is_some() {
        masked_phone(&p.mobile_number)
    } else {
        p.mobile_number.clone()
    };
    let w = words();
    let (headline, line) = outcome(p, &number, paid_checkout, w);
    let status = match p.status {
        DataPurchaseStatus::Processing => "processing",
        DataPurchaseStatus::Delivered => "delivered",
        DataPurchaseStatus::Failed => "failed",
    };
    view! {
        <h3>{headline}</h3>
        <p role="status" aria-live="polite" class="tu-outcome" data-status=status>{line}</p>
        <dl class="co-totals tu-summary">
            <div><dt>{w.get(Later::reference)}</dt><dd class="tu-ref">{p.reference.clone()}</dd></div>
            <div><dt>{w.get(Later::line)}</dt><dd>{format!("{number} ({})", p.network_name)}</dd></div>
            <div><dt>{w.get(Later::plan)}</dt><dd>{format!("{}, {}", p.capacity, p.validity)}</dd></div>
        </dl>
    }
}

/// A data purchase made from a paid checkout (`reference`, opened with `phone`, the line it
/// tops up): loaded, then followed while it is processing.
#[component]
pub fn DataPurchaseTracking(
    /// `AMG-DAT-…` or `PRX-DAT-…`, checked by `check_view`.
    reference: String,
    /// The line topped up.
    phone: String,
    /// The checkout that paid for it (`CHK-…`).
    checkout: String,
    /// The proxy client.
    api: TopUpApi,
) -> impl IntoView {
    let shown: RwSignal<Option<DataPurchase>> = RwSignal::new(None);
    let problem: RwSignal<Option<&'static str>> = RwSignal::new(None);
    let events = crate::events_dom::Events::from_context();
    let w = words();
    // a final answer is never replaced by a slower, older one; the merchant's page hears each
    // status once (the emitter remembers what this browser told)
    let accept = move |p: DataPurchase| {
        let settled = shown.try_with_untracked(|s| {
            s.as_ref()
                .is_some_and(|s| s.status != DataPurchaseStatus::Processing)
        });
        if settled == Some(false) {
            events.emit(&crate::events::data_purchase(&p));
            shown.set(Some(p));
            problem.set(None);
        }
    };
    {
        let (api, reference, phone) = (api.clone(), reference.clone(), phone.clone());
        spawn_local(async move {
            match api.status(&reference, &phone).await {
                Ok(p) => accept(p),
                Err(e) => {
                    let _ = problem.try_set(Some(match e {
                        CallError::Http { status: 404, .. } => w.get(Later::topup_not_found),
                        _ => w.get(Later::topup_load_failed),
                    }));
                }
            }
        });
    }
    follow_purchase(
        api,
        move || {
            shown
                .try_with_untracked(|s| {
                    s.as_ref()
                        .is_none_or(|p| p.status == DataPurchaseStatus::Processing)
                })
                .filter(|open| *open)
                .map(|_| (reference.clone(), phone.clone()))
        },
        accept,
    );
    view! {
        <div class="co-confirmation tu-done">
            <p class="co-error" role="alert" hidden=move || problem.with(Option::is_none)>
                {move || problem.get().unwrap_or_default()}
            </p>
            {move || shown.with(|s| s.as_ref().map(|p| outcome_view(p, Some(&checkout))))}
            <p class="co-actions">
                <StoreLink to=Route::Data class="btn primary">{w.get(Later::buy_more_data)}</StoreLink>
                " "
                <StoreLink to=Route::default() class="btn">{w.get(Later::continue_shopping)}</StoreLink>
            </p>
        </div>
    }
}
