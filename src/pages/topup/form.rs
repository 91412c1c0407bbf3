//! The "Buy data" form: the number (its network read from the prefix, or picked when ported),
//! the plans for that network, the notice and the Buy button. Controls write the plain `TopUp`
//! through its edits; every wording and check is `topup`'s.

use amigo_types::data::Network;
use leptos::prelude::*;

use super::plans::plan_list;
use super::wiring::{Catalog, Wiring};
use crate::keyed::SubmitFailure;
use crate::pages::checkout_pending::PaymentSettingsAlert;
use crate::topup::failure::TopUpField;
use crate::topup::pay::{buy_fine_print, buy_label};
use crate::topup::plans::group_plans;
use crate::topup::{TopUp, TopUpPhase};
use crate::wording::{Later, Text, words};

/// The form; `retry_payment` asks for the store's payment settings again.
pub(super) fn topup_form(w: Wiring, retry_payment: Callback<()>) -> impl IntoView {
    let Wiring {
        t,
        catalog,
        blocked,
        payment,
        chosen,
        ..
    } = w;
    let wd = words();
    let method = Memo::new(move |_| payment.with(|p| p.method()));
    let phase = Memo::new(move |_| t.with(TopUp::phase));
    let locked = Signal::derive(move || phase.get() != TopUpPhase::Editing);
    let failure = Memo::new(move |_| t.with(|t| t.failure().cloned()));
    let field_error = move |field: TopUpField| {
        Signal::derive(move || {
            failure.with(|f| {
                f.as_ref()
                    .filter(|f| f.field == Some(field))
                    .map(|f| f.message(wd))
            })
        })
    };
    let phone_error = field_error(TopUpField::Phone);
    let network_error = field_error(TopUpField::Network);
    let plan_error = field_error(TopUpField::Plan);
    let notice =
        Signal::derive(move || failure.with(|f| f.as_ref().filter(|f| f.field.is_none()).cloned()));
    let blocked_shown = move || notice.with(Option::is_none) && blocked.with(Option::is_some);
    let network = Memo::new(move |_| t.with(TopUp::network));
    let ported = Memo::new(move |_| t.with(|t| t.ported));
    let groups = Memo::new(move |_| {
        let n = network.get()?;
        catalog.with(|c| match c {
            Catalog::Ready(all) => Some(group_plans(all, n)),
            _ => None,
        })
    });
    let phone_hint = move || t.with(|t| t.phone_hint(wd));
    let described = |hint: &'static str, error: &'static str, has_error: Signal<Option<String>>| {
        move || {
            if has_error.with(Option::is_some) {
                format!("{hint} {error}")
            } else {
                hint.to_owned()
            }
        }
    };

    view! {
        <form class="co-form tu-form" novalidate node_ref=w.form_ref
            on:submit=move |ev| {
                ev.prevent_default();
                w.buy();
            }>
            <div class="co-field">
                <label for="topup-phone">{wd.get(Later::phone_to_top_up)}</label>
                <p id="topup-phone-hint" class="co-hint" aria-live="polite">{phone_hint}</p>
                <input id="topup-phone" name="topup-phone" type="tel" inputmode="tel"
                    autocomplete="tel" aria-required="true"
                    aria-describedby=described("topup-phone-hint", "topup-phone-error", phone_error)
                    aria-invalid=move || phone_error.with(Option::is_some).then_some("true")
                    prop:value=move || t.with(|t| t.phone.clone())
                    prop:disabled=move || locked.get()
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        t.update(|t| {
                            t.edit(|t| t.phone = v.chars().take(20).collect());
                        });
                    }
                    on:blur=move |_| {
                        if t.with_untracked(|t| t.clone().normalise_phone()) {
                            t.update(|t| {
                                t.normalise_phone();
                            });
                        }
                    }
                />
                <p id="topup-phone-error" class="co-error" hidden=move || phone_error.with(Option::is_none)>
                    {move || phone_error.get().unwrap_or_default()}
                </p>
            </div>
            <label class="tu-switch" for="topup-ported">
                <input id="topup-ported" type="checkbox" role="switch"
                    prop:checked=move || ported.get()
                    prop:disabled=move || locked.get()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        t.update(|t| {
                            t.edit(|t| t.ported = on);
                        });
                    }
                />
                " " {wd.get(Later::number_ported)}
            </label>
            <Show when=move || ported.get()>
                <fieldset class="tu-group tu-networks" id="topup-network" tabindex="-1"
                    aria-describedby=move || network_error.with(Option::is_some).then_some("topup-network-error")>
                    <legend>{wd.get(Later::network_now)}</legend>
                    <div class="tu-network-list">
                        {Network::ALL
                            .into_iter()
                            .map(|n| view! {
                                <label class="tu-network">
                                    <input type="radio" name="topup-network" value=n.id().to_string()
                                        prop:checked=move || t.with(|t| t.picked_network == Some(n))
                                        prop:disabled=move || locked.get()
                                        on:change=move |_| {
                                            t.update(|t| {
                                                t.edit(|t| {
                                                    t.picked_network = Some(n);
                                                    t.plan = None;
                                                });
                                            });
                                        }
                                    />
                                    " " {n.name()}
                                </label>
                            })
                            .collect_view()}
                    </div>
                    <p id="topup-network-error" class="co-error" hidden=move || network_error.with(Option::is_none)>
                        {move || network_error.get().unwrap_or_default()}
                    </p>
                </fieldset>
            </Show>
            <div class="tu-plans-wrap" id="topup-plans" tabindex="-1"
                aria-describedby=move || plan_error.with(Option::is_some).then_some("topup-plans-error")>
                <h3 class="tu-plans-title">
                    {move || network.get().map_or_else(
                        || wd.get(Later::plans).to_owned(),
                        |n| wd.fill(Later::network_plans, &[("network", n.name())]),
                    )}
                </h3>
                {move || match (catalog.get(), groups.get()) {
                    (Catalog::Disabled, _) => view! {
                        <p class="co-error" role="alert">{wd.get(Later::data_sales_off)}</p>
                    }
                    .into_any(),
                    (Catalog::Failed, _) => view! {
                        <p class="co-error" role="alert">
                            {wd.get(Later::plans_failed)} " "
                            <button type="button" class="btn" on:click=move |_| w.load_plans()>
                                {wd.get(Text::retry)}
                            </button>
                        </p>
                    }
                    .into_any(),
                    (Catalog::Loading, _) => view! {
                        <p class="state tu-state" role="status">{wd.get(Text::loading_plans)}</p>
                    }
                    .into_any(),
                    (Catalog::Ready(_), None) => view! {
                        <p class="co-hint tu-state">{wd.get(Later::enter_phone_for_plans)}</p>
                    }
                    .into_any(),
                    (Catalog::Ready(_), Some(g)) if g.is_empty() => view! {
                        <p class="co-hint tu-state">{wd.get(Later::no_plans)}</p>
                    }
                    .into_any(),
                    (Catalog::Ready(_), Some(g)) => plan_list(g, t, locked).into_any(),
                }}
                <p id="topup-plans-error" class="co-error" hidden=move || plan_error.with(Option::is_none)>
                    {move || plan_error.get().unwrap_or_default()}
                </p>
            </div>
            <p id="topup-notice" class="co-notice" role="alert" tabindex="-1"
                hidden=move || notice.with(Option::is_none) && !blocked_shown()>
                {move || notice.get().map(|n| n.message(wd)).unwrap_or_default()}
                {move || blocked_shown().then(|| blocked.get().map(|b| wd.get(b)).unwrap_or_default())}
                {move || notice.get().filter(|n| n.keeps_key()).map(|_| view! {
                    " "
                    <button type="button" class="btn co-try-again" on:click=move |_| w.buy()>
                        {wd.get(Later::try_again)}
                    </button>
                })}
            </p>
            <PaymentSettingsAlert load=payment on_retry=retry_payment/>
            <button type="submit" class="btn primary wide tu-buy" id="topup-buy"
                prop:disabled=move || locked.get()
                aria-disabled=move || locked.get().then_some("true")>
                {move || {
                    let plan = chosen.get();
                    buy_label(
                        wd,
                        method.get(),
                        plan.as_ref().map(|p| (p.capacity.as_str(), p.price.amount)),
                        phase.get() == TopUpPhase::Submitting,
                    )
                }}
            </button>
            <p class="co-hint co-fineprint">{move || wd.get(buy_fine_print(method.get()))}</p>
        </form>
    }
}
