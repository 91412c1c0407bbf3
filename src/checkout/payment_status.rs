//! A checkout's payment states as the shopper sees them (`#/order/CHK-…?phone=…`): the heading
//! and sentence of each status, worded for what it buys (an order, or data), what the shopper
//! can do next (pay on Paystack, transfer to the store's account, wait, follow the Amigo order
//! or the data purchase), the checks on what the proxy answered before
//! any of it is shown or followed, the rule that an older answer never replaces a newer one,
//! and when to ask again.
//!
//! There is no event stream for checkouts: the page polls, quickly while something is about to
//! happen and more slowly the longer nothing does, and not at all once the status is final or
//! the page is hidden.

use std::time::Duration;

use amigo_types::checkout::{
    CheckoutKind, CheckoutStatus, CheckoutView, PaymentInstructions, PaymentMethod,
};

use super::payment::is_web_url;
use super::tracking::is_reference;
use crate::topup::is_data_reference;
use crate::wording::{Later, Wording};

/// How often to ask while a payment is expected (the first [`FAST_POLLS`] times).
pub const POLL_FAST: Duration = Duration::from_secs(3);
/// Asks at [`POLL_FAST`] this many times (a minute), then back off.
pub const FAST_POLLS: u32 = 20;
/// The slowest the page asks while it is visible.
pub const POLL_SLOWEST: Duration = Duration::from_secs(30);

/// How the status line is coloured and announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Waiting for the shopper or the store.
    Waiting,
    /// Went well.
    Good,
    /// Did not happen; nothing more will.
    Bad,
}

/// What the shopper can do now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextStep {
    /// Open Paystack's page (an `http(s)` address, checked by [`check_view`]).
    Pay {
        /// The hosted payment page.
        url: String,
    },
    /// Transfer to the store's account with the reference in the narration.
    Transfer(TransferDetails),
    /// Nothing: the store is at work (placing the order).
    Wait,
    /// The Amigo order exists: follow it.
    TrackOrder {
        /// `AMG-COM-…`.
        reference: String,
    },
    /// The data purchase exists: follow it.
    TrackData {
        /// `AMG-DAT-…` (or the proxy's `PRX-DAT-…`).
        reference: String,
    },
    /// It ended without an order (or data): go back to the cart and checkout (or Buy data).
    StartAgain,
}

/// The bank details of a transfer checkout, each shown with a Copy button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferDetails {
    /// Account holder.
    pub account_name: String,
    /// Bank.
    pub bank_name: String,
    /// 10-digit NUBAN.
    pub account_number: String,
    /// The exact amount, `₦` and separators.
    pub amount: String,
    /// The same amount as digits only, what a banking app's amount field takes when pasted.
    pub amount_digits: String,
    /// What to write in the narration.
    pub narration: String,
}

/// One status as shown: heading, sentence, tone and next step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// "Awaiting payment", "Paid — placing your order", …
    pub title: &'static str,
    /// What it means for the shopper.
    pub detail: String,
    /// Colour and announcement.
    pub tone: Tone,
    /// What they can do.
    pub next: NextStep,
}

/// `2026-12-06T21:00:00+01:00` as "6 Dec 2026, 21:00"; anything unreadable is shown as sent
/// (cut to 25 characters), since it is only text.
pub fn when_label(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parsed = (|| {
        let b = iso.as_bytes();
        if b.len() < 16 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b' ') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| iso.get(r)?.parse::<u32>().ok();
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let time = iso.get(11..16)?;
        let month = MONTHS.get(usize::try_from(m.checked_sub(1)?).ok()?)?;
        ((1..=31).contains(&d) && time.as_bytes()[2] == b':')
            .then(|| format!("{d} {month} {y}, {time}"))
    })();
    parsed.unwrap_or_else(|| iso.chars().take(25).collect())
}

fn transfer_details(view: &CheckoutView) -> Option<TransferDetails> {
    match &view.pay {
        Some(PaymentInstructions::Transfer {
            account_name,
            bank_name,
            account_number,
            amount,
            narration,
        }) => Some(TransferDetails {
            account_name: account_name.clone(),
            bank_name: bank_name.clone(),
            account_number: account_number.clone(),
            amount: amount.display.clone(),
            amount_digits: amount.amount.to_string(),
            narration: narration.clone(),
        }),
        _ => None,
    }
}

