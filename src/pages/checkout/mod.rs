//! The checkout page: details, delivery area, delivery option, review and the last button
//! ("Place order", "Pay ₦X" or "Place order, pay by transfer", as the store's payment settings
//! say), then the confirmation or the checkout's payment. It wires the `checkout::flow::Checkout`
//! state machine to the view ([`wiring`]), keeps the draft (with its idempotency key and any
//! checkout awaiting payment) in `localStorage`, and shows each failure where
//! `checkout::reaction` puts it.

mod answer;
mod context;
mod form;
mod review;
mod wiring;

pub use context::{CHECKOUT_STYLES, DraftKey, PaymentInfo, provide_checkout};
pub(crate) use context::{cart_items, load_payment, page_href};

use leptos::prelude::*;

use crate::checkout::api::CheckoutApi;
use crate::checkout::flow::{Checkout, Phase};
use crate::checkout::payment::PaymentLoad;
use crate::checkout::reaction::Screen;
use crate::components::link::StoreLink;
use crate::components::module_styles::ModuleStyles;
use crate::components::quote_tiers::QuoteStatus;
use crate::events::{self, LaterEvent};
use crate::pages::checkout_confirmation::Confirmation;
use crate::pages::checkout_pending::PendingCheckoutPanel;
use crate::state::route::Route;
use crate::state::shop::Shop;
use form::checkout_form;
use wiring::Wiring;

use crate::wording::Later;

/// The checkout.
#[component]
pub fn CheckoutPage() -> impl IntoView {
    let shop = expect_context::<Shop>();
    let api = expect_context::<CheckoutApi>();
    let PaymentInfo(payment) = expect_context::<PaymentInfo>();
    load_payment(&api, payment);
    let retry_payment = {
        let api = api.clone();
        Callback::new(move |()| load_payment(&api, payment))
    };
    let (cart, router) = (shop.cart, shop.router);
    let w = Wiring::new(
        api,
        shop.client.clone(),
        expect_context::<DraftKey>(),
        cart,
        router,
        payment,
    );
    let co = w.co;
    // a checkout opened on a non-empty cart (not a reload of a confirmed or pending one)
    if co.with_untracked(|c| c.phase() != Phase::Confirmed && c.pending().is_none()) {
        cart.cart().with_untracked(|c| {
            if !c.is_empty() {
                w.events
                    .emit(&LaterEvent::BeginCheckout(events::cart_items(c)));
            }
        });
    }
    let resume = RwSignal::new(co.try_update_untracked(Checkout::take_resume) == Some(true));

    // keep the draft (and the key) in storage after every change
    Effect::new(move |_| {
        co.track();
        w.save();
    });
    // follow the cart
    Effect::new(move |_| {
        let items = cart_items(cart);
        co.update(|c| {
            c.set_items(items);
        });
    });
    // the quote, redone whenever the cart or the area changes
    let asked = Memo::new(move |_| co.with(Checkout::quote_request));
    Effect::new(move |_| {
        let req = asked.get();
        if co.with_untracked(|c| c.phase() == Phase::Confirmed) {
            return;
        }
        match req {
            None => w.quote_status.set(QuoteStatus::Waiting),
            Some(_) if co.with_untracked(|c| c.quote().is_some()) => {
                w.quote_status.set(QuoteStatus::Ready);
            }
            Some(_) => w.fetch_quote(),
        }
    });
    // a reload interrupted a submit: resend it (same key, same route) as soon as the quote and
    // the payment settings are back
    Effect::new(move |_| {
        if resume.get()
            && co.with(|c| c.phase() == Phase::Quoted)
            && payment.with(|p| p.method().is_some())
        {
            resume.set(false);
            w.place_order();
        }
    });
    // "Place order" pressed while the payment settings were still on their way (a slow line;
    // Firefox showed it in the e2e run): pressed again for the shopper once they arrive, so one
    // press places the order (or shows what to fix) instead of only "One moment"
    Effect::new(move |_| {
        if !w.pressed_early.get() {
            return;
        }
        match payment.with(|p| p.method().is_some()) {
            true => {
                w.pressed_early.set(false);
                w.place_order();
            }
            // the settings failed: the alert offers Retry, and the shopper presses again
            false if !matches!(payment.get(), PaymentLoad::Loading) => w.pressed_early.set(false),
            false => {}
        }
    });
    on_cleanup(move || w.stop());

    let start_over = Callback::new(move |()| {
        co.update(|c| c.start_over(cart_items(cart)));
        router.go(Route::default());
    });
    // which screen shows; the form is built once and not re-created on every phase change
    let screen = Memo::new(move |_| {
        Screen::of(co.with(Checkout::phase), cart.cart().with(|c| c.is_empty()))
    });
    view! {
        <div class="page co-page">
            <ModuleStyles name="checkout" css=CHECKOUT_STYLES/>
            {move || match screen.get() {
                Screen::Confirmed => co
                    .with(|c| c.order().cloned())
                    .map(|o| {
                        view! {
                            <Confirmation order=o node=w.confirmation_ref start_over=start_over/>
                        }
                    })
                    .into_any(),
                Screen::Paying => {
                    let start_again = Callback::new(move |()| co.update(Checkout::abandon_checkout));
                    co.with(|c| c.pending().cloned())
                        .map(|p| view! { <PendingCheckoutPanel pending=p start_again=start_again/> })
                        .into_any()
                }
                Screen::EmptyCart => view! {
                    <h2 class="title">{w.words.get(Later::checkout)}</h2>
                    <p>{w.words.get(Later::cart_empty)}</p>
                    <StoreLink to=Route::default() class="btn">{w.words.get(Later::continue_shopping)}</StoreLink>
                }
                .into_any(),
                Screen::Form => view! {
                    <h2 class="title">{w.words.get(Later::checkout)}</h2>
                    {checkout_form(w, retry_payment)}
                }
                .into_any(),
            }}
        </div>
    }
}
