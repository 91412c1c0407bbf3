//! Seeded product generation: the same `(seed, size)` always yields the same products, so tests,
//! demos and benchmarks agree on the data without shipping a fixture.

use std::collections::HashSet;

use amigo_types::catalog::{
    Brand, CategoryRef, MarketPrice, Price, Product, ProductImage, Rating, Stock,
};
use amigo_types::format_naira;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::categories::{CATEGORIES, CategorySpec};
use crate::clock::iso8601;

/// Delivery scheme ids products are assigned to (see `delivery::schemes`).
pub(crate) const SCHEME_DEFAULT_DOMESTIC: u32 = 1;
/// "Lagos Metro Only".
pub(crate) const SCHEME_LAGOS_METRO: u32 = 2;
/// "Bulky Items" (home appliances).
pub(crate) const SCHEME_BULKY: u32 = 3;

/// The catalog's "now": 2026-05-16T18:32:11+01:00. Fixed, so `updated_at` never depends on
/// when the sandbox started.
const CATALOG_EPOCH: i64 = 1_778_952_731;
/// `updated_at` spreads over this many seconds before the epoch (about 18 months).
const UPDATED_SPREAD: i64 = 540 * 86_400;

const COLOURS: [&str; 8] = [
    "Black", "White", "Blue", "Grey", "Green", "Red", "Pink", "Navy",
];

/// One generated product plus the facts the catalog indexes by.
#[derive(Debug, Clone)]
pub(crate) struct Generated {
    /// The wire product (its `stock` is the starting stock).
    pub(crate) product: Product,
    /// `updated_at` as unix seconds, for the `new` sort.
    pub(crate) updated_unix: i64,
    /// Index into [`CATEGORIES`].
    pub(crate) category_index: usize,
}

/// How many products each category gets for `size` products: the 1,297 weights scaled, with
/// the remainder spread by largest fraction so the counts add up to exactly `size`.
pub(crate) fn category_counts(size: usize) -> [usize; 14] {
    let total: u64 = CATEGORIES.iter().map(|c| u64::from(c.weight)).sum();
    let mut counts = [0usize; 14];
    let mut fractions: Vec<(u64, usize)> = Vec::with_capacity(14);
    let mut assigned = 0usize;
    for (i, c) in CATEGORIES.iter().enumerate() {
        let exact = size as u64 * u64::from(c.weight);
        counts[i] = (exact / total) as usize;
        assigned += counts[i];
        fractions.push((exact % total, i));
    }
    fractions.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in fractions.iter().cycle().take(size - assigned) {
        counts[*i] += 1;
    }
    counts
}

/// Generates `size` products from `seed`, ids `1..=size`, with image URLs under `base_url`.
pub(crate) fn generate(seed: u64, size: usize, base_url: &str) -> Vec<Generated> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let counts = category_counts(size);
    let mut order: Vec<usize> = Vec::with_capacity(size);
    for (i, n) in counts.iter().enumerate() {
        order.extend(std::iter::repeat_n(i, *n));
    }
    order.shuffle(&mut rng);
    let base_url = base_url.trim_end_matches('/');
    let mut slugs: HashSet<String> = HashSet::with_capacity(size);
    order
        .into_iter()
        .enumerate()
        .map(|(i, cat)| {
            let id = i as u64 + 1;
            one(&mut rng, id, cat, base_url, &mut slugs)
        })
        .collect()
}

