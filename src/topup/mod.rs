//! "Buy data" as plain data: the plan catalog grouped for the shopper, the network read from the
//! number's prefix (or chosen, for a ported number), the purchase state machine with the same
//! never-twice key rules as checkout, the mapping of every error to its field, and the draft kept
//! in `localStorage`. Where the store takes payment first (`paystack`, `transfer`), the same
//! submit makes a data checkout instead of a purchase ([`pay`]), and the draft keeps its
//! reference and number until the checkout ends.
//!
//! Everything here is unit-tested natively; only [`api`] (the network calls) is browser-only.

pub mod failure;
pub mod pay;
pub mod plans;
pub mod press;

#[cfg(all(target_arch = "wasm32", feature = "checkout"))]
pub mod api;

use amigo_types::data::{DataPurchase, DataPurchaseStatus, Network};
use amigo_types::idempotency::IdempotencyKey;
use amigo_types::phone::NgMobile;
use serde::{Deserialize, Serialize};

use crate::checkout::details::{network_hint, phone_text};
use crate::keyed::{KeyBinding, KeyedSubmit, PendingCheckout, fingerprint};
use crate::wording::{Later, Wording};
use failure::{TopUpFailure, TopUpField};

/// Version tag of the stored draft; anything else is ignored.
pub const TOPUP_DRAFT_VERSION: u32 = 1;

/// The `localStorage` key of the top-up draft for one proxy and merchant.
pub fn topup_storage_key(proxy: &str, merchant: &str) -> String {
    format!("amigo:topup:v{TOPUP_DRAFT_VERSION}:{merchant}:{proxy}")
}

/// The network a partly typed number belongs to, by its prefix (`ng-mobile-prefixes.csv`).
pub fn detect_network(raw: &str) -> Option<Network> {
    network_hint(raw).and_then(Network::from_name)
}

/// Whether `reference` looks like a data purchase reference (Amigo's `AMG-DAT-…`, or the
/// proxy's `PRX-DAT-…` when Amigo's answer was unreadable): letters, digits and dashes only, so
/// it is safe in a URL path and in the page.
pub fn is_data_reference(reference: &str) -> bool {
    (reference.starts_with("AMG-DAT-") || reference.starts_with("PRX-DAT-"))
        && reference.len() <= 40
        && reference
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}

/// A purchase's outcome in words: its headline and status line, in the store's wording `w`.
/// `number` is the line as the page shows it (in full, or masked); `paid_checkout` is the
/// checkout the shopper paid, when the purchase was made from one (a failed top-up is then
/// refunded to the shopper by the store, not the wallet refund a direct purchase reports).
pub fn outcome(
    p: &DataPurchase,
    number: &str,
    paid_checkout: Option<&str>,
    w: &Wording,
) -> (String, String) {
    match p.status {
        DataPurchaseStatus::Processing => (
            w.get(Later::topping_up).to_owned(),
            w.get(Later::topup_processing).to_owned(),
        ),
        DataPurchaseStatus::Delivered => (
            w.fill(
                Later::topup_delivered_title,
                &[("capacity", &p.capacity), ("number", number)],
            ),
            w.get(Later::topup_delivered).to_owned(),
        ),
        DataPurchaseStatus::Failed => {
            let line = match paid_checkout {
                // Amigo's reason speaks of the merchant's wallet: the shopper hears of theirs
                Some(chk) => w.fill(Later::topup_failed_paid, &[("reference", chk)]),
                None => {
                    // Amigo's own explanation is shown as it sent it (like the server's errors)
                    let reason = p
                        .failure_reason
                        .as_deref()
                        .map(|r| r.trim().trim_end_matches('.'))
                        .filter(|r| !r.is_empty())
                        .map_or_else(
                            || w.get(Later::network_refused).to_owned(),
                            |r| r.chars().take(200).collect(),
                        );
                    w.fill(
                        Later::topup_refunded,
                        &[("reason", &reason), ("amount", &p.amount.display)],
                    )
                }
            };
            (w.get(Later::topup_failed_title).to_owned(), line)
        }
    }
}

