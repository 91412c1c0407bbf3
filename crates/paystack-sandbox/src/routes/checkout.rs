//! The hosted payment page: `GET /checkout/{access_code}` shows it, `POST` applies the payer's
//! button (`action=pay|decline|abandon`, `channel=…`) and sends the browser on with `303 See
//! Other`: to `callback_url?trxref=…&reference=…` after pay or decline, to
//! `metadata.cancel_action` (else the callback) after abandon.

use axum::Form;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::Markup;
use serde::Deserialize;

use crate::checkout::{page, settle_and_notify};
use crate::state::AppState;
use crate::transactions::settle::{Outcome, SettleError};
use crate::transactions::{Channel, Transaction};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/checkout/{access_code}", get(show).post(act))
}

/// Pages are per-payer and change with every click: never cached, never framed.
fn html(status: StatusCode, markup: Markup) -> Response {
    let mut response = (status, Html(markup.into_string())).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn message(
    state: &AppState,
    status: StatusCode,
    heading: &str,
    tx: Option<&Transaction>,
) -> Response {
    html(
        status,
        page::outcome_page(&state.settings.merchant_name, heading, tx),
    )
}

async fn show(State(state): State<AppState>, Path(access_code): Path<String>) -> Response {
    match state.ledger.by_access_code(&access_code) {
        Some(tx) => html(
            StatusCode::OK,
            page::payment_page(&state.settings.merchant_name, &tx),
        ),
        None => message(
            &state,
            StatusCode::NOT_FOUND,
            "This payment link is not valid.",
            None,
        ),
    }
}

/// The form as posted; every field checked before use.
#[derive(Debug, Deserialize)]
struct ButtonForm {
    action: Option<String>,
    channel: Option<String>,
}

async fn act(
    State(state): State<AppState>,
    Path(access_code): Path<String>,
    form: Result<Form<ButtonForm>, FormRejection>,
) -> Response {
    let Some(tx) = state.ledger.by_access_code(&access_code) else {
        return message(
            &state,
            StatusCode::NOT_FOUND,
            "This payment link is not valid.",
            None,
        );
    };
    let Ok(Form(form)) = form else {
        return message(
            &state,
            StatusCode::BAD_REQUEST,
            "The form could not be read.",
            Some(&tx),
        );
    };
    let channel = form.channel.as_deref().and_then(Channel::parse);
    let outcome = match (form.action.as_deref(), channel) {
        (Some("pay"), Some(c)) => Outcome::Pay(c),
        (Some("decline"), Some(c)) => Outcome::Decline(c),
        (Some("abandon"), _) => Outcome::Abandon,
        (Some("pay" | "decline"), None) => {
            return message(
                &state,
                StatusCode::BAD_REQUEST,
                "Choose a payment channel.",
                Some(&tx),
            );
        }
        _ => {
            return message(
                &state,
                StatusCode::BAD_REQUEST,
                "Unknown action.",
                Some(&tx),
            );
        }
    };
    let settled = settle_and_notify(
        &state.ledger,
        &state.clock,
        &state.webhooks,
        state.domain(),
        &tx.reference,
        outcome,
    );
    let tx = match settled {
        Ok(Some(tx)) => tx,
        Ok(None) => {
            return message(
                &state,
                StatusCode::NOT_FOUND,
                "This payment link is not valid.",
                None,
            );
        }
        Err(SettleError::AlreadyCompleted) => {
            return message(
                &state,
                StatusCode::CONFLICT,
                "This transaction has already been completed.",
                Some(&tx),
            );
        }
        Err(SettleError::ChannelNotOffered) => {
            return message(
                &state,
                StatusCode::BAD_REQUEST,
                "This channel is not available for this transaction.",
                Some(&tx),
            );
        }
    };
    let (next, heading) = match outcome {
        Outcome::Pay(_) => (tx.callback_redirect(), "Payment successful."),
        Outcome::Decline(_) => (tx.callback_redirect(), "Payment declined."),
        Outcome::Abandon => (tx.cancel_url(), "Payment abandoned."),
    };
    match next {
        Some(url) => Redirect::to(url.as_str()).into_response(),
        None => message(&state, StatusCode::OK, heading, Some(&tx)),
    }
}
