//! Reads whatever `POST /api/data/` answers. The docs publish only the request body, so the
//! proxy may not depend on the answer's shape: it takes the sandbox's full purchase when the
//! body is one, and otherwise pulls a reference and a status out of the usual places (top level
//! or under `data`, under the usual names), leaving the rest to what the proxy itself knows of
//! the purchase. The raw body is kept beside the record either way.

use amigo_types::data::{DataPurchase, DataPurchaseStatus};
use serde_json::Value;

const REFERENCE_NAMES: &[&str] = &[
    "reference",
    "ref",
    "transaction_ref",
    "transaction_reference",
    "transaction_id",
    "request_id",
    "order_id",
];
const STATUS_NAMES: &[&str] = &["status", "state", "delivery_status", "Status"];

/// What could be read from a purchase answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct PurchaseAnswer {
    /// The whole purchase, when the body is the shape the proxy knows.
    pub(crate) purchase: Option<DataPurchase>,
    /// Amigo's reference, wherever it was found.
    pub(crate) reference: Option<String>,
    /// The status, when a status word was found and understood.
    pub(crate) status: Option<DataPurchaseStatus>,
}

/// Reads `body` as tolerantly as it can; never fails (an unreadable body reads as nothing).
pub(crate) fn read_purchase_answer(body: &[u8]) -> PurchaseAnswer {
    if let Ok(env) = serde_json::from_slice::<amigo_types::DataEnvelope<DataPurchase>>(body) {
        return PurchaseAnswer {
            reference: Some(env.data.reference.clone()),
            status: Some(env.data.status),
            purchase: Some(env.data),
        };
    }
    let Ok(root) = serde_json::from_slice::<Value>(body) else {
        return PurchaseAnswer::default();
    };
    let layers: Vec<&Value> = [Some(&root), root.get("data")]
        .into_iter()
        .flatten()
        .filter(|v| v.is_object())
        .collect();
    let find = |names: &[&str]| {
        layers
            .iter()
            .rev()
            .find_map(|o| names.iter().find_map(|n| o.get(*n)).and_then(text))
    };
    PurchaseAnswer {
        purchase: None,
        reference: find(REFERENCE_NAMES).filter(|r| r.len() <= 64),
        status: find(STATUS_NAMES).as_deref().and_then(status),
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A status word in the spellings a carrier API uses.
fn status(word: &str) -> Option<DataPurchaseStatus> {
    match word.to_ascii_lowercase().as_str() {
        "delivered" | "success" | "successful" | "completed" | "complete" | "done" => {
            Some(DataPurchaseStatus::Delivered)
        }
        "failed" | "failure" | "error" | "refunded" | "reversed" | "cancelled" => {
            Some(DataPurchaseStatus::Failed)
        }
        "processing" | "pending" | "queued" | "initiated" | "submitted" | "in_progress" => {
            Some(DataPurchaseStatus::Processing)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_and_status_are_found_under_other_names() {
        let a =
            read_purchase_answer(br#"{"success":true,"data":{"ref":"XY-1","state":"successful"}}"#);
        assert_eq!(a.reference.as_deref(), Some("XY-1"));
        assert_eq!(a.status, Some(DataPurchaseStatus::Delivered));
        assert!(a.purchase.is_none());
        let b = read_purchase_answer(br#"{"status":"pending","transaction_id":12345}"#);
        assert_eq!(b.reference.as_deref(), Some("12345"));
        assert_eq!(b.status, Some(DataPurchaseStatus::Processing));
    }

    #[test]
    fn an_unreadable_answer_reads_as_nothing() {
        assert_eq!(
            read_purchase_answer(b"<html>OK</html>"),
            PurchaseAnswer::default()
        );
        let odd = read_purchase_answer(br#"{"status":"maybe"}"#);
        assert_eq!((odd.reference, odd.status), (None, None));
    }
}
