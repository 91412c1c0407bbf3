//! The body of `POST /transaction/initialize`, read field by field so each refusal carries the
//! message Paystack gives for that field. Fields the emulator does not model (`plan`,
//! `subaccount`, `split_code`, `bearer`, …) are ignored, as Paystack ignores what it does not use.

use reqwest::Url;
use serde_json::{Map, Value};

use super::Channel;
use crate::error::ApiError;
use crate::money::Kobo;

/// Longest reference accepted (Paystack does not document one).
pub(crate) const MAX_REFERENCE_LEN: usize = 100;
/// Longest callback URL accepted.
pub(crate) const MAX_URL_LEN: usize = 2048;
/// Longest email address (RFC 5321's path limit).
pub(crate) const MAX_EMAIL_LEN: usize = 254;

/// A validated initialize request.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTransaction {
    /// The payer's email.
    pub email: String,
    /// What to charge.
    pub amount: Kobo,
    /// The merchant's reference, or `None` to generate one.
    pub reference: Option<String>,
    /// Where to send the payer afterwards.
    pub callback_url: Option<Url>,
    /// The channels the page offers (never empty).
    pub channels: Vec<Channel>,
    /// Custom data, echoed back.
    pub metadata: Option<Value>,
}

fn invalid(message: &str) -> ApiError {
    ApiError::Validation(message.to_owned())
}

/// A field that is absent or JSON `null` counts as not sent.
fn field<'a>(body: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    body.get(name).filter(|v| !v.is_null())
}

impl NewTransaction {
    /// Validates `body`, the parsed JSON of the request.
    pub fn parse(body: &Value) -> Result<Self, ApiError> {
        let body = body.as_object().ok_or(ApiError::InvalidBody)?;
        let email = field(body, "email")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|e| valid_email(e))
            .ok_or_else(|| invalid("Invalid Email Address Passed"))?
            .to_owned();
        let amount = field(body, "amount")
            .and_then(parse_amount)
            .ok_or_else(|| invalid("Invalid Amount Sent"))?;
        match field(body, "currency") {
            None => {}
            Some(Value::String(c)) if c == "NGN" => {}
            Some(_) => return Err(invalid("Currency not supported by merchant")),
        }
        let reference = match field(body, "reference") {
            None => None,
            Some(Value::String(r)) if valid_reference(r) => Some(r.clone()),
            Some(_) => return Err(invalid("Invalid transaction reference")),
        };
        let callback_url = match field(body, "callback_url") {
            None => None,
            Some(Value::String(u)) => {
                Some(parse_http_url(u).ok_or_else(|| invalid("Invalid callback_url"))?)
            }
            Some(_) => return Err(invalid("Invalid callback_url")),
        };
        let channels = parse_channels(field(body, "channels"))?;
        let metadata = match field(body, "metadata") {
            None => None,
            Some(Value::String(s)) if s.is_empty() => None,
            Some(Value::String(s)) => Some(
                serde_json::from_str::<Value>(s)
                    .ok()
                    .filter(Value::is_object)
                    .ok_or_else(|| invalid("Invalid metadata: expected a JSON object"))?,
            ),
            Some(v @ Value::Object(_)) => Some(v.clone()),
            Some(_) => return Err(invalid("Invalid metadata: expected a JSON object")),
        };
        Ok(Self {
            email,
            amount,
            reference,
            callback_url,
            channels,
            metadata,
        })
    }
}

/// An integer number of kobo, as a JSON integer or a string of digits (the docs' own samples
/// send `"amount": "500000"`). Fractions, signs, zero and amounts above the maximum are refused.
fn parse_amount(v: &Value) -> Option<Kobo> {
    let raw = match v {
        Value::Number(n) => n.as_u64()?,
        Value::String(s)
            if !s.is_empty() && s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit()) =>
        {
            s.parse().ok()?
        }
        _ => return None,
    };
    Kobo::new(raw)
}

/// Paystack: "Only -, ., = and alphanumeric characters allowed."
fn valid_reference(r: &str) -> bool {
    !r.is_empty()
        && r.len() <= MAX_REFERENCE_LEN
        && r.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'='))
}

/// A plain `local@domain.tld` address: printable ASCII, the local part from RFC 5322's atom
/// characters, a dotted domain of letters, digits and hyphens.
fn valid_email(e: &str) -> bool {
    if e.len() > MAX_EMAIL_LEN {
        return false;
    }
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    local_ok && domain_ok
}

