//! The checkout draft as `localStorage` keeps it: the details, area, tier, the idempotency key
//! with its body fingerprint, whether a submit was in flight, the confirmed order, and the
//! checkout awaiting payment (its reference and phone). What is
//! read back is checked field by field; anything malformed is dropped, never trusted.

use amigo_types::delivery::{DeliveryTier, LineItem};
use amigo_types::orders::{
    MAX_ADDRESS_LEN, MAX_EMAIL_LEN, MAX_NAME_LEN, MAX_NOTES_LEN, MAX_PHONE_LEN, Order,
};
use serde::{Deserialize, Serialize};

use super::details::{ChosenLocation, CustomerDetails};
use super::flow::{Checkout, Made};
use crate::keyed::{KeyBinding, PendingCheckout};

/// Version tag of the stored format; anything else is ignored.
pub const DRAFT_VERSION: u32 = 1;

/// The `localStorage` key of the draft for one proxy and merchant (beside the cart's).
pub fn draft_storage_key(proxy: &str, merchant: &str) -> String {
    format!("amigo:checkout:v{DRAFT_VERSION}:{merchant}:{proxy}")
}

#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    v: u32,
    #[serde(default)]
    details: CustomerDetails,
    #[serde(default)]
    location: Option<ChosenLocation>,
    #[serde(default)]
    tier: Option<DeliveryTier>,
    #[serde(default)]
    binding: Option<KeyBinding>,
    #[serde(default)]
    in_flight: bool,
    #[serde(default)]
    confirmed: Option<Order>,
    #[serde(default)]
    checkout: Option<StoredCheckout>,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredCheckout {
    reference: String,
    phone: String,
}

/// Serialises what must survive a reload.
pub fn encode(checkout: &Checkout) -> String {
    let stored = Stored {
        v: DRAFT_VERSION,
        details: checkout.details().clone(),
        location: checkout.location().cloned(),
        tier: Some(checkout.tier()),
        binding: checkout.binding().cloned(),
        in_flight: checkout.in_flight(),
        confirmed: checkout.order().cloned(),
        checkout: checkout.pending().map(|p| StoredCheckout {
            reference: p.reference().to_owned(),
            phone: p.phone().to_owned(),
        }),
    };
    serde_json::to_string(&stored).unwrap_or_default()
}

fn clip(s: String, max: usize) -> String {
    if s.chars().count() > max {
        s.chars().take(max).collect()
    } else {
        s
    }
}