/// Where the purchase stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopUpPhase {
    /// Choosing a number and a plan.
    Editing,
    /// The purchase (or data checkout) request is in flight.
    Submitting,
    /// A data checkout was made: the shopper pays it, and follows it on its tracking page.
    Paying,
    /// Amigo accepted it; the outcome is followed.
    Placed,
}

/// What the purchase form holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopUp {
    /// The number as typed.
    #[serde(default)]
    pub phone: String,
    /// "This number was ported": the shopper picks the network.
    #[serde(default)]
    pub ported: bool,
    /// The network picked for a ported number.
    #[serde(default)]
    pub picked_network: Option<Network>,
    /// The chosen Plan ID.
    #[serde(default)]
    pub plan: Option<u64>,
    /// The idempotency key and the body it was made for.
    #[serde(default)]
    binding: KeyedSubmit,
    /// Whether a request was in flight (persisted: a reload resends it with the same key).
    #[serde(default)]
    in_flight: bool,
    /// The purchase Amigo made (no payment step).
    #[serde(default)]
    purchase: Option<DataPurchase>,
    /// The data checkout made (payment first), until it ends. Checked again when read back.
    #[serde(default)]
    checkout: Option<PendingCheckout>,
    /// The last failure (not persisted).
    #[serde(skip)]
    failure: Option<TopUpFailure>,
}

/// One purchase ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct TopUpSubmission {
    /// `Idempotency-Key`.
    pub key: IdempotencyKey,
    /// The documented Data API body.
    pub body: serde_json::Value,
}

impl TopUp {
    /// Where it stands.
    pub fn phase(&self) -> TopUpPhase {
        if self.purchase.is_some() {
            TopUpPhase::Placed
        } else if self.checkout.is_some() {
            TopUpPhase::Paying
        } else if self.in_flight {
            TopUpPhase::Submitting
        } else {
            TopUpPhase::Editing
        }
    }

    /// The network the purchase is for: the picked one for a ported number, else the prefix's.
    pub fn network(&self) -> Option<Network> {
        if self.ported {
            self.picked_network
        } else {
            detect_network(&self.phone)
        }
    }

    /// The purchase, once placed.
    pub fn purchase(&self) -> Option<&DataPurchase> {
        self.purchase.as_ref()
    }

    /// The data checkout awaiting payment (or the store), made by the last submit.
    pub fn pending(&self) -> Option<&PendingCheckout> {
        self.checkout.as_ref()
    }

    /// The last failure.
    pub fn failure(&self) -> Option<&TopUpFailure> {
        self.failure.as_ref()
    }

    /// The key binding (persisted, and offered to other tabs).
    pub fn binding(&self) -> Option<&KeyBinding> {
        self.binding.binding()
    }

    /// Whether a request is in flight.
    pub fn in_flight(&self) -> bool {
        self.in_flight
    }

    /// An edit; refused while a request is in flight or once placed. Clears a field failure
    /// that the edit may have fixed.
    pub fn edit(&mut self, change: impl FnOnce(&mut Self)) -> bool {
        if self.phase() != TopUpPhase::Editing {
            return false;
        }
        change(self);
        if !self.ported {
            self.picked_network = None;
        }
        self.failure = None;
        true
    }

    /// Checks the form as a submit would, recording the first field to fix. `true` when the
    /// body is ready (the Buy button then still waits for the store's payment settings).
    pub fn check(&mut self) -> bool {
        if self.phase() != TopUpPhase::Editing {
            return false;
        }
        match self.body() {
            Ok(_) => true,
            Err(f) => {
                self.failure = Some(f);
                false
            }
        }
    }

    /// Rewrites a valid number in the national format (`0XXXXXXXXXX`), as checkout does when the
    /// field loses focus. The body is unchanged, so a saved key still matches it.
    pub fn normalise_phone(&mut self) -> bool {
        if self.phase() != TopUpPhase::Editing {
            return false;
        }
        match NgMobile::parse(&self.phone) {
            Ok(m) if m.as_str() != self.phone => {
                self.phone = m.as_str().to_owned();
                true
            }
            _ => false,
        }
    }