fn one(
    rng: &mut ChaCha8Rng,
    id: u64,
    category_index: usize,
    base_url: &str,
    slugs: &mut HashSet<String>,
) -> Generated {
    let spec: &CategorySpec = &CATEGORIES[category_index];
    let brand = if rng.random_bool(0.72) {
        Brand::Oraimo
    } else {
        Brand::Amigo
    };
    let models = match brand {
        Brand::Oraimo => spec.oraimo_models,
        Brand::Amigo => spec.amigo_models,
    };
    let model = models.choose(rng).copied().unwrap_or("Classic");
    let spec_index = rng.random_range(0..spec.specs.len());
    let variant = spec.specs[spec_index];
    let noun = spec.nouns.choose(rng).copied().unwrap_or("Accessory");
    let mut name = format!("{} {model} {variant} {noun}", brand.label());
    if rng.random_bool(0.35) {
        let colour = COLOURS.choose(rng).copied().unwrap_or("Black");
        name.push_str(" - ");
        name.push_str(colour);
    }
    let slug = unique_slug(&slugify(&name), slugs);

    // Price rises with the spec variant, plus noise; whole hundreds like a real shelf.
    let (lo, hi) = spec.price;
    let step = (hi - lo) / spec.specs.len() as i64;
    let base = lo + step * spec_index as i64;
    let amount = round_to(base + rng.random_range(0..=step.max(100)), 100).max(500);
    let market = if rng.random_bool(0.3) {
        let pct = rng.random_range(8..=45_i64);
        let compare_at = round_to(amount * 100 / (100 - pct), 100).max(amount + 100);
        let discount_percent = ((compare_at - amount) * 100 / compare_at) as u8;
        Some(MarketPrice {
            amount: compare_at,
            display: format_naira(compare_at),
            discount_percent,
        })
    } else {
        None
    };

    let mut features: Vec<&str> = spec.features.to_vec();
    features.shuffle(rng);
    let sentences = rng.random_range(2..=3).min(features.len());
    let mut description = features[..sentences].join(" ");
    description.push_str(match brand {
        Brand::Oraimo => " Backed by a 12-month oraimo warranty.",
        Brand::Amigo => " Backed by a 6-month Amigo warranty.",
    });

    let roll = rng.random_range(0..100);
    let stock_count = match roll {
        0..12 => 0,
        12..27 => rng.random_range(1..=5),
        _ => rng.random_range(6..=250),
    };
    let rating_count = if rng.random_bool(0.06) {
        0
    } else {
        rng.random_range(1..=2_500)
    };
    let rating_value = if rating_count == 0 {
        0.0
    } else {
        f32::from(rng.random_range(30_u8..=50)) / 10.0
    };
    let image_count = rng.random_range(1..=4_u8);
    let images = (1..=image_count)
        .map(|position| ProductImage {
            position,
            url: format!("{base_url}/sandbox-assets/images/p{id}-{position}.svg"),
        })
        .collect();
    let updated_unix = CATALOG_EPOCH - rng.random_range(0..UPDATED_SPREAD);
    let updated_at = iso8601(
        time::OffsetDateTime::from_unix_timestamp(updated_unix)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
    );
    let delivery_scheme_id = if spec.slug == "home-appliances" {
        Some(SCHEME_BULKY)
    } else {
        match rng.random_range(0..100) {
            0..70 => Some(SCHEME_DEFAULT_DOMESTIC),
            70..82 => Some(SCHEME_LAGOS_METRO),
            _ => None,
        }
    };
    let free_delivery = rng.random_bool(0.25);

    Generated {
        product: Product {
            id,
            slug,
            brand,
            name,
            description,
            price: Price {
                amount,
                display: format_naira(amount),
                currency: "NGN".to_owned(),
                market,
            },
            category: CategoryRef {
                id: spec.id,
                slug: spec.slug.to_owned(),
                name: spec.name.to_owned(),
            },
            stock: Stock {
                in_stock: stock_count > 0,
                count: stock_count,
            },
            rating: Rating {
                value: rating_value,
                count: rating_count,
            },
            images,
            delivery_scheme_id,
            free_delivery,
            updated_at,
        },
        updated_unix,
        category_index,
    }
}

fn round_to(n: i64, step: i64) -> i64 {
    (n + step / 2) / step * step
}

/// Lowercase ASCII letters and digits joined by single dashes (`Traveler 3 10000mAh` →
/// `traveler-3-10000mah`); quotes and other punctuation vanish.
pub(crate) fn slugify(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(ch.to_ascii_lowercase());
        } else if ch == '.' || ch == '\'' || ch == '"' {
            // "1.5m" → "15m", "Jema'a" → "jemaa": punctuation inside a word keeps it whole.
        } else {
            dash = true;
        }
    }
    out
}

fn unique_slug(base: &str, taken: &mut HashSet<String>) -> String {
    if taken.insert(base.to_owned()) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|s| taken.insert(s.clone()))
        .unwrap_or_else(|| base.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_scale_and_add_up() {
        assert_eq!(category_counts(1297)[0], 183);
        assert_eq!(category_counts(1297)[1], 142);
        for size in [1, 13, 14, 100, 1297, 100_000] {
            assert_eq!(category_counts(size).iter().sum::<usize>(), size);
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("Oraimo Traveler 3 10000mAh Power Bank"),
            "oraimo-traveler-3-10000mah-power-bank"
        );
        assert_eq!(
            slugify("Amigo Flex 1.5m USB-C Cable - Black"),
            "amigo-flex-15m-usb-c-cable-black"
        );
        assert_eq!(slugify("Jema'a"), "jemaa");
        assert_eq!(slugify("Smart 1.43\" Watch"), "smart-143-watch");
    }

    #[test]
    fn same_seed_same_products_other_seed_other_products() {
        let a = generate(7, 300, "http://x");
        let b = generate(7, 300, "http://x");
        let c = generate(8, 300, "http://x");
        let names = |g: &[Generated]| g.iter().map(|p| p.product.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&a), names(&b));
        assert_ne!(names(&a), names(&c));
    }

    #[test]
    fn realistic_fields() {
        let all = generate(42, 1297, "http://h:1/");
        let slugs: HashSet<_> = all.iter().map(|g| g.product.slug.clone()).collect();
        assert_eq!(slugs.len(), all.len(), "slugs are unique");
        assert!(all.iter().any(|g| g.product.stock.count == 0));
        assert!(all.iter().any(|g| (1..=5).contains(&g.product.stock.count)));
        assert!(all.iter().any(|g| g.product.price.market.is_some()));
        assert!(all.iter().any(|g| g.product.delivery_scheme_id.is_none()));
        assert!(all.iter().any(|g| g.product.free_delivery));
        for g in &all {
            let p = &g.product;
            assert!((1..=4).contains(&p.images.len()));
            assert!(
                p.images[0]
                    .url
                    .starts_with("http://h:1/sandbox-assets/images/p")
            );
            assert!(p.updated_at.ends_with("+01:00"));
            if let Some(m) = &p.price.market {
                assert!(m.amount > p.price.amount);
                assert_eq!(
                    i64::from(m.discount_percent),
                    (m.amount - p.price.amount) * 100 / m.amount
                );
            }
            assert!((0.0..=5.0).contains(&p.rating.value));
        }
    }
}
