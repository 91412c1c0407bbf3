//! States and LGAs (`locations.php`): wire rows and the query every side parses alike.

use serde::{Deserialize, Serialize};

use crate::envelope::ApiError;
use crate::query::{QueryPairs, shorten};

/// A state (or the FCT).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// Id (1–37, alphabetical by name with the FCT between Enugu and Gombe).
    pub id: u32,
    /// ISO 3166-2:NG code without `NG-` (`LA`, `KD`; the FCT is `FCT`).
    pub code: String,
    /// Short name (`Akwa Ibom`).
    pub name: String,
    /// Capital city.
    pub capital: String,
    /// Geopolitical zone (`South-West`, …).
    pub region: String,
    /// Display order.
    pub sort_order: u32,
}

/// A Local Government Area, as listed by `type=lgas`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lga {
    /// Id.
    pub id: u32,
    /// Owning state's id.
    pub state_id: u32,
    /// Name (`Zaria`).
    pub name: String,
    /// URL slug (`kaduna-north`).
    pub slug: String,
    /// `1` for the LGA holding the state capital, else `0` (the platform sends an integer).
    pub is_capital: u8,
    /// Owning state's code.
    pub state_code: String,
    /// Owning state's name.
    pub state_name: String,
}

/// An LGA as returned by the typeahead: the fields needed to label and choose it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LgaHit {
    /// Id.
    pub id: u32,
    /// Name.
    pub name: String,
    /// Owning state's code.
    pub state_code: String,
    /// Owning state's name.
    pub state_name: String,
}

/// `type=states` / `type=lgas` response: `{success, data, count}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationList<T> {
    /// Always `true`.
    pub success: bool,
    /// Rows.
    pub data: Vec<T>,
    /// `data.len()`.
    pub count: usize,
}

/// `search=` response: `{success, query, states, lgas}`, best matches first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationSearch {
    /// Always `true`.
    pub success: bool,
    /// The query as understood (trimmed).
    pub query: String,
    /// Matching states.
    pub states: Vec<State>,
    /// Matching LGAs.
    pub lgas: Vec<LgaHit>,
}

/// Longest typeahead query accepted.
pub const MAX_LOCATION_SEARCH_LEN: usize = 60;

/// A state given by id or by code, as the docs allow everywhere a state is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateSelector {
    /// `state_id`.
    Id(u32),
    /// `state_code`, upper-cased.
    Code(String),
}

/// What a `locations.php` request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocationQuery {
    /// `type=states` (the default).
    States,
    /// `type=lgas`, optionally narrowed to one state.
    Lgas(Option<StateSelector>),
    /// `search=…`: typeahead over states and LGAs.
    Search(String),
}

impl LocationQuery {
    /// Parses `type`, `state_id`, `state_code` and `search`.
    ///
    /// A present-but-empty `search` is an error (`invalid_search`), not a full listing, so a
    /// typeahead bug can't silently download everything.
    pub fn parse(q: &QueryPairs) -> Result<Self, ApiError> {
        if let Some(raw) = q.get("search") {
            let s = raw.trim();
            if s.is_empty() {
                return Err(ApiError::invalid(
                    "invalid_search",
                    "search",
                    "search must not be empty",
                ));
            }
            if s.chars().count() > MAX_LOCATION_SEARCH_LEN {
                return Err(ApiError::invalid(
                    "invalid_search",
                    "search",
                    format!("search must be at most {MAX_LOCATION_SEARCH_LEN} characters"),
                ));
            }
            return Ok(LocationQuery::Search(s.to_owned()));
        }
        match q.non_empty("type").map(|t| t.trim().to_ascii_lowercase()) {
            None => Ok(LocationQuery::States),
            Some(t) if t == "states" => Ok(LocationQuery::States),
            Some(t) if t == "lgas" => {
                if let Some(id) = q.non_empty("state_id") {
                    let id = id.trim().parse::<u32>().map_err(|_| {
                        ApiError::invalid(
                            "invalid_state_id",
                            "state_id",
                            format!("state_id '{}' is not recognised", shorten(id)),
                        )
                    })?;
                    Ok(LocationQuery::Lgas(Some(StateSelector::Id(id))))
                } else if let Some(code) = q.non_empty("state_code") {
                    Ok(LocationQuery::Lgas(Some(StateSelector::Code(
                        code.trim().to_ascii_uppercase(),
                    ))))
                } else {
                    Ok(LocationQuery::Lgas(None))
                }
            }
            Some(other) => Err(ApiError::invalid(
                "invalid_type",
                "type",
                format!("type must be 'states' or 'lgas', got '{}'", shorten(&other)),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> QueryPairs {
        QueryPairs::from_strs(pairs)
    }

    #[test]
    fn parses_each_form() {
        assert_eq!(
            LocationQuery::parse(&q(&[])).unwrap(),
            LocationQuery::States
        );
        assert_eq!(
            LocationQuery::parse(&q(&[("type", "lgas"), ("state_code", "kd")])).unwrap(),
            LocationQuery::Lgas(Some(StateSelector::Code("KD".into())))
        );
        assert_eq!(
            LocationQuery::parse(&q(&[("search", " zar ")])).unwrap(),
            LocationQuery::Search("zar".into())
        );
        assert_eq!(
            LocationQuery::parse(&q(&[("search", "  ")]))
                .unwrap_err()
                .code,
            "invalid_search"
        );
        assert_eq!(
            LocationQuery::parse(&q(&[("type", "lgas"), ("state_id", "x")]))
                .unwrap_err()
                .code,
            "invalid_state_id"
        );
        assert_eq!(
            LocationQuery::parse(&q(&[("type", "cities")]))
                .unwrap_err()
                .code,
            "invalid_type"
        );
    }
}
