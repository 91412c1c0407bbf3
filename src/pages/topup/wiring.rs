//! The "Buy data" page's signals and what it does with them: load the plans, press Buy, send
//! and apply the answer. What a press leads to and where focus goes are decided on the plain
//! `TopUp` (`topup::press`); this carries them out against the DOM, storage and the network.

use amigo_types::checkout::{CheckoutView, PaymentMethod};
use amigo_types::data::{DataPlan, DataPurchase};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::checkout::api::CallError;
use crate::checkout::payment::{PaymentLoad, return_url};
use crate::events_dom::Events;
use crate::keyed::browser::leave_for_payment;
use crate::keyed::browser::{new_key, storage};
use crate::keyed::{PendingCheckout, SubmitFailure};
use crate::pages::checkout::page_href;
use crate::state::router::Router;
use crate::topup::api::TopUpApi;
use crate::topup::failure::TopUpFailure;
use crate::topup::press::{AfterAnswer, NOTICE_ID, Press};
use crate::topup::{TopUp, TopUpSubmission};
use crate::wording::Later;

/// What Buy got back: a purchase made at once, or a data checkout to pay.
enum Answer {
    Purchase(Result<DataPurchase, TopUpFailure>),
    Checkout(Result<PendingCheckout, TopUpFailure>),
}

/// Where the plan catalog stands.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Catalog {
    Loading,
    Ready(Vec<DataPlan>),
    Failed,
    /// The proxy does not sell data (`403 data_sales_disabled`): retrying cannot help.
    Disabled,
}

/// The draft saved under `key`, if one is there and passes its checks.
pub(super) fn read_draft(key: &str) -> Option<TopUp> {
    storage()?
        .get_item(key)
        .ok()
        .flatten()
        .and_then(|raw| TopUp::decode(&raw))
}

/// Everything the page holds, as signals and stored values.
#[derive(Clone, Copy)]
pub(super) struct Wiring {
    pub(super) t: RwSignal<TopUp>,
    pub(super) catalog: RwSignal<Catalog>,
    /// "We are still checking how this store takes payment", when Buy was pressed meanwhile.
    pub(super) blocked: RwSignal<Option<Later>>,
    pub(super) payment: RwSignal<PaymentLoad>,
    /// The chosen plan, once the catalog has it.
    pub(super) chosen: Memo<Option<DataPlan>>,
    pub(super) form_ref: NodeRef<leptos::html::Form>,
    pub(super) done_ref: NodeRef<leptos::html::Div>,
    api: StoredValue<TopUpApi, LocalStorage>,
    storage_key: StoredValue<String>,
    router: Router,
    pub(super) events: Events,
}

impl Wiring {
    /// The page's state, the draft read back from storage.
    pub(super) fn new(
        api: TopUpApi,
        storage_key: String,
        payment: RwSignal<PaymentLoad>,
        router: Router,
    ) -> Self {
        let t = RwSignal::new(read_draft(&storage_key).unwrap_or_default());
        let catalog = RwSignal::new(Catalog::Loading);
        let chosen = Memo::new(move |_| {
            let id = t.with(|t| t.plan)?;
            catalog.with(|c| match c {
                Catalog::Ready(all) => all.iter().find(|p| p.plan_id == id).cloned(),
                _ => None,
            })
        });
        Self {
            t,
            catalog,
            blocked: RwSignal::new(None),
            payment,
            chosen,
            form_ref: NodeRef::new(),
            done_ref: NodeRef::new(),
            api: StoredValue::new_local(api),
            storage_key: StoredValue::new(storage_key),
            router,
            events: Events::from_context(),
        }
    }

    /// Keeps the draft (and its key) in storage now.
    pub(super) fn save(self) {
        if let (Some(s), Some(raw)) = (storage(), self.t.try_with_untracked(TopUp::encode)) {
            self.storage_key.with_value(|k| s.set_item(k, &raw).ok());
        }
    }

    /// Asks for the plan catalog.
    pub(super) fn load_plans(self) {
        self.catalog.set(Catalog::Loading);
        let api = self.api.get_value();
        spawn_local(async move {
            let next = match api.plans().await {
                Ok(plans) => Catalog::Ready(plans),
                Err(CallError::Http { body: Some(b), .. }) if b.error == "data_sales_disabled" => {
                    Catalog::Disabled
                }
                Err(_) => Catalog::Failed,
            };
            // the page may be gone by now: `try_`, as writing a disposed signal panics
            let _ = self.catalog.try_set(next);
        });
    }

    /// Focuses the element `id` a frame later (if the page is still there).
    pub(super) fn focus(self, id: &'static str) {
        let form_ref = self.form_ref;
        request_animation_frame(move || {
            if let Some(form) = form_ref.try_get_untracked().flatten()
                && let Ok(Some(el)) = form.query_selector(&format!("#{id}"))
                && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
            {
                let _ = el.focus();
            }
        });
    }

    /// Buy (or "Try again").
    pub(super) fn buy(self) {
        // another tab may hold a key for this very purchase: take it, so both make one
        let shared = self
            .storage_key
            .with_value(|k| read_draft(k))
            .and_then(|d| d.binding().cloned());
        let payment = self.payment.get_untracked();
        let press = self.t.try_update(|t| t.press(shared, payment, new_key));
        if payment.method().is_some() {
            self.blocked.set(None);
        }
        match press {
            Some(Press::Send(s, method)) => self.send(s, method),
            Some(Press::Blocked(text)) => {
                self.blocked.set(Some(text));
                self.focus(NOTICE_ID);
            }
            Some(Press::Fix(field)) => self.focus(field.input_id()),
            Some(Press::Nothing) | None => {}
        }
    }

    /// Sends `submission` as a purchase or a data checkout, as `method` says.
    pub(super) fn send(self, submission: TopUpSubmission, method: PaymentMethod) {
        let api = self.api.get_value();
        // the price "Pay ₦X" showed: Paystack opens only for exactly that amount
        let shown_price = self.chosen.get_untracked().map(|p| p.price.amount);
        spawn_local(async move {
            let mut made = None;
            let answer =
                match method {
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
            if let Answer::Purchase(Ok(p)) = &answer {
                self.events.emit(&crate::events::data_purchase(p));
            }
            // the answer may land after the shopper left: one `try_` tells
            let Some(next) = self.t.try_update(|t| {
                match answer {
                    Answer::Purchase(result) => t.finish(result),
                    Answer::Checkout(result) => t.finish_checkout(result),
                }
                t.after_answer(method)
            }) else {
                return;
            };
            match next {
                AfterAnswer::FollowCheckout => self.follow_checkout(made, shown_price),
                AfterAnswer::FocusOutcome => {
                    let node = self.done_ref;
                    request_animation_frame(move || {
                        if let Some(el) = node.try_get_untracked().flatten() {
                            let _ = el.focus();
                        }
                    });
                }
                AfterAnswer::Focus(id) => self.focus(id),
            }
        });
    }

    /// A data checkout was made: stored now, before the page may be left for Paystack's (a
    /// reload or the way back finds it instead of making another), then Paystack's page when it
    /// charges exactly the price "Pay ₦X" showed, else the checkout's own page.
    fn follow_checkout(self, view: Option<CheckoutView>, shown_price: Option<i64>) {
        let Some(Some(pending)) = self.t.try_with_untracked(|t| t.pending().cloned()) else {
            return;
        };
        self.save();
        if let Some(v) = &view {
            self.events.emit(&crate::events::checkout_payment(v));
        }
        leave_for_payment(&self.router, pending, view, shown_price);
    }
}
