//! The checkout page: details, delivery area, delivery option, review and the last button
//! ("Place order", "Pay ₦X" or "Place order, pay by transfer", as the store's payment settings
//! say), then the confirmation or the checkout's payment. It wires the `checkout::flow::Checkout`
//! state machine to the view, keeps the draft (with its idempotency key and any checkout
//! awaiting payment) in `localStorage`, and maps every failure to its place.

use std::time::Duration;

use amigo_types::checkout::{CheckoutView, PaymentMethod};
use amigo_types::delivery::{DeliveryTier, LineItem};
use amigo_types::format_naira;
use amigo_types::phone::NgMobile;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::AbortController;

use crate::checkout::api::{CallError, CheckoutApi};
use crate::checkout::details::{
    CustomerDetails, Field, FieldError, Step, check_address, check_email, check_name, check_notes,
    check_phone, first_invalid, fix_fields_notice, message_for, network_hint,
};
use crate::checkout::draft::{decode, draft_storage_key, encode, stored_binding};
use crate::checkout::failure::Failure;
use crate::checkout::flow::{Blocked, Checkout, Phase};
use crate::checkout::payment::{PaymentLoad, fine_print, place_label, return_url};
use crate::checkout::payment_status::paystack_redirect;
use crate::checkout::quote::{price_label, quote_view};
use crate::components::lga_typeahead::LgaTypeahead;
use crate::components::link::StoreLink;
use crate::components::module_styles::ModuleStyles;
use crate::components::quote_tiers::{QuoteStatus, QuoteTiers};
use crate::events::{self, StoreEvent};
use crate::events_dom::Events;
use crate::keyed::SubmitFailure;
use crate::keyed::browser::{new_key, storage};
use crate::pages::checkout_confirmation::Confirmation;
use crate::pages::checkout_pending::{PaymentSettingsAlert, PendingCheckoutPanel};
use crate::state::cart_store::CartStore;
use crate::state::route::Route;
use crate::state::shop::Shop;

/// The checkout's stylesheet, placed inside the shadow root with the page.
pub const CHECKOUT_STYLES: &str = include_str!("../../style/checkout.css");

/// The `localStorage` key of this store's checkout draft, shared through context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftKey(pub String);

/// How this store takes payment, read once per store from the proxy and shared through context,
/// so a second visit to the checkout does not ask again.
#[derive(Debug, Clone, Copy)]
pub struct PaymentInfo(pub RwSignal<PaymentLoad>);

/// Provides what checkout and tracking need from the embed configuration: the API client (public
/// API and proxy), the draft's storage key and the payment settings (read by the checkout).
pub fn provide_checkout(api: &str, proxy: &str, merchant: &str) {
    provide_context(
        CheckoutApi::new(api, proxy)
            .with_route_memory(crate::checkout::quote_route::session_key(proxy, merchant)),
    );
    provide_context(DraftKey(draft_storage_key(proxy, merchant)));
    provide_context(PaymentInfo(RwSignal::new(PaymentLoad::Loading)));
}

/// Asks the proxy how this store takes payment (`GET /api/payment`) unless that is known.
pub(crate) fn load_payment(api: &CheckoutApi, payment: RwSignal<PaymentLoad>) {
    if payment.get_untracked().method().is_some() {
        return;
    }
    payment.set(PaymentLoad::Loading);
    let api = api.clone();
    spawn_local(async move {
        let answer = api.payment_settings().await.ok();
        payment.try_set(PaymentLoad::from_answer(answer));
    });
}

/// The embedding page's address, for the way back from Paystack.
pub(crate) fn page_href() -> Option<String> {
    web_sys::window()?.location().href().ok()
}

pub(crate) fn cart_items(cart: CartStore) -> Vec<LineItem> {
    cart.cart().with(|c| {
        c.lines()
            .iter()
            .map(|l| LineItem {
                product_id: l.product_id,
                quantity: l.quantity,
            })
            .collect()
    })
}

