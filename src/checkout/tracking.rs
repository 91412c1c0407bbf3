//! Live tracking as plain data: the timeline (paid → accepted → shipped → delivered, or
//! cancelled with its reason), the rule that an older update never replaces a newer one (so a
//! late poll answer can't make the timeline flicker back), and the tracking link.

use amigo_types::orders::OrderStatus;

use crate::wording::{Later, Wording};

/// How far along one step of the timeline is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepState {
    /// Reached earlier.
    Done,
    /// The order's current status.
    Current,
    /// Not reached yet.
    Upcoming,
}

/// One step of the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineStep {
    /// The status it stands for.
    pub status: OrderStatus,
    /// "Paid", "Accepted", …
    pub label: &'static str,
    /// What the shopper is told about it.
    pub detail: String,
    /// Reached, current or upcoming.
    pub state: StepState,
    /// When it was reached (ISO 8601), if known.
    pub at: Option<String>,
}

fn label(status: OrderStatus) -> Later {
    match status {
        OrderStatus::Paid => Later::status_placed,
        OrderStatus::Accepted => Later::status_accepted,
        OrderStatus::Shipped => Later::status_shipped,
        OrderStatus::Delivered => Later::status_delivered,
        OrderStatus::Cancelled => Later::status_cancelled,
    }
}

fn detail(status: OrderStatus) -> Later {
    match status {
        OrderStatus::Paid => Later::status_placed_detail,
        OrderStatus::Accepted => Later::status_accepted_detail,
        OrderStatus::Shipped => Later::status_shipped_detail,
        OrderStatus::Delivered => Later::status_delivered_detail,
        OrderStatus::Cancelled => Later::status_cancelled_detail,
    }
}

/// The timeline for an order now at `status`, with the times it reached each status
/// (`reached`, oldest first) and, for a cancelled order, the reason.
pub fn timeline(
    w: &Wording,
    status: OrderStatus,
    reached: &[(OrderStatus, &str)],
    cancelled_reason: Option<&str>,
) -> Vec<TimelineStep> {
    let at = |s: OrderStatus| {
        reached
            .iter()
            .find(|(r, _)| *r == s)
            .map(|(_, t)| (*t).to_owned())
    };
    let happy = [
        OrderStatus::Paid,
        OrderStatus::Accepted,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
    ];
    let step = |s: OrderStatus, state: StepState| TimelineStep {
        status: s,
        label: w.get(label(s)),
        detail: w.get(detail(s)).to_owned(),
        state,
        at: at(s),
    };
    if status == OrderStatus::Cancelled {
        // the steps it did reach, then the cancellation with its reason
        let mut steps: Vec<TimelineStep> = happy
            .iter()
            .filter(|s| **s == OrderStatus::Paid || at(**s).is_some())
            .map(|s| step(*s, StepState::Done))
            .collect();
        let mut last = step(OrderStatus::Cancelled, StepState::Current);
        if let Some(reason) = cancelled_reason.map(str::trim).filter(|r| !r.is_empty()) {
            last.detail = w.fill(
                Later::cancelled_reason,
                &[("detail", &last.detail), ("reason", reason)],
            );
        }
        steps.push(last);
        return steps;
    }
    happy
        .iter()
        .map(|s| {
            let state = match s.rank().cmp(&status.rank()) {
                std::cmp::Ordering::Less => StepState::Done,
                std::cmp::Ordering::Equal => StepState::Current,
                std::cmp::Ordering::Greater => StepState::Upcoming,
            };
            step(*s, state)
        })
        .collect()
}

/// Whether an update (from SSE or a poll) may replace what is shown: only a later status, or
/// the same status with a longer history. Equal or older answers are dropped, so there is no
/// flicker back to a stale state.
pub fn is_newer(shown: Option<(OrderStatus, usize)>, incoming: (OrderStatus, usize)) -> bool {
    match shown {
        None => true,
        Some((status, len)) => {
            incoming.0.rank() > status.rank() || (incoming.0 == status && incoming.1 > len)
        }
    }
}

