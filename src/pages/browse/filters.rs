//! The filter bar: debounced search, brand, in-stock only, sort. Every control has a label, and
//! each change rewrites the route so the view survives a reload.

use leptos::prelude::*;

use crate::state::actions::Actions;
use crate::state::browse::{Browse, SEARCH_DEBOUNCE_MS, SORT_CHOICES, parse_brand};
use crate::state::route::Route;
use crate::wording::{Text, words};
use amigo_types::catalog::ProductSort;

/// Search, brand, stock and sort controls.
#[component]
pub fn Filters(
    /// The current filters.
    #[prop(into)]
    browse: Signal<Browse>,
) -> impl IntoView {
    let actions = Actions::from_context();
    let w = words();
    let text = RwSignal::new(browse.with_untracked(|b| b.q.clone()));
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let cancel = move || {
        if let Some(h) = pending.try_update_value(Option::take).flatten() {
            h.clear();
        }
    };
    on_cleanup(cancel);
    // back/forward or "Clear filters" change q from outside: show it (changes only, so the
    // first run never wipes what the shopper has already typed)
    Effect::new(move |prev: Option<String>| {
        let q = browse.with(|b| b.q.clone());
        if prev.is_some_and(|p| p != q) && text.get_untracked().trim() != q.trim() {
            text.set(q.clone());
        }
        q
    });
    let commit = move || {
        cancel();
        let q = text.get_untracked();
        let current = browse.get_untracked();
        if current.q.trim() != q.trim() {
            Actions::replace_with(actions, Route::Browse(Browse { q, ..current }));
        }
    };
    let on_input = move |ev| {
        text.set(event_target_value(&ev));
        cancel();
        let handle = set_timeout_with_handle(
            commit,
            std::time::Duration::from_millis(u64::from(SEARCH_DEBOUNCE_MS)),
        )
        .ok();
        pending.set_value(handle);
    };
    let change = move |f: &dyn Fn(&mut Browse)| {
        let mut next = browse.get_untracked();
        next.q = text.get_untracked();
        f(&mut next);
        cancel();
        Actions::go_to(actions, Route::Browse(next));
    };
    view! {
        <div class="filters">
            <form class="search" role="search" on:submit=move |ev| { ev.prevent_default(); commit(); }>
                <label for="amigo-q">{w.get(Text::search_label)}</label>
                <input id="amigo-q" type="search" maxlength="100" autocomplete="off"
                    placeholder=w.get(Text::search_placeholder)
                    prop:value=move || text.get() on:input=on_input/>
            </form>
            <div class="field">
                <label for="amigo-brand">{w.get(Text::brand_label)}</label>
                <select id="amigo-brand" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    change(&|b| b.brand = parse_brand(&v));
                }>
                    <option value="" selected=move || browse.with(|b| b.brand.is_none())>{w.get(Text::all_brands)}</option>
                    <option value="oraimo" selected=move || browse.with(|b| b.brand.map(|x| x.as_str()) == Some("oraimo"))>"Oraimo"</option>
                    <option value="amigo" selected=move || browse.with(|b| b.brand.map(|x| x.as_str()) == Some("amigo"))>"Amigo"</option>
                </select>
            </div>
            <div class="field">
                <label for="amigo-sort">{w.get(Text::sort_label)}</label>
                <select id="amigo-sort" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    change(&|b| b.sort = ProductSort::parse(&v).unwrap_or_default());
                }>
                    {SORT_CHOICES.iter().map(|(sort, label)| {
                        let sort = *sort;
                        view! { <option value=sort.as_str() selected=move || browse.with(|b| b.sort == sort)>{w.get(*label)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field check">
                <input id="amigo-stock" type="checkbox"
                    prop:checked=move || browse.with(|b| b.in_stock)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        change(&|b| b.in_stock = on);
                    }/>
                <label for="amigo-stock">{w.get(Text::in_stock_only)}</label>
            </div>
        </div>
    }
}
