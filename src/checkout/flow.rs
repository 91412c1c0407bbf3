//! The checkout state machine — `Draft → Quoted → Submitting → Confirmed / Paying / Failed` —
//! and the rules for keeping or renewing the order's `Idempotency-Key`.
//!
//! `Confirmed` is an Amigo order placed at once (payment method `none`); `Paying` is a checkout
//! the proxy made (`paystack`, `transfer`) that the shopper pays and follows on its tracking
//! page. A `Paying` draft keeps the checkout's reference and phone, so a reload (or a second
//! press) never makes a second checkout; it is settled once the checkout ends.
//!
//! The order's `Idempotency-Key` follows the keyed-submit rules in [`crate::keyed`].

use amigo_types::delivery::{DeliveryTier, LineItem, Quote, QuoteRequest};
use amigo_types::idempotency::IdempotencyKey;
use amigo_types::orders::{CreateOrderRequest, Order};

use super::details::{ChosenLocation, CustomerDetails, FieldError, order_request, validate};
use super::failure::Failure;
use crate::keyed::{KeyBinding, KeyedSubmit, PendingCheckout, fingerprint};

/// Where the checkout is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Being filled in; no quote for the current cart and area yet.
    Draft,
    /// A quote for the current cart and area is shown.
    Quoted,
    /// The order request is in flight.
    Submitting,
    /// The order exists.
    Confirmed,
    /// A checkout exists and awaits the shopper's payment (or the store's order); see
    /// [`Checkout::pending`].
    Paying,
    /// The last attempt failed; see [`Checkout::failure`].
    Failed,
}

/// What a finished submit made: an order at once, or a checkout to pay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Made {
    /// `POST /api/orders` answered with the Amigo order (payment method `none`).
    Order(Box<Order>),
    /// `POST /api/checkouts` answered with a checkout to pay.
    Checkout(PendingCheckout),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Status {
    Editing,
    Submitting,
    Confirmed(Box<Order>),
    Paying(PendingCheckout),
    Failed(Failure),
}

/// Why "Place order" did nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocked {
    /// A request is already in flight, or the order is confirmed (double clicks land here).
    Busy,
    /// Some fields need fixing (in page order).
    Invalid(Vec<FieldError>),
    /// Nothing to order.
    EmptyCart,
    /// No delivery price for the current cart and area yet.
    NeedsQuote,
    /// The quote says some items can't ship to the area.
    Unserviceable,
}

/// One order request to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// `Idempotency-Key` header.
    pub key: IdempotencyKey,
    /// The body.
    pub body: CreateOrderRequest,
}

/// The whole checkout: what the shopper entered, the cart lines, the quote, the key and where
/// the order stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkout {
    details: CustomerDetails,
    location: Option<ChosenLocation>,
    tier: DeliveryTier,
    items: Vec<LineItem>,
    quote: Option<(QuoteRequest, Quote)>,
    key: KeyedSubmit,
    resume: bool,
    status: Status,
}

impl Checkout {
    /// A fresh checkout for the cart's lines.
    pub fn new(items: Vec<LineItem>) -> Self {
        Self {
            details: CustomerDetails::default(),
            location: None,
            tier: DeliveryTier::Standard,
            items,
            quote: None,
            key: KeyedSubmit::default(),
            resume: false,
            status: Status::Editing,
        }
    }

    /// Rebuilds a checkout from what was saved (see `draft`) and the cart's current lines. A
    /// draft saved mid-submit is marked for [`Checkout::take_resume`].
    pub fn restore(
        details: CustomerDetails,
        location: Option<ChosenLocation>,
        tier: DeliveryTier,
        binding: Option<KeyBinding>,
        in_flight: bool,
        made: Option<Made>,
        items: Vec<LineItem>,
    ) -> Self {
        let mut c = Self::new(items);
        c.details = details;
        c.location = location;
        c.tier = tier;
        c.key = KeyedSubmit::restored(binding);
        match made {
            Some(Made::Order(order)) => c.status = Status::Confirmed(order),
            Some(Made::Checkout(pending)) => c.status = Status::Paying(pending),
            None => c.resume = in_flight && c.key.binding().is_some(),
        }
        c
    }

