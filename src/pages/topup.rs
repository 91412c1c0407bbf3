//! "Buy data" (`#/data`): the number (its network read from the prefix, or picked when ported),
//! the plans grouped by validity with efficiency badges, Buy, then the purchase's live outcome.
//! It wires the `topup::TopUp` state machine to the view, keeps the draft (with its idempotency
//! key) in `localStorage`, and maps every failure to its place. Where the store takes payment
//! first (`GET /api/payment`), Buy makes a data checkout instead ("Pay ₦X" opens Paystack's
//! page; "Buy, pay by transfer" leads to the bank details), and the draft keeps it until it
//! ends. Loaded lazily, like checkout.

use amigo_types::checkout::{CheckoutView, PaymentMethod};
use amigo_types::data::{DataPlan, DataPurchase, DataPurchaseStatus, Network};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::checkout::api::{CallError, CheckoutApi};
use crate::checkout::payment::return_url;
use crate::checkout::payment_status::paystack_redirect;
use crate::components::link::StoreLink;
use crate::components::module_styles::ModuleStyles;
use crate::events::StoreEvent;
use crate::keyed::PendingCheckout;
use crate::keyed::SubmitFailure;
use crate::keyed::browser::{new_key, storage};
use crate::pages::checkout::{CHECKOUT_STYLES, PaymentInfo, load_payment, page_href};
use crate::pages::checkout_pending::PaymentSettingsAlert;
use crate::pages::data_outcome::{follow_purchase, outcome_view};
use crate::state::route::Route;
use crate::state::shop::Shop;
use crate::topup::api::TopUpApi;
use crate::topup::failure::{TopUpFailure, TopUpField};
use crate::topup::pay::{buy_fine_print, buy_label};
use crate::topup::plans::{PlanGroups, badge, group_plans, plan_label};
use crate::topup::{TopUp, TopUpPhase, TopUpSubmission, topup_storage_key};

/// The top-up's stylesheet, placed inside the shadow root with the page.
pub const TOPUP_STYLES: &str = include_str!("../../style/topup.css");

/// What the top-up needs from the embed configuration: the proxy client and the draft's key.
#[derive(Debug, Clone)]
pub struct TopUpContext {
    api: TopUpApi,
    storage_key: String,
}

impl TopUpContext {
    /// The `localStorage` key of the top-up draft (a data checkout's tracking page settles it,
    /// and finds the phone in it).
    pub fn storage_key(&self) -> &str {
        &self.storage_key
    }
}

/// Provides the top-up's context (only when the merchant enabled `data`).
pub fn provide_topup(proxy: &str, merchant: &str) {
    provide_context(TopUpContext {
        api: TopUpApi::new(proxy),
        storage_key: topup_storage_key(proxy, merchant),
    });
}

/// What Buy got back: a purchase made at once, or a data checkout to pay.
enum Answer {
    Purchase(Result<DataPurchase, TopUpFailure>),
    Checkout(Result<PendingCheckout, TopUpFailure>),
}

#[derive(Debug, Clone, PartialEq)]
enum Catalog {
    Loading,
    Ready(Vec<DataPlan>),
    Failed,
    /// The proxy does not sell data (`403 data_sales_disabled`): retrying cannot help.
    Disabled,
}

fn read_draft(key: &str) -> Option<TopUp> {
    storage()?
        .get_item(key)
        .ok()
        .flatten()
        .and_then(|raw| TopUp::decode(&raw))
}

