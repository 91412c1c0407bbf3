//! How this store takes money, as the checkout needs to know it before the last button: the
//! payment settings (`GET {proxy}/api/payment`) and whether they arrived, the last button's
//! wording ("Pay ₦X", "Place order, pay by transfer", "Place order"), the line under it, and
//! the page the shopper comes back to after paying (`return_url`).
//!
//! The widget never guesses the method: until the settings are read, the last button refuses
//! with a sentence and a Retry, because sending a `none`-mode order to a store that expects
//! payment (or the reverse) would be wrong either way.

use amigo_types::checkout::{PaymentMethod, PaymentSettings};
use amigo_types::format_naira;

use crate::wording::{Later, Wording};

/// The longest `return_url` sent. Browsers allow longer addresses, but a page with kilobytes of
/// query is not one a shopper returns to, and the proxy stores the value.
pub const MAX_RETURN_URL_LEN: usize = 2000;

/// Where reading the payment settings stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PaymentLoad {
    /// Not asked yet, or the answer is on its way.
    #[default]
    Loading,
    /// The store's method.
    Ready(PaymentMethod),
    /// The settings could not be read; the shopper gets Retry.
    Failed,
}

impl PaymentLoad {
    /// The state after an answer: the method of well-formed settings, else `Failed`. Paystack
    /// settings must carry a public key (`pk_…`): without one the proxy is misconfigured, and
    /// the shopper would be sent to a payment that cannot start.
    pub fn from_answer(answer: Option<PaymentSettings>) -> Self {
        match answer {
            Some(s) if s.method == PaymentMethod::Paystack => {
                let key_ok = s.public_key.as_deref().is_some_and(|k| {
                    k.starts_with("pk_")
                        && k.len() <= 120
                        && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                });
                if key_ok {
                    PaymentLoad::Ready(PaymentMethod::Paystack)
                } else {
                    PaymentLoad::Failed
                }
            }
            Some(s) => PaymentLoad::Ready(s.method),
            None => PaymentLoad::Failed,
        }
    }

    /// The method, once known.
    pub fn method(self) -> Option<PaymentMethod> {
        match self {
            PaymentLoad::Ready(m) => Some(m),
            _ => None,
        }
    }

    /// What the shopper is told when the last button is pressed before the method is known.
    pub fn blocked_message(self, w: &Wording) -> Option<&'static str> {
        self.blocked_text().map(|text| w.get(text))
    }

    /// Which text [`PaymentLoad::blocked_message`] shows, kept until it is worded.
    pub fn blocked_text(self) -> Option<Later> {
        match self {
            PaymentLoad::Ready(_) => None,
            PaymentLoad::Loading => Some(Later::payment_checking),
            PaymentLoad::Failed => Some(Later::payment_check_failed),
        }
    }
}

/// The last button's text: `total` is the total shown at review (items plus delivery), `None`
/// until the delivery price is known.
pub fn place_label(
    w: &Wording,
    method: Option<PaymentMethod>,
    total: Option<i64>,
    submitting: bool,
) -> String {
    let text = match (method, submitting) {
        (Some(PaymentMethod::Paystack), true) => Later::starting_payment,
        (Some(PaymentMethod::Paystack), false) => match total {
            Some(t) => return w.fill(Later::pay_amount, &[("amount", &format_naira(t))]),
            None => Later::pay,
        },
        (Some(PaymentMethod::Transfer), false) => Later::place_order_transfer,
        (_, true) => Later::placing_order,
        (_, false) => Later::place_order,
    };
    w.get(text).to_owned()
}

/// The line under the last button: what happens next and why nothing is charged twice.
pub fn fine_print(w: &Wording, method: Option<PaymentMethod>) -> &'static str {
    w.get(match method {
        Some(PaymentMethod::Paystack) => Later::fine_print_paystack,
        Some(PaymentMethod::Transfer) => Later::fine_print_transfer,
        _ => Later::fine_print_order,
    })
}

/// The page to come back to after paying: the embedding page's address (`location.href`)
/// without its fragment, since the proxy appends `#/order/{reference}?phone=…`. `None` for
/// anything but an `http(s)` address of sane length (a `file:` or `data:` page cannot be
/// returned to, and the proxy would refuse it anyway).
pub fn return_url(href: &str) -> Option<String> {
    let base = href.split('#').next().unwrap_or_default().trim();
    is_web_url(base).then(|| base.to_owned())
}