    /// Where the checkout is.
    pub fn phase(&self) -> Phase {
        match &self.status {
            Status::Submitting => Phase::Submitting,
            Status::Confirmed(_) => Phase::Confirmed,
            Status::Paying(_) => Phase::Paying,
            Status::Failed(_) => Phase::Failed,
            Status::Editing if self.quote().is_some() => Phase::Quoted,
            Status::Editing => Phase::Draft,
        }
    }

    /// What the shopper entered.
    pub fn details(&self) -> &CustomerDetails {
        &self.details
    }

    /// The chosen delivery area.
    pub fn location(&self) -> Option<&ChosenLocation> {
        self.location.as_ref()
    }

    /// The chosen tier.
    pub fn tier(&self) -> DeliveryTier {
        self.tier
    }

    /// The cart lines being ordered.
    pub fn items(&self) -> &[LineItem] {
        &self.items
    }

    /// The key binding to persist.
    pub fn binding(&self) -> Option<&KeyBinding> {
        self.key.binding()
    }

    /// Whether a request is in flight (persisted, so a reload resends it with the same key).
    pub fn in_flight(&self) -> bool {
        self.status == Status::Submitting
    }

    /// The confirmed order.
    pub fn order(&self) -> Option<&Order> {
        match &self.status {
            Status::Confirmed(o) => Some(o),
            _ => None,
        }
    }

    /// The checkout awaiting payment, made by the last submit.
    pub fn pending(&self) -> Option<&PendingCheckout> {
        match &self.status {
            Status::Paying(p) => Some(p),
            _ => None,
        }
    }

    /// The last failure.
    pub fn failure(&self) -> Option<&Failure> {
        match &self.status {
            Status::Failed(f) => Some(f),
            _ => None,
        }
    }

    fn editable(&self) -> bool {
        matches!(self.status, Status::Editing | Status::Failed(_))
    }

    fn edited(&mut self) {
        if matches!(self.status, Status::Failed(_)) {
            self.status = Status::Editing;
        }
    }

    /// Changes the details; refused (returns `false`) while submitting or once confirmed.
    pub fn edit_details(&mut self, change: impl FnOnce(&mut CustomerDetails)) -> bool {
        if !self.editable() {
            return false;
        }
        let before = self.details.clone();
        change(&mut self.details);
        if self.details != before {
            self.edited();
        }
        true
    }

    /// Chooses (or clears) the delivery area. The quote is redone for the new area.
    pub fn set_location(&mut self, location: Option<ChosenLocation>) -> bool {
        if !self.editable() {
            return false;
        }
        if self.location != location {
            self.location = location;
            self.edited();
        }
        true
    }

    /// Chooses the tier.
    pub fn set_tier(&mut self, tier: DeliveryTier) -> bool {
        if !self.editable() {
            return false;
        }
        if self.tier != tier {
            self.tier = tier;
            self.edited();
        }
        true
    }

    /// Takes the cart's current lines. The quote is redone for a changed cart.
    pub fn set_items(&mut self, items: Vec<LineItem>) -> bool {
        if !self.editable() {
            return false;
        }
        if self.items != items {
            self.items = items;
            self.edited();
        }
        true
    }

    /// The quote request for the current cart and area (`None` until both exist).
    pub fn quote_request(&self) -> Option<QuoteRequest> {
        let location = self.location.as_ref()?;
        (!self.items.is_empty()).then(|| QuoteRequest {
            location: location.to_input(),
            items: self.items.clone(),
        })
    }

