//! Every way a data purchase can fail, mapped to the control to fix or to a message for the
//! whole form, and whether the key must be kept (the purchase may exist under it).

use amigo_types::ErrorBody;

use crate::keyed::{SubmitFailure, retry_after_secs};

/// The longest `Retry-After` honoured: the per-phone limit is hourly, so checkout's two-minute
/// cap would understate it.
const MAX_RETRY_AFTER_SECS: u64 = 3600;

/// The controls a failure can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopUpField {
    /// The phone number.
    Phone,
    /// The network picker (ported numbers).
    Network,
    /// The plan list.
    Plan,
}

impl TopUpField {
    /// The id of its control (the plan list's first radio is focused through its group).
    pub fn input_id(self) -> &'static str {
        match self {
            TopUpField::Phone => "topup-phone",
            TopUpField::Network => "topup-network",
            TopUpField::Plan => "topup-plans",
        }
    }

    /// The id of its inline error.
    pub fn error_id(self) -> &'static str {
        match self {
            TopUpField::Phone => "topup-phone-error",
            TopUpField::Network => "topup-network-error",
            TopUpField::Plan => "topup-plans-error",
        }
    }
}

/// A failed purchase attempt, as the shopper sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopUpFailure {
    /// The control to mark and focus, if it belongs to one.
    pub field: Option<TopUpField>,
    /// What to tell the shopper.
    pub message: String,
    /// The purchase may exist under the key: the next attempt must reuse it.
    keeps_key: bool,
    /// Seconds to wait before retrying, when rate limited.
    pub retry_after_secs: Option<u64>,
}

impl TopUpFailure {
    /// A failure at `field`.
    pub fn field(field: TopUpField, message: impl Into<String>) -> Self {
        Self {
            field: Some(field),
            message: message.into(),
            keeps_key: false,
            retry_after_secs: None,
        }
    }

    fn general(message: impl Into<String>, keeps_key: bool) -> Self {
        Self {
            field: None,
            message: message.into(),
            keeps_key,
            retry_after_secs: None,
        }
    }
}

impl SubmitFailure for TopUpFailure {
    fn network() -> Self {
        Self::general(
            "We couldn't reach the store. Check your connection and try again — you won't be charged twice.",
            true,
        )
    }

    fn bad_return_url() -> Self {
        Self::general(
            "This page can't take payments for the store: its address isn't one the store \
             allows. Please tell the store.",
            false,
        )
    }

    fn keeps_key(&self) -> bool {
        self.keeps_key
    }

    fn from_response(status: u16, retry_after: Option<&str>, body: Option<&ErrorBody>) -> Self {
        let code = body.map_or("", |b| b.error.as_str());
        let upstream_message = body.map(|b| b.message.clone()).unwrap_or_default();
        if status == 429 || code == "rate_limited" {
            let secs = retry_after_secs(retry_after, body, MAX_RETRY_AFTER_SECS);
            let mut f = Self::general(
                if secs >= 120 {
                    format!(
                        "This number has had several top-ups recently. Try again in about {} minutes.",
                        secs.div_ceil(60)
                    )
                } else {
                    format!("Too many attempts. Try again in {secs} s.")
                },
                true,
            );
            f.retry_after_secs = Some(secs);
            return f;
        }
        match code {
            "invalid_mobile_number" => Self::field(
                TopUpField::Phone,
                "Check the phone number: an 11-digit Nigerian mobile number such as 0803 123 4567.",
            ),
            "network_mismatch" => Self::field(
                TopUpField::Phone,
                "This number belongs to another network. If it was ported, turn on \"This number was ported\" and choose its network.",
            ),
            "invalid_network" => Self::field(TopUpField::Network, "Choose the number's network."),
            "invalid_plan" | "plan_network_mismatch" => Self::field(
                TopUpField::Plan,
                "That plan is no longer offered for this network. Choose another plan.",
            ),
            "data_daily_limit_reached" => Self::field(
                TopUpField::Plan,
                if upstream_message.is_empty() {
                    "This store has sold all the data it sells today. Please try again tomorrow."
                        .to_owned()
                } else {
                    upstream_message
                },
            ),
            "insufficient_balance" => Self::general(
                "This store can't sell data right now. You have not been charged.",
                false,
            ),
            "data_sales_disabled" => Self::general("This store does not sell mobile data.", false),
            "checkouts_disabled" => Self::general(
                "This store can't take payments right now, so nothing was bought. Please try \
                 again later.",
                false,
            ),
            "payment_required" => Self::general(
                "This store now takes payment before a top-up. Reload the page to pay first; \
                 nothing was bought.",
                false,
            ),
            "invalid_return_url" => Self::bad_return_url(),
            "payment_unavailable" => Self::general(
                "We couldn't start your payment. Try again — you won't be charged twice.",
                true,
            ),
            "idempotency_key_reused" => Self::general(
                "Your earlier attempt was for a different plan. Press Buy again to buy this one.",
                false,
            ),
            _ if status >= 500 || body.and_then(|b| b.retryable) == Some(true) => Self::general(
                "The store had a problem buying your data. Try again — you won't be charged twice.",
                true,
            ),
            _ => Self::general(
                if upstream_message.is_empty() {
                    format!("The store refused the purchase (HTTP {status}).")
                } else {
                    upstream_message
                },
                false,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(code: &str) -> ErrorBody {
        ErrorBody::new(code, format!("upstream says {code}"))
    }

    #[test]
    fn each_error_goes_to_its_field_or_the_form() {
        for (code, field) in [
            ("invalid_mobile_number", Some(TopUpField::Phone)),
            ("network_mismatch", Some(TopUpField::Phone)),
            ("invalid_network", Some(TopUpField::Network)),
            ("invalid_plan", Some(TopUpField::Plan)),
            ("plan_network_mismatch", Some(TopUpField::Plan)),
            ("data_daily_limit_reached", Some(TopUpField::Plan)),
            ("insufficient_balance", None),
            ("data_sales_disabled", None),
            ("idempotency_key_reused", None),
            ("checkouts_disabled", None),
            ("payment_required", None),
            ("invalid_return_url", None),
        ] {
            let f = TopUpFailure::from_response(422, None, Some(&body(code)));
            assert_eq!(f.field, field, "{code}");
            assert!(!f.keeps_key(), "{code} is a definite no");
        }
        let daily = TopUpFailure::from_response(422, None, Some(&body("data_daily_limit_reached")));
        assert_eq!(daily.message, "upstream says data_daily_limit_reached");
    }

    #[test]
    fn unknown_outcomes_keep_the_key() {
        assert!(TopUpFailure::network().keeps_key());
        assert!(TopUpFailure::from_response(502, None, Some(&body("upstream_error"))).keeps_key());
        assert!(TopUpFailure::from_response(504, None, None).keeps_key());
        let payment = TopUpFailure::from_response(502, None, Some(&body("payment_unavailable")));
        assert!(payment.keeps_key() && payment.message.contains("start your payment"));
        let limited = TopUpFailure::from_response(429, Some("1800"), Some(&body("rate_limited")));
        assert!(limited.keeps_key());
        assert_eq!(limited.retry_after_secs, Some(1800));
        assert!(
            limited.message.contains("30 minutes"),
            "{}",
            limited.message
        );
        let short = TopUpFailure::from_response(429, Some("7"), None);
        assert!(short.message.contains("7 s"));
        let odd = TopUpFailure::from_response(418, None, None);
        assert!(!odd.keeps_key());
        assert!(odd.message.contains("418"));
    }
}
