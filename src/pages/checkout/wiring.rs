//! The checkout page's signals and what it does with them: ask for the quote, press "Place
//! order", and apply each answer. Every decision is made in `checkout::flow` (the state
//! machine) and `checkout::reaction` (what a refusal or a failure shows); this only applies them
//! to the signals, the DOM, timers and the network. One `Copy` value, so a timer can press
//! "Place order" again without a closure that refers to itself.

use amigo_types::checkout::PaymentMethod;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::AbortController;

use super::context::{DraftKey, cart_items, page_href};
use crate::api::ProxyClient;
use crate::checkout::api::{CallError, CheckoutApi};
use crate::checkout::details::FieldError;
use crate::checkout::draft::{encode, stored_binding};
use crate::checkout::failure::Failure;
use crate::checkout::flow::Checkout;
use crate::checkout::payment::{PaymentLoad, return_url};
use crate::checkout::reaction::{self, Focus};
use crate::components::quote_tiers::QuoteStatus;
use crate::events::{self, LaterEvent};
use crate::events_dom::Events;
use crate::keyed::SubmitFailure;
use crate::keyed::browser::{new_key, storage};
use crate::state::cart_store::CartStore;
use crate::state::router::Router;
use crate::wording::{Later, Wording, words};

/// Everything the checkout page holds, as signals and stored values.
#[derive(Clone, Copy)]
pub(super) struct Wiring {
    pub(super) co: RwSignal<Checkout>,
    pub(super) errors: RwSignal<Vec<FieldError>>,
    pub(super) notice: RwSignal<Option<String>>,
    pub(super) sold_out: RwSignal<Vec<u64>>,
    pub(super) quote_status: RwSignal<QuoteStatus>,
    pub(super) payment: RwSignal<PaymentLoad>,
    /// "Place order" pressed while the payment settings were on their way: pressed again for
    /// the shopper once they arrive.
    pub(super) pressed_early: RwSignal<bool>,
    pub(super) cart: CartStore,
    pub(super) router: Router,
    pub(super) events: Events,
    pub(super) form_ref: NodeRef<leptos::html::Form>,
    pub(super) confirmation_ref: NodeRef<leptos::html::Div>,
    pub(super) api: StoredValue<CheckoutApi, LocalStorage>,
    pub(super) client: StoredValue<ProxyClient, LocalStorage>,
    pub(super) draft_key: StoredValue<String>,
    pub(super) quote_ctl: StoredValue<Option<AbortController>, LocalStorage>,
    pub(super) retry_timer: StoredValue<Option<TimeoutHandle>>,
    /// The store's wording.
    pub(super) words: &'static Wording,
}

impl Wiring {
    /// The page's state: the draft read back from storage, against the cart's lines.
    pub(super) fn new(
        api: CheckoutApi,
        client: ProxyClient,
        DraftKey(draft_key): DraftKey,
        cart: CartStore,
        router: Router,
        payment: RwSignal<PaymentLoad>,
    ) -> Self {
        let saved = storage().and_then(|s| s.get_item(&draft_key).ok().flatten());
        let co = crate::checkout::draft::decode(saved.as_deref(), cart_items(cart));
        Self {
            co: RwSignal::new(co),
            errors: RwSignal::new(Vec::new()),
            notice: RwSignal::new(None),
            sold_out: RwSignal::new(Vec::new()),
            quote_status: RwSignal::new(QuoteStatus::Waiting),
            payment,
            pressed_early: RwSignal::new(false),
            cart,
            router,
            events: Events::from_context(),
            form_ref: NodeRef::new(),
            confirmation_ref: NodeRef::new(),
            api: StoredValue::new_local(api),
            client: StoredValue::new_local(client),
            draft_key: StoredValue::new(draft_key),
            quote_ctl: StoredValue::new_local(None),
            retry_timer: StoredValue::new(None),
            words: words(),
        }
    }

    /// Keeps the draft (and its key) in storage now.
    pub(super) fn save(self) {
        let raw = self.co.with_untracked(encode);
        if let Some(s) = storage() {
            self.draft_key.with_value(|k| s.set_item(k, &raw).ok());
        }
    }

