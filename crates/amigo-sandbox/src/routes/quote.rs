//! `POST /api/commerce/delivery/quote/`: prices both delivery tiers for a cart at an address,
//! with the same resolver order creation uses. Public, CORS open.

use amigo_types::delivery::{Quote, QuoteRequest};
use amigo_types::envelope::{ApiError, DataEnvelope};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;

use crate::delivery;
use crate::error::{SandboxError, SandboxResult};
use crate::extract::{PublicCaller, json_body};
use crate::state::AppState;

/// Validates the body (location given, 1–100 items) and resolves the quote.
pub(crate) async fn post(
    _caller: PublicCaller,
    State(state): State<AppState>,
    body: Bytes,
) -> SandboxResult<Json<DataEnvelope<Quote>>> {
    let request = parse_quote_request(&body)?;
    let quote = delivery::quote(
        &state.catalog,
        &state.locations,
        &state.schemes,
        &request.location,
        &request.items,
    )?;
    Ok(Json(DataEnvelope::new(quote)))
}

/// Parses a `POST delivery/quote/` body into a validated [`QuoteRequest`].
///
/// The location fields sit flat beside `items` (a serde `flatten`), where serde loses the
/// field path of a failure; they are checked here first so a wrong type still answers
/// `invalid_delivery_location` naming the field, and a missing `items` answers
/// `invalid_items`, instead of a generic `invalid_json`.
fn parse_quote_request(bytes: &[u8]) -> Result<QuoteRequest, SandboxError> {
    let value: serde_json::Value = json_body(bytes)?;
    let Some(object) = value.as_object() else {
        return Err(SandboxError::Invalid(ApiError {
            code: "invalid_json".into(),
            field: None,
            message: "request body must be a JSON object".into(),
        }));
    };
    for (field, want_number) in [
        ("state_id", true),
        ("lga_id", true),
        ("state_code", false),
        ("lga_name", false),
    ] {
        let ok = match object.get(field) {
            None | Some(serde_json::Value::Null) => true,
            Some(v) if want_number => v.as_u64().is_some_and(|n| u32::try_from(n).is_ok()),
            Some(v) => v.is_string(),
        };
        if !ok {
            let kind = if want_number {
                "a positive whole number"
            } else {
                "a string"
            };
            return Err(SandboxError::Invalid(ApiError::invalid(
                "invalid_delivery_location",
                field,
                format!("{field} must be {kind}"),
            )));
        }
    }
    if !object.contains_key("items") {
        return Err(SandboxError::Invalid(ApiError::invalid(
            "invalid_items",
            "items",
            "items is required: a list of {product_id, quantity}",
        )));
    }
    let mut request: QuoteRequest = json_body(bytes)?;
    // a product named on two lines is one line of both quantities (README: lenient readings)
    request.items = amigo_types::delivery::merge_repeated_lines(&request.items);
    request.validate()?;
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(e: SandboxError) -> (String, Option<String>) {
        match e {
            SandboxError::Invalid(a) => (a.code, a.field),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn quote_bodies_name_the_bad_field() {
        let err = |b: &str| code(parse_quote_request(b.as_bytes()).unwrap_err());
        let items = r#""items":[{"product_id":1,"quantity":1}]"#;
        assert_eq!(
            err(&format!(r#"{{"state_id":"x",{items}}}"#)),
            ("invalid_delivery_location".into(), Some("state_id".into()))
        );
        assert_eq!(
            err(&format!(r#"{{"lga_name":5,"state_code":"KD",{items}}}"#)),
            ("invalid_delivery_location".into(), Some("lga_name".into()))
        );
        assert_eq!(
            err(r#"{"state_code":"KD"}"#),
            ("invalid_items".into(), Some("items".into()))
        );
        assert_eq!(err("[1]").0, "invalid_json");
        assert_eq!(err("{").0, "invalid_json");
        let ok = parse_quote_request(format!(r#"{{"state_code":"KD",{items}}}"#).as_bytes());
        assert_eq!(ok.unwrap().items.len(), 1);
    }
}
