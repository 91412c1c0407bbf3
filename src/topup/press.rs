//! What pressing Buy does, and where focus goes after an answer: decided here on the plain
//! [`TopUp`], so the page only carries it out.

use amigo_types::checkout::PaymentMethod;
use amigo_types::idempotency::IdempotencyKey;

use super::failure::TopUpField;
use super::{TopUp, TopUpSubmission};
use crate::checkout::payment::PaymentLoad;
use crate::keyed::KeyBinding;
use crate::wording::{Later, Wording};

/// What a press of Buy leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum Press {
    /// Send this, to where `method` says (a purchase, or a data checkout).
    Send(TopUpSubmission, PaymentMethod),
    /// The form is ready but the store's way of taking payment is not known: show this in the
    /// notice and focus it.
    Blocked(Later),
    /// A field to fix: focus it (its error is the failure).
    Fix(TopUpField),
    /// Nothing (a double click, or already placed).
    Nothing,
}

/// Where the page goes once an answer was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterAnswer {
    /// A data checkout was made: store the draft, then Paystack's page or the checkout's.
    FollowCheckout,
    /// The purchase was made: focus its outcome.
    FocusOutcome,
    /// Focus this control (the failure's field, or the notice).
    Focus(&'static str),
}

/// The id of the notice above the Buy button.
pub const NOTICE_ID: &str = "topup-notice";

impl TopUp {
    /// Buy was pressed: takes the key another tab saved for this very purchase (`shared`), then
    /// checks the form, then needs the store's way of taking payment (`payment`).
    pub fn press(
        &mut self,
        shared: Option<KeyBinding>,
        payment: PaymentLoad,
        new_key: impl FnOnce() -> IdempotencyKey,
    ) -> Press {
        if let Some(binding) = shared {
            self.offer_binding(binding);
        }
        // a field to fix comes first; then the store's way of taking payment must be known
        let ready = self.check();
        let fix = |t: &TopUp| {
            t.failure()
                .and_then(|f| f.field)
                .map_or(Press::Nothing, Press::Fix)
        };
        let Some(method) = payment.method() else {
            return match payment.blocked_text() {
                Some(text) if ready => Press::Blocked(text),
                _ => fix(self),
            };
        };
        match self.begin_submit(new_key) {
            Some(s) => Press::Send(s, method),
            None => fix(self),
        }
    }

    /// Where to go after the answer to a request sent for `method` was recorded.
    pub fn after_answer(&self, method: PaymentMethod) -> AfterAnswer {
        match self.failure() {
            None if method != PaymentMethod::None => AfterAnswer::FollowCheckout,
            None => AfterAnswer::FocusOutcome,
            Some(f) => AfterAnswer::Focus(f.field.map_or(NOTICE_ID, TopUpField::input_id)),
        }
    }

    /// The hint under the phone field, in the store's wording `w`.
    pub fn phone_hint(&self, w: &Wording) -> String {
        match (self.network(), self.ported) {
            (Some(n), false) => w.fill(Later::network_number, &[("network", n.name())]),
            (_, true) => w.get(Later::ported_hint).to_owned(),
            (None, false) => w.get(Later::network_from_number).to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyed::SubmitFailure;
    use crate::topup::failure::TopUpFailure;
    use crate::wording::ENGLISH;

    fn key() -> IdempotencyKey {
        IdempotencyKey::parse("amg-w-press").unwrap()
    }

    fn ready() -> TopUp {
        TopUp {
            phone: "08031234567".into(),
            plan: Some(1001),
            ..TopUp::default()
        }
    }

    fn settings(method: PaymentMethod) -> PaymentLoad {
        PaymentLoad::Ready(method)
    }

    #[test]
    fn buy_waits_for_the_fields_then_the_payment_settings() {
        let mut empty = TopUp::default();
        assert_eq!(
            empty.press(None, PaymentLoad::Loading, key),
            Press::Fix(TopUpField::Phone)
        );
        let mut t = ready();
        let Press::Blocked(text) = t.press(None, PaymentLoad::Loading, key) else {
            panic!("the settings are still on their way")
        };
        assert!(ENGLISH.get(text).contains("One moment"));
        assert!(matches!(
            t.press(None, settings(PaymentMethod::Paystack), key),
            Press::Send(_, PaymentMethod::Paystack)
        ));
        assert_eq!(
            t.press(None, settings(PaymentMethod::None), key),
            Press::Nothing,
            "in flight"
        );
    }

    #[test]
    fn after_an_answer_focus_goes_where_it_belongs() {
        let mut t = ready();
        t.press(None, settings(PaymentMethod::None), key);
        t.finish(Err(TopUpFailure::field(TopUpField::Plan, Later::plan_gone)));
        assert_eq!(
            t.after_answer(PaymentMethod::None),
            AfterAnswer::Focus("topup-plans")
        );
        t.press(None, settings(PaymentMethod::None), key);
        t.finish(Err(TopUpFailure::network()));
        assert_eq!(
            t.after_answer(PaymentMethod::None),
            AfterAnswer::Focus(NOTICE_ID)
        );
        let ok = ready();
        assert_eq!(
            ok.after_answer(PaymentMethod::None),
            AfterAnswer::FocusOutcome
        );
        assert_eq!(
            ok.after_answer(PaymentMethod::Transfer),
            AfterAnswer::FollowCheckout
        );
    }

    #[test]
    fn the_phone_hint_names_the_network() {
        assert_eq!(ready().phone_hint(&ENGLISH), "MTN number");
        let ported = TopUp {
            ported: true,
            ..ready()
        };
        assert!(ported.phone_hint(&ENGLISH).starts_with("Ported"));
        assert!(TopUp::default().phone_hint(&ENGLISH).starts_with("We read"));
    }
}
