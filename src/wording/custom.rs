//! A store's wording: the English table, a built-in language's table (`data-lang`) and the
//! merchant's overrides (`data-wording`), checked like every other embed attribute so a typo in a
//! key is reported instead of silently leaving a text in English.
//!
//! A table holds, per text, the store's own wording or `None` for the English (read through the
//! text's [`Key`], see `table.rs`), so a component copies a `&'static Wording` into its closures
//! for free. The texts that come from outside (the loader's
//! Pidgin module, the merchant's JSON) are leaked once per mounted store: a store lives as long
//! as the page, and the proxy's first view keeps one Pidgin table for the process.

use super::table::{COUNT, ENGLISH, Key, name_of, slot_of};

/// Every text a shopper reads: per text, the store's own wording, or `None` for the English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording(pub(super) [Option<&'static str>; COUNT]);

/// A store's language (`data-lang`): the table its texts start from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    /// English, the default.
    #[default]
    En,
    /// Nigerian Pidgin (`pcm`, its ISO 639-3 code).
    Pcm,
}

impl Lang {
    /// Parses `data-lang`: empty or `en` is English, `pcm` is Nigerian Pidgin; anything else is
    /// refused (`None`) so a typo is reported.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "" | "en" => Some(Lang::En),
            "pcm" => Some(Lang::Pcm),
            _ => None,
        }
    }

    /// The code, as `data-lang` and the first view's `lang` take it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Pcm => "pcm",
        }
    }
}

/// Why a wording table (a built-in language or the merchant's `data-wording`) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WordingError {
    /// Not a JSON object.
    #[error("is not a JSON object of text names to strings ({0})")]
    NotAnObject(String),
    /// A key that names no text.
    #[error("has an unknown text name \"{0}\"")]
    UnknownKey(String),
    /// A value that is not a non-empty string.
    #[error("\"{0}\" must be a non-empty string")]
    NotText(String),
    /// A built-in table that lacks a text.
    #[error("lacks \"{0}\"")]
    Missing(&'static str),
}

impl Default for Wording {
    fn default() -> Self {
        ENGLISH.clone()
    }
}

impl Wording {
    /// The text for `key`.
    pub fn get<K: Key>(&self, key: K) -> &'static str {
        self.0[key.slot()].unwrap_or_else(|| key.english())
    }

    /// The text for `key` with its `{name}` placeholders filled in (`fill(Text::OnlyLeft,
    /// &[("n", "3")])`); a placeholder the text does not have is ignored, one without a value
    /// stays as written.
    pub fn fill<K: Key>(&self, key: K, values: &[(&str, &str)]) -> String {
        fill(self.get(key), values)
    }

    /// Applies a JSON object of text names to strings on top of this table. With `complete`
    /// every text must be there (a built-in language); otherwise any subset (the merchant's
    /// overrides).
    pub fn apply_json(mut self, json: &str, complete: bool) -> Result<Self, WordingError> {
        let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(json)
            .map_err(|e| WordingError::NotAnObject(e.to_string().chars().take(80).collect()))?;
        let mut seen = [false; COUNT];
        for (name, value) in map {
            let slot = slot_of(&name)
                .ok_or_else(|| WordingError::UnknownKey(name.chars().take(40).collect()))?;
            let text = match value {
                serde_json::Value::String(s) if !s.trim().is_empty() => s,
                _ => return Err(WordingError::NotText(name_of(slot).to_owned())),
            };
            seen[slot] = true;
            self.0[slot] = Some(Box::leak(text.into_boxed_str()));
        }
        if complete && let Some(slot) = seen.iter().position(|s| !s) {
            return Err(WordingError::Missing(name_of(slot)));
        }
        Ok(self)
    }
}

