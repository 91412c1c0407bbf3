//! Every way a data purchase can fail, mapped to the control to fix or to a message for the
//! whole form, and whether the key must be kept (the purchase may exist under it).

use amigo_types::ErrorBody;

use crate::keyed::{SubmitFailure, retry_after_secs};
use crate::wording::{Later, Wording};

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

/// What a failure tells the shopper: which text, worded when it shows (`Said::message`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    /// One of the store's texts.
    Ours(Later),
    /// The server's own explanation (its words, as it sent them).
    Server(String),
    /// No explanation came: the HTTP status.
    Status(u16),
    /// Rate limited for this many minutes (the per-number limit).
    WaitMinutes(u64),
    /// Rate limited for this many seconds.
    WaitSeconds(u64),
}

impl Said {
    /// The sentence in the store's wording.
    pub fn message(&self, w: &Wording) -> String {
        match self {
            Said::Ours(text) => w.get(*text).to_owned(),
            Said::Server(s) => s.clone(),
            Said::Status(status) => {
                w.fill(Later::topup_refused, &[("status", &status.to_string())])
            }
            Said::WaitMinutes(m) => w.fill(
                Later::topup_rate_limited_minutes,
                &[("minutes", &m.to_string())],
            ),
            Said::WaitSeconds(s) => {
                w.fill(Later::topup_rate_limited, &[("seconds", &s.to_string())])
            }
        }
    }
}

/// A failed purchase attempt, as the shopper sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopUpFailure {
    /// The control to mark and focus, if it belongs to one.
    pub field: Option<TopUpField>,
    /// What to tell the shopper.
    pub said: Said,
    /// The purchase may exist under the key: the next attempt must reuse it.
    keeps_key: bool,
    /// Seconds to wait before retrying, when rate limited.
    pub retry_after_secs: Option<u64>,
}

impl TopUpFailure {
    /// A failure at `field`.
    pub fn field(field: TopUpField, text: Later) -> Self {
        Self::said_at(field, Said::Ours(text))
    }

    fn said_at(field: TopUpField, said: Said) -> Self {
        Self {
            field: Some(field),
            said,
            keeps_key: false,
            retry_after_secs: None,
        }
    }

    fn general(said: Said, keeps_key: bool) -> Self {
        Self {
            field: None,
            said,
            keeps_key,
            retry_after_secs: None,
        }
    }

    fn ours(text: Later, keeps_key: bool) -> Self {
        Self::general(Said::Ours(text), keeps_key)
    }

    /// The sentence for the shopper, in the store's wording.
    pub fn message(&self, w: &Wording) -> String {
        self.said.message(w)
    }
}

impl SubmitFailure for TopUpFailure {
    fn network() -> Self {
        Self::ours(Later::order_network, true)
    }

    fn bad_return_url() -> Self {
        Self::ours(Later::bad_return_url, false)
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
                    Said::WaitMinutes(secs.div_ceil(60))
                } else {
                    Said::WaitSeconds(secs)
                },
                true,
            );
            f.retry_after_secs = Some(secs);
            return f;
        }
        match code {
            "invalid_mobile_number" => Self::field(TopUpField::Phone, Later::topup_refused_phone),
            "network_mismatch" => Self::field(TopUpField::Phone, Later::network_mismatch),
            "invalid_network" => Self::field(TopUpField::Network, Later::topup_invalid_network),
            "invalid_plan" | "plan_network_mismatch" => {
                Self::field(TopUpField::Plan, Later::plan_gone)
            }
            "data_daily_limit_reached" => Self::said_at(
                TopUpField::Plan,
                if upstream_message.is_empty() {
                    Said::Ours(Later::data_sold_out_today)
                } else {
                    Said::Server(upstream_message)
                },
            ),
            "insufficient_balance" => Self::ours(Later::data_unavailable, false),
            "data_sales_disabled" => Self::ours(Later::no_data_sales, false),
            "checkouts_disabled" => Self::ours(Later::topup_checkouts_disabled, false),
            "payment_required" => Self::ours(Later::topup_payment_required, false),
            "invalid_return_url" => Self::bad_return_url(),
            "payment_unavailable" => Self::ours(Later::topup_payment_unavailable, true),
            "idempotency_key_reused" => Self::ours(Later::topup_key_reused, false),
            _ if status >= 500 || body.and_then(|b| b.retryable) == Some(true) => {
                Self::ours(Later::topup_server_error, true)
            }
            _ => Self::general(
                if upstream_message.is_empty() {
                    Said::Status(status)
                } else {
                    Said::Server(upstream_message)
                },
                false,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wording::ENGLISH;

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
        assert_eq!(
            daily.message(&ENGLISH),
            "upstream says data_daily_limit_reached"
        );
    }

    #[test]
    fn unknown_outcomes_keep_the_key() {
        assert!(TopUpFailure::network().keeps_key());
        assert!(TopUpFailure::from_response(502, None, Some(&body("upstream_error"))).keeps_key());
        assert!(TopUpFailure::from_response(504, None, None).keeps_key());
        let payment = TopUpFailure::from_response(502, None, Some(&body("payment_unavailable")));
        assert!(payment.keeps_key() && payment.message(&ENGLISH).contains("start your payment"));
        let limited = TopUpFailure::from_response(429, Some("1800"), Some(&body("rate_limited")));
        assert!(limited.keeps_key());
        assert_eq!(limited.retry_after_secs, Some(1800));
        assert!(
            limited.message(&ENGLISH).contains("30 minutes"),
            "{}",
            limited.message(&ENGLISH)
        );
        let short = TopUpFailure::from_response(429, Some("7"), None);
        assert!(short.message(&ENGLISH).contains("7 s"));
        let odd = TopUpFailure::from_response(418, None, None);
        assert!(!odd.keeps_key());
        assert!(odd.message(&ENGLISH).contains("418"));
    }
}
