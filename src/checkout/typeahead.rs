//! The delivery-area combobox as one plain state machine: what the shopper typed, the options and
//! the listbox, the lookup in flight and what "Retry" asks again, narrowing from a state to its
//! LGAs and the result cache. Every input (a keystroke, a key, a choice, an answer) returns what
//! the component must do next ([`Next`]); the component only wires it to the DOM, a timer and the
//! network, so every decision is tested here natively.

use super::details::ChosenLocation;
use super::location::{
    ComboAction, ComboKey, Listbox, LocationCache, LocationOption, Segment, filter_options,
    highlight, search_key,
};
use crate::state::latest::{Latest, Ticket};
use crate::wording::{Later, Wording};

/// Quiet time after the last keystroke before a search is sent.
pub const DEBOUNCE_MS: u64 = 250;

/// Where the lookup stands, for the status line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lookup {
    /// Nothing asked, or nothing to show.
    #[default]
    Idle,
    /// A request is in flight.
    Loading,
    /// The options are shown.
    Done,
    /// The last request failed ("Retry" asks it again).
    Failed,
}

/// A lookup: a search for what was typed, or a state's LGAs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// `locations.php?search=`, with the normalised search key.
    Search(String),
    /// A state's LGAs, by state code.
    State(String),
}

/// What the component must do after an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Nothing more.
    Nothing,
    /// Cancel the timer and any request in flight.
    Cancel,
    /// Cancel what is pending, then send this query once [`DEBOUNCE_MS`] passed without another
    /// keystroke (and call [`Typeahead::send`] when the timer fires).
    Debounce(Query),
    /// Cancel what is pending and send this query now, under this ticket.
    Send(Query, Ticket),
}

/// One option as the listbox shows it: its id, the label split at the typed text, and whether it
/// narrows to a state's LGAs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The element id (`aria-activedescendant` names it).
    pub id: String,
    /// The label, the typed text marked.
    pub segments: Vec<Segment>,
    /// A state (choosing it shows its LGAs).
    pub is_state: bool,
    /// The active option (`aria-selected`).
    pub selected: bool,
}

/// What a key press did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyOutcome {
    /// Whether the browser's default for the key must be prevented.
    pub prevent_default: bool,
    /// What the component must do next.
    pub next: Next,
    /// The shopper's choice changed: report it (`None` when cleared).
    pub report: Option<Option<ChosenLocation>>,
}

/// The whole combobox.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Typeahead {
    text: String,
    /// The state the list is narrowed to: code and name.
    narrowed: Option<(String, String)>,
    options: Vec<LocationOption>,
    /// The text the options were shown for: their highlight, kept while a search waits for its
    /// debounce so the rows do not change (and re-render) before the answer does.
    shown_for: String,
    /// The narrowed state's LGAs, filtered locally as the shopper types.
    state_all: Vec<LocationOption>,
    listbox: Listbox,
    lookup: Lookup,
    /// The query to ask again on "Retry".
    pending: Option<Query>,
    cache: LocationCache,
    latest: Latest,
}

impl Typeahead {
    /// A combobox showing `chosen`'s label, if an area was chosen already.
    pub fn new(chosen: Option<&ChosenLocation>) -> Self {
        Self {
            text: chosen.map(ChosenLocation::label).unwrap_or_default(),
            ..Self::default()
        }
    }

    /// The text in the input.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the listbox shows.
    pub fn open(&self) -> bool {
        self.listbox.open
    }

    /// Where the lookup stands.
    pub fn lookup(&self) -> Lookup {
        self.lookup
    }

    /// The name of the state the list is narrowed to.
    pub fn narrowed_name(&self) -> Option<&str> {
        self.narrowed.as_ref().map(|(_, name)| name.as_str())
    }

    /// The id of the active option, for `aria-activedescendant`.
    pub fn active_id(&self) -> Option<String> {
        let i = self.listbox.active.filter(|_| self.listbox.open)?;
        self.options.get(i).map(option_id)
    }

