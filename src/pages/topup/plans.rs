//! The plan list: one radio card per plan, grouped by validity, the less reliable plans folded
//! away under a warning.

use amigo_types::data::DataPlan;
use leptos::prelude::*;

use crate::topup::TopUp;
use crate::topup::plans::{PlanGroups, badge, efficiency_text, plan_label};
use crate::wording::{Later, words};

/// One plan as a radio card.
fn plan_card(plan: &DataPlan, t: RwSignal<TopUp>, locked: Signal<bool>) -> impl IntoView {
    let id = plan.plan_id;
    let input_id = format!("topup-plan-{id}");
    let badge = badge(plan);
    let w = words();
    view! {
        <label class="tu-plan">
            <input type="radio" name="topup-plan" id=input_id value=id.to_string()
                aria-label=plan_label(plan, w)
                prop:checked=move || t.with(|t| t.plan == Some(id))
                prop:disabled=move || locked.get()
                on:change=move |_| {
                    t.update(|t| {
                        t.edit(|t| t.plan = Some(id));
                    });
                }
            />
            <span class="tu-cap">{plan.capacity.clone()}</span>
            <span class="tu-val">{plan.validity.clone()}</span>
            <span class="tu-price">{plan.price.display.clone()}</span>
            <span class="tu-eff">
                {efficiency_text(plan, w)}
                {badge.map(|(text, kind)| view! {
                    " " <span class=format!("tu-badge {kind}")>{w.get(text)}</span>
                })}
            </span>
        </label>
    }
}

pub(super) fn plan_list(
    groups: PlanGroups,
    t: RwSignal<TopUp>,
    locked: Signal<bool>,
) -> impl IntoView {
    let poor_chosen = t.with_untracked(|t| groups.poor.iter().any(|p| Some(p.plan_id) == t.plan));
    let poor = groups.poor;
    let w = words();
    view! {
        {groups
            .groups
            .into_iter()
            .map(|g| view! {
                <fieldset class="tu-group">
                    <legend>{w.get(g.title)}</legend>
                    <div class="tu-plans">
                        {g.plans.iter().map(|p| plan_card(p, t, locked)).collect_view()}
                    </div>
                </fieldset>
            })
            .collect_view()}
        {(!poor.is_empty()).then(|| view! {
            <details class="tu-poor" open=poor_chosen>
                <summary>{w.fill(Later::less_reliable_count, &[("n", &poor.len().to_string())])}</summary>
                <p class="tu-warning">
                    {w.get(Later::less_reliable_warning)}
                </p>
                <fieldset class="tu-group">
                    <legend class="sr-only">{w.get(Later::less_reliable)}</legend>
                    <div class="tu-plans">
                        {poor.iter().map(|p| plan_card(p, t, locked)).collect_view()}
                    </div>
                </fieldset>
            </details>
        })}
    }
}