fn sane_order(o: Order) -> Option<Order> {
    let r = o.reference.as_str();
    (r.starts_with("AMG-COM-")
        && r.len() <= 40
        && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    .then_some(o)
}

/// Just the key binding of a stored draft (what another tab saved), if it is well formed.
pub fn stored_binding(raw: &str) -> Option<KeyBinding> {
    serde_json::from_str::<Stored>(raw)
        .ok()
        .filter(|s| s.v == DRAFT_VERSION)?
        .binding
        .and_then(KeyBinding::checked)
}

/// Reads a stored draft back against the cart's current lines. Missing, corrupt or
/// other-version storage gives a fresh checkout; a bad field is dropped on its own.
pub fn decode(raw: Option<&str>, items: Vec<LineItem>) -> Checkout {
    let Some(stored) = raw
        .and_then(|r| serde_json::from_str::<Stored>(r).ok())
        .filter(|s| s.v == DRAFT_VERSION)
    else {
        return Checkout::new(items);
    };
    let d = stored.details;
    let details = CustomerDetails {
        name: clip(d.name, MAX_NAME_LEN * 2),
        phone: clip(d.phone, MAX_PHONE_LEN * 2),
        email: clip(d.email, MAX_EMAIL_LEN),
        address: clip(d.address, MAX_ADDRESS_LEN * 2),
        notes: clip(d.notes, MAX_NOTES_LEN * 2),
    };
    let pending = stored
        .checkout
        .and_then(|c| PendingCheckout::new(&c.reference, &c.phone));
    let made = match stored.confirmed.and_then(sane_order) {
        Some(order) => Some(Made::Order(Box::new(order))),
        None => pending.map(Made::Checkout),
    };
    Checkout::restore(
        details,
        stored.location.filter(ChosenLocation::is_well_formed),
        stored.tier.unwrap_or_default(),
        stored.binding.and_then(KeyBinding::checked),
        stored.in_flight,
        made,
        items,
    )
}

/// What the checkout `reference` ending means for the stored draft (see
/// [`Checkout::settle`]): the draft to store instead, or `None` when the stored draft is not
/// that checkout's (another checkout, or none) and stays as it is.
pub fn settle_stored(
    raw: Option<&str>,
    items: Vec<LineItem>,
    reference: &str,
    placed: bool,
) -> Option<String> {
    let mut draft = decode(raw, items.clone());
    draft
        .settle(reference, placed, items)
        .then(|| encode(&draft))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkout::details::tests::{aisha, zaria};
    use crate::checkout::flow::Phase;
    use crate::checkout::flow::tests::{order, quote};
    use amigo_types::idempotency::IdempotencyKey;

    fn items() -> Vec<LineItem> {
        vec![LineItem {
            product_id: 1,
            quantity: 2,
        }]
    }

    #[test]
    fn a_draft_survives_a_remount_with_its_key() {
        let mut c = Checkout::new(items());
        c.edit_details(|d| *d = aisha());
        c.set_location(Some(zaria()));
        c.set_tier(DeliveryTier::Premium);
        let asked = c.quote_request().unwrap();
        c.apply_quote(asked, quote(true));
        let sent = c
            .begin_submit(|| IdempotencyKey::parse("amg-w-1").unwrap())
            .unwrap();
        let raw = encode(&c);
        let mut back = decode(Some(&raw), items());
        assert_eq!(back.details(), &aisha());
        assert_eq!(back.location(), Some(&zaria()));
        assert_eq!(back.tier(), DeliveryTier::Premium);
        assert_eq!(back.binding(), c.binding());
        assert_eq!(stored_binding(&raw).as_ref(), c.binding());
        assert_eq!(stored_binding("{"), None);
        assert!(back.take_resume());
        let asked = back.quote_request().unwrap();
        back.apply_quote(asked, quote(true));
        let again = back
            .begin_submit(|| IdempotencyKey::parse("amg-w-2").unwrap())
            .unwrap();
        assert_eq!(again.key, sent.key);
    }

    #[test]
    fn a_confirmed_order_is_kept() {
        let mut c = Checkout::new(items());
        c.edit_details(|d| *d = aisha());
        c.set_location(Some(zaria()));
        let asked = c.quote_request().unwrap();
        c.apply_quote(asked, quote(true));
        c.begin_submit(|| IdempotencyKey::parse("k").unwrap())
            .unwrap();
        c.finish(Ok(Made::Order(Box::new(order()))));
        let back = decode(Some(&encode(&c)), vec![]);
        assert_eq!(back.phase(), Phase::Confirmed);
        assert_eq!(back.order().unwrap().reference, order().reference);
    }

    fn paying() -> Checkout {
        let mut c = Checkout::new(items());
        c.edit_details(|d| *d = aisha());
        c.set_location(Some(zaria()));
        let asked = c.quote_request().unwrap();
        c.apply_quote(asked, quote(true));
        c.begin_submit(|| IdempotencyKey::parse("k").unwrap())
            .unwrap();
        c.finish(Ok(Made::Checkout(
            PendingCheckout::new("CHK-7H3K9Q2M4X", "08031234567").unwrap(),
        )));
        c
    }

    #[test]
    fn a_checkout_awaiting_payment_survives_a_reload() {
        let c = paying();
        let raw = encode(&c);
        let back = decode(Some(&raw), items());
        assert_eq!(back.phase(), Phase::Paying);
        assert_eq!(back.pending(), c.pending());
        // a reference or phone changed in storage is not trusted
        for (from, to) in [
            ("CHK-7H3K9Q2M4X", "CHK-../../x"),
            ("08031234567", "javascript:1"),
        ] {
            let back = decode(Some(&raw.replace(from, to)), items());
            assert_eq!(back.pending(), None, "{to}");
            assert_ne!(back.phase(), Phase::Paying);
        }
    }

    #[test]
    fn a_checkout_ending_settles_its_stored_draft() {
        let raw = encode(&paying());
        // another checkout's ending leaves it alone
        assert_eq!(
            settle_stored(Some(&raw), items(), "CHK-OTHER0000000", true),
            None
        );
        assert_eq!(settle_stored(None, items(), "CHK-7H3K9Q2M4X", true), None);
        // expired: the form again, details kept
        let after = settle_stored(Some(&raw), items(), "CHK-7H3K9Q2M4X", false).unwrap();
        let back = decode(Some(&after), items());
        assert_eq!(back.phase(), Phase::Draft);
        assert_eq!(back.details(), &aisha());
        // placed: the next order starts fresh, keeping the shopper
        let after = settle_stored(Some(&raw), vec![], "CHK-7H3K9Q2M4X", true).unwrap();
        let back = decode(Some(&after), vec![]);
        assert_eq!(back.pending(), None);
        assert_eq!(back.details(), &aisha());
        assert_eq!(back.binding(), None);
    }

    #[test]
    fn corrupt_storage_is_ignored() {
        for raw in [
            None,
            Some(""),
            Some("{"),
            Some("[]"),
            Some(r#"{"v":99,"details":{"name":"x"}}"#),
            Some(r#"{"v":1,"details":7}"#),
        ] {
            let c = decode(raw, items());
            assert_eq!(c, Checkout::new(items()), "{raw:?}");
        }
    }

    #[test]
    fn bad_fields_are_dropped_one_by_one() {
        let raw = r#"{"v":1,
            "details":{"name":"Aisha","phone":"0803","email":"","address":"x","notes":""},
            "location":{"state_code":"<script>","state_name":"K","lga_id":1,"lga_name":"Z"},
            "binding":{"key":"has space","fingerprint":"0123456789abcdef"},
            "in_flight":true,
            "confirmed":null}"#;
        let mut c = decode(Some(raw), items());
        assert_eq!(c.details().name, "Aisha");
        assert_eq!(c.location(), None);
        assert_eq!(c.binding(), None);
        // nothing to resume without a key
        assert!(!c.take_resume());
        let long = format!(
            r#"{{"v":1,"details":{{"name":"{}","phone":"","email":"","address":"","notes":""}},
               "binding":{{"key":"ok-key","fingerprint":"nothex"}}}}"#,
            "n".repeat(10_000)
        );
        let c = decode(Some(&long), items());
        assert_eq!(c.details().name.chars().count(), MAX_NAME_LEN * 2);
        assert_eq!(c.binding(), None);
    }

    #[test]
    fn keys_are_per_proxy_and_merchant() {
        assert_ne!(
            draft_storage_key("http://a", "m"),
            draft_storage_key("http://b", "m")
        );
        assert_ne!(
            draft_storage_key("http://a", "m"),
            draft_storage_key("http://a", "n")
        );
    }
}
