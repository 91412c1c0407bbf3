//! "Buy data" (`#/data`): the number (its network read from the prefix, or picked when ported),
//! the plans grouped by validity with efficiency badges, Buy, then the purchase's live outcome.
//! It wires the `topup::TopUp` state machine to the view ([`wiring`]) and keeps the draft (with
//! its idempotency key) in `localStorage`; `topup::press` decides what Buy does and where each
//! failure goes. Where the store takes payment
//! first (`GET /api/payment`), Buy makes a data checkout instead ("Pay ₦X" opens Paystack's
//! page; "Buy, pay by transfer" leads to the bank details), and the draft keeps it until it
//! ends. Loaded lazily, like checkout.

mod form;
mod plans;
mod screens;
mod wiring;

use amigo_types::data::DataPurchaseStatus;
use leptos::prelude::*;

use crate::checkout::api::CheckoutApi;
use crate::components::module_styles::ModuleStyles;
use crate::pages::checkout::{CHECKOUT_STYLES, PaymentInfo, load_payment};
use crate::pages::data_outcome::follow_purchase;
use crate::state::shop::Shop;
use crate::topup::api::TopUpApi;
use crate::topup::{TopUp, TopUpPhase, topup_storage_key};
use crate::wording::{Later, Text, words};
use form::topup_form;
use screens::{awaiting_payment, purchase_done};
use wiring::Wiring;

/// The top-up's stylesheet, placed inside the shadow root with the page.
pub const TOPUP_STYLES: &str = include_str!("../../../style/topup.css");

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

/// The "Buy data" page.
#[component]
pub fn TopUpPage() -> impl IntoView {
    let wd = words();
    let Some(TopUpContext { api, storage_key }) = use_context::<TopUpContext>() else {
        return view! {
            <div class="page tu-page">
                <h2 class="title">{wd.get(Text::buy_data)}</h2>
                <p>{wd.get(Later::no_data_sales)}</p>
            </div>
        }
        .into_any();
    };
    let router = expect_context::<Shop>().router;
    let checkout_api = expect_context::<CheckoutApi>();
    let PaymentInfo(payment) = expect_context::<PaymentInfo>();
    load_payment(&checkout_api, payment);
    let retry_payment = Callback::new(move |()| load_payment(&checkout_api, payment));
    let w = Wiring::new(api.clone(), storage_key, payment, router);
    let t = w.t;
    Effect::new(move |_| {
        t.track();
        w.save();
    });
    w.load_plans();

    // a reload during submit: resend with the same key and to the same place (never a second
    // purchase or checkout), once the store's way of taking payment is known again
    let resume = StoredValue::new(t.with_untracked(|t| t.clone().take_resume()));
    Effect::new(move |_| {
        if let Some(m) = payment.with(|p| p.method())
            && let Some(s) = resume.try_update_value(Option::take).flatten()
        {
            w.send(s, m);
        }
    });
    // follow a processing purchase until it settles
    follow_purchase(
        api,
        move || {
            t.try_with_untracked(|t| {
                t.purchase()
                    .filter(|p| p.status == DataPurchaseStatus::Processing)
                    .map(|p| (p.reference.clone(), p.mobile_number.clone()))
            })
            .flatten()
        },
        move |fresh| {
            w.events.emit(&crate::events::data_purchase(&fresh));
            let _ = t.try_update(|t| t.update_purchase(fresh));
        },
    );

    // which screen shows; the form is built once and not re-created on every phase change
    let phase = Memo::new(move |_| t.with(TopUp::phase));
    view! {
        <div class="page co-page tu-page">
            <ModuleStyles name="checkout" css=CHECKOUT_STYLES/>
            <ModuleStyles name="topup" css=TOPUP_STYLES/>
            <h2 class="title">{wd.get(Text::buy_data)}</h2>
            {move || match phase.get() {
                TopUpPhase::Placed => purchase_done(w).into_any(),
                TopUpPhase::Paying => awaiting_payment(t).into_any(),
                TopUpPhase::Editing | TopUpPhase::Submitting => {
                    topup_form(w, retry_payment).into_any()
                }
            }}
        </div>
    }
    .into_any()
}