/// `text` with each `{name}` replaced by its value.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The proxy's first view in Nigerian Pidgin: the built-in table, read once per process.
#[cfg(not(target_arch = "wasm32"))]
pub fn pidgin() -> &'static Wording {
    static PCM: std::sync::OnceLock<Wording> = std::sync::OnceLock::new();
    PCM.get_or_init(|| {
        ENGLISH
            .clone()
            .apply_json(super::PIDGIN_JSON, true)
            .expect("src/wording/pcm.json is complete (a unit test checks it)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wording::table::english_of;
    use crate::wording::{Later, Text};

    #[test]
    fn placeholders_are_filled_and_unknown_ones_kept() {
        assert_eq!(fill("Only {n} left", &[("n", "3")]), "Only 3 left");
        assert_eq!(fill("{a} and {b}", &[("b", "2"), ("a", "1")]), "1 and 2");
        assert_eq!(fill("{a} {x} {", &[("a", "1")]), "1 {x} {");
        assert_eq!(ENGLISH.fill(Text::only_left, &[("n", "4")]), "Only 4 left");
    }

    #[test]
    fn overrides_change_only_their_texts() {
        let w = ENGLISH
            .clone()
            .apply_json(r#"{"add_to_cart": "Buy now"}"#, false)
            .unwrap();
        assert_eq!(w.get(Text::add_to_cart), "Buy now");
        assert_eq!(w.get(Text::checkout), "Checkout");
    }

    #[test]
    fn overrides_are_checked_naming_the_key() {
        let apply = |json: &str| ENGLISH.clone().apply_json(json, false).unwrap_err();
        assert_eq!(
            apply(r#"{"add_to_cartt": "Buy"}"#),
            WordingError::UnknownKey("add_to_cartt".into())
        );
        assert_eq!(
            apply(r#"{"checkout": 3}"#),
            WordingError::NotText("checkout".into())
        );
        assert_eq!(
            apply(r#"{"checkout": "  "}"#),
            WordingError::NotText("checkout".into())
        );
        assert!(matches!(apply("{checkout:"), WordingError::NotAnObject(_)));
        assert!(matches!(
            apply(r#"["checkout"]"#),
            WordingError::NotAnObject(_)
        ));
        assert_eq!(
            apply(r#"{"Checkout": "x"}"#).to_string(),
            "has an unknown text name \"Checkout\""
        );
    }

    #[test]
    fn a_built_in_table_must_have_every_text() {
        let err = ENGLISH
            .clone()
            .apply_json(r#"{"checkout": "Checkout"}"#, true)
            .unwrap_err();
        assert!(matches!(err, WordingError::Missing(_)), "{err}");
    }

    /// The placeholders of a text, sorted.
    #[cfg(not(target_arch = "wasm32"))]
    fn placeholders(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let name = &rest[open + 1..open + close];
            if !out.contains(&name) {
                out.push(name);
            }
            rest = &rest[open + close + 1..];
        }
        out.sort_unstable();
        out
    }

    // the Pidgin table is compiled in natively only (the widget gets it from the loader)
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn pidgin_has_every_text_with_the_same_placeholders() {
        let pcm = pidgin();
        for slot in 0..COUNT {
            let text = pcm.0[slot].expect("every text is in the Pidgin table");
            assert_eq!(
                placeholders(text),
                placeholders(english_of(slot)),
                "{}: {text:?}",
                name_of(slot)
            );
        }
        assert_eq!(pcm.get(Text::add_to_cart), "Add am to cart");
        assert_eq!(pcm.get(Later::place_order), "Place order");
    }

    #[test]
    fn names_round_trip_and_languages_parse() {
        for slot in 0..COUNT {
            assert_eq!(slot_of(name_of(slot)), Some(slot));
        }
        assert_eq!(slot_of("nope"), None);
        assert_eq!(slot_of(""), None);
        assert_eq!(slot_of("add_to_cart "), None);
        assert_eq!(name_of(Text::add_to_cart.slot()), "add_to_cart");
        assert_eq!(name_of(Later::place_order.slot()), "place_order");
        assert_eq!(ENGLISH.get(Later::place_order), "Place order");
        assert_eq!(english_of(Later::place_order.slot()), "Place order");
        assert_eq!(Lang::parse(""), Some(Lang::En));
        assert_eq!(Lang::parse(" PCM "), Some(Lang::Pcm));
        assert_eq!(Lang::parse("yo"), None);
    }
}