/// Whether `url` is an absolute `http(s)` address with a host, of sane length, without spaces
/// or control characters: the only kind the widget sends as `return_url` or sends the shopper
/// to (a `javascript:` or `data:` "payment page" is never followed).
pub fn is_web_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && url.len() <= MAX_RETURN_URL_LEN
        && !url.chars().any(|c| c.is_control() || c.is_whitespace())
        && url
            .split_once("://")
            .is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wording::ENGLISH;

    fn settings(method: PaymentMethod, key: Option<&str>) -> PaymentSettings {
        PaymentSettings {
            method,
            public_key: key.map(str::to_owned),
            expires_after_minutes: Some(30),
        }
    }

    #[test]
    fn the_method_comes_only_from_well_formed_settings() {
        assert_eq!(
            PaymentLoad::from_answer(Some(settings(PaymentMethod::None, None))),
            PaymentLoad::Ready(PaymentMethod::None)
        );
        assert_eq!(
            PaymentLoad::from_answer(Some(settings(PaymentMethod::Transfer, None))).method(),
            Some(PaymentMethod::Transfer)
        );
        assert_eq!(
            PaymentLoad::from_answer(Some(settings(
                PaymentMethod::Paystack,
                Some("pk_test_ab12")
            )))
            .method(),
            Some(PaymentMethod::Paystack)
        );
        // Paystack without a public key, or with something else in its place, is not guessed
        for key in [None, Some("sk_test_secret"), Some("pk_<script>"), Some("")] {
            let load = PaymentLoad::from_answer(Some(settings(PaymentMethod::Paystack, key)));
            assert_eq!(load, PaymentLoad::Failed, "{key:?}");
        }
        assert_eq!(PaymentLoad::from_answer(None), PaymentLoad::Failed);
    }

    #[test]
    fn the_button_waits_for_the_method() {
        assert!(PaymentLoad::Loading.blocked_message(&ENGLISH).is_some());
        assert!(
            PaymentLoad::Failed
                .blocked_message(&ENGLISH)
                .unwrap()
                .contains("retry")
        );
        assert_eq!(
            PaymentLoad::Ready(PaymentMethod::None).blocked_message(&ENGLISH),
            None
        );
    }

    #[test]
    fn the_last_button_names_what_it_does() {
        let paystack = Some(PaymentMethod::Paystack);
        assert_eq!(
            place_label(&ENGLISH, paystack, Some(31_500), false),
            "Pay ₦31,500"
        );
        assert_eq!(place_label(&ENGLISH, paystack, None, false), "Pay");
        assert_eq!(
            place_label(&ENGLISH, paystack, Some(1), true),
            "Starting your payment…"
        );
        let transfer = Some(PaymentMethod::Transfer);
        assert_eq!(
            place_label(&ENGLISH, transfer, Some(5), false),
            "Place order, pay by transfer"
        );
        assert_eq!(
            place_label(&ENGLISH, Some(PaymentMethod::None), Some(5), false),
            "Place order"
        );
        assert_eq!(place_label(&ENGLISH, None, Some(5), false), "Place order");
        assert_eq!(
            place_label(&ENGLISH, None, None, true),
            "Placing your order…"
        );
        assert!(fine_print(&ENGLISH, paystack).contains("Paystack"));
        assert!(fine_print(&ENGLISH, transfer).contains("bank details"));
        assert!(fine_print(&ENGLISH, None).contains("charged twice"));
    }

    #[test]
    fn the_return_url_is_the_page_without_its_fragment() {
        assert_eq!(
            return_url("https://shop.example/store?x=1#/checkout").as_deref(),
            Some("https://shop.example/store?x=1")
        );
        assert_eq!(
            return_url("http://127.0.0.1:8080/").as_deref(),
            Some("http://127.0.0.1:8080/")
        );
        assert_eq!(
            return_url("HTTPS://Shop.example/#").as_deref(),
            Some("HTTPS://Shop.example/")
        );
        for bad in [
            "file:///home/a/index.html",
            "data:text/html,hi",
            "javascript:alert(1)",
            "https:///path",
            "https://",
            "",
            "https://shop.example/a b",
        ] {
            assert_eq!(return_url(bad), None, "{bad}");
        }
        let long = format!("https://shop.example/{}", "a".repeat(MAX_RETURN_URL_LEN));
        assert_eq!(return_url(&long), None);
    }
}
