//! Every way placing an order can fail, mapped to a message for the shopper, the place in the
//! form it belongs to, and whether the idempotency key must be kept for a retry.

use amigo_types::ErrorBody;

use super::details::{Field, Step};
use crate::keyed::{SubmitFailure, retry_after_secs};
use crate::wording::{Later, Wording};

/// Longest wait honoured from `Retry-After` before giving the button back to the shopper.
pub const MAX_RETRY_AFTER_SECS: u64 = 120;

/// Why an order was not confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// `invalid_*` naming a field (including `invalid_delivery_location`).
    Field {
        /// The control at fault.
        field: Field,
    },
    /// `unserviceable_delivery`: some items can't ship to the chosen area.
    Unserviceable {
        /// The platform's per-scheme warnings.
        warnings: Vec<String>,
    },
    /// `out_of_stock`: the cart's stock must be re-read and these items marked.
    OutOfStock {
        /// Products that ran out (empty when the platform didn't say).
        product_ids: Vec<u64>,
    },
    /// `insufficient_balance` or `order_total_exceeds_limit`: the store can't take it now. The
    /// merchant's balance is never shown.
    StoreUnavailable,
    /// `429 rate_limited`: wait, then retry with the same key.
    RateLimited {
        /// Seconds to wait (from `Retry-After`, capped).
        retry_after_secs: u64,
    },
    /// No answer, a timeout or a 5xx: the order may or may not exist, so retry with the same key.
    Retryable {
        /// What happened, for the shopper.
        text: Later,
    },
    /// `idempotency_key_reused`: the key was used for a different order body (another tab).
    KeyConflict,
    /// Anything else the shopper can't fix by retrying the same request.
    Rejected {
        /// What the shopper is told.
        said: Said,
    },
}

/// What a refusal tells the shopper: one of the store's texts, or the server's explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    /// One of the store's texts.
    Ours(Later),
    /// The server's own explanation (its words, as it sent them).
    Server(String),
    /// No explanation came: the HTTP status.
    Status(u16),
}

/// The control an API `field` hint names (`customer.phone`, `delivery.state_code`,
/// `items[0].quantity`, `lga_name`, …).
pub fn field_for_hint(hint: &str) -> Option<Field> {
    let h = hint.trim();
    let h = h
        .strip_prefix("customer.")
        .or_else(|| h.strip_prefix("delivery."))
        .unwrap_or(h);
    if h.starts_with("items") {
        return Some(Field::Items);
    }
    match h {
        "name" => Some(Field::Name),
        "phone" => Some(Field::Phone),
        "email" => Some(Field::Email),
        "address" => Some(Field::Address),
        "notes" => Some(Field::Notes),
        "tier" => Some(Field::Tier),
        "state_code" | "state_id" | "lga_name" | "lga_id" | "city" | "state" => {
            Some(Field::Location)
        }
        _ => None,
    }
}

/// The control an `invalid_*` code names when no `field` hint came with it.
fn field_for_code(code: &str) -> Option<Field> {
    match code {
        "invalid_customer_name" => Some(Field::Name),
        "invalid_customer_phone" => Some(Field::Phone),
        "invalid_customer_email" => Some(Field::Email),
        "invalid_delivery_address" => Some(Field::Address),
        "invalid_delivery_notes" => Some(Field::Notes),
        "invalid_delivery_tier" => Some(Field::Tier),
        "invalid_items" => Some(Field::Items),
        "invalid_delivery_location" | "invalid_delivery_city" | "invalid_delivery_state" => {
            Some(Field::Location)
        }
        _ => None,
    }
}

/// A shopper-facing sentence for a field the store refused (the platform's messages are for
/// developers).
pub fn field_text(field: Field) -> Later {
    match field {
        Field::Name => Later::refused_name,
        Field::Phone => Later::refused_phone,
        Field::Email => Later::refused_email,
        Field::Address => Later::refused_address,
        Field::Notes => Later::refused_notes,
        Field::Location => Later::refused_location,
        Field::Tier => Later::refused_tier,
        Field::Items => Later::refused_items,
    }
}

impl SubmitFailure for Failure {
    fn network() -> Self {
        Failure::Retryable {
            text: Later::order_network,
        }
    }

    fn bad_return_url() -> Self {
        Failure::Rejected {
            said: Said::Ours(Later::bad_return_url),
        }
    }

