//! The stylesheets every store on the page shares: the widget's, then each split module's as it
//! loads, adopted into every store's shadow root as constructed stylesheets (which a strict
//! Content-Security-Policy allows), with a `<style>` element where the browser cannot adopt.
//! Apart from `mount` so that a split module's page can add its sheet without importing the
//! mounting code (and, through it, the app that routes to that page).

use wasm_bindgen::prelude::*;
use web_sys::ShadowRoot;

thread_local! {
    /// Constructed stylesheets, parsed once for every store on the page: the widget's, then
    /// each split module's as it loads (see [`adopt_module_styles`]).
    static SHEETS: std::cell::RefCell<Vec<(&'static str, web_sys::CssStyleSheet)>> =
        const { std::cell::RefCell::new(Vec::new()) };
    /// Every mounted store's shadow root, so a module's sheet reaches all of them.
    static ROOTS: std::cell::RefCell<Vec<ShadowRoot>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn adopted_key() -> JsValue {
    JsValue::from_str("adoptedStyleSheets")
}

/// Whether this browser lets a shadow root adopt constructed stylesheets.
fn can_adopt(root: &ShadowRoot) -> bool {
    js_sys::Reflect::has(root, &adopted_key()).unwrap_or(false)
}

/// `css` as a constructed stylesheet, made once per `name`.
fn sheet(name: &'static str, css: &str) -> Option<web_sys::CssStyleSheet> {
    SHEETS.with(|sheets| {
        if let Some((_, s)) = sheets.borrow().iter().find(|(n, _)| *n == name) {
            return Some(s.clone());
        }
        let s = web_sys::CssStyleSheet::new().ok()?;
        s.replace_sync(css).ok()?;
        sheets.borrow_mut().push((name, s.clone()));
        Some(s)
    })
}

/// Sets `root`'s adopted sheets to every sheet made so far, in order.
fn adopt_all(root: &ShadowRoot) -> bool {
    let list = SHEETS.with(|sheets| {
        sheets
            .borrow()
            .iter()
            .map(|(_, s)| JsValue::from(s.clone()))
            .collect::<js_sys::Array>()
    });
    js_sys::Reflect::set(root, &adopted_key(), &list).unwrap_or(false)
}

/// Gives `root` the widget's styles (`css`). A constructed stylesheet adopted by the shadow root is
/// not inline CSS, so a page whose Content-Security-Policy forbids `'unsafe-inline'` styles
/// still shows the store styled; a browser without `adoptedStyleSheets` (Safari before 16.4)
/// gets a `<style>` element instead (styled unless its page's CSP forbids inline styles).
pub(crate) fn adopt_styles(
    doc: &web_sys::Document,
    root: &ShadowRoot,
    css: &'static str,
) -> Result<(), JsValue> {
    if can_adopt(root) && sheet("widget", css).is_some() && adopt_all(root) {
        ROOTS.with(|roots| roots.borrow_mut().push(root.clone()));
        return Ok(());
    }
    let style = doc.create_element("style")?;
    style.set_text_content(Some(css));
    root.append_child(&style)?;
    Ok(())
}

/// Adds a split module's stylesheet (`name`, `css`) to every store on the page, once. `false`
/// when the browser cannot adopt stylesheets: the caller then renders a `<style>` element.
pub(crate) fn adopt_module_styles(name: &'static str, css: &str) -> bool {
    let roots = ROOTS.with(|roots| roots.borrow().clone());
    if roots.is_empty() || sheet(name, css).is_none() {
        return false;
    }
    roots.iter().all(adopt_all)
}

/// Forgets `root` (its store was unmounted).
pub(crate) fn forget_root(root: &ShadowRoot) {
    ROOTS.with(|roots| roots.borrow_mut().retain(|r| r != root));
}
