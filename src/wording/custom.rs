//! A store's wording: the English table, a built-in language's table (`data-lang`) and the
//! merchant's overrides (`data-wording`), checked like every other embed attribute so a typo in a
//! key is reported instead of silently leaving a text in English.
//!
//! A table holds, per text, the store's own wording or `None` for the English (read through the
//! text's [`Key`], see `table.rs`), so a component copies a `&'static Wording` into its closures
//! for free. In the browser the loader's wording module (`loader/wording.js`, fetched only for
//! `data-lang="pcm"` or a `data-wording`) checks the tables by name and hands the store its texts
//! by slot ([`Wording::from_slots`]), so the first load carries neither the names nor a JSON
//! reader for them. Natively, [`Wording::apply_json`] reads a table by name (the proxy's Pidgin
//! first view, and the tests that keep `pcm.json` and the loader's copy of the names whole).
//! The texts that come from outside are leaked once per mounted store: a store lives as long as
//! the page, and the proxy's first view keeps one Pidgin table for the process.

use super::table::{COUNT, ENGLISH, Key};
#[cfg(not(target_arch = "wasm32"))]
use super::table::{english_of, name_of, slot_of};

/// What separates the texts in [`Wording::from_slots`]'s string (ASCII's unit separator: no
/// text contains it, and the loader's module refuses one that does).
pub const SLOT_SEPARATOR: char = '\u{1f}';

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

/// Why a wording table read by name was refused (natively; in the browser the loader's wording
/// module words the same refusals).
#[cfg(not(target_arch = "wasm32"))]
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

    /// The table the loader's wording module hands over: every text in slot order, separated by
    /// [`SLOT_SEPARATOR`], an empty one for the English. `None` unless it holds exactly one
    /// entry per text (a module of another build), which the store reports as a configuration
    /// error rather than showing texts in the wrong places.
    pub fn from_slots(joined: &str) -> Option<Self> {
        let mut table = [None; COUNT];
        let mut parts = joined.split(SLOT_SEPARATOR);
        for slot in &mut table {
            let text = parts.next()?;
            if !text.is_empty() {
                *slot = Some(&*Box::leak(text.to_owned().into_boxed_str()));
            }
        }
        parts.next().is_none().then_some(Wording(table))
    }

    /// Applies a JSON object of text names to strings on top of this table. With `complete`
    /// every text must be there (a built-in language); otherwise any subset (the merchant's
    /// overrides).
    #[cfg(not(target_arch = "wasm32"))]
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

/// The `{name}` placeholders of a text, each once, sorted.
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

/// The data lines of the loader's wording module (`loader/wording.js`): every text's name and the
/// placeholders its English has, in slot order. The module checks a merchant's `data-wording`
/// and the Pidgin table with them and hands the store its texts by slot; a test keeps the
/// module's copy current (`AMIGO_BLESS=1` rewrites it).
#[cfg(not(target_arch = "wasm32"))]
pub fn loader_lines() -> String {
    let names: Vec<&str> = (0..COUNT).map(name_of).collect();
    let holes: Vec<String> = (0..COUNT)
        .map(|slot| placeholders(english_of(slot)).join(" "))
        .collect();
    format!(
        "var NAMES = \"{}\".split(\" \");\nvar HOLES = \"{}\".split(\"|\");\n",
        names.join(" "),
        holes.join("|")
    )
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

// natively: the tables read by name (`apply_json`) and the loader's module are native-only
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
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
        assert_eq!(w.get(Later::checkout), "Checkout");
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

    #[test]
    fn a_table_by_slot_has_one_entry_per_text() {
        let sep = SLOT_SEPARATOR.to_string();
        let mut texts = vec![""; COUNT];
        texts[Text::add_to_cart.slot()] = "Buy now";
        texts[Later::place_order.slot()] = "Pay";
        let w = Wording::from_slots(&texts.join(&sep)).expect("a whole table");
        assert_eq!(w.get(Text::add_to_cart), "Buy now");
        assert_eq!(w.get(Later::place_order), "Pay");
        assert_eq!(w.get(Later::checkout), "Checkout");
        // every text English: COUNT empty entries
        assert_eq!(
            Wording::from_slots(&sep.repeat(COUNT - 1)),
            Some(ENGLISH.clone())
        );
        // one too few or one too many: another build's module
        assert_eq!(Wording::from_slots(&sep.repeat(COUNT - 2)), None);
        assert_eq!(Wording::from_slots(&sep.repeat(COUNT)), None);
        assert_eq!(Wording::from_slots(""), None);
    }

    /// The loader's wording module carries this build's names and placeholders, between its
    /// two marker lines. `AMIGO_BLESS=1 cargo test -p amigo-storefront --lib wording` rewrites
    /// them after a text is added, renamed or reworded.
    #[test]
    fn the_loader_module_has_every_name_and_placeholder() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/loader/wording.js");
        let module = std::fs::read_to_string(path).expect("loader/wording.js");
        let (start, end) = ("// ---- generated: names\n", "// ---- end of generated\n");
        let from = module.find(start).expect("the start marker") + start.len();
        let to = module.find(end).expect("the end marker");
        let want = loader_lines();
        if module[from..to] != want {
            if std::env::var_os("AMIGO_BLESS").is_some() {
                let fresh = format!("{}{want}{}", &module[..from], &module[to..]);
                std::fs::write(path, fresh).expect("loader/wording.js written");
            } else {
                panic!(
                    "loader/wording.js lists other texts than src/wording/table.rs: run \
                     AMIGO_BLESS=1 cargo test -p amigo-storefront --lib wording"
                );
            }
        }
    }

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
