//! The keyed-submit protocol checkout and "Buy data" share: every spending `POST` carries an
//! `Idempotency-Key` bound to a fingerprint of the exact body it was made for, so a submit is
//! never made twice, whatever the network, a reload or a second tab do.
//!
//! Submitting the same body again (a retry after a timeout, a reload, a second tab) reuses the
//! key, so the platform answers with the one order or purchase it made. A different body gets a
//! new key, since the platform refuses a key reused for another body. After a definite failure
//! (nothing was made) the key is dropped too, because the platform would only replay that failure
//! for it ([`SubmitFailure::keeps_key`]). A checkout the proxy made ([`PendingCheckout`]) retires
//! the key as well: its reference, kept in the draft, is what stops a second one.
//!
//! Plain data, unit-tested natively; only [`browser`] (key minting, `localStorage`) needs one.

#[cfg(target_arch = "wasm32")]
pub(crate) mod browser;
mod failure;

pub(crate) use failure::{SubmitFailure, retry_after_secs};

use amigo_types::checkout::is_checkout_reference;
use amigo_types::idempotency::IdempotencyKey;
use amigo_types::phone::NgMobile;
use serde::{Deserialize, Serialize};

/// An idempotency key and the body it was made for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyBinding {
    /// The key sent as `Idempotency-Key`.
    pub key: String,
    /// [`fingerprint`] of the body it belongs to.
    pub fingerprint: String,
}

impl KeyBinding {
    /// The binding, when it is well formed (a valid key and a 16-hex-digit fingerprint): one
    /// read back from storage is never trusted as it is.
    pub(crate) fn checked(self) -> Option<Self> {
        let key_ok = IdempotencyKey::parse(&self.key).is_ok();
        let print_ok =
            self.fingerprint.len() == 16 && self.fingerprint.bytes().all(|c| c.is_ascii_hexdigit());
        (key_ok && print_ok).then_some(self)
    }
}

/// A stable fingerprint of a request body: FNV-1a 64 over its JSON, in hex.
pub(crate) fn fingerprint(body: &impl Serialize) -> String {
    let json = serde_json::to_string(body).unwrap_or_default();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in json.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The key of one form's submits: none yet, or the one bound to the last body sent. Stored in
/// the form's draft as the bare binding (or `null`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct KeyedSubmit {
    binding: Option<KeyBinding>,
}

impl KeyedSubmit {
    /// The binding a draft saved, kept only when well formed.
    pub(crate) fn restored(binding: Option<KeyBinding>) -> Self {
        Self {
            binding: binding.and_then(KeyBinding::checked),
        }
    }

    /// The binding to persist (and to offer to other tabs).
    pub(crate) fn binding(&self) -> Option<&KeyBinding> {
        self.binding.as_ref()
    }

    /// Offers the key another tab saved: taken when it was made for the body this form would
    /// send (`print`) and this form's own key was not, so two tabs sending the same body share
    /// one key (and make one order).
    pub(crate) fn offer(&mut self, other: KeyBinding, print: &str) {
        let own_matches = self
            .binding
            .as_ref()
            .is_some_and(|b| b.fingerprint == print);
        if !own_matches && other.fingerprint == print {
            self.binding = Some(other);
        }
    }

    /// The key for sending the body whose fingerprint is `print`: the bound one when it was
    /// made for that body, otherwise a new one from `new_key` (bound from now on).
    pub(crate) fn key_for(
        &mut self,
        print: String,
        new_key: impl FnOnce() -> IdempotencyKey,
    ) -> IdempotencyKey {
        let saved = self
            .binding
            .as_ref()
            .filter(|b| b.fingerprint == print)
            .and_then(|b| IdempotencyKey::parse(&b.key).ok());
        let key = saved.unwrap_or_else(new_key);
        self.binding = Some(KeyBinding {
            key: key.as_str().to_owned(),
            fingerprint: print,
        });
        key
    }

    /// The bound key when it was made for the body `print` (a reload resends that body with
    /// it); `None` when the body changed or no key is bound.
    pub(crate) fn resume_key(&self, print: &str) -> Option<IdempotencyKey> {
        let b = self.binding.as_ref().filter(|b| b.fingerprint == print)?;
        IdempotencyKey::parse(&b.key).ok()
    }

    /// Records the answer: something made (`None`) retires the key; a failure keeps it only
    /// when the thing may exist under it.
    pub(crate) fn answered(&mut self, failure: Option<&impl SubmitFailure>) {
        if failure.is_none_or(|f| !f.keeps_key()) {
            self.binding = None;
        }
    }

    /// Forgets the key: the next submit gets a new one.
    pub(crate) fn retire(&mut self) {
        self.binding = None;
    }
}

/// A checkout the proxy made for a form (`CHK-…`) and the phone that opens its tracking page.
/// Both are checked when built, as they come back from storage and go into a URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCheckout {
    reference: String,
    phone: String,
}

