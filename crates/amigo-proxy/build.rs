//! Re-embeds the widget build when `dist/` changes (rust-embed reads it at compile time).

fn main() {
    let dist = std::path::Path::new("../../dist");
    if dist.is_dir() {
        println!("cargo:rerun-if-changed=../../dist");
    } else {
        // No build yet: rebuild when this script changes; scripts/demo.sh builds the widget
        // before the proxy, so a fresh build embeds it.
        println!("cargo:rerun-if-changed=build.rs");
    }
}