    /// The body this form would send, or the first field to fix.
    pub fn body(&self) -> Result<serde_json::Value, TopUpFailure> {
        let phone = NgMobile::parse(&self.phone).map_err(|e| {
            let text = if self.phone.trim().is_empty() {
                Later::topup_phone_required
            } else {
                phone_text(&e.message)
            };
            TopUpFailure::field(TopUpField::Phone, text)
        })?;
        let network = match (self.network(), self.ported) {
            (Some(n), _) => n,
            (None, true) => {
                return Err(TopUpFailure::field(
                    TopUpField::Network,
                    Later::choose_ported_network,
                ));
            }
            (None, false) => {
                return Err(TopUpFailure::field(
                    TopUpField::Phone,
                    Later::network_unknown,
                ));
            }
        };
        let plan = self
            .plan
            .ok_or_else(|| TopUpFailure::field(TopUpField::Plan, Later::choose_plan))?;
        Ok(serde_json::json!({
            "network": network.id(),
            "mobile_number": phone.as_str(),
            "plan": plan,
            "Ported_number": self.ported,
        }))
    }

    /// Takes the key another tab saved when it was made for the body this form would send, so
    /// two tabs buying the same plan for the same line share one key (and make one purchase).
    pub fn offer_binding(&mut self, other: KeyBinding) {
        if self.phase() != TopUpPhase::Editing {
            return;
        }
        if let Ok(body) = self.body() {
            self.binding.offer(other, &fingerprint(&body));
        }
    }

    /// Validates and moves to `Submitting`, choosing the key: the saved one when the body is
    /// unchanged, otherwise a new one. `None` while a request is already in flight (a double
    /// click) or once placed; a field to fix is recorded as the failure.
    pub fn begin_submit(
        &mut self,
        new_key: impl FnOnce() -> IdempotencyKey,
    ) -> Option<TopUpSubmission> {
        if self.phase() != TopUpPhase::Editing {
            return None;
        }
        let body = match self.body() {
            Ok(b) => b,
            Err(f) => {
                self.failure = Some(f);
                return None;
            }
        };
        let key = self.binding.key_for(fingerprint(&body), new_key);
        self.in_flight = true;
        self.failure = None;
        Some(TopUpSubmission { key, body })
    }

    /// Whether a reload found a request in flight: resend it (same key, so no second purchase).
    pub fn take_resume(&mut self) -> Option<TopUpSubmission> {
        if !self.in_flight || self.purchase.is_some() || self.checkout.is_some() {
            return None;
        }
        let body = self.body().ok()?;
        let key = self.binding.resume_key(&fingerprint(&body))?;
        Some(TopUpSubmission { key, body })
    }

    /// Records the answer. A purchase retires the key; a failure keeps it only when the
    /// purchase may exist under it ([`TopUpFailure::keeps_key`]).
    pub fn finish(&mut self, result: Result<DataPurchase, TopUpFailure>) {
        self.in_flight = false;
        match result {
            Ok(purchase) => {
                self.purchase = Some(purchase);
                self.binding.answered(None::<&TopUpFailure>);
                self.failure = None;
            }
            Err(failure) => {
                self.binding.answered(Some(&failure));
                self.failure = Some(failure);
            }
        }
    }

    /// Records the answer to a data checkout request: a checkout retires the key (its
    /// reference, kept in its place, stops a second one); a failure is handled as a purchase's.
    pub fn finish_checkout(&mut self, result: Result<PendingCheckout, TopUpFailure>) {
        self.in_flight = false;
        match result {
            Ok(pending) => {
                self.checkout = Some(pending);
                self.binding.answered(None::<&TopUpFailure>);
                self.failure = None;
            }
            Err(failure) => {
                self.binding.answered(Some(&failure));
                self.failure = Some(failure);
            }
        }
    }

