//! The delivery options as a radio group — Standard and Premium with price ("Free") and ETA
//! ("0–2 days"), the per-scheme breakdown when there is more than one scheme — or, when the cart
//! can't ship to the area, which items can't and a button to remove each.

use amigo_types::delivery::DeliveryTier;
use leptos::prelude::*;

use crate::checkout::quote::QuoteView;
use crate::wording::{Later, Text, words};

/// Where the quote request stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuoteStatus {
    /// No area chosen (or an empty cart): nothing to quote.
    Waiting,
    /// A request is in flight.
    Loading,
    /// The quote is shown.
    Ready,
    /// The request failed; a retry is offered.
    Failed(String),
}

/// The Standard/Premium radio group with its states.
#[component]
pub fn QuoteTiers(
    /// The quote to show, once it arrived.
    #[prop(into)]
    quote: Signal<Option<QuoteView>>,
    /// Where the request stands.
    #[prop(into)]
    status: Signal<QuoteStatus>,
    /// The tier chosen.
    #[prop(into)]
    tier: Signal<DeliveryTier>,
    /// Called when the shopper picks a tier.
    on_tier: Callback<DeliveryTier>,
    /// Called to remove an item that can't ship to the area.
    on_remove: Callback<u64>,
    /// Called to ask for the quote again.
    on_retry: Callback<()>,
    /// The inline error for this step.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Whether the choice is locked (an order is being placed).
    #[prop(into)]
    disabled: Signal<bool>,
) -> impl IntoView {
    let w = words();
    let body = move || {
        match (status.get(), quote.get()) {
        (QuoteStatus::Waiting, _) => view! {
            <p class="co-hint">{w.get(Later::choose_area_for_prices)}</p>
        }
        .into_any(),
        (QuoteStatus::Failed(message), _) => view! {
            <p class="co-error" role="alert">
                {message} " "
                <button type="button" class="co-link-button co-retry" on:click=move |_| on_retry.run(())>
                    {w.get(Text::retry)}
                </button>
            </p>
        }
        .into_any(),
        (QuoteStatus::Loading, None) | (QuoteStatus::Ready, None) => view! {
            <p class="co-hint" aria-busy="true">{w.get(Later::getting_prices)}</p>
        }
        .into_any(),
        (_, Some(q)) if q.tiers.is_empty() => {
            let place = q.place.clone();
            view! {
                <div class="co-unserviceable" role="alert">
                    <p>
                        <strong>{w.fill(Later::cant_deliver_to, &[("place", &place)])}</strong>
                    </p>
                    <ul class="co-warnings">
                        {q.warnings.iter().map(|warning| view! { <li>{warning.clone()}</li> }).collect_view()}
                    </ul>
                    <ul class="co-blocked">
                        {q
                            .blocked
                            .iter()
                            .map(|b| {
                                let id = b.product_id;
                                let name = b.name.clone();
                                view! {
                                    <li>
                                        <span>{name.clone()}</span>
                                        " "
                                        <button
                                            type="button"
                                            class="co-remove"
                                            aria-label=w.fill(Later::remove_from_order, &[("name", &name)])
                                            on:click=move |_| on_remove.run(id)
                                        >
                                            {w.get(Later::remove)}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    <p class="co-hint">{w.get(Later::or_another_area)}</p>
                </div>
            }
            .into_any()
        }
        (s, Some(q)) => {
            let busy = s == QuoteStatus::Loading;
            view! {
                <div class="co-tiers" role="radiogroup" aria-labelledby="co-step-delivery"
                    aria-busy=busy.then_some("true")>
                    {q
                        .tiers
                        .iter()
                        .map(|t| {
                            let value = t.tier;
                            let id = format!("co-tier-{}", value.as_str());
                            view! {
                                <label class="co-tier" for=id.clone()>
                                    <input
                                        type="radio"
                                        id=id.clone()
                                        name="co-tier"
                                        value=value.as_str()
                                        prop:checked=move || tier.get() == value
                                        prop:disabled=move || disabled.get()
                                        on:change=move |_| on_tier.run(value)
                                    />
                                    <span class="co-tier-title">{t.title}</span>
                                    <span class="co-tier-price">{t.price.clone()}</span>
                                    <span class="co-tier-eta">{w.fill(Later::arrives_in, &[("eta", &t.eta)])}</span>
                                </label>
                            }
                        })
                        .collect_view()}
                </div>
                {(!q.breakdown.is_empty())
                    .then(|| {
                        view! {
                            <table class="co-breakdown">
                                <caption>{w.get(Later::breakdown_caption)}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{w.get(Later::breakdown_group)}</th>
                                        <th scope="col">{w.get(Later::items)}</th>
                                        <th scope="col">{w.get(Later::standard)}</th>
                                        <th scope="col">{w.get(Later::premium)}</th>
                                        <th scope="col">{w.get(Later::breakdown_arrives)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {q
                                        .breakdown
                                        .iter()
                                        .map(|l| {
                                            view! {
                                                <tr>
                                                    <th scope="row">{l.name.clone()}</th>
                                                    <td>{l.products.join(", ")}</td>
                                                    <td>{l.standard.clone()}</td>
                                                    <td>{l.premium.clone()}</td>
                                                    <td>{l.eta.clone()}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                    })}
            }
            .into_any()
        }
    }
    };
    view! {
        <div class="co-quote" id="co-quote">
            {body}
            <p id="co-tier-standard-error" class="co-error" hidden=move || error.with(Option::is_none)>
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}