/// One plan as a radio card.
fn plan_card(plan: &DataPlan, t: RwSignal<TopUp>, locked: Signal<bool>) -> impl IntoView {
    let id = plan.plan_id;
    let input_id = format!("topup-plan-{id}");
    let badge = badge(plan);
    view! {
        <label class="tu-plan">
            <input type="radio" name="topup-plan" id=input_id value=id.to_string()
                aria-label=plan_label(plan)
                prop:checked=move || t.with(|t| t.plan == Some(id))
                prop:disabled=move || locked.get()
                on:change=move |_| {
                    t.update(|t| {
                        t.edit(|t| t.plan = Some(id));
                    });
                }
            />
            <span class="tu-cap">{plan.capacity.clone()}</span>
            <span class="tu-val">{plan.validity.clone()}</span>
            <span class="tu-price">{plan.price.display.clone()}</span>
            <span class="tu-eff">
                {crate::topup::plans::efficiency_text(plan)}
                {badge.map(|(text, kind)| view! {
                    " " <span class=format!("tu-badge {kind}")>{text}</span>
                })}
            </span>
        </label>
    }
}

fn plan_list(groups: PlanGroups, t: RwSignal<TopUp>, locked: Signal<bool>) -> impl IntoView {
    let poor_chosen = t.with_untracked(|t| groups.poor.iter().any(|p| Some(p.plan_id) == t.plan));
    let poor = groups.poor;
    view! {
        {groups
            .groups
            .into_iter()
            .map(|g| view! {
                <fieldset class="tu-group">
                    <legend>{g.title}</legend>
                    <div class="tu-plans">
                        {g.plans.iter().map(|p| plan_card(p, t, locked)).collect_view()}
                    </div>
                </fieldset>
            })
            .collect_view()}
        {(!poor.is_empty()).then(|| view! {
            <details class="tu-poor" open=poor_chosen>
                <summary>{format!("Less reliable plans ({})", poor.len())}</summary>
                <p class="tu-warning">
                    "These plans have often failed to deliver lately. If one fails you are refunded, but your line is not topped up."
                </p>
                <fieldset class="tu-group">
                    <legend class="sr-only">"Less reliable plans"</legend>
                    <div class="tu-plans">
                        {poor.iter().map(|p| plan_card(p, t, locked)).collect_view()}
                    </div>
                </fieldset>
            </details>
        })}
    }
}