    /// The data checkout `reference` ended (seen on its tracking page, which follows the
    /// purchase from there). Placed: the form for the next top-up of the same line; ended
    /// without a purchase: the form as it was, with a new key at the next submit. Returns
    /// whether this draft was that checkout's.
    pub fn settle(&mut self, reference: &str, placed: bool) -> bool {
        if self
            .checkout
            .as_ref()
            .is_none_or(|c| c.reference() != reference)
        {
            return false;
        }
        self.checkout = None;
        self.binding.retire();
        self.in_flight = false;
        if placed {
            self.plan = None;
        }
        true
    }

    /// The shopper leaves an unpaid data checkout to buy again: the form comes back as it was,
    /// and the next submit makes a new checkout with a new key.
    pub fn abandon_checkout(&mut self) {
        self.checkout = None;
    }

    /// A newer view of the placed purchase (its outcome).
    pub fn update_purchase(&mut self, fresh: DataPurchase) {
        if let Some(p) = &mut self.purchase
            && p.reference == fresh.reference
        {
            *p = fresh;
        }
    }

    /// Starts another purchase for the same line, keeping the number and network.
    pub fn buy_another(&mut self) {
        self.purchase = None;
        self.checkout = None;
        self.plan = None;
        self.failure = None;
        self.binding.retire();
        self.in_flight = false;
    }

    /// The draft as stored.
    pub fn encode(&self) -> String {
        serde_json::to_string(&Stored {
            v: TOPUP_DRAFT_VERSION,
            topup: self.clone(),
        })
        .unwrap_or_default()
    }

    /// Reads a stored draft back, keeping only what passes its checks: a bad key binding, an
    /// overlong number or a purchase without a reference is dropped, never trusted.
    pub fn decode(raw: &str) -> Option<TopUp> {
        let stored: Stored = serde_json::from_str(raw).ok()?;
        if stored.v != TOPUP_DRAFT_VERSION {
            return None;
        }
        let mut t = stored.topup;
        if t.phone.chars().count() > 20 {
            t.phone = String::new();
        }
        t.binding = KeyedSubmit::restored(t.binding.binding().cloned());
        if t.binding.binding().is_none() {
            t.in_flight = false;
        }
        if t.purchase
            .as_ref()
            .is_some_and(|p| !is_data_reference(&p.reference))
        {
            t.purchase = None;
        }
        t.checkout = t.checkout.and_then(PendingCheckout::checked);
        Some(t)
    }
}

#[derive(Serialize, Deserialize)]
struct Stored {
    v: u32,
    topup: TopUp,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyed::SubmitFailure;
    use crate::wording::ENGLISH;

    fn key(n: u8) -> IdempotencyKey {
        IdempotencyKey::parse(&format!("amg-w-{n:032x}")).unwrap()
    }

    fn ready() -> TopUp {
        let mut t = TopUp::default();
        t.edit(|t| {
            t.phone = "0803 123 4567".into();
            t.plan = Some(1001);
        });
        t
    }

    fn purchase(reference: &str) -> DataPurchase {
        serde_json::from_value(serde_json::json!({
            "id": 1, "reference": reference, "status": "processing", "network": 1,
            "network_name": "MTN", "mobile_number": "08031234567", "ported_number": false,
            "plan": 1001, "capacity": "1GB", "validity": "1 day",
            "amount": {"amount": 500, "display": "₦500"}, "refunded": false,
            "failure_reason": null, "livemode": false,
            "created_at": "2026-11-29T10:00:00+01:00", "completed_at": null
        }))
        .unwrap()
    }