    fn from_response(status: u16, retry_after: Option<&str>, body: Option<&ErrorBody>) -> Self {
        let code = body.map_or("", |b| b.error.as_str());
        if status == 429 || code == "rate_limited" {
            return Failure::RateLimited {
                retry_after_secs: retry_after_secs(retry_after, body, MAX_RETRY_AFTER_SECS),
            };
        }
        match code {
            "unserviceable_delivery" => {
                return Failure::Unserviceable {
                    warnings: body.and_then(|b| b.warnings.clone()).unwrap_or_default(),
                };
            }
            "out_of_stock" => {
                return Failure::OutOfStock {
                    product_ids: body.and_then(|b| b.product_ids.clone()).unwrap_or_default(),
                };
            }
            "insufficient_balance" | "order_total_exceeds_limit" => {
                return Failure::StoreUnavailable;
            }
            "idempotency_key_reused" => return Failure::KeyConflict,
            // the page's address is not one the store allows to come back to after paying:
            // nothing the shopper can fix, and nothing was made
            "invalid_return_url" => return Failure::bad_return_url(),
            _ => {}
        }
        // the docs' error table: a product that doesn't exist is `404 not_found`, naming its line
        if code == "not_found"
            && body
                .and_then(|b| b.field.as_deref())
                .is_some_and(|f| f.starts_with("items"))
        {
            return Failure::Field {
                field: Field::Items,
            };
        }
        if code.starts_with("invalid_") && code != "invalid_idempotency_key" {
            let hinted = body
                .and_then(|b| b.field.as_deref())
                .and_then(field_for_hint);
            if let Some(field) = hinted.or_else(|| field_for_code(code)) {
                return Failure::Field { field };
            }
        }
        if status >= 500 || code == "server_error" || body.and_then(|b| b.retryable) == Some(true) {
            return Failure::Retryable {
                text: Later::order_server_error,
            };
        }
        Failure::Rejected {
            said: body.map_or(Said::Status(status), |b| Said::Server(b.message.clone())),
        }
    }

    fn keeps_key(&self) -> bool {
        matches!(
            self,
            Failure::RateLimited { .. } | Failure::Retryable { .. }
        )
    }
}

impl Failure {
    /// The control to mark and focus, if the failure belongs to one.
    pub fn field(&self) -> Option<Field> {
        match self {
            Failure::Field { field, .. } => Some(*field),
            Failure::Unserviceable { .. } => Some(Field::Tier),
            Failure::OutOfStock { .. } => Some(Field::Items),
            _ => None,
        }
    }

    /// The step the message is shown in.
    pub fn step(&self) -> Step {
        self.field().map_or(Step::Review, Field::step)
    }

    /// A sentence for the shopper, in the store's wording.
    pub fn message(&self, w: &Wording) -> String {
        let text = match self {
            Failure::Field { field } => field_text(*field),
            Failure::Retryable { text }
            | Failure::Rejected {
                said: Said::Ours(text),
            } => *text,
            Failure::Rejected {
                said: Said::Server(message),
            } => return message.clone(),
            Failure::Rejected {
                said: Said::Status(status),
            } => return w.fill(Later::order_refused, &[("status", &status.to_string())]),
            Failure::Unserviceable { .. } => Later::order_unserviceable,
            Failure::OutOfStock { .. } => Later::order_sold_out,
            Failure::StoreUnavailable => Later::store_unavailable,
            Failure::RateLimited { retry_after_secs } => {
                return w.fill(
                    Later::store_busy,
                    &[("seconds", &retry_after_secs.to_string())],
                );
            }
            Failure::KeyConflict => Later::order_changed,
        };
        w.get(text).to_owned()
    }

