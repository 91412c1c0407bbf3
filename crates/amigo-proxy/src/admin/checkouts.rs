//! The console's "Payments" page: checkouts awaiting payment (bank transfers get **Mark
//! paid**, which places the order), paid ones being placed, and those that ended without an
//! order, refunds owed first.

use amigo_types::checkout::{CheckoutKind, CheckoutStatus, PaymentMethod};
use amigo_types::format_naira;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::views::{self, Section};
use super::{AdminError, Signed, page, same_origin, same_token};
use crate::state::AppState;
use crate::store::CheckoutRow;

/// `?marked=` / `?already=`: what the last Mark paid did.
#[derive(Debug, Deserialize)]
pub(super) struct Notice {
    #[serde(default)]
    marked: Option<String>,
    #[serde(default)]
    already: Option<String>,
}

/// The Mark paid form.
#[derive(Debug, Deserialize)]
pub(super) struct MarkPaidForm {
    #[serde(default)]
    csrf: String,
}

/// `GET /admin/checkouts`.
pub(super) async fn list(
    signed: Signed,
    State(state): State<AppState>,
    Query(notice): Query<Notice>,
) -> Result<Response, AdminError> {
    let store = state.store();
    let awaiting = store
        .checkouts_in(Some(CheckoutStatus::AwaitingPayment), 200)
        .await?;
    let paid = store.checkouts_in(Some(CheckoutStatus::Paid), 200).await?;
    let failed = store
        .checkouts_in(Some(CheckoutStatus::Failed), 100)
        .await?;
    let recent = store.checkouts_in(None, 50).await?;
    let body = view(&signed.csrf, &notice, &awaiting, &paid, &failed, &recent);
    Ok(page(
        StatusCode::OK,
        views::layout("Payments", Section::Payments, Some(&signed.csrf), &body),
    ))
}

/// `POST /admin/checkouts/{reference}/mark-paid`: the merchant saw the transfer arrive. Places
/// the order once, whoever presses it how often (the checkout moves to paid only once).
pub(super) async fn mark_paid(
    signed: Signed,
    State(state): State<AppState>,
    Path(reference): Path<String>,
    headers: HeaderMap,
    Form(form): Form<MarkPaidForm>,
) -> Result<Response, AdminError> {
    if !same_origin(&state, &headers) || !same_token(&form.csrf, &signed.csrf) {
        return Err(AdminError::Forbidden(
            "This form expired or came from another site. Reload the page and try again.",
        ));
    }
    if !amigo_types::checkout::is_checkout_reference(&reference) {
        return Err(AdminError::NotFound);
    }
    let marked = match crate::checkout::settle::mark_paid_by_merchant(&state, &reference).await {
        Ok(marked) => marked,
        Err(crate::error::ProxyError::NotFound) => return Err(AdminError::NotFound),
        Err(e) => return Err(AdminError::Internal(e.to_string())),
    };
    let which = if marked { "marked" } else { "already" };
    let encoded = amigo_types::catalog::encode_pairs(&[(which.to_owned(), reference)]);
    Ok(Redirect::to(&format!("/admin/checkouts?{encoded}")).into_response())
}

fn status_label(s: CheckoutStatus) -> &'static str {
    match s {
        CheckoutStatus::AwaitingPayment => "Awaiting payment",
        CheckoutStatus::Paid => "Paid, placing",
        CheckoutStatus::Placed => "Placed",
        CheckoutStatus::Expired => "Expired",
        CheckoutStatus::Failed => "Not placed",
        CheckoutStatus::Refunded => "Refunded",
    }
}

fn method_label(m: PaymentMethod) -> &'static str {
    match m {
        PaymentMethod::Paystack => "Paystack",
        PaymentMethod::Transfer => "Bank transfer",
        PaymentMethod::None => "None",
    }
}

