//! What a checkout's tracking page shows before the order exists: its stage (the status line and
//! what to do next: pay, the bank details, start again) and what was bought.

use amigo_types::checkout::{CheckoutKind, CheckoutView};
use leptos::prelude::*;

use crate::checkout::payment_status::{NextStep, Tone, stage};
use crate::components::link::StoreLink;
use crate::components::purchase_lines::{item_list, totals};
use crate::components::transfer_details::TransferDetailsList;
use crate::state::route::Route;
use crate::topup::pay::masked_phone;
use crate::wording::{Later, Wording, words};

/// The shown stage: status line, what to do next.
pub(super) fn stage_view(view: &CheckoutView, w: &'static Wording) -> impl IntoView + use<> {
    let s = stage(view, w);
    let tone = match s.tone {
        Tone::Waiting => "waiting",
        Tone::Good => "good",
        Tone::Bad => "bad",
    };
    let next = match s.next {
        NextStep::Pay { url } => view! {
            <p class="co-actions">
                <a class="btn primary co-pay" href=url>{w.fill(Later::pay_amount, &[("amount", &view.total.display)])}</a>
            </p>
        }
        .into_any(),
        NextStep::Transfer(details) => view! { <TransferDetailsList details=details/> }.into_any(),
        NextStep::StartAgain if view.kind == CheckoutKind::Data => view! {
            <p class="co-actions">
                <StoreLink to=Route::Data class="btn primary">{w.get(Later::buy_data_again)}</StoreLink>
            </p>
        }
        .into_any(),
        NextStep::StartAgain => view! {
            <p class="co-actions">
                <StoreLink to=Route::Checkout class="btn primary">{w.get(Later::check_out_again)}</StoreLink>
            </p>
        }
        .into_any(),
        NextStep::Wait | NextStep::TrackOrder { .. } | NextStep::TrackData { .. } => ().into_any(),
    };
    view! {
        <section class=format!("co-stage {tone}") aria-labelledby="co-stage-title"
            data-status=view.status.as_str()>
            <div role="status" aria-live="polite">
                <h3 id="co-stage-title">{s.title}</h3>
                <p class="co-stage-detail">{s.detail}</p>
            </div>
            {next}
        </section>
    }
}

/// What was bought and what it costs: the lines and delivery of an order, or the plan and the
/// line (masked) of a data top-up.
pub(super) fn summary_view(view: &CheckoutView, phone: &str) -> AnyView {
    let w = words();
    if view.kind == CheckoutKind::Data {
        let plan = view
            .items
            .first()
            .map(|i| i.name.clone())
            .unwrap_or_default();
        return view! {
            <h3 class="co-tl-title">{w.get(Later::your_data)}</h3>
            <dl class="co-totals tu-summary">
                <div><dt>{w.get(Later::plan)}</dt><dd>{plan}</dd></div>
                <div><dt>{w.get(Later::line)}</dt><dd>{masked_phone(phone)}</dd></div>
                <div class="co-total"><dt>{w.get(Later::total)}</dt><dd>{view.total.display.clone()}</dd></div>
            </dl>
        }
        .into_any();
    }
    view! {
        {item_list(&view.items, w.get(Later::items))}
        {totals(&view.subtotal, &view.delivery_fee, &view.total, w)}
    }
    .into_any()
}
