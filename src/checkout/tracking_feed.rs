//! One order's live tracking as plain data: what is shown (never a step backwards), whether the
//! stream is live or the page polls, what went wrong in words, and what the page must do with
//! its stream and poller after each event ([`Next`]). The page only wires an `EventSource`, an
//! interval and the tracking call to it.

use amigo_types::delivery::DeliveryTier;
use amigo_types::tracking::OrderTracking;

use super::quote::eta_label;
use super::tracking::{TimelineStep, is_final, is_newer, timeline};
use crate::wording::{Later, Wording};

/// What the page must do with its stream and poller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Nothing.
    Nothing,
    /// Close the stream and stop polling: the order is final, or it does not exist.
    Close,
    /// The stream is live: stop polling.
    StopPolling,
    /// Poll (the stream dropped, or the browser has none); the page starts one poller at most.
    Poll,
}

/// The tracking page's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Feed {
    shown: Option<OrderTracking>,
    live: bool,
    problem: Option<Later>,
}

impl Feed {
    /// What is shown.
    pub fn shown(&self) -> Option<&OrderTracking> {
        self.shown.as_ref()
    }

    /// What went wrong, for the alert.
    pub fn problem(&self) -> Option<Later> {
        self.problem
    }

    fn is_final(&self) -> bool {
        self.shown.as_ref().is_some_and(|t| is_final(t.status))
    }

    /// A tracking view arrived (the stream or a poll): shown unless older than what is.
    pub fn accept(&mut self, t: OrderTracking) -> Next {
        let current = self.shown.as_ref().map(|s| (s.status, s.timeline.len()));
        if !is_newer(current, (t.status, t.timeline.len())) {
            return Next::Nothing;
        }
        self.shown = Some(t);
        self.problem = None;
        if self.is_final() {
            self.live = false;
            return Next::Close;
        }
        Next::Nothing
    }

    /// The tracking call failed; `not_found` for a 404 (no such order for that phone).
    pub fn load_failed(&mut self, not_found: bool) -> Next {
        if not_found {
            self.live = false;
            self.problem = Some(Later::order_not_found);
            return Next::Close;
        }
        // keep showing what we have; only say so when there is nothing yet
        if self.shown.is_none() {
            self.problem = Some(Later::order_load_failed);
        }
        Next::Nothing
    }

    /// The stream opened.
    pub fn opened(&mut self) -> Next {
        self.live = true;
        Next::StopPolling
    }

    /// The stream dropped: the browser retries it by itself; poll meanwhile (and for good once
    /// it gives up), unless the order is final.
    pub fn stream_failed(&mut self) -> Next {
        self.live = false;
        if self.is_final() {
            Next::Nothing
        } else {
            Next::Poll
        }
    }

    /// The line under the title (read out politely).
    pub fn status_line(&self, w: &Wording) -> &'static str {
        match &self.shown {
            Some(t) if is_final(t.status) => "",
            Some(_) if self.live => w.get(Later::tracking_live),
            Some(_) => w.get(Later::tracking_polling),
            None => "",
        }
    }

    /// The timeline's steps.
    pub fn steps(&self, w: &Wording) -> Vec<TimelineStep> {
        self.shown
            .as_ref()
            .map(|t| {
                let reached: Vec<_> = t
                    .timeline
                    .iter()
                    .map(|e| (e.status, e.at.as_str()))
                    .collect();
                timeline(w, t.status, &reached, t.cancelled_reason.as_deref())
            })
            .unwrap_or_default()
    }
}

/// "Premium home delivery to Zaria, Kaduna · 1–2 days".
pub fn delivery_line(t: &OrderTracking, w: &Wording) -> String {
    let tier = w.get(match t.delivery.tier {
        Some(DeliveryTier::Premium) => Later::premium_delivery,
        _ => Later::standard_delivery,
    });
    let eta = match (t.delivery.eta_min_days, t.delivery.eta_max_days) {
        (Some(lo), Some(hi)) => format!(" · {}", eta_label(w, lo, hi)),
        _ => String::new(),
    };
    let place = [t.delivery.city.clone(), t.delivery.state.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{}{eta}",
        w.fill(Later::delivery_to, &[("tier", tier), ("place", &place)])
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wording::ENGLISH;
    use amigo_types::orders::OrderStatus;

    fn tracking(status: &str, steps: &[&str]) -> OrderTracking {
        let timeline: Vec<_> = steps
            .iter()
            .map(|s| serde_json::json!({"status": s, "at": "2026-12-01T10:00:00+01:00"}))
            .collect();
        let naira = |n: i64| serde_json::json!({"amount": n, "currency": "NGN", "display": format!("₦{n}")});
        serde_json::from_value(serde_json::json!({
            "reference": "AMG-COM-1",
            "status": status,
            "payment_state": "paid",
            "items": [],
            "subtotal": naira(1000),
            "delivery_fee": naira(0),
            "total": naira(1000),
            "delivery": {"tier": "premium", "eta_min_days": 1, "eta_max_days": 2,
                         "city": "Zaria", "state": "Kaduna"},
            "timeline": timeline,
            "created_at": "2026-12-01T10:00:00+01:00",
        }))
        .unwrap()
    }

    #[test]
    fn updates_move_forward_only_and_a_final_one_closes() {
        let mut f = Feed::default();
        assert_eq!(
            f.accept(tracking("accepted", &["paid", "accepted"])),
            Next::Nothing
        );
        assert_eq!(f.shown().unwrap().status, OrderStatus::Accepted);
        assert_eq!(
            f.accept(tracking("paid", &["paid"])),
            Next::Nothing,
            "older: ignored"
        );
        assert_eq!(f.shown().unwrap().status, OrderStatus::Accepted);
        assert_eq!(
            f.status_line(&ENGLISH),
            "Checking for updates every few seconds."
        );
        assert_eq!(f.opened(), Next::StopPolling);
        assert_eq!(
            f.status_line(&ENGLISH),
            "Live: this page updates by itself."
        );
        assert_eq!(f.stream_failed(), Next::Poll);
        let done = tracking("delivered", &["paid", "accepted", "shipped", "delivered"]);
        assert_eq!(f.accept(done), Next::Close);
        assert_eq!(f.status_line(&ENGLISH), "");
        assert_eq!(
            f.stream_failed(),
            Next::Nothing,
            "a final order needs no polling"
        );
        assert!(!f.steps(&ENGLISH).is_empty());
    }

    #[test]
    fn failures_have_their_words() {
        let mut f = Feed::default();
        assert_eq!(f.load_failed(false), Next::Nothing);
        assert!(ENGLISH.get(f.problem().unwrap()).contains("keep trying"));
        f.accept(tracking("paid", &["paid"]));
        assert_eq!(f.problem(), None);
        f.load_failed(false);
        assert_eq!(f.problem(), None, "what is shown stays, without an alarm");
        assert_eq!(f.load_failed(true), Next::Close);
        assert!(ENGLISH.get(f.problem().unwrap()).contains("couldn't find"));
    }

    #[test]
    fn the_delivery_line_names_tier_place_and_eta() {
        let line = delivery_line(&tracking("paid", &["paid"]), &ENGLISH);
        assert!(
            line.starts_with("Premium home delivery to Zaria, Kaduna · "),
            "{line}"
        );
    }
}
