//! Buying data where the store takes payment first (`paystack`, `transfer`): the Buy button's
//! wording for each way of paying, the check on the data checkout the proxy made before it is
//! kept or followed, the phone that opens a checkout's tracking page when the way back from
//! Paystack carries none, and the number as the tracking page shows it.

use amigo_types::checkout::{CheckoutKind, CheckoutView, PaymentMethod};
use amigo_types::format_naira;

use super::TopUp;
use super::failure::TopUpFailure;
use crate::keyed::{PendingCheckout, SubmitFailure};
use crate::wording::{Later, Text, Wording};

/// The Buy button's text in the store's wording `w`: `plan` is the chosen plan's capacity and
/// price (`None` until one is chosen). Paystack names the amount it charges; a transfer says how
/// it is paid; without a payment step it names what is bought.
pub fn buy_label(
    w: &Wording,
    method: Option<PaymentMethod>,
    plan: Option<(&str, i64)>,
    busy: bool,
) -> String {
    let text = match (method, busy) {
        (Some(PaymentMethod::Paystack), true) => Later::starting_payment,
        (Some(PaymentMethod::Transfer), true) => Later::getting_bank_details,
        (_, true) => Later::buying,
        (Some(PaymentMethod::Paystack), false) => match plan {
            Some((_, price)) => {
                return w.fill(Later::pay_amount, &[("amount", &format_naira(price))]);
            }
            None => Later::pay,
        },
        (Some(PaymentMethod::Transfer), false) => Later::buy_by_transfer,
        (_, false) => match plan {
            Some((capacity, price)) => {
                return w.fill(
                    Later::buy_plan,
                    &[("capacity", capacity), ("price", &format_naira(price))],
                );
            }
            None => return w.get(Text::buy_data).to_owned(),
        },
    };
    w.get(text).to_owned()
}

/// The line under the Buy button: what happens next and why nothing is paid twice.
pub fn buy_fine_print(method: Option<PaymentMethod>) -> Later {
    match method {
        Some(PaymentMethod::Paystack) => Later::topup_fine_print_paystack,
        Some(PaymentMethod::Transfer) => Later::topup_fine_print_transfer,
        _ => Later::topup_fine_print,
    }
}

/// The data checkout the proxy answered, kept only when it is one (`kind: data`, a `CHK-…`
/// reference) for the number the body named (`phone`, national format), since both go into
/// the draft and the tracking link. Anything else counts as the store's error, retried with the
/// same key (which answers the same checkout).
pub fn checked_checkout(view: &CheckoutView, phone: &str) -> Result<PendingCheckout, TopUpFailure> {
    (view.kind == CheckoutKind::Data)
        .then(|| PendingCheckout::new(&view.reference, phone))
        .flatten()
        .ok_or_else(|| TopUpFailure::from_response(502, None, None))
}

/// The phone that opens checkout `reference`'s tracking page when the address carries none
/// (Paystack's way back never does): the one kept by this browser's checkout draft (the
/// customer's) or top-up draft (the line topped up), whichever made that checkout.
pub fn phone_for_checkout(
    reference: &str,
    checkout_draft: Option<&str>,
    topup_draft: Option<&str>,
) -> Option<String> {
    let order = crate::checkout::draft::decode(checkout_draft, Vec::new());
    let data = topup_draft.and_then(TopUp::decode);
    [
        order.pending().cloned(),
        data.and_then(|t| t.pending().cloned()),
    ]
    .into_iter()
    .flatten()
    .find(|p| p.reference() == reference)
    .map(|p| p.phone().to_owned())
}

/// A number as a page shows it to whoever holds the link: its last four digits only.
pub fn masked_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(4)..].iter().collect();
    format!("•••• {tail}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkout::payment_status::tests::{CHK, view};
    use crate::wording::ENGLISH;
    use amigo_types::checkout::CheckoutStatus;
    use amigo_types::idempotency::IdempotencyKey;

    #[test]
    fn the_button_names_the_amount_or_the_way_of_paying() {
        let plan = Some(("1GB", 1_500));
        let paystack = Some(PaymentMethod::Paystack);
        let transfer = Some(PaymentMethod::Transfer);
        assert_eq!(buy_label(&ENGLISH, paystack, plan, false), "Pay ₦1,500");
        assert_eq!(buy_label(&ENGLISH, paystack, None, false), "Pay");
        assert_eq!(
            buy_label(&ENGLISH, paystack, plan, true),
            "Starting your payment…"
        );
        assert_eq!(
            buy_label(&ENGLISH, transfer, plan, false),
            "Buy, pay by transfer"
        );
        assert_eq!(
            buy_label(&ENGLISH, transfer, None, true),
            "Getting the bank details…"
        );
        let none = Some(PaymentMethod::None);
        assert_eq!(buy_label(&ENGLISH, none, plan, false), "Buy 1GB for ₦1,500");
        assert_eq!(buy_label(&ENGLISH, None, None, false), "Buy data");
        assert_eq!(buy_label(&ENGLISH, none, plan, true), "Buying…");
        assert!(ENGLISH.get(buy_fine_print(paystack)).contains("Paystack"));
        assert!(
            ENGLISH
                .get(buy_fine_print(transfer))
                .contains("bank details")
        );
        assert!(ENGLISH.get(buy_fine_print(none)).contains("charged twice"));
    }

    #[test]
    fn only_a_data_checkout_for_the_number_is_kept() {
        let mut v = view(CheckoutStatus::AwaitingPayment, PaymentMethod::Paystack);
        v.kind = CheckoutKind::Data;
        let kept = checked_checkout(&v, "08031234567").unwrap();
        assert_eq!((kept.reference(), kept.phone()), (CHK, "08031234567"));
        // not normalised, or an order checkout, or a bad reference: the store's error, same key
        for (kind, reference, phone) in [
            (CheckoutKind::Data, CHK, "0803 123 4567"),
            (CheckoutKind::Order, CHK, "08031234567"),
            (CheckoutKind::Data, "CHK-<b>", "08031234567"),
        ] {
            let mut v = v.clone();
            v.kind = kind;
            v.reference = reference.into();
            let f = checked_checkout(&v, phone).unwrap_err();
            assert!(f.keeps_key(), "{kind:?} {reference} {phone}");
        }
    }

    #[test]
    fn the_phone_comes_from_the_draft_that_made_the_checkout() {
        let mut topup = TopUp::default();
        topup.edit(|t| {
            t.phone = "0805 123 4567".into();
            t.plan = Some(2001);
        });
        topup.begin_submit(|| IdempotencyKey::parse("amg-w-1").unwrap());
        topup.finish_checkout(Ok(PendingCheckout::new(CHK, "08051234567").unwrap()));
        let raw = topup.encode();
        assert_eq!(
            phone_for_checkout(CHK, None, Some(&raw)).as_deref(),
            Some("08051234567")
        );
        assert_eq!(phone_for_checkout("CHK-OTHER00000", None, Some(&raw)), None);
        assert_eq!(phone_for_checkout(CHK, Some("{"), Some("not json")), None);
        let order = r#"{"v":1,"checkout":{"reference":"CHK-7H3K9Q2M4X","phone":"08031234567"}}"#;
        assert_eq!(
            phone_for_checkout(CHK, Some(order), None).as_deref(),
            Some("08031234567")
        );
    }

    #[test]
    fn a_number_shows_its_last_four_digits() {
        assert_eq!(masked_phone("08031234567"), "•••• 4567");
        assert_eq!(masked_phone("+234 803 123 4567"), "•••• 4567");
        assert_eq!(masked_phone("12"), "•••• 12");
    }
}
