//! The state/LGA typeahead as plain data: the options ("Zaria — Kaduna", and states that narrow
//! to their LGAs), the typed text highlighted in each, the listbox's keyboard state (ARIA 1.2
//! combobox), and a small cache so retyping costs no request.

use amigo_types::locations::{Lga, LocationSearch};

use super::details::ChosenLocation;

/// Shortest query sent to `locations.php?search=`.
pub const MIN_QUERY_CHARS: usize = 2;
/// Longest query sent (the platform's limit).
pub const MAX_QUERY_CHARS: usize = amigo_types::locations::MAX_LOCATION_SEARCH_LEN;
/// Most options shown at once.
pub const MAX_OPTIONS: usize = 20;
/// Queries (and state LGA lists) the cache keeps.
pub const CACHE_ENTRIES: usize = 48;

/// One option of the listbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocationOption {
    /// A state: choosing it narrows the list to its LGAs.
    State {
        /// Code (`KD`).
        code: String,
        /// Name (`Kaduna`).
        name: String,
    },
    /// An LGA: choosing it completes the area.
    Lga(ChosenLocation),
}

impl LocationOption {
    /// The visible label: "Zaria — Kaduna" for an LGA, "Kaduna State" for a state (the FCT
    /// keeps its own name).
    pub fn label(&self) -> String {
        match self {
            LocationOption::Lga(l) => l.label(),
            LocationOption::State { name, .. } if name.contains("Capital Territory") => {
                name.clone()
            }
            LocationOption::State { name, .. } => format!("{name} State"),
        }
    }

    /// The part of the label the query is matched against (the LGA or state name).
    pub fn name(&self) -> &str {
        match self {
            LocationOption::Lga(l) => &l.lga_name,
            LocationOption::State { name, .. } => name,
        }
    }

    /// A stable key for `id` attributes.
    pub fn key(&self) -> String {
        match self {
            LocationOption::Lga(l) => format!("lga-{}", l.lga_id),
            LocationOption::State { code, .. } => format!("state-{code}"),
        }
    }
}

/// The cache key of a query: trimmed, lower-cased, inner spaces collapsed. `None` when too
/// short or too long to send.
pub fn search_key(raw: &str) -> Option<String> {
    let key = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let n = key.chars().count();
    (MIN_QUERY_CHARS..=MAX_QUERY_CHARS)
        .contains(&n)
        .then_some(key)
}

/// Options from a `search=` answer: states first (they narrow), then LGAs, at most
/// [`MAX_OPTIONS`].
pub fn options_from_search(found: &LocationSearch) -> Vec<LocationOption> {
    let states = found.states.iter().map(|s| LocationOption::State {
        code: s.code.clone(),
        name: s.name.clone(),
    });
    let lgas = found.lgas.iter().map(|l| {
        LocationOption::Lga(ChosenLocation {
            state_code: l.state_code.clone(),
            state_name: l.state_name.clone(),
            lga_id: l.id,
            lga_name: l.name.clone(),
        })
    });
    states.chain(lgas).take(MAX_OPTIONS).collect()
}

/// Options from a state's LGA list (`type=lgas&state_code=`).
pub fn options_from_lgas(lgas: &[Lga]) -> Vec<LocationOption> {
    lgas.iter()
        .map(|l| {
            LocationOption::Lga(ChosenLocation {
                state_code: l.state_code.clone(),
                state_name: l.state_name.clone(),
                lga_id: l.id,
                lga_name: l.name.clone(),
            })
        })
        .collect()
}

/// Narrows a state's LGAs to those whose name contains the typed text (all of them for blank
/// text), keeping the list order.
pub fn filter_options(all: &[LocationOption], typed: &str) -> Vec<LocationOption> {
    let q = typed.trim();
    all.iter()
        .filter(|o| q.is_empty() || find_ignore_ascii_case(o.name(), q).is_some())
        .cloned()
        .collect()
}

fn find_ignore_ascii_case(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.is_empty() || n.len() > h.len() {
        return None;
    }
    (0..=h.len() - n.len())
        .find(|&i| haystack.is_char_boundary(i) && h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// A piece of a label, highlighted or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The text.
    pub text: String,
    /// Whether it matches the typed text (rendered as `<mark>`).
    pub matched: bool,
}

/// Splits `label` so every occurrence of `typed` (ignoring ASCII case) is its own matched
/// segment. Plain text in, plain text out: nothing is ever treated as HTML.
pub fn highlight(label: &str, typed: &str) -> Vec<Segment> {
    let q = typed.trim();
    let mut out = Vec::new();
    let mut rest = label;
    if !q.is_empty() {
        while let Some(at) = find_ignore_ascii_case(rest, q) {
            if at > 0 {
                out.push(Segment {
                    text: rest[..at].to_owned(),
                    matched: false,
                });
            }
            out.push(Segment {
                text: rest[at..at + q.len()].to_owned(),
                matched: true,
            });
            rest = &rest[at + q.len()..];
        }
    }
    if !rest.is_empty() {
        out.push(Segment {
            text: rest.to_owned(),
            matched: false,
        });
    }
    out
}

/// A key the combobox handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComboKey {
    /// Arrow down (with Alt: just open).
    Down,
    /// Arrow up.
    Up,
    /// Enter.
    Enter,
    /// Escape.
    Escape,
    /// Tab (focus moves on; an active option is accepted first).
    Tab,
}