/// The phrases that differ between a checkout for goods and one for data.
struct Phrases {
    /// What paying does: "place your order".
    goal: Later,
    /// What the store does once a transfer is confirmed.
    store_does: Later,
    paid_title: Later,
    paid_doing: Later,
    placed_title: Later,
    placed_next: Later,
    expired_tail: Later,
    failed_title: Later,
    failed_default: Later,
}

const ORDER_PHRASES: Phrases = Phrases {
    goal: Later::goal_order,
    store_does: Later::store_does_order,
    paid_title: Later::paid_title_order,
    paid_doing: Later::paid_doing_order,
    placed_title: Later::placed_title_order,
    placed_next: Later::placed_next_order,
    expired_tail: Later::expired_tail_order,
    failed_title: Later::failed_title_order,
    failed_default: Later::failed_default_order,
};

const DATA_PHRASES: Phrases = Phrases {
    goal: Later::goal_data,
    store_does: Later::store_does_data,
    paid_title: Later::paid_title_data,
    paid_doing: Later::paid_doing_data,
    placed_title: Later::placed_title_data,
    placed_next: Later::placed_next_data,
    expired_tail: Later::expired_tail_data,
    failed_title: Later::failed_title_data,
    failed_default: Later::failed_default_data,
};

fn phrases(kind: CheckoutKind) -> &'static Phrases {
    match kind {
        CheckoutKind::Order => &ORDER_PHRASES,
        CheckoutKind::Data => &DATA_PHRASES,
    }
}

fn failure_sentence(view: &CheckoutView, w: &Wording) -> String {
    view.failure
        .as_ref()
        .map(|f| f.message.trim())
        .filter(|m| !m.is_empty())
        .map_or_else(
            || w.get(phrases(view.kind).failed_default).to_owned(),
            |m| m.chars().take(300).collect(),
        )
}

/// The stage of a checked view (see [`check_view`]), in the store's wording.
pub fn stage(view: &CheckoutView, w: &Wording) -> Stage {
    let total = view.total.display.as_str();
    let expires = when_label(&view.expires_at);
    let p = phrases(view.kind);
    let goal = w.get(p.goal);
    let waiting = |detail: String, next: NextStep| Stage {
        title: w.get(Later::awaiting_payment),
        detail,
        tone: Tone::Waiting,
        next,
    };
    match view.status {
        CheckoutStatus::AwaitingPayment => match (view.method, &view.pay) {
            (_, Some(PaymentInstructions::Paystack { authorization_url })) => waiting(
                w.fill(
                    Later::pay_on_paystack,
                    &[("total", total), ("goal", goal), ("expires", &expires)],
                ),
                NextStep::Pay {
                    url: authorization_url.clone(),
                },
            ),
            (_, Some(PaymentInstructions::Transfer { .. })) => waiting(
                w.fill(
                    Later::transfer_exactly,
                    &[
                        ("total", total),
                        ("store_does", w.get(p.store_does)),
                        ("expires", &expires),
                    ],
                ),
                transfer_details(view).map_or(NextStep::Wait, NextStep::Transfer),
            ),
            _ => waiting(
                w.fill(
                    Later::waiting_for_payment,
                    &[("total", total), ("expires", &expires)],
                ),
                NextStep::Wait,
            ),
        },
        CheckoutStatus::Paid => Stage {
            title: w.get(p.paid_title),
            detail: w.fill(
                Later::paid_detail,
                &[("total", total), ("doing", w.get(p.paid_doing))],
            ),
            tone: Tone::Good,
            next: NextStep::Wait,
        },
        CheckoutStatus::Placed => Stage {
            title: w.get(p.placed_title),
            detail: w.fill(
                Later::placed_detail,
                &[("total", total), ("next", w.get(p.placed_next))],
            ),
            tone: Tone::Good,
            next: match (view.order_reference.clone(), view.kind) {
                (None, _) => NextStep::Wait,
                (Some(reference), CheckoutKind::Order) => NextStep::TrackOrder { reference },
                (Some(reference), CheckoutKind::Data) => NextStep::TrackData { reference },
            },
        },
        CheckoutStatus::Expired => Stage {
            title: w.get(Later::payment_expired),
            detail: w.fill(Later::expired_detail, &[("tail", w.get(p.expired_tail))]),
            tone: Tone::Bad,
            next: NextStep::StartAgain,
        },
        CheckoutStatus::Failed => Stage {
            title: w.get(p.failed_title),
            detail: w.fill(
                match view.method {
                    PaymentMethod::Transfer => Later::failed_transfer_detail,
                    _ => Later::failed_detail,
                },
                &[
                    ("reason", &failure_sentence(view, w)),
                    ("total", total),
                    ("reference", &view.reference),
                ],
            ),
            tone: Tone::Bad,
            next: NextStep::StartAgain,
        },
        CheckoutStatus::Refunded => Stage {
            title: w.get(Later::refunded),
            detail: w.fill(
                Later::refunded_detail,
                &[("reason", &failure_sentence(view, w)), ("total", total)],
            ),
            tone: Tone::Bad,
            next: NextStep::StartAgain,
        },
    }
}

