//! A quantity stepper: − / number input / +, clamped to 1..=max.

use leptos::prelude::*;

use crate::state::cart::clamp_quantity;
use crate::wording::{Later, words};

/// Quantity input with decrement and increment buttons.
#[component]
pub fn QuantityStepper(
    /// The current quantity.
    #[prop(into)]
    value: Signal<u32>,
    /// The largest allowed quantity (at least 1 for a usable stepper).
    #[prop(into)]
    max: Signal<u32>,
    /// Called with the new quantity, already within 1..=max.
    on_change: Callback<u32>,
    /// What is being counted, for assistive tech ("Oraimo FreePods 3").
    label: String,
) -> impl IntoView {
    let w = words();
    let name = [("name", label.as_str())];
    let dec_label = w.fill(Later::decrease_quantity, &name);
    let inc_label = w.fill(Later::increase_quantity, &name);
    let input_label = w.fill(Later::quantity_of, &name);
    let group_label = label;
    let set = move |n: u32| {
        let n = n.clamp(1, max.get_untracked().max(1));
        if n != value.get_untracked() {
            on_change.run(n);
        }
    };
    view! {
        <div class="stepper" role="group" aria-label=group_label>
            // the name comes from the screen-reader text, the glyph is decoration
            <button
                class="step"
                disabled=move || { value.get() <= 1 }
                on:click=move |_| set(value.get_untracked().saturating_sub(1))
            >
                <span aria-hidden="true">"−"</span>
                <span class="sr-only">{dec_label}</span>
            </button>
            <input
                type="number"
                inputmode="numeric"
                min="1"
                max=move || max.get().to_string()
                aria-label=input_label
                prop:value=move || value.get().to_string()
                on:change=move |ev| {
                    let n = clamp_quantity(&event_target_value(&ev), max.get_untracked());
                    on_change.run(n);
                }
            />
            <button
                class="step"
                disabled=move || { value.get() >= max.get() }
                on:click=move |_| set(value.get_untracked().saturating_add(1))
            >
                <span aria-hidden="true">"+"</span>
                <span class="sr-only">{inc_label}</span>
            </button>
        </div>
    }
}
