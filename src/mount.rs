//! Mounting into a host element: an open Shadow DOM with the widget's styles inside, one store
//! per host; a bad configuration logs one `console.error` and shows a visible message.

use leptos::mount::mount_to;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

use crate::app::App;
use crate::config::EmbedConfig;

/// The widget's stylesheet, placed inside each shadow root.
pub const STYLES: &str = include_str!("../style/widget.css");

/// Keeps a mounted store alive; dropping it unmounts the store.
pub struct MountedStore {
    _handle: Box<dyn std::any::Any>,
}

fn shadow_root(host: &HtmlElement) -> Result<ShadowRoot, JsValue> {
    let root = match host.shadow_root() {
        Some(root) => root,
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
    };
    root.set_inner_html("");
    Ok(root)
}

fn container(root: &ShadowRoot, class: &str) -> Result<HtmlElement, JsValue> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let style = doc.create_element("style")?;
    style.set_text_content(Some(STYLES));
    root.append_child(&style)?;
    let div: HtmlElement = doc.create_element("div")?.unchecked_into();
    div.set_class_name(class);
    root.append_child(&div)?;
    Ok(div)
}

/// Mounts a store for `config` into `host`'s shadow root.
pub fn mount_store(host: &HtmlElement, config: EmbedConfig) -> Result<MountedStore, JsValue> {
    let root = shadow_root(host)?;
    let div = container(&root, "amigo")?;
    let handle = mount_to(div, move || view! { <App config=config/> });
    Ok(MountedStore {
        _handle: Box::new(handle),
    })
}

/// Shows a configuration error: one `console.error` and a visible message in the host.
pub fn show_config_error(host: &HtmlElement, message: &str) {
    web_sys::console::error_1(&JsValue::from_str(&format!("amigo-store: {message}")));
    if let Ok(root) = shadow_root(host)
        && let Ok(div) = container(&root, "amigo")
    {
        let p = div
            .owner_document()
            .and_then(|d| d.create_element("p").ok());
        if let Some(p) = p {
            p.set_class_name("state error");
            let _ = p.set_attribute("role", "alert");
            p.set_text_content(Some(&format!("This store could not load: {message}")));
            let _ = div.append_child(&p);
        }
    }
}

/// Entry point for the loader script: checks the attributes and mounts a store into `host`
/// for the life of the page. Returns `false` (after reporting) when the configuration is bad.
#[wasm_bindgen(js_name = mountStore)]
pub fn mount_from_js(
    host: &HtmlElement,
    proxy: &str,
    api: &str,
    routing: &str,
    merchant: &str,
) -> bool {
    match EmbedConfig::parse(proxy, api, routing, merchant) {
        Ok(config) => match mount_store(host, config) {
            Ok(store) => {
                // the store lives as long as the page
                std::mem::forget(store);
                true
            }
            Err(e) => {
                web_sys::console::error_2(&JsValue::from_str("amigo-store: mount failed"), &e);
                false
            }
        },
        Err(e) => {
            show_config_error(host, &e.to_string());
            false
        }
    }
}

/// Installs the panic hook so a bug shows in the console with its message.
#[wasm_bindgen(js_name = initPanicHook)]
pub fn init_panic_hook() {
    console_error_panic_hook::set_once();
}
