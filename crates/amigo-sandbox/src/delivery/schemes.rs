//! The seeded delivery schemes: which areas each ships to, at what price and how fast.
//!
//! A scheme has LGA-specific groups, state-level groups and optionally a rest-of-Nigeria
//! fallback row; the resolver walks them in that order.

use std::collections::HashSet;

use crate::catalog::generate::{SCHEME_BULKY, SCHEME_DEFAULT_DOMESTIC, SCHEME_LAGOS_METRO};
use crate::locations::Locations;

/// Prices and ETAs of both tiers for one row of a scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    /// Standard tier list price, whole Naira.
    pub standard: i64,
    /// Standard tier days range.
    pub standard_eta: (u32, u32),
    /// Premium (home delivery) price, whole Naira.
    pub premium: i64,
    /// Premium tier days range.
    pub premium_eta: (u32, u32),
}

/// A group of places sharing one rate.
#[derive(Debug, Clone)]
pub struct AreaGroup {
    /// Human name of the group ("Lagos core").
    pub name: &'static str,
    /// LGA ids (for LGA groups) or state ids (for state groups).
    pub ids: HashSet<u32>,
    /// The rate.
    pub rates: Rates,
}

/// One delivery scheme.
#[derive(Debug, Clone)]
pub struct Scheme {
    /// Scheme id (what products carry in `delivery_scheme_id`).
    pub id: u32,
    /// Display name, quoted in warnings.
    pub name: &'static str,
    /// LGA-specific groups, checked first.
    pub lga_groups: Vec<AreaGroup>,
    /// State-level groups, checked next.
    pub state_groups: Vec<AreaGroup>,
    /// The rest-of-Nigeria row; `None` means the scheme doesn't ship elsewhere.
    pub fallback: Option<Rates>,
}

/// All schemes.
#[derive(Debug, Clone)]
pub struct DeliverySchemes {
    schemes: Vec<Scheme>,
}

const fn rates(
    standard: i64,
    standard_eta: (u32, u32),
    premium: i64,
    premium_eta: (u32, u32),
) -> Rates {
    Rates {
        standard,
        standard_eta,
        premium,
        premium_eta,
    }
}

/// Lagos LGAs served same/next day by courier.
const LAGOS_CORE: [&str; 12] = [
    "Apapa",
    "Eti-Osa",
    "Ikeja",
    "Kosofe",
    "Lagos Island",
    "Lagos Mainland",
    "Mushin",
    "Oshodi-Isolo",
    "Shomolu",
    "Surulere",
    "Amuwo-Odofin",
    "Agege",
];

impl DeliverySchemes {
    /// Seeds "Default Domestic" (LGA groups, state groups, fallback), "Lagos Metro Only" (no
    /// fallback) and "Bulky Items" (state groups and a dearer fallback).
    pub fn seed(locations: &Locations) -> Self {
        let lgas = |state: &str, names: &[&str]| -> HashSet<u32> {
            let state_id = locations.state_by_code(state).map(|s| s.id);
            names
                .iter()
                .flat_map(|n| locations.lgas_named(n, state_id))
                .map(|l| l.id)
                .collect()
        };
        let states = |codes: &[&str]| -> HashSet<u32> {
            codes
                .iter()
                .filter_map(|c| locations.state_by_code(c))
                .map(|s| s.id)
                .collect()
        };
        let default_domestic = Scheme {
            id: SCHEME_DEFAULT_DOMESTIC,
            name: "Default Domestic",
            lga_groups: vec![
                AreaGroup {
                    name: "Lagos core",
                    ids: lgas("LA", &LAGOS_CORE),
                    rates: rates(1_000, (0, 1), 2_500, (0, 1)),
                },
                AreaGroup {
                    name: "Abuja city",
                    ids: lgas("FCT", &["Abuja Municipal Area Council", "Bwari"]),
                    rates: rates(1_200, (0, 2), 3_000, (0, 1)),
                },
                AreaGroup {
                    name: "Port Harcourt city",
                    ids: lgas("RI", &["Port Harcourt", "Obio/Akpor"]),
                    rates: rates(1_500, (1, 2), 3_500, (0, 1)),
                },
            ],
            state_groups: vec![
                AreaGroup {
                    name: "Northern hubs",
                    ids: states(&["KD", "KN", "FCT", "NI", "PL"]),
                    rates: rates(1_500, (0, 2), 5_000, (0, 2)),
                },
                AreaGroup {
                    name: "South-West",
                    ids: states(&["LA", "OG", "OY", "OS", "ON", "EK"]),
                    rates: rates(2_000, (1, 3), 4_500, (1, 2)),
                },
                AreaGroup {
                    name: "South",
                    ids: states(&[
                        "RI", "DE", "ED", "AK", "CR", "BY", "AN", "EN", "IM", "AB", "EB",
                    ]),
                    rates: rates(2_500, (2, 4), 5_500, (1, 3)),
                },
            ],
            fallback: Some(rates(3_500, (3, 7), 7_500, (2, 5))),
        };
        let lagos_metro = Scheme {
            id: SCHEME_LAGOS_METRO,
            name: "Lagos Metro Only",
            lga_groups: vec![AreaGroup {
                name: "Lagos core",
                ids: lgas("LA", &LAGOS_CORE),
                rates: rates(800, (0, 1), 2_000, (0, 1)),
            }],
            state_groups: vec![AreaGroup {
                name: "Lagos State",
                ids: states(&["LA"]),
                rates: rates(1_500, (1, 2), 3_500, (0, 1)),
            }],
            fallback: None,
        };
        let bulky = Scheme {
            id: SCHEME_BULKY,
            name: "Bulky Items",
            lga_groups: Vec::new(),
            state_groups: vec![
                AreaGroup {
                    name: "Warehouse cities",
                    ids: states(&["LA", "FCT", "RI"]),
                    rates: rates(4_000, (2, 4), 8_000, (1, 3)),
                },
                AreaGroup {
                    name: "Regional hubs",
                    ids: states(&["OG", "OY", "KD", "KN", "EN", "ED"]),
                    rates: rates(6_000, (3, 6), 11_000, (2, 4)),
                },
            ],
            fallback: Some(rates(9_000, (4, 10), 15_000, (3, 7))),
        };
        Self {
            schemes: vec![default_domestic, lagos_metro, bulky],
        }
    }

    /// A scheme by id.
    pub fn get(&self, id: u32) -> Option<&Scheme> {
        self.schemes.iter().find(|s| s.id == id)
    }

    /// All schemes, in id order.
    pub fn all(&self) -> &[Scheme] {
        &self.schemes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_resolve_their_places() {
        let l = Locations::load();
        let s = DeliverySchemes::seed(&l);
        let dd = s.get(SCHEME_DEFAULT_DOMESTIC).unwrap();
        assert_eq!(dd.lga_groups[0].ids.len(), LAGOS_CORE.len());
        assert_eq!(dd.lga_groups[1].ids.len(), 2);
        assert_eq!(dd.lga_groups[2].ids.len(), 2);
        assert_eq!(dd.state_groups[0].ids.len(), 5);
        // Surulere is in Lagos and Oyo; only the Lagos one is "Lagos core".
        let oyo_surulere = l.lgas_named("Surulere", Some(l.state_by_code("OY").unwrap().id))[0].id;
        assert!(!dd.lga_groups[0].ids.contains(&oyo_surulere));
        assert!(s.get(SCHEME_LAGOS_METRO).unwrap().fallback.is_none());
        assert!(s.get(99).is_none());
        assert_eq!(s.all().len(), 3);
    }
}
