//! What the checkout page does after "Place order" was refused before sending ([`Blocked`]) or
//! the order's answer was a failure ([`Failure`]): the notice, the inline errors, where focus
//! goes, and whether the quote, the cart's stock or a timed retry follow. Also the check of one
//! field when focus leaves it. The page applies a [`Reaction`] as it is; it decides nothing.

use amigo_types::phone::NgMobile;

use super::details::{
    CustomerDetails, Field, FieldError, Step, check_address, check_email, check_name, check_notes,
    check_phone, first_invalid, network_hint,
};
use super::failure::{Failure, field_text};
use super::flow::Blocked;
use crate::wording::{Later, Wording};

/// Where focus goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// A field's control (the delivery option: its step's heading, as a fresh quote may replace
    /// its radios).
    Field(Field),
    /// The notice above the last button.
    Notice,
    /// The list of items in the review.
    Items,
}

impl Focus {
    /// The id of the element to focus.
    pub fn element_id(self) -> &'static str {
        match self {
            Focus::Field(Field::Tier) => Step::Delivery.heading_id(),
            Focus::Field(f) => f.input_id(),
            Focus::Notice => "co-notice",
            Focus::Items => "co-items",
        }
    }
}

/// What the page does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reaction {
    /// The notice's new text (`None`: no notice of its own; the fields' summary may show).
    pub notice: Option<String>,
    /// The inline errors, when they change.
    pub errors: Option<Vec<FieldError>>,
    /// Where focus goes.
    pub focus: Option<Focus>,
    /// Drop the quote and ask again (it then names the items that can't ship).
    pub requote: bool,
    /// Mark these items as sold out and re-read the cart's stock.
    pub sold_out: Option<Vec<u64>>,
    /// Press "Place order" again after this many seconds (same key).
    pub retry_after_secs: Option<u64>,
}

/// "Place order" did nothing: what the shopper is told and shown. `None` for a double click.
pub fn blocked(b: Blocked, w: &Wording) -> Option<Reaction> {
    let r = match b {
        Blocked::Busy => return None,
        Blocked::Invalid(list) => Reaction {
            focus: first_invalid(&list).map(Focus::Field),
            // the summary is derived from the errors, so it stays true as they are fixed
            errors: Some(list),
            ..Reaction::default()
        },
        Blocked::EmptyCart => Reaction {
            notice: Some(w.get(Later::cart_empty).to_owned()),
            ..Reaction::default()
        },
        Blocked::NeedsQuote => Reaction {
            notice: Some(w.get(Later::wait_for_prices).to_owned()),
            focus: Some(Focus::Field(Field::Tier)),
            ..Reaction::default()
        },
        Blocked::Unserviceable => Reaction {
            notice: Some(w.get(Later::order_unserviceable).to_owned()),
            focus: Some(Focus::Field(Field::Tier)),
            ..Reaction::default()
        },
    };
    Some(r)
}

/// The order failed: its message in the notice, and its place in the form.
pub fn failed(failure: &Failure, w: &Wording) -> Reaction {
    let notice = Some(failure.message(w));
    match failure {
        Failure::Field { field } => Reaction {
            notice,
            errors: Some(vec![FieldError::new(*field, field_text(*field))]),
            focus: Some(Focus::Field(*field)),
            ..Reaction::default()
        },
        Failure::Unserviceable { .. } => Reaction {
            notice,
            requote: true,
            focus: Some(Focus::Field(Field::Tier)),
            ..Reaction::default()
        },
        Failure::OutOfStock { product_ids } => Reaction {
            notice,
            sold_out: Some(product_ids.clone()),
            focus: Some(Focus::Items),
            ..Reaction::default()
        },
        Failure::RateLimited { retry_after_secs } => Reaction {
            notice,
            retry_after_secs: Some(*retry_after_secs),
            ..Reaction::default()
        },
        _ => Reaction {
            notice,
            focus: Some(Focus::Notice),
            ..Reaction::default()
        },
    }
}

/// A field checked when focus leaves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldCheck {
    /// The phone rewritten in the national format (`0XXXXXXXXXX`), when it was typed otherwise.
    pub normalised_phone: Option<String>,
    /// `None` for a blank field (flagged only on submit, not while tabbing past it); otherwise
    /// the field's error, if any.
    pub error: Option<Option<FieldError>>,
}

/// Checks `field` of `d` as focus leaves it.
pub fn check_on_blur(field: Field, d: &CustomerDetails) -> FieldCheck {
    let (raw, error) = match field {
        Field::Name => (&d.name, check_name(&d.name).err()),
        Field::Phone => (&d.phone, check_phone(&d.phone).err()),
        Field::Email => (&d.email, check_email(&d.email).err()),
        Field::Address => (&d.address, check_address(&d.address).err()),
        Field::Notes => (&d.notes, check_notes(&d.notes).err()),
        Field::Location | Field::Tier | Field::Items => {
            return FieldCheck {
                normalised_phone: None,
                error: None,
            };
        }
    };
    let normalised_phone = match (field, NgMobile::parse(&d.phone)) {
        (Field::Phone, Ok(m)) if m.as_str() != d.phone => Some(m.as_str().to_owned()),
        _ => None,
    };
    FieldCheck {
        normalised_phone,
        error: (!raw.trim().is_empty()).then_some(error),
    }
}