/// Why an answer was not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ViewRejected {
    /// It is about another checkout.
    #[error("the answer was for another checkout")]
    OtherReference,
    /// The payment page is not an `http(s)` address (it would be followed by the browser).
    #[error("the payment page's address is not http(s)")]
    BadPaymentUrl,
    /// `placed` without a well-formed order reference.
    #[error("placed without an order reference")]
    BadOrderReference,
}

/// Checks an answer before it is shown or followed: it is the checkout asked for, a payment
/// page is an `http(s)` address (never `javascript:`), and a placed checkout names an Amigo
/// order (`AMG-COM-…`), or for data a data purchase (`AMG-DAT-…`, `PRX-DAT-…`), which is then
/// tracked with the same phone.
pub fn check_view(asked: &str, view: CheckoutView) -> Result<CheckoutView, ViewRejected> {
    if view.reference != asked {
        return Err(ViewRejected::OtherReference);
    }
    if let Some(PaymentInstructions::Paystack { authorization_url }) = &view.pay
        && !is_web_url(authorization_url)
    {
        return Err(ViewRejected::BadPaymentUrl);
    }
    let well_formed = match view.kind {
        CheckoutKind::Order => is_reference,
        CheckoutKind::Data => is_data_reference,
    };
    let order_ok = view.order_reference.as_deref().is_none_or(well_formed);
    if !order_ok || (view.status == CheckoutStatus::Placed && view.order_reference.is_none()) {
        return Err(ViewRejected::BadOrderReference);
    }
    Ok(view)
}

/// Where to send the shopper right after "Pay ₦X" made the checkout: Paystack's page when the
/// answer is a well-formed Paystack checkout for exactly the total the button showed, else
/// `None`, and the shopper goes to the checkout's own page, which shows the amount it charges
/// (a price that changed between review and checkout is never paid unseen).
pub fn paystack_redirect(
    reference: &str,
    view: CheckoutView,
    shown_total: Option<i64>,
) -> Option<String> {
    let view = check_view(reference, view).ok()?;
    if view.status != CheckoutStatus::AwaitingPayment || Some(view.total.amount) != shown_total {
        return None;
    }
    match view.pay? {
        PaymentInstructions::Paystack { authorization_url } => Some(authorization_url),
        PaymentInstructions::Transfer { .. } => None,
    }
}

fn rank(status: CheckoutStatus) -> u8 {
    match status {
        CheckoutStatus::AwaitingPayment => 0,
        CheckoutStatus::Paid => 1,
        _ => 2,
    }
}

/// Whether an answer may replace what is shown: not one further back (a slow poll answer that
/// left before the status moved on), and nothing replaces a final status.
pub fn is_newer(shown: Option<CheckoutStatus>, incoming: CheckoutStatus) -> bool {
    match shown {
        None => true,
        Some(s) if s.is_final() => false,
        Some(s) => rank(incoming) >= rank(s),
    }
}

