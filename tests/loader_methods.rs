//! The page API's method numbers agree between the loader and the store.
//!
//! The loader (`loader/amigo-widget.js`) hands a page call to the store's controller as the
//! method's place in its `METHODS` list; the store (`src/host_api_dom.rs`) matches that number
//! against its own constants. The two files are in two languages, so nothing but this test ties
//! them together natively: reorder one list and `open` would run as `addToCart`. The end-to-end
//! suite (events.mjs) sees the same thing only in a browser, after a full widget build.

#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text between the end of `marker` (its first place in `text`) and the next `end`.
fn after<'a>(text: &'a str, marker: &str, end: char) -> &'a str {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("the loader has `{marker}`"))
        + marker.len();
    let len = text[start..]
        .find(end)
        .unwrap_or_else(|| panic!("`{marker}` is closed by `{end}`"));
    &text[start..start + len]
}

/// The names in the loader's `var METHODS = [...]`, in order.
fn loader_methods(js: &str) -> Vec<String> {
    after(js, "var METHODS = [", ']')
        .split(',')
        .map(|name| {
            let name = name.trim();
            name.strip_prefix('"')
                .and_then(|n| n.strip_suffix('"'))
                .unwrap_or_else(|| panic!("METHODS holds a quoted name, not {name}"))
                .to_owned()
        })
        .collect()
}

/// How many of METHODS the loader hands to the store (`METHODS.slice(0, N)`); the rest the
/// loader answers itself.
fn loader_store_methods(js: &str) -> usize {
    after(js, "METHODS.slice(0, ", ')')
        .trim()
        .parse()
        .expect("a whole number of methods")
}

/// The store's `const NAME: u32 = N;` method numbers, as (NAME, N).
fn store_numbers(rust: &str) -> Vec<(String, usize)> {
    rust.lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("const ")?;
            let (name, value) = rest.split_once(": u32 = ")?;
            let value = value.strip_suffix(';')?.trim().parse().ok()?;
            Some((name.to_owned(), value))
        })
        .collect()
}

/// `addToCart` → `ADD_TO_CART`.
fn screaming(camel: &str) -> String {
    let mut out = String::new();
    for c in camel.chars() {
        if c.is_ascii_uppercase() && !out.is_empty() {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

#[test]
fn the_loader_and_the_store_number_the_methods_alike() {
    let js = read("loader/amigo-widget.js");
    let rust = read("src/host_api_dom.rs");
    let methods = loader_methods(&js);
    let handed = loader_store_methods(&js);
    let numbers = store_numbers(&rust);

    assert_eq!(
        methods,
        ["open", "addToCart", "cart", "on"],
        "the loader's page API is the README's: open, addToCart, cart, on"
    );
    assert_eq!(
        numbers.len(),
        handed,
        "the store numbers as many methods as the loader hands it: {numbers:?}"
    );
    for (name, number) in &numbers {
        let at = methods
            .get(*number)
            .unwrap_or_else(|| panic!("{name} = {number} is past the loader's METHODS"));
        assert_eq!(
            &screaming(at),
            name,
            "the loader's METHODS[{number}] is {at}, the store's {number} is {name}"
        );
    }
    for (i, method) in methods.iter().take(handed).enumerate() {
        assert!(
            numbers
                .iter()
                .any(|(name, n)| *n == i && *name == screaming(method)),
            "the store has no number for the loader's {method} ({i})"
        );
    }
}

#[test]
fn the_parsers_read_what_they_are_meant_to() {
    assert_eq!(screaming("addToCart"), "ADD_TO_CART");
    assert_eq!(screaming("open"), "OPEN");
    assert_eq!(
        loader_methods(r#"x; var METHODS = ["b", "a"]; y"#),
        ["b", "a"]
    );
    assert_eq!(loader_store_methods("METHODS.slice(0, 2).forEach"), 2);
    assert_eq!(
        store_numbers("const A: u32 = 0;\n  const B_C: u32 = 7;\nconst D: u8 = 1;"),
        [("A".to_owned(), 0), ("B_C".to_owned(), 7)]
    );
}