impl PendingCheckout {
    /// A checkout reference (`CHK-…`) and a normalised Nigerian mobile number (`0XXXXXXXXXX`),
    /// or `None`.
    pub fn new(reference: &str, phone: &str) -> Option<Self> {
        let phone_ok = NgMobile::parse(phone).is_ok_and(|m| m.as_str() == phone);
        (is_checkout_reference(reference) && phone_ok).then(|| Self {
            reference: reference.to_owned(),
            phone: phone.to_owned(),
        })
    }

    /// `CHK-…`.
    pub fn reference(&self) -> &str {
        &self.reference
    }

    /// The phone, as the checkout was made for it.
    pub fn phone(&self) -> &str {
        &self.phone
    }

    /// The reference and the phone, for a tracking link.
    pub fn into_parts(self) -> (String, String) {
        (self.reference, self.phone)
    }

    /// The same checkout, checked again (it came back from storage).
    pub(crate) fn checked(self) -> Option<Self> {
        Self::new(&self.reference, &self.phone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Outcome(bool);
    impl SubmitFailure for Outcome {
        fn from_response(status: u16, _: Option<&str>, _: Option<&amigo_types::ErrorBody>) -> Self {
            Outcome(status >= 500)
        }
        fn network() -> Self {
            Outcome(true)
        }
        fn bad_return_url() -> Self {
            Outcome(false)
        }
        fn keeps_key(&self) -> bool {
            self.0
        }
    }

    fn key(n: u8) -> IdempotencyKey {
        IdempotencyKey::parse(&format!("amg-w-test-{n:02}")).unwrap()
    }

    #[test]
    fn the_same_body_reuses_its_key_and_another_body_gets_a_new_one() {
        let mut k = KeyedSubmit::default();
        let a = fingerprint(&serde_json::json!({"plan": 1}));
        let b = fingerprint(&serde_json::json!({"plan": 2}));
        assert_ne!(a, b);
        assert_eq!(a, fingerprint(&serde_json::json!({"plan": 1})));
        assert_eq!(k.key_for(a.clone(), || key(1)), key(1));
        assert_eq!(
            k.key_for(a.clone(), || key(2)),
            key(1),
            "same body, same key"
        );
        assert_eq!(k.resume_key(&a), Some(key(1)));
        assert_eq!(k.resume_key(&b), None, "a changed body is not resumed");
        assert_eq!(k.key_for(b, || key(3)), key(3));
    }

    #[test]
    fn only_unknown_outcomes_keep_the_key() {
        let mut k = KeyedSubmit::default();
        let a = fingerprint(&"body");
        k.key_for(a.clone(), || key(1));
        k.answered(Some(&Outcome::network()));
        assert_eq!(
            k.resume_key(&a),
            Some(key(1)),
            "the order may exist under it"
        );
        k.answered(Some(&Outcome::from_response(422, None, None)));
        assert_eq!(k.binding(), None, "a definite no drops it");
        k.key_for(a.clone(), || key(2));
        k.answered(None::<&Outcome>);
        assert_eq!(k.binding(), None, "something made retires it");
        k.key_for(a, || key(3));
        k.retire();
        assert_eq!(k.binding(), None);
    }

    #[test]
    fn a_second_tab_key_is_taken_for_the_same_body_only() {
        let a = fingerprint(&"a");
        let mut first = KeyedSubmit::default();
        first.key_for(a.clone(), || key(1));
        let theirs = first.binding().unwrap().clone();
        let mut second = KeyedSubmit::default();
        second.offer(theirs.clone(), &fingerprint(&"b"));
        assert_eq!(second.binding(), None, "made for another body");
        second.offer(theirs.clone(), &a);
        assert_eq!(second.binding(), Some(&theirs));
        let mut own = KeyedSubmit::default();
        own.key_for(a.clone(), || key(2));
        own.offer(theirs, &a);
        assert_eq!(
            own.resume_key(&a),
            Some(key(2)),
            "its own matching key is kept"
        );
    }

    #[test]
    fn stored_bindings_and_checkouts_are_checked() {
        let good = KeyBinding {
            key: "ok-key".into(),
            fingerprint: "0123456789abcdef".into(),
        };
        assert!(
            KeyedSubmit::restored(Some(good.clone()))
                .binding()
                .is_some()
        );
        for bad in [
            KeyBinding {
                key: "has space".into(),
                ..good.clone()
            },
            KeyBinding {
                fingerprint: "nothex".into(),
                ..good
            },
        ] {
            assert!(KeyedSubmit::restored(Some(bad)).binding().is_none());
        }
        assert!(PendingCheckout::new("CHK-7H3K9Q2M4X", "08031234567").is_some());
        assert!(PendingCheckout::new("CHK-7H3K9Q2M4X", "+2348031234567").is_none());
        assert!(PendingCheckout::new("AMG-COM-1", "08031234567").is_none());
    }
}