    /// Stores a quote answer. Refused (`false`) when it was asked for another cart or area, so
    /// a slow stale answer never shows.
    pub fn apply_quote(&mut self, asked: QuoteRequest, quote: Quote) -> bool {
        if self.quote_request().as_ref() != Some(&asked) {
            return false;
        }
        self.quote = Some((asked, quote));
        true
    }

    /// Drops the quote so it is asked again (after the order was refused as unserviceable, the
    /// fresh quote names the items that can't ship).
    pub fn forget_quote(&mut self) {
        self.quote = None;
    }

    /// The quote for the current cart and area, if one arrived.
    pub fn quote(&self) -> Option<&Quote> {
        let (asked, quote) = self.quote.as_ref()?;
        (self.quote_request().as_ref() == Some(asked)).then_some(quote)
    }

    /// The delivery fee for the chosen tier, from the current quote (the same resolver the order
    /// uses, so it is what the order will charge).
    pub fn delivery_fee(&self) -> Option<i64> {
        let q = self.quote()?;
        Some(match self.tier {
            DeliveryTier::Standard => q.totals.standard,
            DeliveryTier::Premium => q.totals.premium,
        })
    }

    /// The fingerprint of the order body the current details would send (`None` while invalid).
    fn current_fingerprint(&self) -> Option<String> {
        let valid = validate(&self.details, self.location.as_ref()).ok()?;
        Some(fingerprint(&order_request(&valid, self.tier, &self.items)))
    }

    /// Offers the key another tab saved: it is taken when it belongs to the body this checkout
    /// would send and this checkout's own key does not, so two tabs placing the same order share
    /// one key (and make one order).
    pub fn offer_binding(&mut self, other: KeyBinding) {
        if !self.editable() {
            return;
        }
        if let Some(print) = self.current_fingerprint() {
            self.key.offer(other, &print);
        }
    }

    /// Whether a reload interrupted a submit: `true` once, and the caller resubmits at once
    /// (with the same key, so no second order).
    pub fn take_resume(&mut self) -> bool {
        std::mem::take(&mut self.resume)
    }

    /// Validates everything and moves to `Submitting`, choosing the key: the saved one when the
    /// body is unchanged, otherwise a new one from `new_key`.
    pub fn begin_submit(
        &mut self,
        new_key: impl FnOnce() -> IdempotencyKey,
    ) -> Result<Submission, Blocked> {
        if !self.editable() {
            return Err(Blocked::Busy);
        }
        let valid = validate(&self.details, self.location.as_ref()).map_err(Blocked::Invalid)?;
        if self.items.is_empty() {
            return Err(Blocked::EmptyCart);
        }
        let quote = self.quote().ok_or(Blocked::NeedsQuote)?;
        if !quote.serviceable {
            return Err(Blocked::Unserviceable);
        }
        let body = order_request(&valid, self.tier, &self.items);
        let key = self.key.key_for(fingerprint(&body), new_key);
        self.status = Status::Submitting;
        Ok(Submission { key, body })
    }

    /// Records the answer to the request in flight. A confirmed order or a made checkout
    /// retires the key (the checkout's reference, kept in its place, stops a second one); a
    /// failure keeps it only when the order may exist under it ([`Failure::keeps_key`]).
    pub fn finish(&mut self, result: Result<Made, Failure>) {
        if self.status != Status::Submitting {
            return;
        }
        match result {
            Ok(Made::Order(order)) => {
                self.key.answered(None::<&Failure>);
                self.status = Status::Confirmed(order);
            }
            Ok(Made::Checkout(pending)) => {
                self.key.answered(None::<&Failure>);
                self.status = Status::Paying(pending);
            }
            Err(failure) => {
                self.key.answered(Some(&failure));
                self.status = Status::Failed(failure);
            }
        }
    }