/// The hint under the phone field: the network its prefix says, or an example.
pub fn phone_hint(phone: &str, w: &Wording) -> String {
    match network_hint(phone) {
        Some(n) => w.fill(Later::phone_network_hint, &[("network", n)]),
        None => w.get(Later::phone_example_hint).to_owned(),
    }
}

/// Which screen the checkout page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// The form.
    Form,
    /// "Your cart is empty."
    EmptyCart,
    /// The order's confirmation.
    Confirmed,
    /// The checkout made, awaiting payment.
    Paying,
}

impl Screen {
    /// The screen for where the checkout is and whether the cart is empty.
    pub fn of(phase: super::flow::Phase, cart_empty: bool) -> Self {
        use super::flow::Phase;
        match phase {
            Phase::Confirmed => Screen::Confirmed,
            Phase::Paying => Screen::Paying,
            _ if cart_empty => Screen::EmptyCart,
            _ => Screen::Form,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkout::flow::Phase;
    use crate::wording::ENGLISH;

    fn blocked_en(b: Blocked) -> Option<Reaction> {
        blocked(b, &ENGLISH)
    }

    #[test]
    fn each_block_has_its_words_and_focus() {
        assert_eq!(
            blocked_en(Blocked::Busy),
            None,
            "a double click does nothing"
        );
        let invalid = blocked_en(Blocked::Invalid(vec![
            FieldError::new(Field::Phone, Later::phone_required),
            FieldError::new(Field::Name, Later::name_required),
        ]))
        .unwrap();
        assert_eq!(
            invalid.focus,
            Some(Focus::Field(Field::Name)),
            "the first in page order"
        );
        assert_eq!(invalid.notice, None);
        assert_eq!(invalid.errors.map(|e| e.len()), Some(2));
        let quote = blocked_en(Blocked::NeedsQuote).unwrap();
        assert_eq!(
            quote.focus.map(Focus::element_id),
            Some(Step::Delivery.heading_id())
        );
        assert!(quote.notice.unwrap().contains("delivery prices"));
        assert!(
            blocked_en(Blocked::Unserviceable)
                .unwrap()
                .notice
                .unwrap()
                .contains("area")
        );
        assert_eq!(blocked_en(Blocked::EmptyCart).unwrap().focus, None);
    }

    #[test]
    fn each_failure_goes_to_its_place() {
        let field = failed(
            &Failure::Field {
                field: Field::Email,
            },
            &ENGLISH,
        );
        assert_eq!(field.focus, Some(Focus::Field(Field::Email)));
        assert_eq!(
            field.errors,
            Some(vec![FieldError::new(Field::Email, Later::refused_email)])
        );
        let ship = failed(&Failure::Unserviceable { warnings: vec![] }, &ENGLISH);
        assert!(ship.requote && ship.focus == Some(Focus::Field(Field::Tier)));
        let stock = failed(
            &Failure::OutOfStock {
                product_ids: vec![5],
            },
            &ENGLISH,
        );
        assert_eq!(stock.sold_out, Some(vec![5]));
        assert_eq!(stock.focus.map(Focus::element_id), Some("co-items"));
        let limited = failed(
            &Failure::RateLimited {
                retry_after_secs: 7,
            },
            &ENGLISH,
        );
        assert_eq!((limited.retry_after_secs, limited.focus), (Some(7), None));
        let other = failed(&Failure::KeyConflict, &ENGLISH);
        assert_eq!(other.focus, Some(Focus::Notice));
        assert_eq!(other.notice, Some(Failure::KeyConflict.message(&ENGLISH)));
    }

    #[test]
    fn a_field_is_checked_on_blur_unless_blank() {
        let mut d = CustomerDetails {
            phone: "+234 803 123 4567".into(),
            ..CustomerDetails::default()
        };
        let phone = check_on_blur(Field::Phone, &d);
        assert_eq!(phone.normalised_phone.as_deref(), Some("08031234567"));
        assert_eq!(phone.error, Some(None));
        assert_eq!(
            check_on_blur(Field::Name, &d).error,
            None,
            "blank: not flagged yet"
        );
        d.name = "x".repeat(500);
        assert!(matches!(
            check_on_blur(Field::Name, &d).error,
            Some(Some(_))
        ));
        d.phone = "0803".into();
        let short = check_on_blur(Field::Phone, &d);
        assert_eq!(short.normalised_phone, None);
        assert!(matches!(short.error, Some(Some(_))));
        assert_eq!(
            check_on_blur(Field::Tier, &d),
            FieldCheck {
                normalised_phone: None,
                error: None
            }
        );
        assert!(phone_hint("0803", &ENGLISH).contains("MTN"));
        assert!(phone_hint("", &ENGLISH).starts_with("e.g."));
    }

    #[test]
    fn the_screen_follows_the_phase_and_the_cart() {
        assert_eq!(Screen::of(Phase::Confirmed, true), Screen::Confirmed);
        assert_eq!(Screen::of(Phase::Paying, false), Screen::Paying);
        assert_eq!(Screen::of(Phase::Quoted, true), Screen::EmptyCart);
        assert_eq!(Screen::of(Phase::Draft, false), Screen::Form);
    }
}
