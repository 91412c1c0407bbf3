//! A split module's stylesheet, given to the store without inline CSS where the browser can.

use leptos::prelude::*;

/// Adopts `css` (under `name`, once per page) into every store's shadow root as a constructed
/// stylesheet, which a strict Content-Security-Policy allows; renders a `<style>` element only
/// in a browser that cannot adopt stylesheets.
#[component]
pub fn ModuleStyles(
    /// Which module's sheet this is (each is made once).
    name: &'static str,
    /// The module's CSS.
    css: &'static str,
) -> impl IntoView {
    let adopted = crate::stylesheets::adopt_module_styles(name, css);
    (!adopted).then(|| view! { <style>{css}</style> })
}