    /// Focuses `focus` a frame later (the page may be gone by then: `try_`, as reading a
    /// disposed ref panics).
    pub(super) fn focus(self, focus: Focus) {
        let form_ref = self.form_ref;
        request_animation_frame(move || {
            if let Some(form) = form_ref.try_get_untracked().flatten()
                && let Ok(Some(el)) = form.query_selector(&format!("#{}", focus.element_id()))
                && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
            {
                let _ = el.focus();
            }
        });
    }

    /// The chosen tier for the chosen area, told to the merchant's page.
    pub(super) fn tell_shipping(self) {
        let info = self.co.try_with_untracked(|c| {
            c.location()
                .map(|l| (c.tier(), l.state_name.clone(), l.lga_name.clone()))
        });
        if let Some(Some((tier, state, lga))) = info {
            let items = self.cart.cart().with_untracked(events::cart_items);
            self.events.emit(&LaterEvent::AddShippingInfo {
                tier: tier.as_str().to_owned(),
                state,
                lga,
                items,
            });
        }
    }

    /// Asks for the quote of the current cart and area (aborting one still on its way).
    pub(super) fn fetch_quote(self) {
        let Some(req) = self.co.with_untracked(Checkout::quote_request) else {
            self.quote_status.set(QuoteStatus::Waiting);
            return;
        };
        if let Some(c) = self.quote_ctl.get_value() {
            c.abort();
        }
        let ctl = AbortController::new().ok();
        let signal = ctl.as_ref().map(AbortController::signal);
        self.quote_ctl.set_value(ctl);
        self.quote_status.set(QuoteStatus::Loading);
        let api = self.api.get_value();
        spawn_local(async move {
            match api.quote(&req, signal.as_ref()).await {
                Ok(q) => {
                    if self.co.try_update(|c| c.apply_quote(req, q)) == Some(true) {
                        self.quote_status.set(QuoteStatus::Ready);
                        self.tell_shipping();
                    }
                }
                Err(CallError::Aborted) => {}
                Err(_) => {
                    self.quote_status.try_set(QuoteStatus::Failed(
                        self.words.get(Later::quote_failed).to_owned(),
                    ));
                }
            }
        });
    }

    /// Stops the retry timer and the quote on the way (the page is leaving).
    pub(super) fn stop(self) {
        if let Some(h) = self.retry_timer.try_get_value().flatten() {
            h.clear();
        }
        if let Some(c) = self.quote_ctl.try_get_value().flatten() {
            c.abort();
        }
    }

    /// "Place order" (or "Pay ₦X"): does what the store's payment settings say, never a guess.
    pub(super) fn place_order(self) {
        // a retry timer may fire after the shopper left: nothing to press then
        let Some(timer) = self.retry_timer.try_get_value() else {
            return;
        };
        if let Some(h) = timer {
            h.clear();
        }
        self.retry_timer.set_value(None);
        self.press();
    }

    fn press(self) {
        let load = self.payment.get_untracked();
        if let Some(message) = load.blocked_message(self.words) {
            // still asking: the press is kept, and made again once the settings are here
            self.pressed_early.set(matches!(load, PaymentLoad::Loading));
            self.notice.set(Some(message.to_owned()));
            self.focus(Focus::Notice);
            return;
        }
        let method = load.method().unwrap_or(PaymentMethod::None);
        // another tab may have saved a key for this very order: share it
        let shared = storage()
            .and_then(|s| self.draft_key.with_value(|k| s.get_item(k).ok().flatten()))
            .and_then(|raw| stored_binding(&raw));
        let Some(result) = self.co.try_update(|c| {
            if let Some(b) = shared {
                c.offer_binding(b);
            }
            c.begin_submit(new_key)
        }) else {
            return;
        };
        let submission = match result {
            Ok(s) => s,
            Err(blocked) => {
                if let Some(r) = reaction::blocked(blocked, self.words) {
                    self.apply(r);
                }
                return;
            }
        };
        self.errors.set(Vec::new());
        self.sold_out.set(Vec::new());
        self.notice.set(None);
        let api = self.api.get_value();
        // the total "Pay ₦X" showed: Paystack opens only for exactly that amount
        let shown_total = (self.co)
            .with_untracked(Checkout::delivery_fee)
            .map(|fee| fee + self.cart.cart().with_untracked(|c| c.subtotal()));
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
            if self.co.try_update(|c| c.finish(answer)).is_some() {
                self.answered(view);
            }
        });
    }
}
