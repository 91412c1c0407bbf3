//! The `locations.php?search=` typeahead: case-, accent- and punctuation-insensitive matching
//! over state and LGA names, tolerant of the alternative spellings the data README lists
//! (`Otukpo` finds Oturkpo, `Sagamu` finds Shagamu, `Egbado` finds Yewa North and South).
//!
//! Ranking: a name that starts with the query, then one with a word starting with it, then one
//! merely containing it; alphabetical within each rank.

use amigo_types::locations::{Lga, LgaHit, State};

/// Most states a search returns.
pub const MAX_STATE_HITS: usize = 10;
/// Most LGAs a search returns.
pub const MAX_LGA_HITS: usize = 25;

/// Other spellings in use, as `(chosen spelling, alternative)`, from the data README.
const LGA_ALIASES: [(&str, &str); 32] = [
    ("Oturkpo", "Otukpo"),
    ("Unuimo", "Onuimo"),
    ("Shagamu", "Sagamu"),
    ("Ifako-Ijaye", "Ifako-Ijaiye"),
    ("Yenagoa", "Yenegoa"),
    ("Ilesa East", "Ilesha East"),
    ("Ilesa West", "Ilesha West"),
    ("Atakunmosa East", "Atakumosa East"),
    ("Atakunmosa West", "Atakumosa West"),
    ("Aiyedaade", "Ayedaade"),
    ("Aiyedire", "Ayedire"),
    ("Aleiro", "Aliero"),
    ("Wamako", "Wamakko"),
    ("Kiri Kasama", "Kiri Kasamma"),
    ("Garun Mallam", "Garum Mallam"),
    ("Nasarawa Egon", "Nasarawa Eggon"),
    ("Munya", "Muya"),
    ("Emohua", "Emuoha"),
    ("Shongom", "Shomgom"),
    ("Omuma", "Omumma"),
    ("Obi Ngwa", "Obingwa"),
    ("Umu-Nneochi", "Umunneochi"),
    ("Pategi", "Patigi"),
    ("Tsafe", "Chafe"),
    ("Yewa North", "Egbado North"),
    ("Yewa South", "Egbado South"),
    ("Kogi", "Koton Karfe"),
    ("Gbonyin", "Aiyekire"),
    ("Esit Eket", "Uquo"),
    ("Anambra West", "Mbamili"),
    ("Osogbo", "Oshogbo"),
    ("Abuja Municipal Area Council", "Abuja Municipal"),
];

/// Other names people type for a state.
const STATE_ALIASES: [(&str, &str); 2] = [
    ("Federal Capital Territory", "Abuja"),
    ("Federal Capital Territory", "FCT"),
];

/// Folds text for matching: lowercase, accents dropped, apostrophes and dots removed, every
/// other run of non-alphanumerics a single space (`Jema'a` → `jemaa`, `Ọ̀yọ́` → `oyo`,
/// `Eti-Osa` → `eti osa`).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for ch in text.chars().flat_map(char::to_lowercase) {
        let base = strip_accent(ch);
        if base.is_ascii_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(base);
        } else if matches!(base, '\'' | '’' | '`' | '.') || is_combining_mark(base) {
            // dropped inside words
        } else {
            space = true;
        }
    }
    out
}

fn is_combining_mark(ch: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&ch)
}

/// The base letter of an accented Latin letter (Yoruba, Igbo, Hausa and the usual
/// Western-European marks); anything else unchanged.
fn strip_accent(ch: char) -> char {
    match ch {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ạ' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' | 'ẹ' | 'ɛ' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ĭ' | 'į' | 'ị' => 'i',
        'ñ' | 'ń' | 'ň' | 'ŋ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ọ' | 'ɔ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ụ' => 'u',
        'ý' | 'ÿ' | 'ƴ' => 'y',
        'ś' | 'š' | 'ş' | 'ṣ' => 's',
        'ź' | 'ż' | 'ž' => 'z',
        'ɓ' => 'b',
        'ɗ' => 'd',
        'ƙ' => 'k',
        other => other,
    }
}

