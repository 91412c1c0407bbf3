//! The state/LGA typeahead: an ARIA 1.2 combobox over `locations.php?search=`. Every decision
//! (debounce, stale answers, keys, narrowing to a state, the cache, the wording) is
//! `checkout::typeahead::Typeahead`; this component wires it to the input, a timer and the
//! network.
//!
//! The listbox's rows are static views patched in place when the options (or the active one)
//! change, and not touched on a keystroke that waits for a search; one listener on the list
//! serves every row. Rebuilding every row, its `<span>`s and its two listeners on each keystroke
//! and each arrow key was most of a keystroke's cost at 4× CPU (DOM churn, then garbage
//! collection of the dropped nodes and closures).

use std::time::Duration;

use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, KeyboardEvent};

use crate::checkout::api::{CallError, CheckoutApi};
use crate::checkout::details::ChosenLocation;
use crate::checkout::location::{ComboKey, options_from_lgas, options_from_search};
use crate::checkout::typeahead::{DEBOUNCE_MS, Lookup, Next, Query, Row, Typeahead};
use crate::wording::{Later, Text, words};

/// The delivery-area combobox.
#[component]
pub fn LgaTypeahead(
    /// The chosen LGA, if any.
    #[prop(into)]
    chosen: Signal<Option<ChosenLocation>>,
    /// Called with the shopper's choice (`None` when they clear or retype it).
    on_choose: Callback<Option<ChosenLocation>>,
    /// The inline error for this field.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let api = expect_context::<CheckoutApi>();
    let ta = RwSignal::new(Typeahead::new(chosen.get_untracked().as_ref()));
    let controller: StoredValue<Option<AbortController>, LocalStorage> =
        StoredValue::new_local(None);
    let timer: StoredValue<Option<TimeoutHandle>> = StoredValue::new(None);

    let cancel = move || {
        if let Some(h) = timer.try_get_value().flatten() {
            h.clear();
        }
        timer.try_set_value(None);
        if let Some(c) = controller.try_get_value().flatten() {
            c.abort();
        }
        controller.try_set_value(None);
    };
    let send = move |query: Query, ticket| {
        let ctl = AbortController::new().ok();
        let signal = ctl.as_ref().map(AbortController::signal);
        controller.set_value(ctl);
        let api = api.clone();
        spawn_local(async move {
            let answer = match &query {
                Query::Search(q) => api
                    .search_locations(q, signal.as_ref())
                    .await
                    .map(|f| options_from_search(&f)),
                Query::State(code) => api
                    .state_lgas(code, signal.as_ref())
                    .await
                    .map(|l| options_from_lgas(&l)),
            };
            if matches!(answer, Err(CallError::Aborted)) {
                return;
            }
            // `try_`: the combobox may have unmounted while the request was in flight; reading
            // a disposed signal panics, and a panic traps the whole module
            ta.try_update(|t| t.answered(ticket, query, answer.ok()));
        });
    };
    let send = StoredValue::new_local(send);
    let run = move |next: Next| match next {
        Next::Nothing => {}
        Next::Cancel => cancel(),
        Next::Debounce(query) => {
            cancel();
            let handle = set_timeout_with_handle(
                move || {
                    if let Some(Next::Send(q, ticket)) = ta.try_update(|t| t.send(query)) {
                        send.try_with_value(|f| f(q, ticket));
                    }
                },
                Duration::from_millis(DEBOUNCE_MS),
            )
            .ok();
            timer.set_value(handle);
        }
        Next::Send(query, ticket) => {
            cancel();
            send.with_value(|f| f(query, ticket));
        }
    };
    let report = move |choice: Option<ChosenLocation>| on_choose.run(choice);

    let on_input = move |ev| {
        let typed = event_target_value(&ev);
        if chosen.get_untracked().is_some() {
            report(None);
        }
        run(ta.try_update(|t| t.typed(typed)).unwrap_or(Next::Nothing));
    };
    let on_keydown = move |ev: KeyboardEvent| {
        let Some(key) = ComboKey::from_key(&ev.key()) else {
            return;
        };
        let Some(outcome) = ta.try_update(|t| t.key(key, ev.alt_key())) else {
            return;
        };
        if outcome.prevent_default {
            ev.prevent_default();
        }
        run(outcome.next);
        if let Some(choice) = outcome.report {
            report(choice);
        }
    };
    let choose_row = move |id: &str| {
        let picked = ta.with_untracked(|t| t.option_by_id(id).cloned());
        if let Some(option) = picked
            && let Some((next, chosen)) = ta.try_update(|t| t.choose(option))
        {
            run(next);
            report(chosen);
        }
    };
    // one listener for every row, which it finds by the clicked option's id
    let on_list_click = move |ev: web_sys::MouseEvent| {
        let row = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[role=option]").ok().flatten());
        if let Some(row) = row {
            choose_row(&row.id());
        }
    };
    on_cleanup(cancel);

    let text = Memo::new(move |_| ta.with(|t| t.text().to_owned()));
    let open = Memo::new(move |_| ta.with(Typeahead::open));
    let rows = Memo::new(move |_| ta.with(Typeahead::rows));
    let lookup = Memo::new(move |_| ta.with(Typeahead::lookup));
    let narrowed = Memo::new(move |_| ta.with(|t| t.narrowed_name().map(str::to_owned)));
    let described = move || {
        let mut ids = String::from("co-location-hint co-location-status");
        if error.with(Option::is_some) {
            ids.push_str(" co-location-error");
        }
        ids
    };

    let w = words();
    view! {
        <div class="co-field combo">
            <label for="co-location">{w.get(Later::delivery_area)}</label>
            <p id="co-location-hint" class="co-hint">{w.get(Later::delivery_area_hint)}</p>
            {move || {
                narrowed
                    .get()
                    .map(|name| {
                        view! {
                            <p class="co-narrowed">
                                {w.fill(Later::showing_lgas_in, &[("state", &name)])}" "
                                <button type="button" class="co-link-button"
                                    on:click=move |_| ta.update(Typeahead::search_all_states)>
                                    {w.get(Later::search_all_states)}
                                </button>
                            </p>
                        }
                    })
            }}
            <div class="combo-wrap">
            <input
                id="co-location"
                type="text"
                role="combobox"
                autocomplete="off"
                spellcheck="false"
                aria-autocomplete="list"
                aria-controls="co-location-list"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-activedescendant=move || ta.with(Typeahead::active_id)
                aria-describedby=described
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                placeholder=move || ta.with(|t| t.placeholder(w))
                prop:value=move || text.get()
                on:input=on_input
                on:keydown=on_keydown
                on:blur=move |_| ta.update(Typeahead::blurred)
            />
            <ul
                id="co-location-list"
                role="listbox"
                aria-label=w.get(Later::places)
                class="combo-list"
                hidden=move || !open.get()
                on:mousedown=|ev| ev.prevent_default()
                on:click=on_list_click
            >
                {move || rows.get().into_iter().map(option_row).collect_view()}
            </ul>
            </div>
            <p id="co-location-status" class="co-hint" role="status" aria-live="polite">
                {move || ta.with(|t| t.status(w))}
                {move || {
                    (lookup.get() == Lookup::Failed)
                        .then(|| {
                            view! {
                                " "
                                <button type="button" class="co-link-button co-retry"
                                    on:click=move |_| run(ta.try_update(Typeahead::retry).unwrap_or(Next::Nothing))>
                                    {w.get(Text::retry)}
                                </button>
                            }
                        })
                }}
            </p>
            <p id="co-location-error" class="co-error" hidden=move || error.with(Option::is_none)>
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}

/// One option. Static, so that new options (or a new active one) patch the rows in place:
/// only the text and attributes that changed are written.
fn option_row(row: Row) -> impl IntoView {
    view! {
        <li
            id=row.id
            role="option"
            class="combo-option"
            class:active=row.selected
            aria-selected=if row.selected { "true" } else { "false" }
        >
            {row
                .segments
                .into_iter()
                .map(|s| {
                    if s.matched {
                        Either::Left(view! { <mark>{s.text}</mark> })
                    } else {
                        Either::Right(s.text)
                    }
                })
                .collect_view()}
            {row.is_state.then(|| view! { <span class="combo-kind">" · "{words().get(Later::choose_an_lga)}</span> })}
        </li>
    }
}
