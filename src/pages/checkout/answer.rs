//! What the checkout page does with a refusal or an answer: applies a `checkout::reaction`
//! (notice, errors, focus, a fresh quote, the cart's stock, a timed retry), or follows the made
//! checkout to its payment, or shows the confirmation.

use std::time::Duration;

use amigo_types::checkout::CheckoutView;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::wiring::Wiring;
use crate::checkout::flow::{Checkout, Phase};
use crate::checkout::reaction::{self, Reaction};
use crate::events;
use crate::keyed::browser::leave_for_payment;

impl Wiring {
    /// Applies what a refusal or a failure shows.
    pub(super) fn apply(self, r: Reaction) {
        self.notice.set(r.notice);
        if let Some(errors) = r.errors {
            self.errors.set(errors);
        }
        if r.requote {
            self.co.update(Checkout::forget_quote);
            self.fetch_quote();
        }
        if let Some(ids) = r.sold_out {
            self.sold_out.set(ids);
            // re-read the cart's stock (lowering or removing lines)
            let slugs: Vec<String> = (self.cart.cart())
                .with_untracked(|c| c.lines().iter().map(|l| l.slug.clone()).collect());
            let (client, cart) = (self.client.get_value(), self.cart);
            spawn_local(async move {
                cart.refresh(&client.products_by_slug(slugs).await);
            });
        }
        if let Some(secs) = r.retry_after_secs {
            let handle =
                set_timeout_with_handle(move || self.place_order(), Duration::from_secs(secs));
            self.retry_timer.set_value(handle.ok());
        }
        if let Some(f) = r.focus {
            self.focus(f);
        }
    }

    /// The order's answer landed (the page is still there): `made` is the checkout made, with
    /// the total the last button showed.
    pub(super) fn answered(self, made: Option<(CheckoutView, Option<i64>)>) {
        let (failure, confirmed, pending) = self.co.with_untracked(|c| {
            (
                c.failure().cloned(),
                c.phase() == Phase::Confirmed,
                c.pending().cloned(),
            )
        });
        if let Some(pending) = pending {
            if let Some((view, _)) = &made {
                self.events.emit(&events::checkout_payment(view));
            }
            // stored now, before the page may be left for Paystack's: a reload or the way back
            // finds this checkout instead of making another
            self.save();
            let (view, shown) = made.unzip();
            leave_for_payment(&self.router, pending, view, shown.flatten());
        } else if confirmed {
            if let Some(order) = self.co.with_untracked(|c| c.order().cloned()) {
                self.events.emit(&events::order_placed(&order));
            }
            self.cart.clear();
            self.notice.set(None);
            let node = self.confirmation_ref;
            request_animation_frame(move || {
                if let Some(el) = node.try_get_untracked().flatten() {
                    let _ = el.focus();
                }
            });
        } else if let Some(failure) = failure {
            self.apply(reaction::failed(&failure, self.words));
        }
    }
}
