//! The store's bank details for a transfer checkout: account name, bank, account number, the
//! exact amount and the reference for the narration, each with a Copy button, and one status
//! line that says what was copied (or that copying was refused, so the shopper selects it).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::checkout::payment_status::TransferDetails;
use crate::wording::Later;

/// Writes `text` to the clipboard; `false` when the browser refuses (no permission, an insecure
/// page, an old browser).
async fn copy_text(text: String) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let promise = window.navigator().clipboard().write_text(&text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// The transfer's details with Copy buttons.
#[component]
pub fn TransferDetailsList(
    /// What to show.
    details: TransferDetails,
) -> impl IntoView {
    let copied: RwSignal<String> = RwSignal::new(String::new());
    let w = crate::wording::words();
    let rows = [
        (
            w.get(Later::account_name),
            details.account_name.clone(),
            details.account_name,
        ),
        (
            w.get(Later::bank),
            details.bank_name.clone(),
            details.bank_name,
        ),
        (
            w.get(Later::account_number),
            details.account_number.clone(),
            details.account_number,
        ),
        (w.get(Later::amount), details.amount, details.amount_digits),
        (
            w.get(Later::narration),
            details.narration.clone(),
            details.narration,
        ),
    ];
    view! {
        <dl class="co-bank" aria-label=w.get(Later::bank_details)>
            {rows
                .into_iter()
                .map(|(label, shown, copy)| {
                    let on_copy = move |_| {
                        let copy = copy.clone();
                        spawn_local(async move {
                            let said = if copy_text(copy).await {
                                w.fill(Later::copied, &[("label", label)])
                            } else {
                                w.fill(Later::copy_failed, &[("label", &label.to_lowercase())])
                            };
                            copied.try_set(said);
                        });
                    };
                    view! {
                        <div class="co-bank-row">
                            <dt>{label}</dt>
                            <dd>
                                <span class="co-bank-value">{shown}</span>
                                " "
                                <button type="button" class="btn co-copy"
                                    aria-label=w.fill(Later::copy_item, &[("label", &label.to_lowercase())])
                                    on:click=on_copy>
                                    {w.get(Later::copy)}
                                </button>
                            </dd>
                        </div>
                    }
                })
                .collect_view()}
        </dl>
        <p class="co-hint co-copied" role="status" aria-live="polite">{move || copied.get()}</p>
    }
}