fn parse_http_url(raw: &str) -> Option<Url> {
    if raw.len() > MAX_URL_LEN {
        return None;
    }
    Url::parse(raw)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

/// `channels`: an array of Paystack channel names. The page offers the ones it emulates; a
/// list naming none of them is refused, since no payment could complete.
fn parse_channels(v: Option<&Value>) -> Result<Vec<Channel>, ApiError> {
    let Some(v) = v else {
        return Ok(Channel::EMULATED.to_vec());
    };
    let items = v.as_array().ok_or_else(|| invalid("Invalid channels"))?;
    if items.is_empty() {
        return Ok(Channel::EMULATED.to_vec());
    }
    let mut asked = Vec::new();
    for item in items {
        let c = item
            .as_str()
            .and_then(Channel::parse)
            .ok_or_else(|| invalid("Invalid channels"))?;
        if !asked.contains(&c) {
            asked.push(c);
        }
    }
    let offered: Vec<Channel> = Channel::EMULATED
        .into_iter()
        .filter(|c| asked.contains(c))
        .collect();
    if offered.is_empty() {
        return Err(invalid(
            "None of the requested channels is available in the sandbox (card, bank_transfer, ussd)",
        ));
    }
    Ok(offered)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn msg(body: &Value) -> String {
        NewTransaction::parse(body).unwrap_err().to_string()
    }

    #[test]
    fn minimal_body() {
        let t = NewTransaction::parse(&json!({"email": "a@b.co", "amount": 500000})).unwrap();
        assert_eq!(t.amount.get(), 500_000);
        assert_eq!(t.reference, None);
        assert_eq!(t.channels, Channel::EMULATED.to_vec());
        assert_eq!(t.metadata, None);
    }

    #[test]
    fn amount_as_digit_string_like_the_docs() {
        let t = NewTransaction::parse(&json!({"email": "a@b.co", "amount": "20000"})).unwrap();
        assert_eq!(t.amount.get(), 20_000);
    }

    #[test]
    fn bad_amounts() {
        for a in [
            json!(0),
            json!(-5),
            json!(10.5),
            json!("1e3"),
            json!(""),
            json!(true),
            json!(1_000_000_001u64),
        ] {
            assert_eq!(
                msg(&json!({"email": "a@b.co", "amount": a})),
                "Invalid Amount Sent",
                "{a}"
            );
        }
        assert_eq!(msg(&json!({"email": "a@b.co"})), "Invalid Amount Sent");
    }

    #[test]
    fn bad_emails() {
        for e in [
            "",
            "plain",
            "a@b",
            "a@@b.co",
            "<script>@x.co",
            "a b@c.co",
            "a@-b.co",
            ".a@b.co",
        ] {
            assert_eq!(
                msg(&json!({"email": e, "amount": 100})),
                "Invalid Email Address Passed",
                "{e}"
            );
        }
        assert!(
            NewTransaction::parse(&json!({"email": "o'neil&co+x@mail.example.ng", "amount": 100}))
                .is_ok()
        );
    }

    #[test]
    fn currency_reference_url_channels_metadata() {
        let base = |k: &str, v: Value| {
            let mut b = json!({"email": "a@b.co", "amount": 100});
            b[k] = v;
            b
        };
        assert_eq!(
            msg(&base("currency", json!("USD"))),
            "Currency not supported by merchant"
        );
        assert!(NewTransaction::parse(&base("currency", json!("NGN"))).is_ok());
        assert_eq!(
            msg(&base("reference", json!("has space"))),
            "Invalid transaction reference"
        );
        assert_eq!(
            msg(&base("reference", json!(""))),
            "Invalid transaction reference"
        );
        assert!(NewTransaction::parse(&base("reference", json!("ord-1.a=b"))).is_ok());
        assert_eq!(
            msg(&base("callback_url", json!("javascript:alert(1)"))),
            "Invalid callback_url"
        );
        assert_eq!(
            msg(&base("callback_url", json!("/relative"))),
            "Invalid callback_url"
        );
        assert_eq!(
            msg(&base("channels", json!(["bitcoin"]))),
            "Invalid channels"
        );
        assert!(
            msg(&base("channels", json!(["qr"]))).starts_with("None of the requested channels")
        );
        let t = NewTransaction::parse(&base("channels", json!(["ussd", "card", "qr"]))).unwrap();
        assert_eq!(t.channels, vec![Channel::Card, Channel::Ussd]);
        assert_eq!(
            msg(&base("metadata", json!([1]))),
            "Invalid metadata: expected a JSON object"
        );
        let t = NewTransaction::parse(&base("metadata", json!("{\"order\":7}"))).unwrap();
        assert_eq!(t.metadata, Some(json!({"order": 7})));
        assert_eq!(msg(&json!([1, 2])), "Invalid JSON body");
    }
}