    /// The active option's index.
    pub fn active(&self) -> Option<usize> {
        self.listbox.active
    }

    /// The options as the listbox shows them, the typed text marked.
    pub fn rows(&self) -> Vec<Row> {
        let active = self.listbox.active.filter(|_| self.listbox.open);
        self.options
            .iter()
            .enumerate()
            .map(|(i, o)| Row {
                id: option_id(o),
                segments: highlight(&o.label(), &self.shown_for),
                is_state: matches!(o, LocationOption::State { .. }),
                selected: active == Some(i),
            })
            .collect()
    }

    /// The input's placeholder.
    pub fn placeholder(&self, w: &Wording) -> String {
        match self.narrowed_name() {
            Some(name) => w.fill(Later::type_lga_in, &[("state", name)]),
            None => w.get(Later::area_placeholder).to_owned(),
        }
    }

    /// The status line (read out politely).
    pub fn status(&self, w: &Wording) -> String {
        let text = match self.lookup {
            Lookup::Idle => return String::new(),
            Lookup::Loading => Later::looking_up_places,
            Lookup::Done => match self.options.len() {
                0 => Later::no_places,
                1 => Later::one_place,
                n => return w.fill(Later::places_found, &[("n", &n.to_string())]),
            },
            Lookup::Failed => Later::places_failed,
        };
        w.get(text).to_owned()
    }

    /// The option whose row has the element id `id` (a click on its row).
    pub fn option_by_id(&self, id: &str) -> Option<&LocationOption> {
        self.options.iter().find(|o| option_id(o) == id)
    }

    fn show(&mut self, list: Vec<LocationOption>) {
        self.shown_for.clone_from(&self.text);
        self.listbox.show(list.len());
        self.options = list;
        self.lookup = Lookup::Done;
    }

    fn reset(&mut self) {
        self.options.clear();
        self.listbox.close();
        self.lookup = Lookup::Idle;
    }

    /// The shopper typed `typed`. Inside a state, its LGAs are filtered here; a search answered
    /// before comes from the cache; otherwise the search waits for the debounce.
    pub fn typed(&mut self, typed: String) -> Next {
        self.text = typed;
        if self.narrowed.is_some() {
            let list = filter_options(&self.state_all, &self.text);
            self.show(list);
            return Next::Nothing;
        }
        let Some(key) = search_key(&self.text) else {
            self.reset();
            self.latest.issue();
            return Next::Cancel;
        };
        if let Some(hit) = self.cache.search(&key).map(<[_]>::to_vec) {
            self.latest.issue();
            self.show(hit);
            return Next::Cancel;
        }
        Next::Debounce(Query::Search(key))
    }

    /// Sends `query` now (the debounce ran out, or "Retry"): its ticket, and the status shows
    /// the lookup.
    pub fn send(&mut self, query: Query) -> Next {
        let ticket = self.latest.issue();
        self.lookup = Lookup::Loading;
        self.pending = Some(query.clone());
        Next::Send(query, ticket)
    }

    /// "Retry" after a failed lookup.
    pub fn retry(&mut self) -> Next {
        match self.pending.clone() {
            Some(q) => self.send(q),
            None => Next::Nothing,
        }
    }

    /// The answer to `query` sent under `ticket`: `None` when it failed. A stale answer (a newer
    /// query was sent, or the typed text was answered otherwise) is dropped.
    pub fn answered(
        &mut self,
        ticket: Ticket,
        query: Query,
        answer: Option<Vec<LocationOption>>,
    ) -> bool {
        if !self.latest.is_current(ticket) {
            return false;
        }
        match (answer, query) {
            (Some(list), Query::Search(key)) => {
                self.cache.put_search(key, list.clone());
                self.show(list);
                self.pending = None;
            }
            (Some(list), Query::State(code)) => {
                self.cache.put_state(code, list.clone());
                let shown = filter_options(&list, &self.text);
                self.state_all = list;
                self.show(shown);
                self.pending = None;
            }
            (None, _) => {
                self.listbox.close();
                self.lookup = Lookup::Failed;
            }
        }
        true
    }

