//! Delivery: the seeded schemes and the one resolver that both `POST delivery/quote/` and
//! order creation use, so the quote a checkout shows is what the order charges.
//!
//! Resolution, per unique scheme in the cart: the LGA group covering the customer's LGA, else
//! the state group covering their state, else the scheme's rest-of-Nigeria fallback, else the
//! scheme is unserviceable there. Products without a scheme share one always-free bucket.
//!
//! Errors (all 422):
//! - `invalid_delivery_location` with `field` = `state_code`, `state_id`, `lga_name` or
//!   `lga_id` for an unknown place, an LGA outside the given state, or ids that disagree;
//! - `404 not_found` with `field` = `items[i].product_id` for a product id not in the catalog.

pub mod schemes;

use amigo_types::delivery::{
    DeliveryLocationInput, EtaRange, LineItem, PremiumTier, Quote, QuoteTotals, ResolvedLocation,
    SchemeQuote, StandardTier, TierResolution,
};
use amigo_types::envelope::ApiError;
use amigo_types::locations::{Lga, State};
use amigo_types::query::shorten;

pub use schemes::{DeliverySchemes, Rates, Scheme};

use crate::catalog::Catalog;
use crate::error::SandboxError;
use crate::locations::Locations;

/// ETA of the always-free no-scheme bucket (shipped with the regular Amigo courier run).
pub const FREE_BUCKET_ETA: (u32, u32) = (2, 5);

/// A resolved place: the state, and the LGA when one was given.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    /// The state.
    pub state: &'a State,
    /// The LGA, when given.
    pub lga: Option<&'a Lga>,
}

fn bad_location(field: &str, message: String) -> SandboxError {
    SandboxError::Invalid(ApiError::invalid(
        "invalid_delivery_location",
        field,
        message,
    ))
}

/// Turns the four optional location fields into a known state (and LGA), or a 422
/// `invalid_delivery_location` naming the offending field.
pub fn resolve_place<'a>(
    locations: &'a Locations,
    input: &DeliveryLocationInput,
) -> Result<Place<'a>, SandboxError> {
    input.validate("").map_err(SandboxError::Invalid)?;
    let by_id =
        match input.state_id {
            None => None,
            Some(id) => Some(locations.state_by_id(id).ok_or_else(|| {
                bad_location("state_id", format!("state_id {id} is not recognised"))
            })?),
        };
    let by_code = match &input.state_code {
        None => None,
        Some(code) => Some(locations.state_by_code(code).ok_or_else(|| {
            bad_location(
                "state_code",
                format!("state_code '{}' is not recognised", shorten(code)),
            )
        })?),
    };
    if let (Some(a), Some(b)) = (by_id, by_code)
        && a.id != b.id
    {
        return Err(bad_location(
            "state_id",
            format!(
                "state_id {} ({}) does not match state_code '{}' ({})",
                a.id, a.name, b.code, b.name
            ),
        ));
    }
    let state = by_id.or(by_code);

    let lga_by_id = match input.lga_id {
        None => None,
        Some(id) => Some(
            locations
                .lga_by_id(id)
                .ok_or_else(|| bad_location("lga_id", format!("lga_id {id} is not recognised")))?,
        ),
    };
    let lga_by_name = match &input.lga_name {
        None => None,
        Some(name) => {
            let matches = locations.lgas_named(name, state.map(|s| s.id));
            match matches.as_slice() {
                [one] => Some(*one),
                [] => {
                    let whose = state.map_or(String::new(), |s| format!(" in {}", s.name));
                    return Err(bad_location(
                        "lga_name",
                        format!("lga_name '{}' is not recognised{whose}", shorten(name)),
                    ));
                }
                _ => {
                    return Err(bad_location(
                        "lga_name",
                        format!(
                            "lga_name '{}' exists in more than one state; send state_code or state_id too",
                            shorten(name)
                        ),
                    ));
                }
            }
        }
    };
    if let (Some(a), Some(b)) = (lga_by_id, lga_by_name)
        && a.id != b.id
    {
        return Err(bad_location(
            "lga_name",
            format!(
                "lga_name '{}' does not match lga_id {} ({})",
                shorten(input.lga_name.as_deref().unwrap_or_default()),
                a.id,
                a.name
            ),
        ));
    }
    let lga = lga_by_id.or(lga_by_name);
    match (state, lga) {
        (Some(s), Some(l)) if l.state_id != s.id => {
            let field = if lga_by_id.is_some() {
                "lga_id"
            } else {
                "lga_name"
            };
            Err(bad_location(
                field,
                format!("{} is in {}, not in {}", l.name, l.state_name, s.name),
            ))
        }
        (Some(s), l) => Ok(Place { state: s, lga: l }),
        (None, Some(l)) => locations
            .state_by_id(l.state_id)
            .map(|s| Place {
                state: s,
                lga: Some(l),
            })
            .ok_or_else(|| SandboxError::Internal(format!("LGA {} has no state", l.id))),
        (None, None) => Err(bad_location(
            "state_code",
            "state_code or state_id is required".into(),
        )),
    }
}