    /// Whether the shopper gets a "Try again" button that resends the same request.
    pub fn offers_retry(&self) -> bool {
        matches!(
            self,
            Failure::Retryable { .. } | Failure::StoreUnavailable | Failure::KeyConflict
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(code: &str) -> ErrorBody {
        ErrorBody::new(code, format!("{code} happened"))
    }

    #[test]
    fn an_unknown_product_goes_to_the_items() {
        let mut b = body("not_found");
        b.field = Some("items[1].product_id".into());
        let f = Failure::from_response(404, None, Some(&b));
        assert_eq!(f.field(), Some(Field::Items));
        assert!(!f.keeps_key(), "no order was made: a new key is safe");
        // any other 404 is a plain refusal
        assert!(matches!(
            Failure::from_response(404, None, Some(&body("not_found"))),
            Failure::Rejected { .. }
        ));
    }

    #[test]
    fn invalid_fields_go_to_their_control() {
        for (hint, field) in [
            ("customer.name", Field::Name),
            ("customer.phone", Field::Phone),
            ("customer.email", Field::Email),
            ("delivery.address", Field::Address),
            ("delivery.notes", Field::Notes),
            ("delivery.tier", Field::Tier),
            ("items[2].quantity", Field::Items),
        ] {
            let f = Failure::from_response(422, None, Some(&body("invalid_x").with_field(hint)));
            assert_eq!(f.field(), Some(field), "{hint}");
            assert!(!f.keeps_key());
        }
        // no hint: the code names the field
        let f = Failure::from_response(422, None, Some(&body("invalid_customer_email")));
        assert_eq!(f.field(), Some(Field::Email));
        assert_eq!(f.step(), Step::Details);
    }

    #[test]
    fn bad_location_goes_to_the_location_field() {
        for hint in ["state_code", "lga_name", "delivery.state_code", "lga_id"] {
            let f = Failure::from_response(
                422,
                None,
                Some(&body("invalid_delivery_location").with_field(hint)),
            );
            assert_eq!(f.field(), Some(Field::Location), "{hint}");
            assert_eq!(f.step(), Step::Address);
        }
    }

    #[test]
    fn unserviceable_goes_to_the_quote_step() {
        let mut b = body("unserviceable_delivery");
        b.warnings = Some(vec![
            "Scheme 'Lagos Metro Only' does not ship to this area.".into(),
        ]);
        let f = Failure::from_response(422, None, Some(&b));
        assert_eq!(f.step(), Step::Delivery);
        assert!(matches!(&f, Failure::Unserviceable { warnings } if warnings.len() == 1));
        assert!(!f.keeps_key());
    }

    #[test]
    fn out_of_stock_marks_items() {
        let mut b = body("out_of_stock");
        b.product_ids = Some(vec![7, 9]);
        let f = Failure::from_response(422, None, Some(&b));
        assert_eq!(
            f,
            Failure::OutOfStock {
                product_ids: vec![7, 9]
            }
        );
        assert_eq!(f.step(), Step::Review);
    }

    #[test]
    fn balance_is_never_revealed() {
        let mut b = body("insufficient_balance");
        b.required = Some(29000);
        b.balance = Some(12500);
        for f in [
            Failure::from_response(422, None, Some(&b)),
            Failure::from_response(422, None, Some(&body("order_total_exceeds_limit"))),
        ] {
            assert_eq!(f, Failure::StoreUnavailable);
            let m = f.message(&crate::wording::ENGLISH);
            assert!(m.contains("can't take this order"));
            assert!(!m.contains("12,500") && !m.contains("12500") && !m.contains("balance"));
        }
    }

    #[test]
    fn rate_limits_wait_and_keep_the_key() {
        let f = Failure::from_response(429, Some("7"), Some(&body("rate_limited")));
        assert_eq!(
            f,
            Failure::RateLimited {
                retry_after_secs: 7
            }
        );
        assert!(f.keeps_key());
        let mut b = body("rate_limited");
        b.retry_after = Some(3);
        assert_eq!(
            retry_after_secs(Some("soon"), Some(&b), MAX_RETRY_AFTER_SECS),
            3
        );
        assert_eq!(retry_after_secs(None, None, MAX_RETRY_AFTER_SECS), 5);
        assert_eq!(retry_after_secs(Some("0"), None, MAX_RETRY_AFTER_SECS), 1);
        assert_eq!(
            retry_after_secs(Some("99999"), None, MAX_RETRY_AFTER_SECS),
            MAX_RETRY_AFTER_SECS
        );
    }

    #[test]
    fn server_errors_and_silence_keep_the_key() {
        for f in [
            Failure::network(),
            Failure::from_response(500, None, Some(&body("server_error"))),
            Failure::from_response(502, None, None),
            Failure::from_response(504, None, Some(&body("upstream_timeout"))),
        ] {
            assert!(f.keeps_key(), "{f:?}");
            assert!(f.offers_retry());
            assert_eq!(f.step(), Step::Review);
        }
    }

    #[test]
    fn conflicts_and_rejections_renew() {
        let f = Failure::from_response(422, None, Some(&body("idempotency_key_reused")));
        assert_eq!(f, Failure::KeyConflict);
        assert!(!f.keeps_key());
        let f = Failure::from_response(422, None, Some(&body("invalid_return_url")));
        assert!(
            f.message(&crate::wording::ENGLISH)
                .contains("tell the store")
        );
        assert!(!f.keeps_key() && !f.offers_retry());
        let f = Failure::from_response(403, None, Some(&body("origin_not_allowed")));
        assert!(matches!(f, Failure::Rejected { .. }));
        assert!(!f.keeps_key());
        assert!(!f.offers_retry());
    }
}