    /// The shopper picked `option` (click, Enter or Tab). A state narrows the list to its LGAs
    /// (from the cache, or asked now) and clears the choice; an LGA is the choice.
    pub fn choose(&mut self, option: LocationOption) -> (Next, Option<ChosenLocation>) {
        match option {
            LocationOption::State { code, name } => {
                self.narrowed = Some((code.clone(), name));
                self.text.clear();
                match self.cache.state(&code).map(<[_]>::to_vec) {
                    Some(all) => {
                        self.latest.issue();
                        self.state_all = all.clone();
                        self.show(all);
                        (Next::Cancel, None)
                    }
                    None => (self.send(Query::State(code)), None),
                }
            }
            LocationOption::Lga(loc) => {
                self.text = loc.label();
                self.narrowed = None;
                self.reset();
                (Next::Nothing, Some(loc))
            }
        }
    }

    /// A key in the input: the listbox's keyboard rules, Enter never submitting the form.
    pub fn key(&mut self, key: ComboKey, alt: bool) -> KeyOutcome {
        let len = self.options.len();
        let quiet = |prevent_default| KeyOutcome {
            prevent_default,
            next: Next::Nothing,
            report: None,
        };
        if key == ComboKey::Down && alt {
            self.listbox.open = len > 0;
            return quiet(true);
        }
        match self.listbox.on_key(key, len) {
            ComboAction::None => quiet(false),
            ComboAction::Moved | ComboAction::Closed => quiet(true),
            ComboAction::Choose(i) => {
                let Some(option) = self.options.get(i).cloned() else {
                    return quiet(false);
                };
                // Tab moves on unless a state opened its LGAs
                let prevent_default =
                    key == ComboKey::Enter || matches!(option, LocationOption::State { .. });
                let (next, chosen) = self.choose(option);
                KeyOutcome {
                    prevent_default,
                    next,
                    report: Some(chosen),
                }
            }
            ComboAction::Clear => {
                self.text.clear();
                self.narrowed = None;
                self.options.clear();
                self.lookup = Lookup::Idle;
                KeyOutcome {
                    prevent_default: true,
                    next: Next::Nothing,
                    report: Some(None),
                }
            }
        }
    }

    /// Focus left the input.
    pub fn blurred(&mut self) {
        self.listbox.close();
    }

    /// "Search all states": back from a state's LGAs to searching everywhere.
    pub fn search_all_states(&mut self) {
        self.narrowed = None;
        self.state_all.clear();
        self.text.clear();
        self.reset();
    }
}