    /// The checkout `reference` ended (seen on its tracking page). Placed: a fresh checkout for
    /// the next order, as after a confirmation (the caller empties the cart). Ended without an
    /// order (expired, failed, refunded): the form again, with the same cart and details, and
    /// a new key at the next submit. Returns whether this draft was that checkout's.
    pub fn settle(&mut self, reference: &str, placed: bool, items: Vec<LineItem>) -> bool {
        if self.pending().is_none_or(|p| p.reference() != reference) {
            return false;
        }
        if placed {
            self.start_over(items);
        } else {
            self.items = items;
            self.status = Status::Editing;
        }
        true
    }

    /// The shopper leaves a checkout that awaits payment to check out again ("Start again"):
    /// the form comes back as it was, and the next submit makes a new checkout with a new key.
    pub fn abandon_checkout(&mut self) {
        if matches!(self.status, Status::Paying(_)) {
            self.status = Status::Editing;
        }
    }

    /// After the confirmation: a new checkout for the next order, keeping the shopper's details
    /// and area.
    pub fn start_over(&mut self, items: Vec<LineItem>) {
        let details = std::mem::take(&mut self.details);
        let location = self.location.take();
        *self = Self::new(items);
        self.details = details;
        self.location = location;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::checkout::details::Field;
    use crate::checkout::details::tests::{aisha, zaria};
    use crate::keyed::SubmitFailure;
    use amigo_types::delivery::{
        EtaRange, PremiumTier, QuoteTotals, ResolvedLocation, SchemeQuote, StandardTier,
        TierResolution,
    };
    use amigo_types::money::Money;
    use amigo_types::orders::{OrderCustomer, OrderDelivery, OrderStatus, PaymentState};

    pub(crate) fn quote(serviceable: bool) -> Quote {
        Quote {
            location: ResolvedLocation {
                state_id: 19,
                state_code: "KD".into(),
                state_name: "Kaduna".into(),
                lga_id: Some(155),
                lga_name: Some("Zaria".into()),
            },
            serviceable,
            schemes: vec![SchemeQuote {
                scheme_id: Some(1),
                scheme_name: Some("Default Domestic".into()),
                product_ids: vec![1, 5],
                product_count: 2,
                all_free: true,
                serviceable,
                tier_resolution: serviceable.then_some(TierResolution::State),
                standard: serviceable.then_some(StandardTier {
                    price: 1500,
                    free_for_customer: true,
                    eta_min: 0,
                    eta_max: 2,
                }),
                premium: serviceable.then_some(PremiumTier {
                    price: 5000,
                    eta_min: 0,
                    eta_max: 2,
                }),
            }],
            totals: QuoteTotals {
                standard: 0,
                premium: 5000,
            },
            eta: EtaRange { min: 0, max: 2 },
            warnings: vec![],
        }
    }

    pub(crate) fn order() -> Order {
        Order {
            id: 1,
            reference: "AMG-COM-TEST-20260520-AB12CD".into(),
            status: OrderStatus::Paid,
            payment_state: PaymentState::Paid,
            subtotal: Money::naira(29000),
            delivery_fee: Money::naira(0),
            total: Money::naira(29000),
            customer: OrderCustomer {
                name: "Aisha Bello".into(),
                phone: "08031234567".into(),
                email: None,
            },
            delivery: OrderDelivery {
                address: "Plot 12".into(),
                city: Some("Zaria".into()),
                state: Some("Kaduna".into()),
                state_id: Some(19),
                lga_id: Some(155),
                scheme_id: Some(1),
                scheme_name: Some("Default Domestic".into()),
                tier: Some(DeliveryTier::Standard),
                was_free: Some(true),
                eta_min_days: Some(0),
                eta_max_days: Some(2),
                breakdown: vec![],
                notes: None,
            },
            items: vec![],
            created_at: "2026-05-20 03:12:08".into(),
            paid_at: None,
            cancelled_reason: None,
        }
    }

    fn items() -> Vec<LineItem> {
        vec![
            LineItem {
                product_id: 1,
                quantity: 2,
            },
            LineItem {
                product_id: 5,
                quantity: 1,
            },
        ]
    }

    struct Keys(u32);
    impl Keys {
        fn next(&mut self) -> IdempotencyKey {
            self.0 += 1;
            IdempotencyKey::parse(&format!("key-{}", self.0)).unwrap()
        }
    }

    /// A checkout with valid details and a serviceable quote.
    fn ready() -> Checkout {
        let mut c = Checkout::new(items());
        c.edit_details(|d| *d = aisha());
        c.set_location(Some(zaria()));
        assert_eq!(c.phase(), Phase::Draft);
        let asked = c.quote_request().unwrap();
        assert!(c.apply_quote(asked, quote(true)));
        assert_eq!(c.phase(), Phase::Quoted);
        c
    }

    #[test]
    fn happy_path_and_double_click() {
        let mut keys = Keys(0);
        let mut c = ready();
        let s = c.begin_submit(|| keys.next()).unwrap();
        assert_eq!(s.key.as_str(), "key-1");
        assert_eq!(c.phase(), Phase::Submitting);
        assert!(c.in_flight());
        // a second click while in flight is refused, and no key is minted
        assert_eq!(c.begin_submit(|| keys.next()), Err(Blocked::Busy));
        assert_eq!(keys.0, 1);
        assert!(!c.edit_details(|d| d.name = "Other".into()));
        c.finish(Ok(Made::Order(Box::new(order()))));
        assert_eq!(c.phase(), Phase::Confirmed);
        assert_eq!(c.binding(), None);
        assert_eq!(c.begin_submit(|| keys.next()), Err(Blocked::Busy));
    }

    #[test]
    fn unknown_outcomes_keep_the_key() {
        let mut keys = Keys(0);
        let mut c = ready();
        for failure in [
            Failure::network(),
            Failure::RateLimited {
                retry_after_secs: 2,
            },
            Failure::from_response(502, None, None),
        ] {
            let s = c.begin_submit(|| keys.next()).unwrap();
            assert_eq!(s.key.as_str(), "key-1");
            c.finish(Err(failure));
            assert_eq!(c.phase(), Phase::Failed);
        }
        assert_eq!(
            c.begin_submit(|| keys.next()).unwrap().key.as_str(),
            "key-1"
        );
    }

    #[test]
    fn changed_body_gets_a_new_key() {
        let mut keys = Keys(0);
        let mut c = ready();
        c.begin_submit(|| keys.next()).unwrap();
        c.finish(Err(Failure::network()));
        // the shopper fixes a typo: another body, so another key
        assert!(c.edit_details(|d| d.name = "Aisha B. Bello".into()));
        assert_eq!(c.phase(), Phase::Quoted);
        assert_eq!(
            c.begin_submit(|| keys.next()).unwrap().key.as_str(),
            "key-2"
        );
        c.finish(Err(Failure::network()));
        // the tier is part of the body too
        c.set_tier(DeliveryTier::Premium);
        assert_eq!(
            c.begin_submit(|| keys.next()).unwrap().key.as_str(),
            "key-3"
        );
        c.finish(Err(Failure::network()));
        // whitespace-only edits normalise to the same body: same key
        c.edit_details(|d| d.name = " Aisha B. Bello  ".into());
        assert_eq!(
            c.begin_submit(|| keys.next()).unwrap().key.as_str(),
            "key-3"
        );
    }

    #[test]
    fn definite_failures_renew_the_key() {
        let mut keys = Keys(0);
        let mut c = ready();
        c.begin_submit(|| keys.next()).unwrap();
        c.finish(Err(Failure::StoreUnavailable));
        assert_eq!(c.binding(), None);
        // the same body again: the old key would only replay the stored failure
        assert_eq!(
            c.begin_submit(|| keys.next()).unwrap().key.as_str(),
            "key-2"
        );
        c.finish(Err(Failure::OutOfStock {
            product_ids: vec![5],
        }));
        // the shopper removes the sold-out item: new cart, new quote, new key
        assert!(c.set_items(vec![items()[0]]));
        assert_eq!(c.phase(), Phase::Draft);
        assert_eq!(c.begin_submit(|| keys.next()), Err(Blocked::NeedsQuote));
        let asked = c.quote_request().unwrap();
        c.apply_quote(asked, quote(true));
        assert_eq!(
            c.begin_submit(|| keys.next()).unwrap().key.as_str(),
            "key-3"
        );
    }

    #[test]
    fn stale_quotes_are_refused() {
        let mut c = ready();
        let old = c.quote_request().unwrap();
        c.set_location(Some(ChosenLocation {
            lga_name: "Sabon Gari".into(),
            lga_id: 160,
            ..zaria()
        }));
        assert_eq!(c.phase(), Phase::Draft);
        assert!(c.quote().is_none());
        assert!(!c.apply_quote(old, quote(true)));
        assert_eq!(c.delivery_fee(), None);
        let new = c.quote_request().unwrap();
        assert!(c.apply_quote(new.clone(), quote(true)));
        c.forget_quote();
        assert_eq!(c.phase(), Phase::Draft);
        assert!(c.apply_quote(new, quote(true)));
        assert_eq!(c.delivery_fee(), Some(0));
        c.set_tier(DeliveryTier::Premium);
        assert_eq!(c.delivery_fee(), Some(5000));
    }

    #[test]
    fn submit_is_blocked_until_ready() {
        let mut keys = Keys(0);
        let mut c = Checkout::new(items());
        match c.begin_submit(|| keys.next()) {
            Err(Blocked::Invalid(errors)) => assert_eq!(errors[0].field, Field::Name),
            other => panic!("{other:?}"),
        }
        c.edit_details(|d| *d = aisha());
        c.set_location(Some(zaria()));
        assert_eq!(c.begin_submit(|| keys.next()), Err(Blocked::NeedsQuote));
        let asked = c.quote_request().unwrap();
        c.apply_quote(asked, quote(false));
        assert_eq!(c.begin_submit(|| keys.next()), Err(Blocked::Unserviceable));
        c.set_items(vec![]);
        assert_eq!(c.quote_request(), None);
        assert_eq!(c.begin_submit(|| keys.next()), Err(Blocked::EmptyCart));
        assert_eq!(keys.0, 0);
        assert_eq!(c.phase(), Phase::Draft);
    }

    #[test]
    fn a_reload_mid_submit_resumes_with_the_same_key() {
        let mut keys = Keys(0);
        let mut c = ready();
        let first = c.begin_submit(|| keys.next()).unwrap();
        // what a reload finds in storage
        let mut again = Checkout::restore(
            c.details().clone(),
            c.location().cloned(),
            c.tier(),
            c.binding().cloned(),
            c.in_flight(),
            None,
            items(),
        );
        assert!(again.take_resume());
        assert!(!again.take_resume());
        let asked = again.quote_request().unwrap();
        again.apply_quote(asked, quote(true));
        let second = again.begin_submit(|| keys.next()).unwrap();
        assert_eq!(second, first);
        assert_eq!(keys.0, 1);
    }

    #[test]
    fn a_second_tab_shares_the_key_for_the_same_body() {
        let mut keys = Keys(0);
        let mut tab_a = ready();
        let mut tab_b = ready();
        let sent = tab_a.begin_submit(|| keys.next()).unwrap();
        // tab B sees what tab A saved before it submits
        tab_b.offer_binding(tab_a.binding().unwrap().clone());
        assert_eq!(tab_b.begin_submit(|| keys.next()).unwrap().key, sent.key);
        // a key for another body is not taken
        let mut tab_c = ready();
        tab_c.set_tier(DeliveryTier::Premium);
        tab_c.offer_binding(tab_a.binding().unwrap().clone());
        assert_ne!(tab_c.begin_submit(|| keys.next()).unwrap().key, sent.key);
        // nor does it replace a key of one's own for the same body
        let mut tab_d = ready();
        let own = tab_d.begin_submit(|| keys.next()).unwrap();
        tab_d.finish(Err(Failure::network()));
        tab_d.offer_binding(tab_a.binding().unwrap().clone());
        assert_eq!(tab_d.begin_submit(|| keys.next()).unwrap().key, own.key);
    }

    #[test]
    fn start_over_keeps_the_shopper() {
        let mut keys = Keys(0);
        let mut c = ready();
        c.begin_submit(|| keys.next()).unwrap();
        c.finish(Ok(Made::Order(Box::new(order()))));
        c.start_over(vec![]);
        assert_eq!(c.phase(), Phase::Draft);
        assert_eq!(c.details(), &aisha());
        assert_eq!(c.location(), Some(&zaria()));
        assert_eq!(c.binding(), None);
    }

    fn pending() -> PendingCheckout {
        PendingCheckout::new("CHK-7H3K9Q2M4X", "08031234567").unwrap()
    }

    #[test]
    fn pending_checkouts_are_checked() {
        assert!(PendingCheckout::new("CHK-7H3K9Q2M4X", "08031234567").is_some());
        assert_eq!(PendingCheckout::new("AMG-COM-1", "08031234567"), None);
        assert_eq!(
            PendingCheckout::new("CHK-7H3K9Q2M4X", "+2348031234567"),
            None
        );
        assert_eq!(PendingCheckout::new("CHK-7H3K9Q2M4X", "0803<b>"), None);
    }

    #[test]
    fn a_made_checkout_blocks_a_second_one_until_it_settles() {
        let mut keys = Keys(0);
        let mut c = ready();
        c.begin_submit(|| keys.next()).unwrap();
        c.finish(Ok(Made::Checkout(pending())));
        assert_eq!(c.phase(), Phase::Paying);
        assert_eq!(c.pending(), Some(&pending()));
        assert_eq!(c.binding(), None);
        // a second press, or the form edited: nothing is sent
        assert_eq!(c.begin_submit(|| keys.next()), Err(Blocked::Busy));
        assert!(!c.edit_details(|d| d.name = "Other".into()));
        // another checkout's ending changes nothing
        assert!(!c.settle("CHK-OTHER0000000", false, items()));
        assert_eq!(c.phase(), Phase::Paying);
        // it expired: the form comes back with the cart, and a new key
        assert!(c.settle("CHK-7H3K9Q2M4X", false, items()));
        assert_eq!(c.phase(), Phase::Quoted);
        assert_eq!(c.items(), items().as_slice());
        assert_eq!(
            c.begin_submit(|| keys.next()).unwrap().key.as_str(),
            "key-2"
        );
        c.finish(Ok(Made::Checkout(pending())));
        // placed: a fresh checkout for the next order, keeping the shopper
        assert!(c.settle("CHK-7H3K9Q2M4X", true, vec![]));
        assert_eq!(c.phase(), Phase::Draft);
        assert_eq!(c.details(), &aisha());
        assert!(!c.settle("CHK-7H3K9Q2M4X", true, vec![]));
    }

    #[test]
    fn start_again_leaves_an_unpaid_checkout() {
        let mut keys = Keys(0);
        let mut c = ready();
        c.abandon_checkout();
        assert_eq!(c.phase(), Phase::Quoted);
        c.begin_submit(|| keys.next()).unwrap();
        c.finish(Ok(Made::Checkout(pending())));
        c.abandon_checkout();
        assert_eq!(c.phase(), Phase::Quoted);
        assert_eq!(
            c.begin_submit(|| keys.next()).unwrap().key.as_str(),
            "key-2"
        );
    }

    #[test]
    fn a_late_answer_after_restart_is_ignored() {
        let mut c = Checkout::new(items());
        c.finish(Ok(Made::Order(Box::new(order()))));
        assert_eq!(c.phase(), Phase::Draft);
    }
}
