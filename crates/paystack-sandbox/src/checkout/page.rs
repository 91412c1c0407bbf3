//! The HTML of the hosted payment page and of its outcomes. Plain forms, no script; maud
//! escapes every value it interpolates, so an email or metadata value cannot become markup.

use maud::{DOCTYPE, Markup, html};

use crate::money::Naira;
use crate::transactions::Transaction;

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}\
h1{font-size:1.1rem}.amount{font-size:2rem;font-weight:700;margin:.5rem 0}\
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}dt{color:#666}\
fieldset{border:1px solid #ccc;border-radius:.5rem;margin:1rem 0}\
button{font-size:1rem;padding:.6rem 1rem;margin:.25rem .25rem 0 0;border-radius:.4rem;border:1px solid #888}\
button[value=pay]{background:#0ba4db;color:#fff;border-color:#0ba4db}\
pre{white-space:pre-wrap;word-break:break-all;background:#f5f5f5;padding:.5rem}\
.note{color:#666;font-size:.85rem}";

fn shell(title: &str, body: &Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (title) }
                style { (STYLE) }
            }
            body {
                (body)
                p.note { "Paystack sandbox: no real money moves." }
            }
        }
    }
}

fn summary(merchant: &str, tx: &Transaction) -> Markup {
    html! {
        h1 { (merchant) }
        p.amount { (Naira(tx.amount)) }
        dl {
            dt { "Email" } dd #email { (tx.customer.email) }
            dt { "Reference" } dd #reference { (tx.reference) }
            dt { "Status" } dd #status { (tx.status.as_str()) }
        }
        @if let Some(metadata) = &tx.metadata {
            details {
                summary { "Metadata" }
                pre #metadata { (serde_json::to_string_pretty(metadata).unwrap_or_default()) }
            }
        }
    }
}

/// The page a payer lands on from `authorization_url`: the summary and, while the transaction
/// is open, the channel choice and Pay / Decline / Abandon.
pub(crate) fn payment_page(merchant: &str, tx: &Transaction) -> Markup {
    let action = format!("/checkout/{}", tx.access_code);
    shell(
        &format!("Pay {merchant}"),
        &html! {
            (summary(merchant, tx))
            @if tx.is_open() {
                form method="post" action=(action) {
                    fieldset {
                        legend { "Pay with" }
                        @for (i, channel) in tx.channels.iter().enumerate() {
                            label {
                                input type="radio" name="channel" value=(channel.as_str()) checked[i == 0];
                                " " (channel.label())
                            }
                            br;
                        }
                    }
                    button type="submit" name="action" value="pay" { "Pay " (Naira(tx.amount)) }
                    button type="submit" name="action" value="decline" { "Decline" }
                    button type="submit" name="action" value="abandon" { "Abandon" }
                }
            } @else {
                p { "This transaction has already been completed." }
            }
        },
    )
}

/// What the payer sees when there is no callback URL to go back to, or the action failed.
pub(crate) fn outcome_page(merchant: &str, heading: &str, tx: Option<&Transaction>) -> Markup {
    shell(
        heading,
        &html! {
            p #outcome { strong { (heading) } }
            @if let Some(tx) = tx {
                (summary(merchant, tx))
            }
        },
    )
}