    #[test]
    fn the_network_comes_from_the_prefix_unless_ported() {
        let mut t = TopUp::default();
        t.edit(|t| t.phone = "+234 805".into());
        assert_eq!(t.network(), Some(Network::Glo));
        t.edit(|t| t.ported = true);
        assert_eq!(
            t.network(),
            None,
            "a ported number's network is the shopper's choice"
        );
        t.edit(|t| t.picked_network = Some(Network::Mtn));
        assert_eq!(t.network(), Some(Network::Mtn));
        t.edit(|t| t.ported = false);
        assert_eq!(t.picked_network, None);
        assert_eq!(detect_network("0809 1"), Some(Network::NineMobile));
        assert_eq!(detect_network("0804"), None);
    }

    #[test]
    fn each_missing_piece_points_at_its_field() {
        let mut t = TopUp::default();
        assert_eq!(t.body().unwrap_err().field, Some(TopUpField::Phone));
        assert!(!t.check());
        assert_eq!(t.failure().and_then(|f| f.field), Some(TopUpField::Phone));
        t.edit(|t| t.phone = "0804 123 4567".into());
        let unknown = t.body().unwrap_err();
        assert_eq!(unknown.field, Some(TopUpField::Phone));
        assert!(unknown.message(&ENGLISH).contains("ported"));
        t.edit(|t| t.phone = "0803 12".into());
        assert_eq!(
            t.body().unwrap_err().message(&ENGLISH),
            "Enter an 11-digit mobile number such as 0803 123 4567."
        );
        t.edit(|t| t.phone = "0804 123 4567".into());
        t.edit(|t| t.ported = true);
        assert_eq!(t.body().unwrap_err().field, Some(TopUpField::Network));
        t.edit(|t| t.picked_network = Some(Network::Airtel));
        assert_eq!(t.body().unwrap_err().field, Some(TopUpField::Plan));
        t.edit(|t| t.plan = Some(4001));
        assert_eq!(
            t.body().unwrap(),
            serde_json::json!({"network": 4, "mobile_number": "08041234567", "plan": 4001, "Ported_number": true})
        );
        assert!(t.check() && t.failure().is_none());
    }

    #[test]
    fn a_double_click_sends_once_and_a_retry_reuses_the_key() {
        let mut t = ready();
        let first = t.begin_submit(|| key(1)).unwrap();
        assert_eq!(t.phase(), TopUpPhase::Submitting);
        assert!(!t.edit(|t| t.plan = Some(1002)), "locked while in flight");
        assert!(
            t.begin_submit(|| key(2)).is_none(),
            "a second click sends nothing"
        );
        t.finish(Err(TopUpFailure::network()));
        let retry = t.begin_submit(|| key(3)).unwrap();
        assert_eq!(retry.key, first.key, "the purchase may exist: same key");
        t.finish(Err(TopUpFailure::field(TopUpField::Plan, Later::plan_gone)));
        let fresh = t.begin_submit(|| key(4)).unwrap();
        assert_eq!(fresh.key, key(4), "a definite refusal retires the key");
        t.finish(Ok(purchase("AMG-DAT-TEST-20261129-ABC123")));
        assert_eq!(t.phase(), TopUpPhase::Placed);
        assert!(t.begin_submit(|| key(5)).is_none());
        t.buy_another();
        assert_eq!(t.phase(), TopUpPhase::Editing);
        assert_eq!(t.phone, "0803 123 4567");
        assert_eq!(t.plan, None);
    }

    fn pending(reference: &str) -> PendingCheckout {
        PendingCheckout::new(reference, "08031234567").unwrap()
    }