fn option_id(o: &LocationOption) -> String {
    format!("co-location-opt-{}", o.key())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wording::ENGLISH;

    fn zaria() -> ChosenLocation {
        crate::checkout::details::tests::zaria()
    }

    fn kaduna() -> LocationOption {
        LocationOption::State {
            code: "KD".into(),
            name: "Kaduna".into(),
        }
    }

    #[test]
    fn a_search_waits_for_the_debounce_and_its_answer_shows() {
        let mut t = Typeahead::default();
        assert_eq!(t.typed("z".into()), Next::Cancel, "too short to ask");
        let Next::Debounce(q) = t.typed("Zar".into()) else {
            panic!("a search waits for the debounce")
        };
        let Next::Send(q, ticket) = t.send(q) else {
            panic!("then it is sent")
        };
        assert_eq!(t.lookup(), Lookup::Loading);
        assert_eq!(t.status(&ENGLISH), "Looking up places…");
        assert!(t.answered(
            ticket,
            q,
            Some(vec![LocationOption::Lga(zaria()), kaduna()])
        ));
        assert!(t.open());
        assert_eq!(
            t.status(&ENGLISH),
            "2 places found. Use the arrow keys to choose."
        );
        let rows = t.rows();
        assert_eq!(
            rows[0].id,
            format!("co-location-opt-lga-{}", zaria().lga_id)
        );
        assert!(rows[0].segments[0].matched, "the typed text is marked");
        assert!(rows[1].is_state);
        // typed again: answered from the cache, no request
        t.typed("Za".into());
        assert_eq!(t.typed("Zar".into()), Next::Cancel);
        assert!(t.open());
    }

    #[test]
    fn a_stale_or_failed_answer_never_shows() {
        let mut t = Typeahead::default();
        let Next::Debounce(q) = t.typed("Zar".into()) else {
            panic!()
        };
        let Next::Send(old_q, old) = t.send(q) else {
            panic!()
        };
        let Next::Debounce(q) = t.typed("Ikej".into()) else {
            panic!()
        };
        let Next::Send(q, new) = t.send(q) else {
            panic!()
        };
        assert!(!t.answered(old, old_q, Some(vec![kaduna()])), "stale");
        assert!(t.answered(new, q, None));
        assert_eq!(t.lookup(), Lookup::Failed);
        assert!(!t.open());
        let Next::Send(Query::Search(again), _) = t.retry() else {
            panic!("Retry asks the same search again")
        };
        assert_eq!(again, "ikej");
    }

    #[test]
    fn a_state_narrows_to_its_lgas_filtered_locally() {
        let mut t = Typeahead::default();
        let (next, chosen) = t.choose(kaduna());
        assert_eq!(chosen, None);
        let Next::Send(q, ticket) = next else {
            panic!("the state's LGAs are asked")
        };
        assert_eq!(q, Query::State("KD".into()));
        assert_eq!(t.placeholder(&ENGLISH), "Type an LGA in Kaduna");
        t.answered(ticket, q, Some(vec![LocationOption::Lga(zaria())]));
        assert_eq!(t.typed("zar".into()), Next::Nothing, "filtered here");
        assert_eq!(t.rows().len(), 1);
        assert_eq!(t.typed("xyz".into()), Next::Nothing);
        assert_eq!(
            t.status(&ENGLISH),
            "No matching places. Check the spelling or type your state."
        );
        t.search_all_states();
        assert_eq!(t.narrowed_name(), None);
        // the state's LGAs are cached: choosing it again asks nothing
        assert_eq!(t.choose(kaduna()).0, Next::Cancel);
        assert_eq!(t.rows().len(), 1);
    }

    #[test]
    fn keys_move_choose_and_clear() {
        let mut t = Typeahead::default();
        let Next::Debounce(q) = t.typed("Zar".into()) else {
            panic!()
        };
        let Next::Send(q, ticket) = t.send(q) else {
            panic!()
        };
        t.answered(
            ticket,
            q,
            Some(vec![LocationOption::Lga(zaria()), kaduna()]),
        );
        let moved = t.key(ComboKey::Down, false);
        assert!(moved.prevent_default && moved.report.is_none());
        assert_eq!(t.active(), Some(0));
        assert_eq!(t.active_id(), Some(t.rows()[0].id.clone()));
        assert!(t.rows()[0].selected && !t.rows()[1].selected);
        assert_eq!(t.option_by_id(&t.rows()[1].id), Some(&kaduna()));
        let chose = t.key(ComboKey::Enter, false);
        assert!(chose.prevent_default, "Enter never submits the form");
        assert_eq!(chose.report, Some(Some(zaria())));
        assert_eq!(t.text(), zaria().label());
        assert!(!t.open());
        // Escape on a closed list clears the text and the choice
        let cleared = t.key(ComboKey::Escape, false);
        assert_eq!(cleared.report, Some(None));
        assert_eq!(t.text(), "");
        // Alt+Down opens only with options
        assert!(t.key(ComboKey::Down, true).prevent_default);
        assert!(!t.open());
    }

    #[test]
    fn a_chosen_area_shows_its_label() {
        assert_eq!(Typeahead::new(Some(&zaria())).text(), zaria().label());
        assert_eq!(Typeahead::new(None).text(), "");
    }
}