/// One labelled text control with its hint and inline error.
#[component]
fn TextField(
    /// Which field.
    field: Field,
    /// Visible label.
    label: &'static str,
    /// `type` attribute.
    #[prop(default = "text")]
    kind: &'static str,
    /// `autocomplete` attribute.
    autocomplete: &'static str,
    /// Whether the field may be left blank.
    #[prop(optional)]
    optional: bool,
    /// A textarea instead of an input.
    #[prop(optional)]
    multiline: bool,
    /// The value.
    #[prop(into)]
    value: Signal<String>,
    /// A hint under the label.
    #[prop(into, optional)]
    hint: Option<Signal<String>>,
    /// The inline error.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Whether input is locked.
    #[prop(into)]
    disabled: Signal<bool>,
    /// Called with every edit.
    on_input: Callback<String>,
    /// Called when focus leaves.
    on_blur: Callback<()>,
) -> impl IntoView {
    let id = field.input_id();
    let error_id = field.error_id();
    let hint_id = format!("{id}-hint");
    let has_hint = hint.is_some();
    let described = {
        let error_id = error_id.clone();
        let hint_id = hint_id.clone();
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let input = move |ev| on_input.run(event_target_value(&ev));
    let control = if multiline {
        view! {
            <textarea id=id name=id autocomplete=autocomplete rows="2"
                aria-describedby=described
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                prop:value=move || value.get()
                prop:disabled=move || disabled.get()
                on:input=input
                on:blur=move |_| on_blur.run(())
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id name=id type=kind autocomplete=autocomplete
                inputmode=(kind == "tel").then_some("tel")
                aria-required=(!optional).then_some("true")
                aria-describedby=described
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                prop:value=move || value.get()
                prop:disabled=move || disabled.get()
                on:input=input
                on:blur=move |_| on_blur.run(())
            />
        }
        .into_any()
    };
    view! {
        <div class="co-field">
            <label for=id>
                {label}
                {optional.then(|| view! { <span class="co-optional">" (optional)"</span> })}
            </label>
            {hint.map(|h| view! { <p id=hint_id class="co-hint">{move || h.get()}</p> })}
            {control}
            <p id=error_id class="co-error" hidden=move || error.with(Option::is_none)>
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}

/// The checkout.
#[component]
pub fn CheckoutPage() -> impl IntoView {
    let shop = expect_context::<Shop>();
    let api = expect_context::<CheckoutApi>();
    let DraftKey(draft_key) = expect_context::<DraftKey>();
    let cart = shop.cart;
    let router = shop.router;
    let PaymentInfo(payment) = expect_context::<PaymentInfo>();
    load_payment(&api, payment);
    let retry_payment = {
        let api = api.clone();
        Callback::new(move |()| load_payment(&api, payment))
    };

    let saved = storage().and_then(|s| s.get_item(&draft_key).ok().flatten());
    let co = RwSignal::new(decode(saved.as_deref(), cart_items(cart)));
    let events = Events::from_context();
    // a checkout opened on a non-empty cart (not a reload of a confirmed or pending one)
    if co.with_untracked(|c| c.phase() != Phase::Confirmed && c.pending().is_none()) {
        cart.cart().with_untracked(|c| {
            if !c.is_empty() {
                events.emit(&StoreEvent::BeginCheckout(events::cart_items(c)));
            }
        });
    }
    // the chosen tier for the chosen area, told to the merchant's page
    let tell_shipping = move || {
        let info = co.try_with_untracked(|c| {
            c.location()
                .map(|l| (c.tier(), l.state_name.clone(), l.lga_name.clone()))
        });
        if let Some(Some((tier, state, lga))) = info {
            let items = cart.cart().with_untracked(events::cart_items);
            events.emit(&StoreEvent::AddShippingInfo {
                tier: tier.as_str().to_owned(),
                state,
                lga,
                items,
            });
        }
    };
    let errors: RwSignal<Vec<FieldError>> = RwSignal::new(Vec::new());
    let quote_status = RwSignal::new(QuoteStatus::Waiting);
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    let sold_out: RwSignal<Vec<u64>> = RwSignal::new(Vec::new());
    let resume = RwSignal::new(
        co.try_update_untracked(Checkout::take_resume)
            .unwrap_or(false),
    );
    let quote_ctl: StoredValue<Option<AbortController>, LocalStorage> =
        StoredValue::new_local(None);
    let retry_timer: StoredValue<Option<TimeoutHandle>> = StoredValue::new(None);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let confirmation_ref = NodeRef::<leptos::html::Div>::new();

    let draft_key_submit = draft_key.clone();
    let draft_key_answer = StoredValue::new(draft_key.clone());
    // keep the draft (and the key) in storage after every change
    Effect::new(move |_| {
        let raw = co.with(encode);
        if let Some(s) = storage() {
            let _ = s.set_item(&draft_key, &raw);
        }
    });
    // follow the cart
    Effect::new(move |_| {
        let items = cart_items(cart);
        co.update(|c| {
            c.set_items(items);
        });
    });

    let focus_id = move |id: &str| {
        let id = id.to_owned();
        request_animation_frame(move || {
            // a frame later the page may be gone: `try_`, as reading a disposed ref panics
            if let Some(form) = form_ref.try_get_untracked().flatten()
                && let Ok(Some(el)) = form.query_selector(&format!("#{id}"))
                && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
            {
                let _ = el.focus();
            }
        });
    };
    let focus_field = move |field: Field| {
        let id = match field {
            // the delivery step's heading: its radios may be replaced by a fresh quote
            Field::Tier => Step::Delivery.heading_id(),
            f => f.input_id(),
        };
        focus_id(id);
    };

    // the quote, redone whenever the cart or the area changes
    let asked = Memo::new(move |_| co.with(Checkout::quote_request));
    let fetch_quote = {
        let api = api.clone();
        move || {
            let Some(req) = asked.get_untracked() else {
                quote_status.set(QuoteStatus::Waiting);
                return;
            };
            if let Some(c) = quote_ctl.get_value() {
                c.abort();
            }
            let ctl = AbortController::new().ok();
            let signal = ctl.as_ref().map(AbortController::signal);
            quote_ctl.set_value(ctl);
            quote_status.set(QuoteStatus::Loading);
            let api = api.clone();
            spawn_local(async move {
                match api.quote(&req, signal.as_ref()).await {
                    Ok(q) => {
                        let mut applied = false;
                        co.update(|c| applied = c.apply_quote(req, q));
                        if applied {
                            quote_status.set(QuoteStatus::Ready);
                            tell_shipping();
                        }
                    }
                    Err(CallError::Aborted) => {}
                    Err(_) => quote_status.set(QuoteStatus::Failed(
                        "We couldn't get delivery prices.".to_owned(),
                    )),
                }
            });
        }
    };
    let fetch_quote = StoredValue::new_local(fetch_quote);
    Effect::new(move |_| {
        let req = asked.get();
        if co.with_untracked(|c| c.phase() == Phase::Confirmed) {
            return;
        }
        match req {
            None => quote_status.set(QuoteStatus::Waiting),
            Some(_) if co.with_untracked(|c| c.quote().is_some()) => {
                quote_status.set(QuoteStatus::Ready);
            }
            Some(_) => fetch_quote.with_value(|f| f()),
        }
    });

    // an out-of-stock answer: re-read the cart's stock (lowering or removing lines)
    let refresh_stock = {
        let client = shop.client.clone();
        move || {
            let slugs: Vec<String> = cart
                .cart()
                .with_untracked(|c| c.lines().iter().map(|l| l.slug.clone()).collect());
            let client = client.clone();
            spawn_local(async move {
                cart.refresh(&client.products_by_slug(slugs).await);
            });
        }
    };
    let refresh_stock = StoredValue::new_local(refresh_stock);

    let submit: StoredValue<Box<dyn Fn()>, LocalStorage> = StoredValue::new_local(Box::new(|| {}));
    // `made_view`: the checkout made, with the total the last button showed
    let after_answer = move |made_view: Option<(CheckoutView, Option<i64>)>| {
        // runs when the order's answer lands, which may be after the shopper left the page:
        // every value below belongs to this page, so one `try_` read tells whether it is still
        // there (reading a disposed signal panics, and a panic traps the whole module)
        let Some((failure, confirmed, pending)) = co.try_with_untracked(|c| {
            (
                c.failure().cloned(),
                c.phase() == Phase::Confirmed,
                c.pending().cloned(),
            )
        }) else {
            return;
        };
        if let Some(pending) = pending {
            if let Some((view, _)) = &made_view {
                events.emit(&events::checkout_payment(view));
            }
            // stored now, before the page may be left for Paystack's: a reload or the way back
            // finds this checkout instead of making another
            if let Some(s) = storage() {
                let raw = co.with_untracked(encode);
                draft_key_answer.with_value(|k| s.set_item(k, &raw).ok());
            }
            let pay_url = made_view
                .and_then(|(view, shown)| paystack_redirect(pending.reference(), view, shown));
            match pay_url.zip(web_sys::window()) {
                // Paystack's page, in this tab; it sends the shopper back to the tracking page
                Some((url, w)) => {
                    let _ = w.location().assign(&url);
                }
                None => router.go(Route::Order {
                    reference: pending.reference().to_owned(),
                    phone: pending.phone().to_owned(),
                }),
            }
            return;
        }
        if confirmed {
            if let Some(Some(order)) = co.try_with_untracked(|c| c.order().cloned()) {
                events.emit(&events::order_placed(&order));
            }
            cart.clear();
            notice.set(None);
            request_animation_frame(move || {
                if let Some(el) = confirmation_ref.try_get_untracked().flatten() {
                    let _ = el.focus();
                }
            });
            return;
        }
        let Some(failure) = failure else { return };
        notice.set(Some(failure.message()));
        match &failure {
            Failure::Field { field, message } => {
                errors.set(vec![FieldError::new(*field, message.clone())]);
                focus_field(*field);
            }
            Failure::Unserviceable { .. } => {
                // ask again so the quote names the items that can't ship
                co.update(Checkout::forget_quote);
                fetch_quote.with_value(|f| f());
                focus_field(Field::Tier);
            }
            Failure::OutOfStock { product_ids } => {
                sold_out.set(product_ids.clone());
                refresh_stock.with_value(|f| f());
                focus_id("co-items");
            }
            Failure::RateLimited { retry_after_secs } => {
                let handle = set_timeout_with_handle(
                    move || {
                        submit.try_with_value(|f| f());
                    },
                    Duration::from_secs(*retry_after_secs),
                )
                .ok();
                retry_timer.set_value(handle);
            }
            _ => focus_id("co-notice"),
        }
    };
    // "Place order" pressed while the payment settings were still on their way (a slow line;
    // Firefox showed it in the e2e run): pressed again for the shopper once they arrive, so one
    // press places the order (or shows what to fix) instead of only "One moment"
    let pressed_early = RwSignal::new(false);
    submit.set_value(Box::new(move || {
        if let Some(h) = retry_timer.get_value() {
            h.clear();
        }
        retry_timer.set_value(None);
        // the last button does what the store's payment settings say, never a guess
        let load = payment.get_untracked();
        if let Some(message) = load.blocked_message() {
            // still asking: the press is kept, and made again once the settings are here
            pressed_early.set(matches!(load, PaymentLoad::Loading));
            notice.set(Some(message.to_owned()));
            focus_id("co-notice");
            return;
        }
        let method = load.method().unwrap_or(PaymentMethod::None);
        // another tab may have saved a key for this very order: share it
        let shared = storage()
            .and_then(|s| s.get_item(&draft_key_submit).ok().flatten())
            .and_then(|raw| stored_binding(&raw));
        let mut result = Err(Blocked::Busy);
        co.update(|c| {
            if let Some(b) = shared {
                c.offer_binding(b);
            }
            result = c.begin_submit(new_key);
        });
        match result {
            Err(Blocked::Busy) => {}
            Err(Blocked::Invalid(list)) => {
                let first = first_invalid(&list);
                // the summary is derived from `errors` (see `fields_notice`), so it stays true
                notice.set(None);
                errors.set(list);
                if let Some(f) = first {
                    focus_field(f);
                }
            }
            Err(Blocked::EmptyCart) => notice.set(Some("Your cart is empty.".to_owned())),
            Err(Blocked::NeedsQuote) => {
                notice.set(Some(
                    "Wait for the delivery prices, then place your order.".to_owned(),
                ));
                focus_field(Field::Tier);
            }
            Err(Blocked::Unserviceable) => {
                notice.set(Some(
                    "Some items can't be delivered to this area. Remove them or choose another \
                     area."
                        .to_owned(),
                ));
                focus_field(Field::Tier);
            }
            Ok(submission) => {
                errors.set(Vec::new());
                sold_out.set(Vec::new());
                notice.set(None);
                let api = api.clone();
                // the total "Pay ₦X" showed: Paystack opens only for exactly that amount
                let shown_total = co
                    .with_untracked(Checkout::delivery_fee)
                    .map(|fee| fee + cart.cart().with_untracked(|c| c.subtotal()));
                spawn_local(async move {
                    let (answer, view) = match method {
                        PaymentMethod::None => (api.place_order(&submission).await, None),
                        PaymentMethod::Paystack | PaymentMethod::Transfer => {
                            match page_href().as_deref().and_then(return_url) {
                                Some(back) => match api.create_checkout(&submission, back).await {
                                    Ok((made, view)) => (Ok(made), Some((view, shown_total))),
                                    Err(f) => (Err(f), None),
                                },
                                None => (Err(Failure::bad_return_url()), None),
                            }
                        }
                    };
                    if co.try_update(|c| c.finish(answer)).is_some() {
                        after_answer(view);
                    }
                });
            }
        }
    }));
    let place_order = move || submit.with_value(|f| f());

    // a reload interrupted a submit: resend it (same key, same route) as soon as the quote and
    // the payment settings are back
    Effect::new(move |_| {
        if resume.get()
            && co.with(|c| c.phase() == Phase::Quoted)
            && payment.with(|p| p.method().is_some())
        {
            resume.set(false);
            place_order();
        }
    });
    Effect::new(move |_| {
        if !pressed_early.get() {
            return;
        }
        match payment.with(|p| p.method().is_some()) {
            true => {
                pressed_early.set(false);
                place_order();
            }
            // the settings failed: the alert offers Retry, and the shopper presses again
            false if !matches!(payment.get(), PaymentLoad::Loading) => pressed_early.set(false),
            false => {}
        }
    });
    on_cleanup(move || {
        if let Some(h) = retry_timer.try_get_value().flatten() {
            h.clear();
        }
        if let Some(c) = quote_ctl.try_get_value().flatten() {
            c.abort();
        }
    });

    // "Please fix the highlighted fields" goes once they are all fixed
    let clear_fixed_notice = move || {
        if errors.with_untracked(Vec::is_empty) && co.with_untracked(|c| c.failure().is_none()) {
            notice.set(None);
        }
    };
    let fields_notice = Memo::new(move |_| errors.with(|e| fix_fields_notice(e)));
    let phase = Memo::new(move |_| co.with(Checkout::phase));
    let busy = Signal::derive(move || phase.get() == Phase::Submitting);
    let err = move |field: Field| {
        Signal::derive(move || errors.with(|e| message_for(e, field).map(str::to_owned)))
    };
    let edit = move |apply: fn(&mut CustomerDetails, String), field: Field| {
        Callback::new(move |v: String| {
            co.update(|c| {
                c.edit_details(|d| apply(d, v));
            });
            // an edited field loses its old error; it is checked again on blur and submit
            errors.update(|e| e.retain(|x| x.field != field));
            clear_fixed_notice();
        })
    };
    let check = move |field: Field| {
        Callback::new(move |()| {
            let d = co.with_untracked(|c| c.details().clone());
            let (raw, result) = match field {
                Field::Name => (d.name.clone(), check_name(&d.name).err()),
                Field::Phone => {
                    // normalise what was typed to 0XXXXXXXXXX
                    if let Ok(m) = NgMobile::parse(&d.phone)
                        && m.as_str() != d.phone
                    {
                        co.update(|c| {
                            c.edit_details(|x| x.phone = m.as_str().to_owned());
                        });
                    }
                    (d.phone.clone(), check_phone(&d.phone).err())
                }
                Field::Email => (d.email.clone(), check_email(&d.email).err()),
                Field::Address => (d.address.clone(), check_address(&d.address).err()),
                Field::Notes => (d.notes.clone(), check_notes(&d.notes).err()),
                _ => (String::new(), None),
            };
            // blank fields are only flagged on submit, not while tabbing past them
            if raw.trim().is_empty() {
                return;
            }
            errors.update(|e| {
                e.retain(|x| x.field != field);
                e.extend(result);
            });
        })
    };
    let value = move |get: fn(&CustomerDetails) -> String| {
        Signal::derive(move || co.with(|c| get(c.details())))
    };
    let phone_hint = Signal::derive(move || {
        let phone = co.with(|c| c.details().phone.clone());
        match network_hint(&phone) {
            Some(n) => format!(
                "Looks like a {n} number (from its prefix). We'll call or text it about delivery."
            ),
            None => "e.g. 0803 123 4567 or +234 803 123 4567. We'll call or text it about \
                     delivery."
                .to_owned(),
        }
    });

    let chosen = Signal::derive(move || co.with(|c| c.location().cloned()));
    let on_choose = Callback::new(move |loc| {
        co.update(|c| {
            c.set_location(loc);
        });
        errors.update(|e| e.retain(|x| x.field != Field::Location));
        clear_fixed_notice();
    });
    let names = move |id: u64| {
        cart.cart()
            .with_untracked(|c| c.line(id).map(|l| l.name.clone()))
    };
    let view_quote = Signal::derive(move || co.with(|c| c.quote().map(|q| quote_view(q, names))));
    let tier = Signal::derive(move || co.with(Checkout::tier));
    let on_tier = Callback::new(move |t: DeliveryTier| {
        co.update(|c| {
            c.set_tier(t);
        });
        tell_shipping();
        errors.update(|e| e.retain(|x| x.field != Field::Tier));
        clear_fixed_notice();
    });
    let on_remove = Callback::new(move |id: u64| cart.remove(id));
    let on_retry = Callback::new(move |()| fetch_quote.with_value(|f| f()));
    let tier_error =
        Signal::derive(move || errors.with(|e| message_for(e, Field::Tier).map(str::to_owned)));

    let subtotal = Memo::new(move |_| cart.cart().with(|c| c.subtotal()));
    let fee = Memo::new(move |_| co.with(Checkout::delivery_fee));
    let method = Memo::new(move |_| payment.with(|p| p.method()));
    let button_label = move || {
        let total = fee.get().map(|f| subtotal.get() + f);
        place_label(method.get(), total, phase.get() == Phase::Submitting)
    };
    let retry_offer = move || co.with(|c| c.failure().is_some_and(Failure::offers_retry));

    let form = move || {
        view! {
            <form class="co-form" novalidate node_ref=form_ref
                on:submit=move |ev| { ev.prevent_default(); place_order(); }>
                <section class="co-step" aria-labelledby=Step::Details.heading_id()>
                    <h3 id=Step::Details.heading_id() tabindex="-1">"1. Your details"</h3>
                    <TextField field=Field::Name label="Full name" autocomplete="name"
                        value=value(|d| d.name.clone()) error=err(Field::Name) disabled=busy
                        on_input=edit(|d, v| d.name = v, Field::Name) on_blur=check(Field::Name)/>
                    <TextField field=Field::Phone label="Mobile number" kind="tel" autocomplete="tel"
                        value=value(|d| d.phone.clone()) hint=phone_hint error=err(Field::Phone)
                        disabled=busy on_input=edit(|d, v| d.phone = v, Field::Phone)
                        on_blur=check(Field::Phone)/>
                    <TextField field=Field::Email label="Email" kind="email" autocomplete="email"
                        optional=true value=value(|d| d.email.clone()) error=err(Field::Email)
                        disabled=busy on_input=edit(|d, v| d.email = v, Field::Email)
                        on_blur=check(Field::Email)/>
                </section>
                <section class="co-step" aria-labelledby=Step::Address.heading_id()>
                    <h3 id=Step::Address.heading_id() tabindex="-1">"2. Delivery address"</h3>
                    <TextField field=Field::Address label="Street address" autocomplete="street-address"
                        value=value(|d| d.address.clone()) error=err(Field::Address) disabled=busy
                        on_input=edit(|d, v| d.address = v, Field::Address)
                        on_blur=check(Field::Address)/>
                    <LgaTypeahead chosen=chosen on_choose=on_choose error=err(Field::Location)/>
                    <TextField field=Field::Notes label="Notes for the rider" multiline=true
                        optional=true autocomplete="off" value=value(|d| d.notes.clone())
                        error=err(Field::Notes) disabled=busy
                        on_input=edit(|d, v| d.notes = v, Field::Notes) on_blur=check(Field::Notes)/>
                </section>
                <section class="co-step" aria-labelledby=Step::Delivery.heading_id()>
                    <h3 id=Step::Delivery.heading_id() tabindex="-1">"3. Delivery option"</h3>
                    <QuoteTiers quote=view_quote status=quote_status tier=tier on_tier=on_tier
                        on_remove=on_remove on_retry=on_retry error=tier_error disabled=busy/>
                </section>
                <section class="co-step" aria-labelledby=Step::Review.heading_id()>
                    <h3 id=Step::Review.heading_id() tabindex="-1">"4. Review and place order"</h3>
                    <ul class="co-items" id="co-items" tabindex="-1" aria-label="Items">
                        {move || {
                            let marked = sold_out.get();
                            cart.cart()
                                .with(|c| c.lines().to_vec())
                                .into_iter()
                                .map(|l| {
                                    let flagged = marked.contains(&l.product_id);
                                    view! {
                                        <li class="co-item" class:flagged=flagged>
                                            <span class="co-item-name">{l.name.clone()}</span>
                                            <span class="co-item-qty">{format!("× {}", l.quantity)}</span>
                                            <span class="co-item-total">{format_naira(l.line_total())}</span>
                                            {flagged.then(|| view! {
                                                <span class="co-item-flag">
                                                    {format!("Stock changed: only {} left", l.stock)}
                                                </span>
                                            })}
                                        </li>
                                    }
                                })
                                .collect_view()
                        }}
                    </ul>
                    <dl class="co-totals">
                        <div><dt>"Subtotal"</dt><dd>{move || format_naira(subtotal.get())}</dd></div>
                        <div>
                            <dt>"Delivery"</dt>
                            <dd>{move || fee.get().map_or_else(|| "—".to_owned(), price_label)}</dd>
                        </div>
                        <div class="co-total">
                            <dt>"Total"</dt>
                            <dd>{move || match fee.get() {
                                Some(f) => format_naira(subtotal.get() + f),
                                None => "—".to_owned(),
                            }}</dd>
                        </div>
                    </dl>
                    <p id="co-notice" class="co-notice" role="alert" tabindex="-1"
                        hidden=move || {
                            notice.with(Option::is_none) && fields_notice.with(Option::is_none)
                        }>
                        {move || notice.get().or_else(|| fields_notice.get()).unwrap_or_default()}
                        {move || retry_offer().then(|| view! {
                            " "
                            <button type="button" class="btn co-try-again" on:click=move |_| place_order()>
                                "Try again"
                            </button>
                        })}
                    </p>
                    <PaymentSettingsAlert load=payment on_retry=retry_payment/>
                    <button type="submit" class="btn primary wide co-place" id="co-place"
                        prop:disabled=move || busy.get()
                        aria-disabled=move || busy.get().then_some("true")>
                        {button_label}
                    </button>
                    <p class="co-hint co-fineprint">{move || fine_print(method.get())}</p>
                </section>
            </form>
        }
    };

    let start_over = Callback::new(move |()| {
        co.update(|c| c.start_over(cart_items(cart)));
        router.go(Route::default());
    });
    // which screen shows; the form is built once and not re-created on every phase change
    let mode = Memo::new(move |_| {
        if phase.get() == Phase::Confirmed {
            2
        } else if phase.get() == Phase::Paying {
            3
        } else if cart.cart().with(|c| c.is_empty()) {
            1
        } else {
            0
        }
    });
    view! {
        <div class="page co-page">
            <ModuleStyles name="checkout" css=CHECKOUT_STYLES/>
            {move || match mode.get() {
                2 => {
                    let order = co.with(|c| c.order().cloned());
                    order
                        .map(|o| {
                            view! {
                                <Confirmation order=o node=confirmation_ref start_over=start_over/>
                            }
                        })
                        .into_any()
                }
                3 => {
                    let pending = co.with(|c| c.pending().cloned());
                    let start_again = Callback::new(move |()| co.update(Checkout::abandon_checkout));
                    pending
                        .map(|p| view! { <PendingCheckoutPanel pending=p start_again=start_again/> })
                        .into_any()
                }
                1 => view! {
                    <h2 class="title">"Checkout"</h2>
                    <p>"Your cart is empty."</p>
                    <StoreLink to=Route::default() class="btn">"Continue shopping"</StoreLink>
                }
                .into_any(),
                _ => view! { <h2 class="title">"Checkout"</h2> {form()} }.into_any(),
            }}
        </div>
    }
}