    #[test]
    fn a_data_checkout_is_kept_until_it_ends() {
        let mut t = ready();
        let first = t.begin_submit(|| key(1)).unwrap();
        t.finish_checkout(Err(TopUpFailure::network()));
        let retry = t.begin_submit(|| key(2)).unwrap();
        assert_eq!(retry.key, first.key, "the checkout may exist: same key");
        t.finish_checkout(Ok(pending("CHK-7H3K9Q2M4X")));
        assert_eq!(t.phase(), TopUpPhase::Paying);
        assert_eq!(t.binding(), None, "the reference stops a second checkout");
        assert!(t.begin_submit(|| key(3)).is_none(), "no second checkout");
        assert!(
            !t.edit(|t| t.plan = Some(1002)),
            "locked while it awaits payment"
        );
        // a reload finds it again, checked
        let back = TopUp::decode(&t.encode()).unwrap();
        assert_eq!(back.pending(), Some(&pending("CHK-7H3K9Q2M4X")));
        assert_eq!(back.phase(), TopUpPhase::Paying);
        // another checkout ending changes nothing
        assert!(!t.settle("CHK-OTHER00000", true));
        assert_eq!(t.phase(), TopUpPhase::Paying);
        // ended without a purchase: the form as it was, and a new key next time
        assert!(t.settle("CHK-7H3K9Q2M4X", false));
        assert_eq!((t.phase(), t.plan), (TopUpPhase::Editing, Some(1001)));
        assert_eq!(t.begin_submit(|| key(4)).unwrap().key, key(4));
        t.finish_checkout(Ok(pending("CHK-8J4L0R3N5Y")));
        // placed: ready for the next top-up of the same line
        assert!(t.settle("CHK-8J4L0R3N5Y", true));
        assert_eq!((t.phase(), t.plan), (TopUpPhase::Editing, None));
        assert_eq!(t.phone, "0803 123 4567");
    }

    #[test]
    fn each_outcome_has_its_words() {
        let mut p = purchase("AMG-DAT-TEST-20261129-ABC123");
        assert_eq!(outcome(&p, "x", None, &ENGLISH).0, "Topping up…");
        p.status = DataPurchaseStatus::Delivered;
        assert_eq!(
            outcome(&p, "•••• 4567", None, &ENGLISH).0,
            "1GB is on •••• 4567"
        );
        p.status = DataPurchaseStatus::Failed;
        p.failure_reason = Some("Carrier timeout".into());
        assert_eq!(
            outcome(&p, "x", None, &ENGLISH).1,
            "Carrier timeout. ₦500 has been refunded."
        );
        p.failure_reason = Some("Carrier timeout; the amount was refunded.".into());
        assert_eq!(
            outcome(&p, "x", None, &ENGLISH).1,
            "Carrier timeout; the amount was refunded. ₦500 has been refunded."
        );
        let paid = outcome(&p, "x", Some("CHK-7H3K9Q2M4X"), &ENGLISH).1;
        assert!(paid.starts_with("The network couldn't deliver this plan. Your line was not"));
        assert!(
            !paid.contains("Carrier"),
            "Amigo's wallet wording is not the shopper's"
        );
        assert!(paid.contains("returns your payment (checkout CHK-7H3K9Q2M4X)"));
        p.failure_reason = Some("  ".into());
        assert!(
            outcome(&p, "x", None, &ENGLISH)
                .1
                .starts_with("The network refused it.")
        );
    }

    // the Pidgin table is compiled in natively only (the widget gets it from the loader)
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn outcomes_and_field_errors_read_in_pidgin() {
        let w = crate::wording::pidgin();
        let mut p = purchase("AMG-DAT-TEST-20261129-ABC123");
        p.status = DataPurchaseStatus::Failed;
        p.failure_reason = Some("Carrier timeout".into());
        // Amigo's own reason is kept as it came, and the amount as formatted
        assert_eq!(
            outcome(&p, "x", None, w).1,
            "Carrier timeout. We don return ₦500."
        );
        p.status = DataPurchaseStatus::Delivered;
        assert_eq!(
            outcome(&p, "•••• 4567", None, w).0,
            "1GB don enter •••• 4567"
        );
        let mut t = TopUp::default();
        assert_eq!(
            t.body().unwrap_err().message(w),
            "Put the phone number wey you wan top up."
        );
        t.edit(|t| t.phone = "0803 123 4567".into());
        assert_eq!(t.body().unwrap_err().message(w), "Choose one plan.");
    }