impl ComboKey {
    /// Maps `KeyboardEvent.key`.
    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "ArrowDown" | "Down" => Some(ComboKey::Down),
            "ArrowUp" | "Up" => Some(ComboKey::Up),
            "Enter" => Some(ComboKey::Enter),
            "Escape" | "Esc" => Some(ComboKey::Escape),
            "Tab" => Some(ComboKey::Tab),
            _ => None,
        }
    }
}

/// What a key press asks the combobox to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComboAction {
    /// Nothing (let the browser handle the key).
    None,
    /// The active option changed (or the list opened); prevent the default.
    Moved,
    /// Choose the option at this index.
    Choose(usize),
    /// The list closed.
    Closed,
    /// The list was already closed: clear the text.
    Clear,
}

/// The listbox's keyboard state: open or not, and which option is active
/// (`aria-activedescendant`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Listbox {
    /// Whether the popup shows.
    pub open: bool,
    /// The active option.
    pub active: Option<usize>,
}

impl Listbox {
    /// New options arrived: open when there are any, no option active.
    pub fn show(&mut self, len: usize) {
        self.open = len > 0;
        self.active = None;
    }

    /// Closes the popup.
    pub fn close(&mut self) {
        self.open = false;
        self.active = None;
    }

    /// Handles a key with `len` options available.
    pub fn on_key(&mut self, key: ComboKey, len: usize) -> ComboAction {
        match key {
            ComboKey::Down | ComboKey::Up if len == 0 => ComboAction::None,
            ComboKey::Down if !self.open => {
                self.open = true;
                self.active = Some(0);
                ComboAction::Moved
            }
            ComboKey::Up if !self.open => {
                self.open = true;
                self.active = Some(len - 1);
                ComboAction::Moved
            }
            ComboKey::Down => {
                self.active = Some(match self.active {
                    Some(i) if i + 1 < len => i + 1,
                    _ => 0,
                });
                ComboAction::Moved
            }
            ComboKey::Up => {
                self.active = Some(match self.active {
                    Some(i) if i > 0 => i - 1,
                    _ => len - 1,
                });
                ComboAction::Moved
            }
            ComboKey::Enter | ComboKey::Tab => match self.active {
                Some(i) if self.open && i < len => {
                    self.close();
                    ComboAction::Choose(i)
                }
                _ if key == ComboKey::Tab => {
                    self.close();
                    ComboAction::None
                }
                _ => ComboAction::None,
            },
            ComboKey::Escape if self.open => {
                self.close();
                ComboAction::Closed
            }
            ComboKey::Escape => ComboAction::Clear,
        }
    }
}

/// Recent answers: search queries and per-state LGA lists, oldest evicted first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocationCache {
    searches: Vec<(String, Vec<LocationOption>)>,
    states: Vec<(String, Vec<LocationOption>)>,
}

fn put(list: &mut Vec<(String, Vec<LocationOption>)>, key: String, value: Vec<LocationOption>) {
    list.retain(|(k, _)| *k != key);
    if list.len() >= CACHE_ENTRIES {
        list.remove(0);
    }
    list.push((key, value));
}

