//! The checkout form's first three steps (details, address and area, delivery option) and the
//! form around them; each control reads the page's [`Wiring`] and writes it through the
//! `checkout::flow` state machine. A text control is labelled, with its hint and inline error
//! wired for assistive technology (`aria-describedby`, `aria-invalid`).

use amigo_types::delivery::DeliveryTier;
use leptos::prelude::*;

use super::review::review_step;
use super::wiring::Wiring;
use crate::checkout::details::{CustomerDetails, Field, Step, fix_fields_notice, message_for};
use crate::checkout::flow::{Checkout, Phase};
use crate::checkout::quote::quote_view;
use crate::checkout::reaction::{check_on_blur, phone_hint};
use crate::components::lga_typeahead::LgaTypeahead;
use crate::components::quote_tiers::QuoteTiers;
use crate::wording::{Later, words};

/// The checkout form; `retry_payment` asks for the store's payment settings again.
pub(super) fn checkout_form(w: Wiring, retry_payment: Callback<()>) -> impl IntoView {
    let Wiring {
        co,
        errors,
        notice,
        cart,
        quote_status,
        form_ref,
        ..
    } = w;
    let t = words();
    // "Please fix the highlighted fields" goes once they are all fixed
    let clear_fixed_notice = move || {
        if errors.with_untracked(Vec::is_empty) && co.with_untracked(|c| c.failure().is_none()) {
            notice.set(None);
        }
    };
    let fields_notice = Memo::new(move |_| errors.with(|e| fix_fields_notice(e, t)));
    let busy = Signal::derive(move || co.with(Checkout::phase) == Phase::Submitting);
    let err = move |field: Field| Signal::derive(move || errors.with(|e| message_for(e, field, t)));
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
            let checked = co.with_untracked(|c| check_on_blur(field, c.details()));
            if let Some(phone) = checked.normalised_phone {
                co.update(|c| {
                    c.edit_details(|d| d.phone = phone);
                });
            }
            if let Some(result) = checked.error {
                errors.update(|e| {
                    e.retain(|x| x.field != field);
                    e.extend(result);
                });
            }
        })
    };
    let value = move |get: fn(&CustomerDetails) -> String| {
        Signal::derive(move || co.with(|c| get(c.details())))
    };
    let phone_hint = Signal::derive(move || co.with(|c| phone_hint(&c.details().phone, t)));
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
    let view_quote =
        Signal::derive(move || co.with(|c| c.quote().map(|q| quote_view(t, q, names))));
    let tier = Signal::derive(move || co.with(Checkout::tier));
    let on_tier = Callback::new(move |t: DeliveryTier| {
        co.update(|c| {
            c.set_tier(t);
        });
        w.tell_shipping();
        errors.update(|e| e.retain(|x| x.field != Field::Tier));
        clear_fixed_notice();
    });
    let on_remove = Callback::new(move |id: u64| cart.remove(id));
    let on_retry = Callback::new(move |()| w.fetch_quote());
    let tier_error = err(Field::Tier);

    view! {
        <form class="co-form" novalidate node_ref=form_ref
            on:submit=move |ev| { ev.prevent_default(); w.place_order(); }>
        <section class="co-step" aria-labelledby=Step::Details.heading_id()>
            <h3 id=Step::Details.heading_id() tabindex="-1">{t.get(Later::step_details)}</h3>
            <TextField field=Field::Name label=t.get(Later::full_name) autocomplete="name"
                value=value(|d| d.name.clone()) error=err(Field::Name) disabled=busy
                on_input=edit(|d, v| d.name = v, Field::Name) on_blur=check(Field::Name)/>
            <TextField field=Field::Phone label=t.get(Later::mobile_number) kind="tel" autocomplete="tel"
                value=value(|d| d.phone.clone()) hint=phone_hint error=err(Field::Phone)
                disabled=busy on_input=edit(|d, v| d.phone = v, Field::Phone)
                on_blur=check(Field::Phone)/>
            <TextField field=Field::Email label=t.get(Later::email) kind="email" autocomplete="email"
                optional=true value=value(|d| d.email.clone()) error=err(Field::Email)
                disabled=busy on_input=edit(|d, v| d.email = v, Field::Email)
                on_blur=check(Field::Email)/>
        </section>
        <section class="co-step" aria-labelledby=Step::Address.heading_id()>
            <h3 id=Step::Address.heading_id() tabindex="-1">{t.get(Later::step_address)}</h3>
            <TextField field=Field::Address label=t.get(Later::street_address) autocomplete="street-address"
                value=value(|d| d.address.clone()) error=err(Field::Address) disabled=busy
                on_input=edit(|d, v| d.address = v, Field::Address)
                on_blur=check(Field::Address)/>
            <LgaTypeahead chosen=chosen on_choose=on_choose error=err(Field::Location)/>
            <TextField field=Field::Notes label=t.get(Later::rider_notes) multiline=true
                optional=true autocomplete="off" value=value(|d| d.notes.clone())
                error=err(Field::Notes) disabled=busy
                on_input=edit(|d, v| d.notes = v, Field::Notes) on_blur=check(Field::Notes)/>
        </section>
        <section class="co-step" aria-labelledby=Step::Delivery.heading_id()>
            <h3 id=Step::Delivery.heading_id() tabindex="-1">{t.get(Later::step_delivery)}</h3>
            <QuoteTiers quote=view_quote status=quote_status tier=tier on_tier=on_tier
                on_remove=on_remove on_retry=on_retry error=tier_error disabled=busy/>
        </section>
            {review_step(w, busy, fields_notice, retry_payment)}
        </form>
    }
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
                {optional.then(|| view! { <span class="co-optional">" "{words().get(Later::optional)}</span> })}
            </label>
            {hint.map(|h| view! { <p id=hint_id class="co-hint">{move || h.get()}</p> })}
            {control}
            <p id=error_id class="co-error" hidden=move || error.with(Option::is_none)>
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}