/// The "Buy data" page.
#[component]
pub fn TopUpPage() -> impl IntoView {
    let events = crate::events_dom::Events::from_context();
    let Some(TopUpContext { api, storage_key }) = use_context::<TopUpContext>() else {
        return view! {
            <div class="page tu-page">
                <h2 class="title">"Buy data"</h2>
                <p>"This store does not sell mobile data."</p>
            </div>
        }
        .into_any();
    };
    let router = expect_context::<Shop>().router;
    let checkout_api = expect_context::<CheckoutApi>();
    let PaymentInfo(payment) = expect_context::<PaymentInfo>();
    load_payment(&checkout_api, payment);
    let retry_payment = Callback::new(move |()| load_payment(&checkout_api, payment));
    let method = Memo::new(move |_| payment.with(|p| p.method()));
    // "we are still checking how this store takes payment", when Buy was pressed meanwhile
    let blocked: RwSignal<Option<&'static str>> = RwSignal::new(None);
    let t = RwSignal::new(read_draft(&storage_key).unwrap_or_default());
    let catalog = RwSignal::new(Catalog::Loading);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let done_ref = NodeRef::<leptos::html::Div>::new();

    {
        let storage_key = storage_key.clone();
        Effect::new(move |_| {
            let raw = t.with(TopUp::encode);
            if let Some(s) = storage() {
                let _ = s.set_item(&storage_key, &raw);
            }
        });
    }

    let load_plans = {
        let api = api.clone();
        move || {
            catalog.set(Catalog::Loading);
            let api = api.clone();
            spawn_local(async move {
                let next = match api.plans().await {
                    Ok(plans) => Catalog::Ready(plans),
                    Err(CallError::Http { body: Some(b), .. })
                        if b.error == "data_sales_disabled" =>
                    {
                        Catalog::Disabled
                    }
                    Err(_) => Catalog::Failed,
                };
                // the page may be gone by now: `try_`, as writing a disposed signal panics
                let _ = catalog.try_set(next);
            });
        }
    };
    let load_plans = StoredValue::new_local(load_plans);
    load_plans.with_value(|f| f());

    let focus_id = move |id: &'static str| {
        request_animation_frame(move || {
            if let Some(form) = form_ref.try_get_untracked().flatten()
                && let Ok(Some(el)) = form.query_selector(&format!("#{id}"))
                && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
            {
                let _ = el.focus();
            }
        });
    };

    let chosen = Memo::new(move |_| {
        let id = t.with(|t| t.plan)?;
        catalog.with(|c| match c {
            Catalog::Ready(all) => all.iter().find(|p| p.plan_id == id).cloned(),
            _ => None,
        })
    });

    // a data checkout was made: stored now, before the page may be left for Paystack's (a
    // reload or the way back finds it instead of making another), then Paystack's page when it
    // charges exactly the price "Pay ₦X" showed, else the checkout's own page
    let follow_checkout = {
        let storage_key = storage_key.clone();
        move |view: Option<CheckoutView>, shown_price: Option<i64>| {
            let Some(Some(pending)) = t.try_with_untracked(|t| t.pending().cloned()) else {
                return;
            };
            if let Some(s) = storage() {
                let _ = s.set_item(&storage_key, &t.with_untracked(TopUp::encode));
            }
            let pay_url = view.and_then(|v| paystack_redirect(pending.reference(), v, shown_price));
            match pay_url.zip(web_sys::window()) {
                Some((url, w)) => {
                    let _ = w.location().assign(&url);
                }
                None => {
                    let (reference, phone) = pending.into_parts();
                    router.go(Route::Order { reference, phone });
                }
            }
        }
    };
    let follow_checkout = StoredValue::new_local(follow_checkout);

    let send = {
        let api = api.clone();
        move |submission: TopUpSubmission, method: PaymentMethod| {
            let api = api.clone();
            // the price "Pay ₦X" showed: Paystack opens only for exactly that amount
            let shown_price = chosen.get_untracked().map(|p| p.price.amount);
            spawn_local(async move {
                let mut made = None;
                let answer = match method {
                    PaymentMethod::None => Answer::Purchase(api.buy(&submission).await),
                    PaymentMethod::Paystack | PaymentMethod::Transfer => {
                        Answer::Checkout(match page_href().as_deref().and_then(return_url) {
                            Some(back) => api.create_checkout(&submission, back).await.map(
                                |(pending, view)| {
                                    made = Some(view);
                                    pending
                                },
                            ),
                            None => Err(TopUpFailure::bad_return_url()),
                        })
                    }
                };
                // the answer may land after the shopper left: one `try_` tells
                if let Answer::Purchase(Ok(p)) = &answer {
                    events.emit(&StoreEvent::DataPurchase {
                        reference: p.reference.clone(),
                        status: match p.status {
                            DataPurchaseStatus::Processing => "processing",
                            DataPurchaseStatus::Delivered => "delivered",
                            DataPurchaseStatus::Failed => "failed",
                        }
                        .to_owned(),
                        network: p.network_name.clone(),
                        plan: p.plan,
                        value: p.amount.amount,
                    });
                }
                let Some(failure) = t.try_update(|t| {
                    match answer {
                        Answer::Purchase(result) => t.finish(result),
                        Answer::Checkout(result) => t.finish_checkout(result),
                    }
                    t.failure().cloned()
                }) else {
                    return;
                };
                match failure {
                    None if method != PaymentMethod::None => {
                        follow_checkout.with_value(|f| f(made, shown_price));
                    }
                    None => request_animation_frame(move || {
                        if let Some(el) = done_ref.try_get_untracked().flatten() {
                            let _ = el.focus();
                        }
                    }),
                    Some(f) => match f.field {
                        Some(field) => focus_id(field.input_id()),
                        None => focus_id("topup-notice"),
                    },
                }
            });
        }
    };
    let send = StoredValue::new_local(send);

    let buy = {
        let storage_key = storage_key.clone();
        move || {
            // another tab may hold a key for this very purchase: take it, so both make one
            if let Some(binding) = read_draft(&storage_key).and_then(|d| d.binding().cloned()) {
                t.update(|t| t.offer_binding(binding));
            }
            // a field to fix comes first; then the store's way of taking payment must be known
            let mut ready = false;
            t.update(|t| ready = t.check());
            let Some(method) = method.get_untracked() else {
                if ready {
                    blocked.set(payment.get_untracked().blocked_message());
                    focus_id("topup-notice");
                } else if let Some(f) = t.with_untracked(|t| t.failure().and_then(|f| f.field)) {
                    focus_id(f.input_id());
                }
                return;
            };
            blocked.set(None);
            let mut submission = None;
            t.update(|t| submission = t.begin_submit(new_key));
            match submission {
                Some(s) => send.with_value(|f| f(s, method)),
                None => {
                    if let Some(field) = t.with_untracked(|t| t.failure().and_then(|f| f.field)) {
                        focus_id(field.input_id());
                    }
                }
            }
        }
    };
    let buy = StoredValue::new_local(buy);

    // a reload during submit: resend with the same key and to the same place (never a second
    // purchase or checkout), once the store's way of taking payment is known again
    let resume = StoredValue::new(t.with_untracked(|t| t.clone().take_resume()));
    Effect::new(move |_| {
        if let Some(m) = method.get()
            && let Some(s) = resume.try_update_value(Option::take).flatten()
        {
            send.with_value(|f| f(s, m));
        }
    });

    // follow a processing purchase until it settles
    follow_purchase(
        api.clone(),
        move || {
            t.try_with_untracked(|t| {
                t.purchase()
                    .filter(|p| p.status == DataPurchaseStatus::Processing)
                    .map(|p| (p.reference.clone(), p.mobile_number.clone()))
            })
            .flatten()
        },
        move |fresh| {
            let _ = t.try_update(|t| t.update_purchase(fresh));
        },
    );

    let phase = Memo::new(move |_| t.with(TopUp::phase));
    let locked = Signal::derive(move || phase.get() != TopUpPhase::Editing);
    let failure = Memo::new(move |_| t.with(|t| t.failure().cloned()));
    let field_error = move |field: TopUpField| {
        Signal::derive(move || {
            failure.with(|f| {
                f.as_ref()
                    .filter(|f| f.field == Some(field))
                    .map(|f| f.message.clone())
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
    let phone_hint = move || match (network.get(), ported.get()) {
        (Some(n), false) => format!("{} number", n.name()),
        (_, true) => "Ported: choose the network below.".to_owned(),
        (None, false) => "We read the network from the number.".to_owned(),
    };
    let described = |hint: &'static str, error: &'static str, has_error: Signal<Option<String>>| {
        move || {
            if has_error.with(Option::is_some) {
                format!("{hint} {error}")
            } else {
                hint.to_owned()
            }
        }
    };

    let form = move || {
        view! {
            <form class="co-form tu-form" novalidate node_ref=form_ref
                on:submit=move |ev| {
                    ev.prevent_default();
                    buy.with_value(|f| f());
                }>
                <div class="co-field">
                    <label for="topup-phone">"Phone number to top up"</label>
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
                    " This number was ported to another network"
                </label>
                <Show when=move || ported.get()>
                    <fieldset class="tu-group tu-networks" id="topup-network" tabindex="-1"
                        aria-describedby=move || network_error.with(Option::is_some).then_some("topup-network-error")>
                        <legend>"Network it is on now"</legend>
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
                            || "Plans".to_owned(),
                            |n| format!("{} plans", n.name()),
                        )}
                    </h3>
                    {move || match (catalog.get(), groups.get()) {
                        (Catalog::Disabled, _) => view! {
                            <p class="co-error" role="alert">"This store does not sell mobile data right now."</p>
                        }
                        .into_any(),
                        (Catalog::Failed, _) => view! {
                            <p class="co-error" role="alert">
                                "We couldn't load the plans. "
                                <button type="button" class="btn" on:click=move |_| load_plans.with_value(|f| f())>
                                    "Retry"
                                </button>
                            </p>
                        }
                        .into_any(),
                        (Catalog::Loading, _) => view! {
                            <p class="state tu-state" role="status">"Loading plans…"</p>
                        }
                        .into_any(),
                        (Catalog::Ready(_), None) => view! {
                            <p class="co-hint tu-state">"Enter the phone number to see its plans."</p>
                        }
                        .into_any(),
                        (Catalog::Ready(_), Some(g)) if g.is_empty() => view! {
                            <p class="co-hint tu-state">"No plans are offered for this network right now."</p>
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
                    {move || notice.get().map(|n| n.message).unwrap_or_default()}
                    {move || blocked_shown().then(|| blocked.get().unwrap_or_default())}
                    {move || notice.get().filter(|n| n.keeps_key()).map(|_| view! {
                        " "
                        <button type="button" class="btn co-try-again" on:click=move |_| buy.with_value(|f| f())>
                            "Try again"
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
                            method.get(),
                            plan.as_ref().map(|p| (p.capacity.as_str(), p.price.amount)),
                            phase.get() == TopUpPhase::Submitting,
                        )
                    }}
                </button>
                <p class="co-hint co-fineprint">{move || buy_fine_print(method.get())}</p>
            </form>
        }
    };

    let confirmation = move || {
        let p = t.with(|t| t.purchase().cloned())?;
        Some(view! {
            <div class="co-confirmation tu-done" tabindex="-1" node_ref=done_ref>
                {outcome_view(&p, None)}
                <dl class="co-totals tu-summary">
                    <div><dt>"Paid"</dt><dd>{p.amount.display.clone()}</dd></div>
                </dl>
                <button type="button" class="btn primary" on:click=move |_| {
                    t.update(TopUp::buy_another);
                    focus_id("topup-phone");
                }>"Buy more data"</button>
            </div>
        })
    };

    // a data checkout made from this draft, unpaid or not yet seen ending: lead to its page
    let paying = move || {
        let (reference, phone) = t.with(|t| t.pending().cloned())?.into_parts();
        Some(view! {
            <div class="co-confirmation co-pending tu-pending" role="region"
                aria-labelledby="tu-pending-title">
                <h3 id="tu-pending-title">"Your data awaits payment"</h3>
                <p class="co-reference">"Checkout reference: " <strong>{reference.clone()}</strong></p>
                <p>
                    "Open your checkout to pay or see the store's bank details. Once it is paid, \
                     the store buys your data and the checkout shows it."
                </p>
                <p class="co-actions">
                    <StoreLink to=Route::Order { reference, phone } class="btn primary">
                        "Go to your checkout"
                    </StoreLink>
                    " "
                    <button type="button" class="btn" on:click=move |_| {
                        t.update(TopUp::abandon_checkout);
                    }>"Buy again"</button>
                </p>
                <p class="co-hint co-fineprint">
                    "Buy again only if you have not paid: an unpaid checkout expires by itself."
                </p>
            </div>
        })
    };

    // which screen shows; the form is built once and not re-created on every phase change
    let screen = Memo::new(move |_| match phase.get() {
        TopUpPhase::Placed => 2,
        TopUpPhase::Paying => 1,
        _ => 0,
    });
    view! {
        <div class="page co-page tu-page">
            <ModuleStyles name="checkout" css=CHECKOUT_STYLES/>
            <ModuleStyles name="topup" css=TOPUP_STYLES/>
            <h2 class="title">"Buy data"</h2>
            {move || match screen.get() {
                2 => confirmation().into_any(),
                1 => paying().into_any(),
                _ => form().into_any(),
            }}
        </div>
    }
    .into_any()
}