/// Which row of a scheme serves a place, if any.
pub fn scheme_rates(scheme: &Scheme, place: Place<'_>) -> Option<(TierResolution, Rates)> {
    if let Some(lga) = place.lga
        && let Some(g) = scheme.lga_groups.iter().find(|g| g.ids.contains(&lga.id))
    {
        return Some((TierResolution::Lga, g.rates));
    }
    if let Some(g) = scheme
        .state_groups
        .iter()
        .find(|g| g.ids.contains(&place.state.id))
    {
        return Some((TierResolution::State, g.rates));
    }
    scheme.fallback.map(|r| (TierResolution::Fallback, r))
}

/// Resolves delivery for a cart at a location, from the catalog, locations and schemes. The
/// quote endpoint returns this; order creation snapshots it.
pub fn quote(
    catalog: &Catalog,
    locations: &Locations,
    schemes: &DeliverySchemes,
    location: &DeliveryLocationInput,
    items: &[LineItem],
) -> Result<Quote, SandboxError> {
    let place = resolve_place(locations, location)?;

    // Bucket the cart by scheme, in order of first appearance.
    let mut buckets: Vec<(Option<u32>, Vec<u64>, bool)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let product = catalog
            .seeded(item.product_id)
            .ok_or(SandboxError::UnknownProduct {
                index: i,
                product_id: item.product_id,
            })?;
        let key = product.delivery_scheme_id;
        match buckets.iter_mut().find(|b| b.0 == key) {
            Some(b) => {
                if !b.1.contains(&product.id) {
                    b.1.push(product.id);
                }
                b.2 &= product.free_delivery;
            }
            None => buckets.push((key, vec![product.id], product.free_delivery)),
        }
    }

    let mut out = Vec::with_capacity(buckets.len());
    let mut warnings = Vec::new();
    for (scheme_id, product_ids, all_free) in buckets {
        let product_count = product_ids.len() as u32;
        let Some(id) = scheme_id else {
            let (lo, hi) = FREE_BUCKET_ETA;
            out.push(SchemeQuote {
                scheme_id: None,
                scheme_name: None,
                product_ids,
                product_count,
                all_free: true,
                serviceable: true,
                tier_resolution: Some(TierResolution::Free),
                standard: Some(StandardTier {
                    price: 0,
                    free_for_customer: true,
                    eta_min: lo,
                    eta_max: hi,
                }),
                premium: Some(PremiumTier {
                    price: 0,
                    eta_min: lo,
                    eta_max: hi,
                }),
            });
            continue;
        };
        let scheme = schemes
            .get(id)
            .ok_or_else(|| SandboxError::Internal(format!("product scheme {id} is not seeded")))?;
        match scheme_rates(scheme, place) {
            Some((resolution, r)) => out.push(SchemeQuote {
                scheme_id: Some(id),
                scheme_name: Some(scheme.name.to_owned()),
                product_ids,
                product_count,
                all_free,
                serviceable: true,
                tier_resolution: Some(resolution),
                standard: Some(StandardTier {
                    price: r.standard,
                    free_for_customer: all_free,
                    eta_min: r.standard_eta.0,
                    eta_max: r.standard_eta.1,
                }),
                premium: Some(PremiumTier {
                    price: r.premium,
                    eta_min: r.premium_eta.0,
                    eta_max: r.premium_eta.1,
                }),
            }),
            None => {
                warnings.push(format!(
                    "Scheme '{}' does not ship to this area.",
                    scheme.name
                ));
                out.push(SchemeQuote {
                    scheme_id: Some(id),
                    scheme_name: Some(scheme.name.to_owned()),
                    product_ids,
                    product_count,
                    all_free,
                    serviceable: false,
                    tier_resolution: None,
                    standard: None,
                    premium: None,
                });
            }
        }
    }

    let mut totals = QuoteTotals {
        standard: 0,
        premium: 0,
    };
    let mut eta = EtaRange { min: 0, max: 0 };
    for s in &out {
        if let Some(std) = &s.standard {
            if !std.free_for_customer {
                totals.standard += std.price;
            }
            eta.min = eta.min.max(std.eta_min);
            eta.max = eta.max.max(std.eta_max);
        }
        if let Some(p) = &s.premium {
            totals.premium += p.price;
        }
    }
    Ok(Quote {
        location: ResolvedLocation {
            state_id: place.state.id,
            state_code: place.state.code.clone(),
            state_name: place.state.name.clone(),
            lga_id: place.lga.map(|l| l.id),
            lga_name: place.lga.map(|l| l.name.clone()),
        },
        serviceable: out.iter().all(|s| s.serviceable),
        schemes: out,
        totals,
        eta,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::generate::{SCHEME_BULKY, SCHEME_DEFAULT_DOMESTIC, SCHEME_LAGOS_METRO};

    struct World {
        catalog: Catalog,
        locations: Locations,
        schemes: DeliverySchemes,
    }

    fn world() -> World {
        let locations = Locations::load();
        let schemes = DeliverySchemes::seed(&locations);
        World {
            catalog: Catalog::generate(42, 1297, "http://x"),
            locations,
            schemes,
        }
    }

    impl World {
        fn find(&self, scheme: Option<u32>, free: bool) -> u64 {
            (1..=self.catalog.len() as u64)
                .find(|&id| {
                    let p = self.catalog.seeded(id).unwrap();
                    p.delivery_scheme_id == scheme && p.free_delivery == free
                })
                .unwrap()
        }

        fn quote(&self, loc: &DeliveryLocationInput, ids: &[u64]) -> Result<Quote, SandboxError> {
            let items: Vec<LineItem> = ids
                .iter()
                .map(|&product_id| LineItem {
                    product_id,
                    quantity: 1,
                })
                .collect();
            quote(&self.catalog, &self.locations, &self.schemes, loc, &items)
        }
    }

    fn at(code: &str, lga: Option<&str>) -> DeliveryLocationInput {
        DeliveryLocationInput {
            state_code: Some(code.into()),
            lga_name: lga.map(Into::into),
            ..DeliveryLocationInput::default()
        }
    }

    fn code(e: SandboxError) -> (String, Option<String>) {
        match e {
            SandboxError::Invalid(a) => (a.code, a.field),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn documented_example_zaria_state_tier() {
        let w = world();
        let a = w.find(Some(SCHEME_DEFAULT_DOMESTIC), true);
        let b = (a + 1..)
            .find(|&id| {
                let p = w.catalog.seeded(id).unwrap();
                p.delivery_scheme_id == Some(SCHEME_DEFAULT_DOMESTIC) && p.free_delivery
            })
            .unwrap();
        let q = w.quote(&at("KD", Some("Zaria")), &[a, b]).unwrap();
        assert_eq!(q.location.state_id, 19);
        assert_eq!(q.location.lga_name.as_deref(), Some("Zaria"));
        assert!(q.serviceable);
        let s = &q.schemes[0];
        assert_eq!(s.scheme_name.as_deref(), Some("Default Domestic"));
        assert_eq!(s.product_ids, vec![a, b]);
        assert_eq!(s.tier_resolution, Some(TierResolution::State));
        let std = s.standard.unwrap();
        assert_eq!(
            (std.price, std.free_for_customer, std.eta_min, std.eta_max),
            (1500, true, 0, 2)
        );
        assert_eq!(s.premium.unwrap().price, 5000);
        assert_eq!((q.totals.standard, q.totals.premium), (0, 5000));
        assert_eq!((q.eta.min, q.eta.max), (0, 2));
        assert!(q.warnings.is_empty());
    }

    #[test]
    fn chain_lga_state_fallback_unserviceable() {
        let w = world();
        let dd = w.find(Some(SCHEME_DEFAULT_DOMESTIC), false);
        let lm = w.find(Some(SCHEME_LAGOS_METRO), false);
        let res = |q: &Quote, i: usize| q.schemes[i].tier_resolution;
        let q = w.quote(&at("LA", Some("ikeja")), &[dd, lm]).unwrap();
        assert_eq!(
            (res(&q, 0), res(&q, 1)),
            (Some(TierResolution::Lga), Some(TierResolution::Lga))
        );
        let q = w.quote(&at("LA", Some("Epe")), &[dd, lm]).unwrap();
        assert_eq!(
            (res(&q, 0), res(&q, 1)),
            (Some(TierResolution::State), Some(TierResolution::State))
        );
        let q = w.quote(&at("SO", None), &[dd, lm]).unwrap();
        assert_eq!(res(&q, 0), Some(TierResolution::Fallback));
        assert!(!q.serviceable && !q.schemes[1].serviceable);
        assert_eq!(
            q.warnings,
            ["Scheme 'Lagos Metro Only' does not ship to this area."]
        );
        assert_eq!(
            q.totals.standard, 3500,
            "only the serviceable scheme is priced"
        );
    }

    #[test]
    fn free_bucket_and_per_scheme_free_rule() {
        let w = world();
        let none = w.find(None, false);
        let paid = w.find(Some(SCHEME_DEFAULT_DOMESTIC), false);
        let free = w.find(Some(SCHEME_DEFAULT_DOMESTIC), true);
        let bulky = w.find(Some(SCHEME_BULKY), true);
        let q = w
            .quote(&at("OY", None), &[none, paid, free, bulky])
            .unwrap();
        assert_eq!(q.schemes.len(), 3);
        let null = &q.schemes[0];
        assert_eq!(
            (null.scheme_id, null.tier_resolution),
            (None, Some(TierResolution::Free))
        );
        assert_eq!(null.standard.unwrap().price, 0);
        let dd = &q.schemes[1];
        assert!(
            !dd.all_free && !dd.standard.unwrap().free_for_customer,
            "one paid product makes the scheme paid"
        );
        let bk = &q.schemes[2];
        assert!(bk.all_free && bk.standard.unwrap().free_for_customer);
        assert!(bk.premium.unwrap().price > 0, "premium is always paid");
        assert_eq!(q.totals.standard, 2000);
        assert_eq!(q.totals.premium, 4500 + 11_000);
        assert_eq!(q.eta.max, 6, "slowest scheme");
    }

    #[test]
    fn bad_locations_name_their_field() {
        let w = world();
        let p = [w.find(None, false)];
        let cases = [
            (at("XYZ", None), "state_code"),
            (at("ZZ", None), "state_code"),
            (
                DeliveryLocationInput {
                    state_id: Some(99),
                    ..Default::default()
                },
                "state_id",
            ),
            (
                DeliveryLocationInput {
                    state_id: Some(25),
                    state_code: Some("KD".into()),
                    ..Default::default()
                },
                "state_id",
            ),
            (at("KD", Some("Ikeja")), "lga_name"),
            (at("KD", Some("Atlantis")), "lga_name"),
            (
                DeliveryLocationInput {
                    state_code: Some("KD".into()),
                    lga_id: Some(9999),
                    ..Default::default()
                },
                "lga_id",
            ),
            (
                DeliveryLocationInput {
                    state_code: Some("KD".into()),
                    lga_id: Some(1),
                    ..Default::default()
                },
                "lga_id",
            ),
            (
                DeliveryLocationInput {
                    lga_name: Some("Surulere".into()),
                    ..Default::default()
                },
                "lga_name",
            ),
            (DeliveryLocationInput::default(), "state_code"),
        ];
        for (loc, field) in cases {
            let (c, f) = code(w.quote(&loc, &p).unwrap_err());
            assert_eq!(
                (c.as_str(), f.as_deref()),
                ("invalid_delivery_location", Some(field)),
                "{loc:?}"
            );
        }
        let (status, body) = w
            .quote(&at("KD", None), &[p[0], 999_999])
            .unwrap_err()
            .to_parts();
        assert_eq!(
            (status.as_u16(), body.error.as_str(), body.field.as_deref()),
            (404, "not_found", Some("items[1].product_id"))
        );
    }

    #[test]
    fn lga_alone_implies_its_state_and_ids_work() {
        let w = world();
        let p = [w.find(Some(SCHEME_DEFAULT_DOMESTIC), false)];
        let zaria = w.locations.lgas_named("Zaria", None)[0].id;
        let q = w
            .quote(
                &DeliveryLocationInput {
                    lga_id: Some(zaria),
                    ..Default::default()
                },
                &p,
            )
            .unwrap();
        assert_eq!(q.location.state_code, "KD");
        let q = w
            .quote(
                &DeliveryLocationInput {
                    lga_name: Some("zaria".into()),
                    state_id: Some(19),
                    ..Default::default()
                },
                &p,
            )
            .unwrap();
        assert_eq!(q.location.lga_id, Some(zaria));
    }
}
