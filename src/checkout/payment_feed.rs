//! One checkout's tracking page as plain data: the checkout view shown (never a step backwards),
//! what went wrong in words, whether the page still polls and when it asks next. The page wires
//! a timer, the visibility of the tab and the proxy's answer to it, and carries out what an
//! accepted view asks (tell the merchant's page, settle this browser's draft).

use crate::wording::Later;
use std::time::Duration;

use amigo_types::checkout::{CheckoutKind, CheckoutStatus, CheckoutView};

use super::payment_status::{is_newer, next_poll};

/// The proxy's answer to one poll.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// A view of the checkout asked for (checked: `payment_status::check_view`).
    View(Box<CheckoutView>),
    /// An answer that is not a view of this checkout.
    Unreadable,
    /// `404`: no checkout with that reference and phone.
    NotFound,
    /// No answer, or another error.
    Failed,
}

/// The tracking page's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PaymentFeed {
    shown: Option<CheckoutView>,
    problem: Option<Later>,
    stopped: bool,
    polls: u32,
}

impl PaymentFeed {
    /// The view shown.
    pub fn shown(&self) -> Option<&CheckoutView> {
        self.shown.as_ref()
    }

    /// What went wrong, for the alert.
    pub fn problem(&self) -> Option<Later> {
        self.problem
    }

    /// Whether the page stopped asking (the checkout does not exist, or the page left).
    pub fn stopped(&self) -> bool {
        self.stopped
    }

    /// The page is leaving: no more polls.
    pub fn stop(&mut self) {
        self.stopped = true;
    }

    /// Records an answer. Returns the view when it is new and shown now (the page tells the
    /// merchant's page, and settles the draft once it is final); an unchanged or older view
    /// changes nothing, so the buttons keep their focus.
    pub fn answered(&mut self, answer: Answer) -> Option<CheckoutView> {
        match answer {
            Answer::View(view) => {
                let view = *view;
                let current = self.shown.as_ref().map(|v| v.status);
                if self.shown.as_ref() == Some(&view) || !is_newer(current, view.status) {
                    return None;
                }
                self.shown = Some(view.clone());
                self.problem = None;
                Some(view)
            }
            Answer::Unreadable => {
                self.problem = Some(Later::checkout_unreadable);
                None
            }
            Answer::NotFound => {
                self.stopped = true;
                self.problem = Some(Later::checkout_not_found);
                None
            }
            Answer::Failed => {
                // keep showing what we have; only say so when there is nothing yet
                if self.shown.is_none() {
                    self.problem = Some(Later::checkout_load_failed);
                }
                None
            }
        }
    }

    /// When to ask next after an answer (`None`: not while the tab is hidden, nor once the
    /// checkout is final or the page stopped).
    pub fn next_poll(&mut self, hidden: bool) -> Option<Duration> {
        if self.stopped {
            return None;
        }
        self.polls += 1;
        next_poll(self.shown.as_ref().map(|v| v.status), self.polls, hidden)
    }

    /// The tab was shown again: ask at once when nothing is scheduled (`waiting`) and the
    /// checkout is still open.
    pub fn ask_on_visible(&self, hidden: bool, waiting: bool) -> bool {
        let open = self.shown.as_ref().is_none_or(|v| !v.status.is_final());
        !hidden && waiting && open && !self.stopped
    }

    /// The placed checkout's Amigo reference, kind and total, once placed.
    pub fn placed(&self) -> Option<(String, CheckoutKind, String)> {
        let v = self
            .shown
            .as_ref()
            .filter(|v| v.status == CheckoutStatus::Placed)?;
        Some((v.order_reference.clone()?, v.kind, v.total.display.clone()))
    }

    /// Whether it is a data checkout.
    pub fn is_data(&self) -> bool {
        self.shown
            .as_ref()
            .is_some_and(|v| v.kind == CheckoutKind::Data)
    }
}

/// Whether settling `view` counts as the order placed for the merchant's page (told once, by
/// the browser whose draft made the checkout).
pub fn tells_placed(view: &CheckoutView, settled: bool) -> bool {
    settled && view.status == CheckoutStatus::Placed && view.kind == CheckoutKind::Order
}

#[cfg(test)]
mod tests {
    use super::*;
    use amigo_types::checkout::PaymentMethod;

    fn view(status: &str) -> CheckoutView {
        let status: CheckoutStatus = serde_json::from_value(serde_json::json!(status)).unwrap();
        let mut v = crate::checkout::payment_status::tests::view(status, PaymentMethod::Paystack);
        if status == CheckoutStatus::Placed {
            v.order_reference = Some("AMG-COM-1".into());
        }
        v
    }

    #[test]
    fn views_move_forward_and_repeat_nothing() {
        let mut f = PaymentFeed::default();
        assert!(
            f.answered(Answer::View(Box::new(view("awaiting_payment"))))
                .is_some()
        );
        assert!(
            f.answered(Answer::View(Box::new(view("awaiting_payment"))))
                .is_none(),
            "unchanged"
        );
        assert!(f.next_poll(false).is_some());
        assert!(f.next_poll(true).is_none(), "hidden: no timer");
        assert!(f.ask_on_visible(false, true));
        let placed = view("placed");
        assert!(tells_placed(&placed, true) && !tells_placed(&placed, false));
        assert!(f.answered(Answer::View(Box::new(placed))).is_some());
        assert_eq!(f.placed().map(|p| p.0), Some("AMG-COM-1".to_owned()));
        assert!(
            f.answered(Answer::View(Box::new(view("awaiting_payment"))))
                .is_none(),
            "never back"
        );
        assert!(f.next_poll(false).is_none(), "final");
        assert!(!f.ask_on_visible(false, true));
    }

    #[test]
    fn failures_have_their_words_and_a_404_stops() {
        let mut f = PaymentFeed::default();
        f.answered(Answer::Failed);
        assert!(
            crate::wording::ENGLISH
                .get(f.problem().unwrap())
                .contains("keep trying")
        );
        f.answered(Answer::Unreadable);
        assert!(
            crate::wording::ENGLISH
                .get(f.problem().unwrap())
                .contains("can't show")
        );
        f.answered(Answer::NotFound);
        assert!(f.stopped() && f.next_poll(false).is_none());
        assert!(
            crate::wording::ENGLISH
                .get(f.problem().unwrap())
                .contains("couldn't find")
        );
    }
}