impl LocationCache {
    /// The cached options for a search key (see [`search_key`]).
    pub fn search(&self, key: &str) -> Option<&[LocationOption]> {
        self.searches
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_slice())
    }

    /// Remembers a search answer.
    pub fn put_search(&mut self, key: String, options: Vec<LocationOption>) {
        put(&mut self.searches, key, options);
    }

    /// The cached LGAs of a state.
    pub fn state(&self, code: &str) -> Option<&[LocationOption]> {
        self.states
            .iter()
            .find(|(k, _)| k == code)
            .map(|(_, v)| v.as_slice())
    }

    /// Remembers a state's LGAs.
    pub fn put_state(&mut self, code: String, options: Vec<LocationOption>) {
        put(&mut self.states, code, options);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use amigo_types::locations::{LgaHit, State};

    fn kaduna() -> State {
        State {
            id: 19,
            code: "KD".into(),
            name: "Kaduna".into(),
            capital: "Kaduna".into(),
            region: "North-West".into(),
            sort_order: 190,
        }
    }

    fn zaria_hit() -> LgaHit {
        LgaHit {
            id: 155,
            name: "Zaria".into(),
            state_code: "KD".into(),
            state_name: "Kaduna".into(),
        }
    }

    #[test]
    fn options_label_lga_with_state_and_states_first() {
        let found = LocationSearch {
            success: true,
            query: "ka".into(),
            states: vec![kaduna()],
            lgas: vec![zaria_hit()],
        };
        let options = options_from_search(&found);
        let labels: Vec<String> = options.iter().map(LocationOption::label).collect();
        assert_eq!(labels, ["Kaduna State", "Zaria — Kaduna"]);
        assert_eq!(options[1].key(), "lga-155");
        let fct = LocationOption::State {
            code: "FCT".into(),
            name: "Federal Capital Territory".into(),
        };
        assert_eq!(fct.label(), "Federal Capital Territory");
    }

    #[test]
    fn highlights_every_match_ignoring_case() {
        let segs = highlight("Zaria — Kaduna", "zar");
        assert_eq!(
            segs,
            [
                Segment {
                    text: "Zar".into(),
                    matched: true
                },
                Segment {
                    text: "ia — Kaduna".into(),
                    matched: false
                },
            ]
        );
        let segs = highlight("Kaduna North — Kaduna", "kaduna");
        assert_eq!(segs.iter().filter(|s| s.matched).count(), 2);
        let joined: String = segs.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, "Kaduna North — Kaduna");
        assert_eq!(highlight("Zaria", "  ").len(), 1);
        assert!(highlight("Zaria", "xyz").iter().all(|s| !s.matched));
        // the em dash is multi-byte: a query landing next to it still splits on char boundaries
        assert_eq!(highlight("a — b", "— b")[1].text, "— b");
    }

    #[test]
    fn search_keys_are_normalised_and_bounded() {
        assert_eq!(search_key("  Zar "), Some("zar".into()));
        assert_eq!(search_key("kaduna   north"), Some("kaduna north".into()));
        assert_eq!(search_key("z"), None);
        assert_eq!(search_key(&"a".repeat(MAX_QUERY_CHARS + 1)), None);
    }

    #[test]
    fn narrowing_filters_a_states_lgas() {
        let all: Vec<LocationOption> = ["Kaduna North", "Kaduna South", "Zaria"]
            .iter()
            .enumerate()
            .map(|(i, n)| {
                LocationOption::Lga(ChosenLocation {
                    state_code: "KD".into(),
                    state_name: "Kaduna".into(),
                    lga_id: i as u32 + 1,
                    lga_name: (*n).into(),
                })
            })
            .collect();
        assert_eq!(filter_options(&all, "").len(), 3);
        assert_eq!(filter_options(&all, "south").len(), 1);
        // the state name in the label does not match: only the LGA name counts
        assert_eq!(filter_options(&all, "zar")[0].name(), "Zaria");
    }

    #[test]
    fn keyboard_follows_the_combobox_pattern() {
        let mut lb = Listbox::default();
        assert_eq!(lb.on_key(ComboKey::Down, 0), ComboAction::None);
        lb.show(3);
        assert!(lb.open);
        assert_eq!(lb.on_key(ComboKey::Enter, 3), ComboAction::None);
        assert_eq!(lb.on_key(ComboKey::Down, 3), ComboAction::Moved);
        assert_eq!(lb.active, Some(0));
        lb.on_key(ComboKey::Down, 3);
        lb.on_key(ComboKey::Down, 3);
        assert_eq!(lb.active, Some(2));
        lb.on_key(ComboKey::Down, 3);
        assert_eq!(lb.active, Some(0), "wraps");
        lb.on_key(ComboKey::Up, 3);
        assert_eq!(lb.active, Some(2), "wraps back");
        assert_eq!(lb.on_key(ComboKey::Enter, 3), ComboAction::Choose(2));
        assert!(!lb.open);
        // closed: Down reopens at the first option, Escape closes, Escape again clears
        assert_eq!(lb.on_key(ComboKey::Down, 3), ComboAction::Moved);
        assert_eq!(lb.active, Some(0));
        assert_eq!(lb.on_key(ComboKey::Escape, 3), ComboAction::Closed);
        assert_eq!(lb.on_key(ComboKey::Escape, 3), ComboAction::Clear);
        // Tab accepts the active option, or just closes
        lb.on_key(ComboKey::Up, 3);
        assert_eq!(lb.on_key(ComboKey::Tab, 3), ComboAction::Choose(2));
        lb.show(3);
        assert_eq!(lb.on_key(ComboKey::Tab, 3), ComboAction::None);
        assert!(!lb.open);
        assert_eq!(ComboKey::from_key("ArrowDown"), Some(ComboKey::Down));
        assert_eq!(ComboKey::from_key("a"), None);
    }

    #[test]
    fn cache_remembers_and_evicts_the_oldest() {
        let mut cache = LocationCache::default();
        for i in 0..CACHE_ENTRIES + 1 {
            cache.put_search(format!("q{i}"), vec![]);
        }
        assert!(cache.search("q0").is_none());
        assert!(cache.search("q1").is_some());
        cache.put_state("KD".into(), vec![]);
        assert!(cache.state("KD").is_some());
        assert!(cache.state("LA").is_none());
    }
}