    #[test]
    fn an_unpaid_checkout_can_be_left_and_a_tampered_one_is_dropped() {
        let mut t = ready();
        t.begin_submit(|| key(1)).unwrap();
        t.finish_checkout(Ok(pending("CHK-7H3K9Q2M4X")));
        t.abandon_checkout();
        assert_eq!(t.phase(), TopUpPhase::Editing);
        assert_eq!(t.begin_submit(|| key(2)).unwrap().key, key(2));
        let bad = TopUp::decode(
            r#"{"v":1,"topup":{"phone":"0803","checkout":{"reference":"CHK-<b>","phone":"08031234567"}}}"#,
        )
        .unwrap();
        assert_eq!(bad.pending(), None);
        let bad = TopUp::decode(
            r#"{"v":1,"topup":{"checkout":{"reference":"CHK-7H3K9Q2M4X","phone":"javascript:"}}}"#,
        )
        .unwrap();
        assert_eq!(bad.phase(), TopUpPhase::Editing);
        assert!(is_data_reference("PRX-DAT-0123456789ABCDEF"));
        assert!(!is_data_reference("PRX-COM-1"));
    }

    #[test]
    fn the_number_is_normalised_without_changing_the_body() {
        let mut t = ready();
        let before = t.body().unwrap();
        assert!(t.normalise_phone());
        assert_eq!(t.phone, "08031234567");
        assert_eq!(t.body().unwrap(), before);
        assert!(!t.normalise_phone(), "already national");
        t.edit(|t| t.phone = "12345".into());
        assert!(!t.normalise_phone(), "an invalid number is left as typed");
        assert_eq!(t.phone, "12345");
    }

    #[test]
    fn a_changed_body_gets_a_new_key() {
        let mut t = ready();
        let first = t.begin_submit(|| key(1)).unwrap();
        t.finish(Err(TopUpFailure::network()));
        t.edit(|t| t.plan = Some(1002));
        let second = t.begin_submit(|| key(2)).unwrap();
        assert_ne!(second.key, first.key);
    }

    #[test]
    fn a_reload_mid_submit_resends_with_the_same_key() {
        let mut t = ready();
        let sent = t.begin_submit(|| key(7)).unwrap();
        let restored = TopUp::decode(&t.encode()).unwrap();
        let mut restored = restored;
        let resumed = restored.take_resume().unwrap();
        assert_eq!(resumed.key, sent.key);
        assert_eq!(resumed.body, sent.body);
        // a tampered draft whose body no longer matches its key is not resent
        let mut tampered = restored.clone();
        tampered.plan = Some(1005);
        assert!(tampered.take_resume().is_none());
    }

    #[test]
    fn a_second_tab_takes_the_key_for_the_same_body_only() {
        let mut first = ready();
        let sent = first.begin_submit(|| key(1)).unwrap();
        let binding = first.binding().unwrap().clone();
        let mut second = ready();
        second.offer_binding(binding.clone());
        assert_eq!(second.begin_submit(|| key(2)).unwrap().key, sent.key);
        let mut other = ready();
        other.edit(|t| t.plan = Some(1003));
        other.offer_binding(binding);
        assert_eq!(other.begin_submit(|| key(3)).unwrap().key, key(3));
    }

    #[test]
    fn a_bad_draft_is_dropped_piece_by_piece() {
        assert!(TopUp::decode("not json").is_none());
        assert!(TopUp::decode(r#"{"v":9,"topup":{}}"#).is_none());
        let t = TopUp::decode(
            r#"{"v":1,"topup":{"phone":"0803","binding":{"key":"bad key with spaces","fingerprint":"x"},"in_flight":true}}"#,
        )
        .unwrap();
        assert!(t.binding().is_none());
        assert!(!t.in_flight());
        let mut placed = ready();
        placed.finish(Ok(purchase("<script>")));
        assert!(
            TopUp::decode(&placed.encode())
                .unwrap()
                .purchase()
                .is_none()
        );
        let long = TopUp::decode(&format!(
            r#"{{"v":1,"topup":{{"phone":"{}"}}}}"#,
            "9".repeat(40)
        ))
        .unwrap();
        assert_eq!(long.phone, "");
    }
}