/// When to ask again, after `polls` answers (or failures) so far: never once the status is
/// final or while the page is hidden (it asks at once when shown again), every
/// [`POLL_FAST`] for the first [`FAST_POLLS`] times, then twice as long each time up to
/// [`POLL_SLOWEST`].
pub fn next_poll(status: Option<CheckoutStatus>, polls: u32, hidden: bool) -> Option<Duration> {
    if hidden || status.is_some_and(CheckoutStatus::is_final) {
        return None;
    }
    let over = polls.saturating_sub(FAST_POLLS).min(8);
    Some((POLL_FAST * 2u32.pow(over)).min(POLL_SLOWEST))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::wording::ENGLISH;
    use amigo_types::checkout::CheckoutFailure;
    use amigo_types::money::Money;

    pub(crate) const CHK: &str = "CHK-7H3K9Q2M4X";

    pub(crate) fn view(status: CheckoutStatus, method: PaymentMethod) -> CheckoutView {
        let pay = (status == CheckoutStatus::AwaitingPayment).then(|| match method {
            PaymentMethod::Transfer => PaymentInstructions::Transfer {
                account_name: "Amigo Store Ltd".into(),
                bank_name: "Example Bank".into(),
                account_number: "0123456789".into(),
                amount: Money::naira(31_500),
                narration: CHK.into(),
            },
            _ => PaymentInstructions::Paystack {
                authorization_url: "http://127.0.0.1:7800/checkout/abc".into(),
            },
        });
        CheckoutView {
            reference: CHK.into(),
            kind: CheckoutKind::Order,
            status,
            method,
            items: vec![],
            subtotal: Money::naira(29_000),
            delivery_fee: Money::naira(2_500),
            total: Money::naira(31_500),
            created_at: "2026-12-04T21:00:00+01:00".into(),
            expires_at: "2026-12-06T21:00:00+01:00".into(),
            pay,
            order_reference: (status == CheckoutStatus::Placed)
                .then(|| "AMG-COM-TEST-20261204-AB12CD".into()),
            failure: None,
        }
    }

    #[test]
    fn paystack_awaits_payment_with_a_pay_link() {
        let s = stage(
            &view(CheckoutStatus::AwaitingPayment, PaymentMethod::Paystack),
            &ENGLISH,
        );
        assert_eq!(s.title, "Awaiting payment");
        assert_eq!(s.tone, Tone::Waiting);
        assert!(s.detail.contains("₦31,500") && s.detail.contains("6 Dec 2026, 21:00"));
        assert_eq!(
            s.next,
            NextStep::Pay {
                url: "http://127.0.0.1:7800/checkout/abc".into()
            }
        );
    }

    #[test]
    fn transfer_awaits_payment_with_the_bank_details() {
        let s = stage(
            &view(CheckoutStatus::AwaitingPayment, PaymentMethod::Transfer),
            &ENGLISH,
        );
        assert!(s.detail.contains("exactly ₦31,500") && s.detail.contains("expires on 6 Dec"));
        match s.next {
            NextStep::Transfer(d) => {
                assert_eq!(d.account_number, "0123456789");
                assert_eq!(d.amount, "₦31,500");
                assert_eq!(d.amount_digits, "31500");
                assert_eq!(d.narration, CHK);
                assert_eq!(d.bank_name, "Example Bank");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn paid_waits_and_placed_leads_to_the_order() {
        let s = stage(
            &view(CheckoutStatus::Paid, PaymentMethod::Paystack),
            &ENGLISH,
        );
        assert_eq!(s.title, "Paid — placing your order");
        assert_eq!(s.next, NextStep::Wait);
        let s = stage(
            &view(CheckoutStatus::Placed, PaymentMethod::Paystack),
            &ENGLISH,
        );
        assert_eq!(
            s.next,
            NextStep::TrackOrder {
                reference: "AMG-COM-TEST-20261204-AB12CD".into()
            }
        );
    }

    #[test]
    fn endings_without_an_order_say_why_and_start_again() {
        let s = stage(
            &view(CheckoutStatus::Expired, PaymentMethod::Transfer),
            &ENGLISH,
        );
        assert_eq!(s.title, "Payment expired");
        assert!(s.detail.contains("nothing was charged"));
        assert_eq!((s.tone, s.next), (Tone::Bad, NextStep::StartAgain));

        let mut v = view(CheckoutStatus::Refunded, PaymentMethod::Paystack);
        v.failure = Some(CheckoutFailure {
            code: "out_of_stock".into(),
            message: "An item sold out before your order could be placed.".into(),
        });
        let s = stage(&v, &ENGLISH);
        assert_eq!(s.title, "Refunded");
        assert!(s.detail.starts_with("An item sold out"));
        assert!(s.detail.ends_with(
            "Refund of ₦31,500 sent: it reaches your card or account within a few working days."
        ));

        let mut v = view(CheckoutStatus::Failed, PaymentMethod::Transfer);
        v.failure = Some(CheckoutFailure {
            code: "insufficient_balance".into(),
            message: "  ".into(),
        });
        let s = stage(&v, &ENGLISH);
        assert_eq!(s.title, "Order not placed");
        assert!(s.detail.starts_with("The store couldn't place your order."));
        assert!(s.detail.contains(CHK) && s.detail.contains("transfer of ₦31,500"));
    }

    pub(crate) fn data_view(status: CheckoutStatus, method: PaymentMethod) -> CheckoutView {
        let mut v = view(status, method);
        v.kind = CheckoutKind::Data;
        v.subtotal = Money::naira(1_500);
        v.delivery_fee = Money::naira(0);
        v.total = Money::naira(1_500);
        if let Some(PaymentInstructions::Transfer { amount, .. }) = &mut v.pay {
            *amount = Money::naira(1_500);
        }
        v.order_reference =
            (status == CheckoutStatus::Placed).then(|| "AMG-DAT-TEST-20261204-AB12CD".into());
        v
    }

    #[test]
    fn a_data_checkout_speaks_of_data() {
        use CheckoutStatus::*;
        let s = stage(
            &data_view(AwaitingPayment, PaymentMethod::Paystack),
            &ENGLISH,
        );
        assert_eq!(s.title, "Awaiting payment");
        assert!(
            s.detail
                .starts_with("Pay ₦1,500 on Paystack's secure page to get your data.")
        );
        let s = stage(
            &data_view(AwaitingPayment, PaymentMethod::Transfer),
            &ENGLISH,
        );
        assert!(s.detail.contains("exactly ₦1,500") && s.detail.contains("sends your data"));
        assert!(matches!(s.next, NextStep::Transfer(d) if d.amount_digits == "1500"));
        let s = stage(&data_view(Paid, PaymentMethod::Paystack), &ENGLISH);
        assert_eq!(
            (s.title, s.next),
            ("Paid — buying your data", NextStep::Wait)
        );
        let s = stage(&data_view(Placed, PaymentMethod::Transfer), &ENGLISH);
        assert_eq!(s.title, "Paid — your data is on its way");
        assert_eq!(
            s.next,
            NextStep::TrackData {
                reference: "AMG-DAT-TEST-20261204-AB12CD".into()
            }
        );
        let s = stage(&data_view(Expired, PaymentMethod::Paystack), &ENGLISH);
        assert!(
            s.detail
                .ends_with("no data was bought. You can buy it again.")
        );
        assert_eq!(s.next, NextStep::StartAgain);
        let s = stage(&data_view(Failed, PaymentMethod::Transfer), &ENGLISH);
        assert_eq!(s.title, "Data not bought");
        assert!(
            s.detail
                .starts_with("The store couldn't buy your data. The store will return")
        );
        let s = stage(&data_view(Refunded, PaymentMethod::Paystack), &ENGLISH);
        assert!(s.detail.contains("Refund of ₦1,500 sent"));
    }

    #[test]
    fn a_placed_data_checkout_names_a_data_purchase() {
        let mut v = data_view(CheckoutStatus::Placed, PaymentMethod::Paystack);
        assert!(check_view(CHK, v.clone()).is_ok());
        v.order_reference = Some("PRX-DAT-0123456789ABCDEF".into());
        assert!(check_view(CHK, v.clone()).is_ok());
        // an order reference is not a data purchase, nor the reverse
        v.order_reference = Some("AMG-COM-TEST-20261204-AB12CD".into());
        assert_eq!(check_view(CHK, v), Err(ViewRejected::BadOrderReference));
        let mut o = view(CheckoutStatus::Placed, PaymentMethod::Paystack);
        o.order_reference = Some("AMG-DAT-TEST-20261204-AB12CD".into());
        assert_eq!(check_view(CHK, o), Err(ViewRejected::BadOrderReference));
        // Paystack opens for a data checkout only at the plan's price the button showed
        let d = data_view(CheckoutStatus::AwaitingPayment, PaymentMethod::Paystack);
        assert!(paystack_redirect(CHK, d.clone(), Some(1_500)).is_some());
        assert_eq!(paystack_redirect(CHK, d, Some(1_200)), None);
    }

    #[test]
    fn answers_are_checked_before_they_are_shown() {
        let ok = view(CheckoutStatus::AwaitingPayment, PaymentMethod::Paystack);
        assert!(check_view(CHK, ok.clone()).is_ok());
        assert_eq!(
            check_view("CHK-OTHER00000", ok.clone()),
            Err(ViewRejected::OtherReference)
        );
        for url in [
            "javascript:alert(1)",
            "data:text/html,x",
            "https:///x",
            "//evil.example",
        ] {
            let mut v = ok.clone();
            v.pay = Some(PaymentInstructions::Paystack {
                authorization_url: url.into(),
            });
            assert_eq!(
                check_view(CHK, v),
                Err(ViewRejected::BadPaymentUrl),
                "{url}"
            );
        }
        let mut placed = view(CheckoutStatus::Placed, PaymentMethod::Paystack);
        assert!(check_view(CHK, placed.clone()).is_ok());
        placed.order_reference = Some("AMG-COM-<b>".into());
        assert_eq!(
            check_view(CHK, placed.clone()),
            Err(ViewRejected::BadOrderReference)
        );
        placed.order_reference = None;
        assert_eq!(
            check_view(CHK, placed),
            Err(ViewRejected::BadOrderReference)
        );
    }

    #[test]
    fn paystack_opens_only_for_the_amount_the_button_showed() {
        let v = view(CheckoutStatus::AwaitingPayment, PaymentMethod::Paystack);
        assert_eq!(
            paystack_redirect(CHK, v.clone(), Some(31_500)).as_deref(),
            Some("http://127.0.0.1:7800/checkout/abc")
        );
        // the price changed between review and checkout: the shopper sees the new amount first
        assert_eq!(paystack_redirect(CHK, v.clone(), Some(31_000)), None);
        assert_eq!(paystack_redirect(CHK, v.clone(), None), None);
        assert_eq!(paystack_redirect("CHK-OTHER00000", v, Some(31_500)), None);
        let t = view(CheckoutStatus::AwaitingPayment, PaymentMethod::Transfer);
        assert_eq!(paystack_redirect(CHK, t, Some(31_500)), None);
        let paid = view(CheckoutStatus::Paid, PaymentMethod::Paystack);
        assert_eq!(paystack_redirect(CHK, paid, Some(31_500)), None);
        let mut evil = view(CheckoutStatus::AwaitingPayment, PaymentMethod::Paystack);
        evil.pay = Some(PaymentInstructions::Paystack {
            authorization_url: "javascript:alert(1)".into(),
        });
        assert_eq!(paystack_redirect(CHK, evil, Some(31_500)), None);
    }

    #[test]
    fn an_older_answer_never_replaces_a_newer_one() {
        use CheckoutStatus::*;
        assert!(is_newer(None, AwaitingPayment));
        assert!(is_newer(Some(AwaitingPayment), AwaitingPayment));
        assert!(is_newer(Some(AwaitingPayment), Paid));
        assert!(is_newer(Some(Paid), Placed));
        assert!(!is_newer(Some(Paid), AwaitingPayment));
        assert!(!is_newer(Some(Placed), Placed));
        assert!(!is_newer(Some(Expired), Paid));
    }

    #[test]
    fn polling_backs_off_and_stops() {
        use CheckoutStatus::*;
        assert_eq!(next_poll(None, 0, false), Some(POLL_FAST));
        assert_eq!(next_poll(Some(AwaitingPayment), 19, false), Some(POLL_FAST));
        assert_eq!(
            next_poll(Some(AwaitingPayment), 21, false),
            Some(Duration::from_secs(6))
        );
        assert_eq!(
            next_poll(Some(Paid), 23, false),
            Some(Duration::from_secs(24))
        );
        assert_eq!(next_poll(Some(Paid), 500, false), Some(POLL_SLOWEST));
        assert_eq!(next_poll(Some(AwaitingPayment), 0, true), None);
        for s in [Placed, Expired, Failed, Refunded] {
            assert_eq!(next_poll(Some(s), 0, false), None);
        }
    }

    #[test]
    fn times_read_as_dates() {
        assert_eq!(when_label("2026-12-06T21:00:00+01:00"), "6 Dec 2026, 21:00");
        assert_eq!(when_label("2026-01-31 08:05:00"), "31 Jan 2026, 08:05");
        assert_eq!(when_label("tomorrow"), "tomorrow");
        assert_eq!(
            when_label("2026-13-06T21:00:00+01:00"),
            "2026-13-06T21:00:00+01:00"
        );
        assert_eq!(when_label(&"x".repeat(100)).len(), 25);
    }
}
