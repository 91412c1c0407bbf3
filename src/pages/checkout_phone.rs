//! `#/order/CHK-…` without a phone. Paystack's way back carries only the reference (so the
//! reference alone never reveals the number): the phone comes from this browser's checkout
//! draft or top-up draft that made that checkout, and the page moves on to the full tracking
//! address in place (no new history entry), so a reload keeps working once the draft has moved
//! on. Another browser has no draft: the shopper types the number.

use amigo_types::phone::NgMobile;
use leptos::prelude::*;

use crate::components::module_styles::ModuleStyles;
use crate::keyed::browser::storage;
use crate::pages::checkout::{CHECKOUT_STYLES, DraftKey};
use crate::pages::topup::TopUpContext;
use crate::state::route::Route;
use crate::state::shop::Shop;
use crate::topup::pay::phone_for_checkout;
use crate::wording::Later;

fn stored(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Finds the phone of checkout `reference`, then shows its tracking page.
#[component]
pub fn CheckoutPhoneGate(
    /// `CHK-…`, checked by the route.
    reference: String,
) -> impl IntoView {
    let router = expect_context::<Shop>().router;
    let DraftKey(draft_key) = expect_context::<DraftKey>();
    let topup_key = use_context::<TopUpContext>().map(|c| c.storage_key().to_owned());
    let found = phone_for_checkout(
        &reference,
        stored(&draft_key).as_deref(),
        topup_key.as_deref().and_then(stored).as_deref(),
    );
    if let Some(phone) = found {
        // after this render: the route is the app's, and changing it re-renders this page
        request_animation_frame(move || router.replace(Route::Order { reference, phone }));
        let loading = crate::wording::words().get(Later::loading_your_checkout);
        return view! { <p class="state" role="status">{loading}</p> }.into_any();
    }
    let typed = RwSignal::new(String::new());
    let error: RwSignal<Option<String>> = RwSignal::new(None);
    let w = crate::wording::words();
    let title = w.fill(Later::checkout_title, &[("reference", &reference)]);
    let show = move || match NgMobile::parse(&typed.get_untracked()) {
        Ok(m) => router.replace(Route::Order {
            reference: reference.clone(),
            phone: m.as_str().to_owned(),
        }),
        Err(e) => error.set(Some(
            w.get(crate::checkout::details::phone_text(&e.message))
                .to_owned(),
        )),
    };
    view! {
        <div class="page co-page co-tracking">
            <ModuleStyles name="checkout" css=CHECKOUT_STYLES/>
            <h2 class="title">{title}</h2>
            <form class="co-form co-find" novalidate on:submit=move |ev| {
                ev.prevent_default();
                show();
            }>
                <div class="co-field">
                    <label for="co-find-phone">{w.get(Later::mobile_number)}</label>
                    <p id="co-find-phone-hint" class="co-hint">
                        {w.get(Later::find_phone_hint)}
                    </p>
                    <input id="co-find-phone" name="co-find-phone" type="tel" inputmode="tel"
                        autocomplete="tel" aria-required="true"
                        aria-describedby=move || if error.with(Option::is_some) {
                            "co-find-phone-hint co-find-phone-error"
                        } else {
                            "co-find-phone-hint"
                        }
                        aria-invalid=move || error.with(Option::is_some).then_some("true")
                        prop:value=move || typed.get()
                        on:input=move |ev| {
                            typed.set(event_target_value(&ev).chars().take(20).collect());
                            error.set(None);
                        }
                    />
                    <p id="co-find-phone-error" class="co-error" hidden=move || error.with(Option::is_none)>
                        {move || error.get().unwrap_or_default()}
                    </p>
                </div>
                <button type="submit" class="btn primary">{w.get(Later::show_my_checkout)}</button>
            </form>
        </div>
    }
    .into_any()
}