/// How well a key matches a query; lower is better.
fn rank(key: &str, query: &str) -> Option<u8> {
    if key.starts_with(query) {
        return Some(0);
    }
    if key
        .match_indices(query)
        .any(|(i, _)| key.as_bytes()[i - 1] == b' ')
    {
        return Some(1);
    }
    if key.contains(query) {
        return Some(2);
    }
    // "ifakoijaye" for "Ifako-Ijaye", "umunneochi" for "Umu-Nneochi": ignore spaces too.
    let compact_key: String = key.split(' ').collect();
    let compact_query: String = query.split(' ').collect();
    if compact_key.starts_with(&compact_query) {
        Some(1)
    } else if compact_key.contains(&compact_query) {
        Some(2)
    } else {
        None
    }
}

#[derive(Debug)]
struct Entry {
    /// Folded spellings: the name first, then alternatives.
    keys: Vec<String>,
    /// Folded, space-free spellings, for exact lookups.
    compact: Vec<String>,
    /// Display name, for alphabetical order.
    name: String,
}

impl Entry {
    fn new(name: &str, alternatives: impl Iterator<Item = &'static str>) -> Self {
        let keys: Vec<String> = std::iter::once(fold(name))
            .chain(alternatives.map(fold))
            .collect();
        let compact = keys.iter().map(|k| k.replace(' ', "")).collect();
        Self {
            keys,
            compact,
            name: name.to_owned(),
        }
    }

    fn rank(&self, query: &str) -> Option<u8> {
        self.keys.iter().filter_map(|k| rank(k, query)).min()
    }
}

/// The typeahead index: folded spellings of every state and LGA.
#[derive(Debug)]
pub struct LocationTypeahead {
    states: Vec<(Entry, State)>,
    lgas: Vec<(Entry, LgaHit)>,
}

/// What the typeahead found, best first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeaheadHits {
    /// Matching states.
    pub states: Vec<State>,
    /// Matching LGAs.
    pub lgas: Vec<LgaHit>,
}

impl LocationTypeahead {
    /// Indexes states and LGAs with their alternative spellings.
    pub fn build(states: &[State], lgas: &[Lga]) -> Self {
        let states = states
            .iter()
            .map(|s| {
                let alts = STATE_ALIASES
                    .iter()
                    .filter(|(n, _)| *n == s.name)
                    .map(|(_, a)| *a);
                (Entry::new(&s.name, alts), s.clone())
            })
            .collect();
        let lgas = lgas
            .iter()
            .map(|l| {
                let alts = LGA_ALIASES
                    .iter()
                    .filter(|(n, _)| *n == l.name)
                    .map(|(_, a)| *a);
                let hit = LgaHit {
                    id: l.id,
                    name: l.name.clone(),
                    state_code: l.state_code.clone(),
                    state_name: l.state_name.clone(),
                };
                (Entry::new(&l.name, alts), hit)
            })
            .collect();
        Self { states, lgas }
    }

