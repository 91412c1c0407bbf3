//! The state/LGA typeahead: an ARIA 1.2 combobox over `locations.php?search=` with a debounce,
//! aborted stale requests, keyboard control, highlighted matches, narrowing from a state to its
//! LGAs, a result cache and an inline retry. The decisions live in `checkout::location`.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::{AbortController, KeyboardEvent};

use crate::checkout::api::{CallError, CheckoutApi};
use crate::checkout::details::ChosenLocation;
use crate::checkout::location::{
    ComboAction, ComboKey, Listbox, LocationCache, LocationOption, filter_options, highlight,
    options_from_lgas, options_from_search, search_key,
};
use crate::state::latest::Latest;

/// Quiet time after the last keystroke before a search is sent.
pub const DEBOUNCE_MS: u64 = 250;

/// Where the lookup stands, for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Lookup {
    Idle,
    Loading,
    Done,
    Failed,
}

/// What to ask again on "Retry".
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pending {
    Search(String),
    State(String),
}

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
    let text = RwSignal::new(
        chosen
            .get_untracked()
            .map(|c| c.label())
            .unwrap_or_default(),
    );
    let narrowed: RwSignal<Option<(String, String)>> = RwSignal::new(None);
    let options: RwSignal<Vec<LocationOption>> = RwSignal::new(Vec::new());
    let state_all: RwSignal<Vec<LocationOption>> = RwSignal::new(Vec::new());
    let listbox = RwSignal::new(Listbox::default());
    let lookup = RwSignal::new(Lookup::Idle);
    let pending: RwSignal<Option<Pending>> = RwSignal::new(None);
    let cache = StoredValue::new(LocationCache::default());
    let latest = StoredValue::new(Latest::default());
    let controller: StoredValue<Option<AbortController>, LocalStorage> =
        StoredValue::new_local(None);
    let timer: StoredValue<Option<TimeoutHandle>> = StoredValue::new(None);

    let show = move |list: Vec<LocationOption>| {
        let n = list.len();
        options.set(list);
        listbox.update(|l| l.show(n));
        lookup.set(Lookup::Done);
    };
    let cancel = move || {
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        timer.set_value(None);
        if let Some(c) = controller.get_value() {
            c.abort();
        }
        controller.set_value(None);
        latest.update_value(|l| {
            l.issue();
        });
    };
    let fetch = {
        let api = api.clone();
        move |what: Pending| {
            cancel();
            let ctl = AbortController::new().ok();
            let signal = ctl.as_ref().map(AbortController::signal);
            controller.set_value(ctl);
            let mut ticket = None;
            latest.update_value(|l| ticket = Some(l.issue()));
            let Some(ticket) = ticket else { return };
            lookup.set(Lookup::Loading);
            pending.set(Some(what.clone()));
            let api = api.clone();
            spawn_local(async move {
                let result = match &what {
                    Pending::Search(q) => api
                        .search_locations(q, signal.as_ref())
                        .await
                        .map(|f| options_from_search(&f)),
                    Pending::State(code) => api
                        .state_lgas(code, signal.as_ref())
                        .await
                        .map(|l| options_from_lgas(&l)),
                };
                // `try_`: the combobox may have unmounted while the request was in flight (its
                // cleanup aborts the request, and the aborted answer still lands here); reading
                // a disposed value panics, and a panic traps the whole module
                if latest.try_with_value(|l| l.is_current(ticket)) != Some(true) {
                    return;
                }
                match result {
                    Ok(list) => {
                        match &what {
                            Pending::Search(q) => {
                                cache.update_value(|c| c.put_search(q.clone(), list.clone()));
                                show(list);
                            }
                            Pending::State(code) => {
                                cache.update_value(|c| c.put_state(code.clone(), list.clone()));
                                state_all.set(list.clone());
                                let typed = text.try_get_untracked().unwrap_or_default();
                                show(filter_options(&list, &typed));
                            }
                        }
                        pending.set(None);
                    }
                    Err(CallError::Aborted) => {}
                    Err(_) => {
                        listbox.update(Listbox::close);
                        lookup.set(Lookup::Failed);
                    }
                }
            });
        }
    };
    let fetch = StoredValue::new_local(fetch);

    let lookup_text = move |typed: String| {
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        if narrowed.get_untracked().is_some() {
            // a state's LGAs are all here: filter locally, no request
            show(filter_options(&state_all.get_untracked(), &typed));
            return;
        }
        let Some(key) = search_key(&typed) else {
            cancel();
            options.set(Vec::new());
            listbox.update(Listbox::close);
            lookup.set(Lookup::Idle);
            return;
        };
        if let Some(hit) = cache.with_value(|c| c.search(&key).map(<[_]>::to_vec)) {
            cancel();
            show(hit);
            return;
        }
        let handle = set_timeout_with_handle(
            move || {
                fetch.try_with_value(|f| f(Pending::Search(key)));
            },
            Duration::from_millis(DEBOUNCE_MS),
        )
        .ok();
        timer.set_value(handle);
    };

    let choose = move |option: LocationOption| match option {
        LocationOption::State { code, name } => {
            on_choose.run(None);
            narrowed.set(Some((code.clone(), name)));
            text.set(String::new());
            match cache.with_value(|c| c.state(&code).map(<[_]>::to_vec)) {
                Some(all) => {
                    cancel();
                    state_all.set(all.clone());
                    show(all);
                }
                None => fetch.with_value(|f| f(Pending::State(code))),
            }
        }
        LocationOption::Lga(loc) => {
            text.set(loc.label());
            narrowed.set(None);
            listbox.update(Listbox::close);
            options.set(Vec::new());
            lookup.set(Lookup::Idle);
            on_choose.run(Some(loc));
        }
    };

    let on_input = move |ev| {
        let typed = event_target_value(&ev);
        text.set(typed.clone());
        if chosen.get_untracked().is_some() {
            on_choose.run(None);
        }
        lookup_text(typed);
    };
    let on_keydown = move |ev: KeyboardEvent| {
        let Some(key) = ComboKey::from_key(&ev.key()) else {
            return;
        };
        let len = options.with_untracked(Vec::len);
        if key == ComboKey::Down && ev.alt_key() {
            listbox.update(|l| l.open = len > 0);
            ev.prevent_default();
            return;
        }
        let mut action = ComboAction::None;
        listbox.update(|l| action = l.on_key(key, len));
        match action {
            ComboAction::None => {}
            ComboAction::Moved | ComboAction::Closed => ev.prevent_default(),
            ComboAction::Choose(i) => {
                let Some(option) = options.with_untracked(|o| o.get(i).cloned()) else {
                    return;
                };
                // Enter never submits the form; Tab moves on unless a state opened its LGAs
                if key == ComboKey::Enter || matches!(option, LocationOption::State { .. }) {
                    ev.prevent_default();
                }
                choose(option);
            }
            ComboAction::Clear => {
                ev.prevent_default();
                text.set(String::new());
                narrowed.set(None);
                options.set(Vec::new());
                lookup.set(Lookup::Idle);
                on_choose.run(None);
            }
        }
    };
    let retry = move |_| {
        if let Some(p) = pending.get_untracked() {
            fetch.with_value(|f| f(p));
        }
    };
    let clear_state = move |_| {
        narrowed.set(None);
        state_all.set(Vec::new());
        options.set(Vec::new());
        listbox.update(Listbox::close);
        lookup.set(Lookup::Idle);
        text.set(String::new());
    };
    on_cleanup(move || {
        if let Some(h) = timer.try_get_value().flatten() {
            h.clear();
        }
        if let Some(c) = controller.try_get_value().flatten() {
            c.abort();
        }
    });

    let option_id = |o: &LocationOption| format!("co-location-opt-{}", o.key());
    let active_id = move || {
        let l = listbox.get();
        l.active
            .filter(|_| l.open)
            .and_then(|i| options.with(|o| o.get(i).map(option_id)))
    };
    let described = move || {
        let mut ids = String::from("co-location-hint co-location-status");
        if error.with(Option::is_some) {
            ids.push_str(" co-location-error");
        }
        ids
    };
    let placeholder = move || match narrowed.get() {
        Some((_, name)) => format!("Type an LGA in {name}"),
        None => "e.g. Zaria or Ikeja".to_owned(),
    };
    let status_text = move || match lookup.get() {
        Lookup::Idle => String::new(),
        Lookup::Loading => "Looking up places…".to_owned(),
        Lookup::Done => match options.with(Vec::len) {
            0 => "No matching places. Check the spelling or type your state.".to_owned(),
            1 => "1 place found. Use the arrow keys to choose.".to_owned(),
            n => format!("{n} places found. Use the arrow keys to choose."),
        },
        Lookup::Failed => "We couldn't look up places.".to_owned(),
    };

    view! {
        <div class="co-field combo">
            <label for="co-location">"Delivery area (LGA and state)"</label>
            <p id="co-location-hint" class="co-hint">
                "Type your Local Government Area or your state, then choose it from the list."
            </p>
            {move || {
                narrowed
                    .get()
                    .map(|(_, name)| {
                        view! {
                            <p class="co-narrowed">
                                {format!("Showing LGAs in {name}. ")}
                                <button type="button" class="co-link-button" on:click=clear_state>
                                    "Search all states"
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
                aria-expanded=move || if listbox.get().open { "true" } else { "false" }
                aria-activedescendant=active_id
                aria-describedby=described
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                placeholder=placeholder
                prop:value=move || text.get()
                on:input=on_input
                on:keydown=on_keydown
                on:blur=move |_| listbox.update(Listbox::close)
            />
            <ul
                id="co-location-list"
                role="listbox"
                aria-label="Places"
                class="combo-list"
                hidden=move || !listbox.get().open
            >
                {move || {
                    let typed = text.get();
                    let active = listbox.get().active;
                    options
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, o)| {
                            let id = option_id(&o);
                            let segments = highlight(&o.label(), &typed);
                            let is_state = matches!(o, LocationOption::State { .. });
                            let picked = o.clone();
                            view! {
                                <li
                                    id=id
                                    role="option"
                                    class="combo-option"
                                    class:active=active == Some(i)
                                    aria-selected=if active == Some(i) { "true" } else { "false" }
                                    on:mousedown=|ev| ev.prevent_default()
                                    on:click=move |_| choose(picked.clone())
                                >
                                    {segments
                                        .into_iter()
                                        .map(|s| {
                                            if s.matched {
                                                view! { <mark>{s.text}</mark> }.into_any()
                                            } else {
                                                view! { <span>{s.text}</span> }.into_any()
                                            }
                                        })
                                        .collect_view()}
                                    {is_state
                                        .then(|| {
                                            view! { <span class="combo-kind">" · choose an LGA"</span> }
                                        })}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            </div>
            <p id="co-location-status" class="co-hint" role="status" aria-live="polite">
                {status_text}
                {move || {
                    (lookup.get() == Lookup::Failed)
                        .then(|| {
                            view! {
                                " "
                                <button type="button" class="co-link-button co-retry" on:click=retry>
                                    "Retry"
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