/// Whether the order can still change (tracking stops for delivered and cancelled orders).
pub fn is_final(status: OrderStatus) -> bool {
    matches!(status, OrderStatus::Delivered | OrderStatus::Cancelled)
}

/// Whether `reference` looks like an Amigo order reference (`AMG-COM-…`).
pub fn is_reference(reference: &str) -> bool {
    reference.starts_with("AMG-COM-")
        && reference.len() <= 40
        && reference
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}

/// The widget link to track an order: `#/order/{reference}?phone={phone}`. It carries
/// everything the tracking view needs, so it keeps working after a reload.
pub fn tracking_hash(reference: &str, phone: &str) -> String {
    let phone: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect::<String>()
        .replace('+', "%2B");
    format!("#/order/{reference}?phone={phone}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wording::ENGLISH;

    #[test]
    fn a_shipped_order() {
        let steps = timeline(
            &ENGLISH,
            OrderStatus::Shipped,
            &[
                (OrderStatus::Paid, "2026-05-20T03:12:08+01:00"),
                (OrderStatus::Accepted, "2026-05-20T04:00:00+01:00"),
                (OrderStatus::Shipped, "2026-05-20T05:00:00+01:00"),
            ],
            None,
        );
        let states: Vec<StepState> = steps.iter().map(|s| s.state).collect();
        assert_eq!(
            states,
            [
                StepState::Done,
                StepState::Done,
                StepState::Current,
                StepState::Upcoming
            ]
        );
        assert_eq!(steps[2].label, "Shipped");
        assert_eq!(steps[2].at.as_deref(), Some("2026-05-20T05:00:00+01:00"));
        assert_eq!(steps[3].at, None);
    }

    #[test]
    fn a_cancelled_order_shows_its_reason() {
        let steps = timeline(
            &ENGLISH,
            OrderStatus::Cancelled,
            &[
                (OrderStatus::Paid, "t0"),
                (OrderStatus::Accepted, "t1"),
                (OrderStatus::Cancelled, "t2"),
            ],
            Some("Out of stock at the warehouse"),
        );
        let labels: Vec<&str> = steps.iter().map(|s| s.label).collect();
        assert_eq!(labels, ["Order placed", "Accepted", "Cancelled"]);
        assert!(steps[2].detail.contains("Out of stock at the warehouse"));
        assert_eq!(steps[2].state, StepState::Current);
        assert_eq!(steps[2].at.as_deref(), Some("t2"));
    }

    #[test]
    fn stale_updates_never_replace_newer_ones() {
        assert!(is_newer(None, (OrderStatus::Paid, 1)));
        assert!(is_newer(
            Some((OrderStatus::Paid, 1)),
            (OrderStatus::Shipped, 3)
        ));
        // a poll that left before the SSE push arrives after it
        assert!(!is_newer(
            Some((OrderStatus::Shipped, 3)),
            (OrderStatus::Accepted, 2)
        ));
        assert!(!is_newer(
            Some((OrderStatus::Shipped, 3)),
            (OrderStatus::Shipped, 3)
        ));
        assert!(!is_newer(
            Some((OrderStatus::Cancelled, 2)),
            (OrderStatus::Delivered, 4)
        ));
        assert!(is_final(OrderStatus::Delivered) && !is_final(OrderStatus::Shipped));
    }

    #[test]
    fn links_and_references() {
        assert!(is_reference("AMG-COM-TEST-20260520-AB12CD"));
        assert!(!is_reference("AMG-COM-<x>"));
        assert!(!is_reference("ORDER-1"));
        assert_eq!(
            tracking_hash("AMG-COM-TEST-20260520-AB12CD", "08031234567"),
            "#/order/AMG-COM-TEST-20260520-AB12CD?phone=08031234567"
        );
        assert_eq!(
            tracking_hash("AMG-COM-1", "+234 803"),
            "#/order/AMG-COM-1?phone=%2B234803"
        );
    }
}