    /// States and LGAs matching `query`, best first, at most [`MAX_STATE_HITS`] and
    /// [`MAX_LGA_HITS`]. A query that folds to nothing (only punctuation) matches nothing.
    pub fn search(&self, query: &str) -> TypeaheadHits {
        let q = fold(query);
        if q.is_empty() {
            return TypeaheadHits {
                states: Vec::new(),
                lgas: Vec::new(),
            };
        }
        // A state code typed as such ("la", "fct") ranks its state first.
        let code = q.to_ascii_uppercase();
        let mut states: Vec<(u8, &Entry, &State)> = self
            .states
            .iter()
            .filter_map(|(e, s)| {
                let by_code = (s.code == code).then_some(0);
                by_code.or_else(|| e.rank(&q)).map(|r| (r, e, s))
            })
            .collect();
        states.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
        let mut lgas: Vec<(u8, &Entry, &LgaHit)> = self
            .lgas
            .iter()
            .filter_map(|(e, l)| e.rank(&q).map(|r| (r, e, l)))
            .collect();
        lgas.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| a.1.name.cmp(&b.1.name))
                .then_with(|| a.2.state_name.cmp(&b.2.state_name))
        });
        TypeaheadHits {
            states: states
                .into_iter()
                .take(MAX_STATE_HITS)
                .map(|(_, _, s)| s.clone())
                .collect(),
            lgas: lgas
                .into_iter()
                .take(MAX_LGA_HITS)
                .map(|(_, _, l)| l.clone())
                .collect(),
        }
    }

    /// Positions (id − 1) of LGAs whose name or an alternative spelling equals `name` after
    /// folding and ignoring spaces.
    pub(crate) fn exact_lgas(&self, name: &str) -> Vec<usize> {
        let q: String = fold(name).replace(' ', "");
        if q.is_empty() {
            return Vec::new();
        }
        self.lgas
            .iter()
            .enumerate()
            .filter(|(_, (e, _))| e.compact.contains(&q))
            .map(|(i, _)| i)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::Locations;
    use super::*;
    use proptest::prelude::*;

    fn names(h: &TypeaheadHits) -> Vec<String> {
        h.lgas.iter().map(|l| l.name.clone()).collect()
    }

    #[test]
    fn folding() {
        assert_eq!(fold("  Jema'a "), "jemaa");
        assert_eq!(fold("Eti-Osa"), "eti osa");
        assert_eq!(fold("ỌYỌ́"), "oyo");
        assert_eq!(fold("Ọ̀yọ́"), "oyo");
        assert_eq!(fold("Ìbàdàn North/East"), "ibadan north east");
        assert_eq!(fold("--"), "");
    }

    #[test]
    fn documented_example_zar() {
        let l = Locations::load();
        let h = l.typeahead().search("zar");
        assert!(h.states.is_empty());
        assert_eq!(h.lgas[0].name, "Zaria");
        assert_eq!(h.lgas[0].state_code, "KD");
    }

    #[test]
    fn prefix_before_word_prefix_before_substring() {
        let l = Locations::load();
        let t = l.typeahead();
        assert_eq!(
            names(&t.search("ife")),
            [
                "Ife Central",
                "Ife East",
                "Ife North",
                "Ife South",
                "Ifedayo",
                "Ifedore",
                "Ifelodun",
                "Ifelodun",
                "Ajeromi-Ifelodun",
                "Irepodun/Ifelodun",
            ]
        );
        for q in ["ka", "north", "osa", "an", "ij"] {
            let fq = fold(q);
            let ranked: Vec<(u8, String)> = t
                .search(q)
                .lgas
                .iter()
                .map(|h| {
                    let (e, _) = t.lgas.iter().find(|(_, x)| x.id == h.id).unwrap();
                    (e.rank(&fq).unwrap(), h.name.clone())
                })
                .collect();
            assert!(ranked.windows(2).all(|w| w[0] <= w[1]), "{q}: {ranked:?}");
        }
    }

    #[test]
    fn alternative_spellings_and_accents() {
        let l = Locations::load();
        let t = l.typeahead();
        assert_eq!(names(&t.search("Otukpo")), ["Oturkpo"]);
        assert_eq!(names(&t.search("sagamu")), ["Shagamu"]);
        assert_eq!(names(&t.search("Egbado")), ["Yewa North", "Yewa South"]);
        assert_eq!(names(&t.search("ÌLÉSHA")), ["Ilesa East", "Ilesa West"]);
        assert_eq!(names(&t.search("ifako ijaiye")), ["Ifako-Ijaye"]);
        let lagos = t.search("lagos");
        assert_eq!(lagos.states[0].code, "LA");
        assert_eq!(names(&lagos), ["Lagos Island", "Lagos Mainland"]);
        assert_eq!(t.search("fct").states[0].code, "FCT");
        assert_eq!(t.search("abuja").states[0].code, "FCT");
        assert!(t.search("qqqq").lgas.is_empty());
        assert!(t.search("...").states.is_empty());
    }

    #[test]
    fn results_are_capped() {
        let l = Locations::load();
        let h = l.typeahead().search("a");
        assert_eq!(h.lgas.len(), MAX_LGA_HITS);
        assert_eq!(h.states.len(), MAX_STATE_HITS);
    }

    proptest! {
        #[test]
        fn every_lga_finds_itself(i in 0usize..774) {
            let l = Locations::load();
            let lga = &l.lgas()[i];
            let h = l.typeahead().search(&lga.name.to_uppercase());
            prop_assert!(h.lgas.iter().any(|x| x.id == lga.id), "{} not found", lga.name);
        }
    }
}
