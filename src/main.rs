//! Binary entry point. In the browser it only installs the panic hook; the loader script
//! (`amigo-widget.js`) mounts each store through the exported `mountStore`.

fn main() {
    #[cfg(target_arch = "wasm32")]
    amigo_storefront::mount::init_panic_hook();
}