fn view(
    csrf: &str,
    notice: &Notice,
    awaiting: &[CheckoutRow],
    paid: &[CheckoutRow],
    failed: &[CheckoutRow],
    recent: &[CheckoutRow],
) -> Markup {
    html! {
        h1 { "Payments" }
        @if let Some(r) = &notice.marked {
            p.notice role="status" { "Marked " (r) " paid; its order is being placed." }
        }
        @if let Some(r) = &notice.already {
            p.notice role="status" { (r) " was not awaiting payment (already paid, placed, or ended): nothing was done." }
        }
        h2 #awaiting { "Awaiting payment (" (awaiting.len()) ")" }
        @if awaiting.is_empty() { p { "None." } } @else {
            p { "Check that a transfer of exactly the amount, with the reference in its narration, reached your account before you press Mark paid: it places the order with Amigo, paid from your wallet." }
            div.scroll tabindex="0" role="region" aria-labelledby="awaiting" { table aria-labelledby="awaiting" {
                thead { tr { th scope="col" { "Reference" } th scope="col" { "Method" } th scope="col" class="num" { "Amount" } th scope="col" { "Created" } th scope="col" { "Expires" } th scope="col" { "Action" } } }
                tbody { @for c in awaiting { tr {
                    td { (c.reference) @if c.kind == CheckoutKind::Data { " " span.tag { "data" } } } td { (method_label(c.method)) }
                    td.num { (format_naira(c.total)) } td { (c.created_at) } td { (c.expires_at) }
                    td { @if c.method == PaymentMethod::Transfer {
                        form method="post" action=(format!("/admin/checkouts/{}/mark-paid", c.reference)) {
                            input type="hidden" name="csrf" value=(csrf);
                            button type="submit" aria-label=(format!("Mark {} paid", c.reference)) { "Mark paid" }
                        }
                    } @else { "Paid on Paystack's page" } }
                } } }
            } }
        }
        h2 #placing { "Paid, order being placed (" (paid.len()) ")" }
        @if paid.is_empty() { p { "None." } } @else {
            div.scroll tabindex="0" role="region" aria-labelledby="placing" { table aria-labelledby="placing" {
                thead { tr { th scope="col" { "Reference" } th scope="col" { "Method" } th scope="col" class="num" { "Amount" } th scope="col" { "Paid" } } }
                tbody { @for c in paid { tr {
                    td { (c.reference) @if c.kind == CheckoutKind::Data { " " span.tag { "data" } } } td { (method_label(c.method)) }
                    td.num { (format_naira(c.total)) } td { (c.paid_at.clone().unwrap_or_default()) }
                } } }
            } }
        }
        h2 #owed { "Not placed, refund owed (" (failed.len()) ")" }
        @if failed.is_empty() { p { "None." } } @else {
            div.scroll tabindex="0" role="region" aria-labelledby="owed" { table aria-labelledby="owed" {
                thead { tr { th scope="col" { "Reference" } th scope="col" { "Method" } th scope="col" class="num" { "Amount" } th scope="col" { "Why" } th scope="col" { "Refund" } } }
                tbody { @for c in failed { tr {
                    td { (c.reference) @if c.kind == CheckoutKind::Data { " " span.tag { "data" } } } td { (method_label(c.method)) }
                    td.num { (format_naira(c.total)) }
                    td { (c.failure_code.clone().unwrap_or_default()) }
                    td.bad { @if c.method == PaymentMethod::Transfer { "Refund the transfer from your bank" } @else { "Being retried through Paystack" } }
                } } }
            } }
        }
        h2 #recent { "Latest checkouts" }
        @if recent.is_empty() { p { "None yet." } } @else {
            div.scroll tabindex="0" role="region" aria-labelledby="recent" { table aria-labelledby="recent" {
                thead { tr { th scope="col" { "Reference" } th scope="col" { "Status" } th scope="col" { "Method" } th scope="col" class="num" { "Amount" } th scope="col" { "Order" } } }
                tbody { @for c in recent { tr {
                    td { (c.reference) @if c.kind == CheckoutKind::Data { " " span.tag { "data" } } } td { (status_label(c.status)) } td { (method_label(c.method)) }
                    td.num { (format_naira(c.total)) }
                    td { @match (&c.order_reference, c.kind) {
                        (Some(o), CheckoutKind::Order) => a href=(format!("/admin/orders/{o}")) { (o) },
                        (Some(o), CheckoutKind::Data) => (o),
                        (None, _) => "—",
                    } }
                } } }
            } }
        }
    }
}
