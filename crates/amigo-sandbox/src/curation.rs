//! Curation lists: the four documented lists (Featured, New arrivals, Bestsellers, Deals) and
//! a few custom ones with schedule windows or archived, plus the token-seeded shuffle.
//!
//! A list's pool is its candidates, in the list's own order, filtered to in-stock products and
//! capped at `pool_size`; the pool is then shuffled with a seed derived from the caller's token
//! and the list slug (a stable FNV-1a hash, never the process-random `RandomState`), so one
//! token always sees the same order and different tokens see different ones.

use amigo_types::curation::{CurationListInfo, CurationListSummary, CurationProducts};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use time::{Duration, OffsetDateTime};

use crate::catalog::Catalog;
use crate::error::SandboxError;

/// One curation list and what feeds it.
#[derive(Debug, Clone)]
pub struct CurationList {
    /// The documented fields.
    pub info: CurationListInfo,
    /// Candidate product ids in the list's own order (admin order, newest, best-selling, deepest
    /// discount); the pool is the first `pool_size` of them that are in stock.
    pub candidates: Vec<u64>,
    /// Start of the schedule window, if any.
    pub active_from: Option<OffsetDateTime>,
    /// End of the schedule window, if any.
    pub active_until: Option<OffsetDateTime>,
    /// Archived lists are never served.
    pub archived: bool,
}

impl CurationList {
    /// Whether the list may be discovered and fetched at `now`: not archived and inside its
    /// window (a missing bound is open).
    pub fn is_active(&self, now: OffsetDateTime) -> bool {
        !self.archived
            && self.active_from.is_none_or(|from| now >= from)
            && self.active_until.is_none_or(|until| now < until)
    }

    /// The eligible pool right now: in-stock candidates, in list order, capped at `pool_size`.
    pub fn pool(&self, catalog: &Catalog) -> Vec<u64> {
        self.candidates
            .iter()
            .copied()
            .filter(|&id| catalog.live_count(id).is_some_and(|n| n > 0))
            .take(self.info.pool_size as usize)
            .collect()
    }
}

/// All curation lists.
#[derive(Debug, Clone)]
pub struct CurationLists {
    lists: Vec<CurationList>,
}

fn info(
    slug: &str,
    name: &str,
    source_type: &str,
    description: &str,
    default_limit: u32,
    pool_size: u32,
) -> CurationListInfo {
    CurationListInfo {
        slug: slug.to_owned(),
        name: name.to_owned(),
        source_type: source_type.to_owned(),
        description: description.to_owned(),
        default_limit,
        pool_size,
    }
}

/// 64-bit FNV-1a: a stable hash (same value on every run, platform and Rust version).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The shuffle seed for one token and list: stable per pair, different across tokens.
pub(crate) fn shuffle_seed(token: &str, slug: &str) -> u64 {
    let mut key = Vec::with_capacity(token.len() + slug.len() + 1);
    key.extend_from_slice(token.as_bytes());
    key.push(0);
    key.extend_from_slice(slug.as_bytes());
    fnv1a(&key)
}

/// Shuffles `pool` for `token` and `slug`, then keeps the first `limit`.
pub(crate) fn token_shuffle(mut pool: Vec<u64>, token: &str, slug: &str, limit: usize) -> Vec<u64> {
    let mut rng = ChaCha8Rng::seed_from_u64(shuffle_seed(token, slug));
    pool.shuffle(&mut rng);
    pool.truncate(limit);
    pool
}

impl CurationLists {
    /// Seeds the lists from the catalog. Windows are placed around `now` (the sandbox's start)
    /// so one custom list is running, one has ended and one starts in 20 days.
    pub fn seed(catalog: &Catalog, now: OffsetDateTime) -> Self {
        let bestselling = catalog.ids_bestselling();
        let discounted = catalog.ids_discounted();
        // "Admin picks": well-rated products with a real review history, at most two per
        // category, the way a merchandiser spreads a home page.
        let mut per_category = [0u8; 32];
        let featured: Vec<u64> = bestselling
            .iter()
            .copied()
            .filter(|&id| {
                let Some(p) = catalog.seeded(id) else {
                    return false;
                };
                let slot = &mut per_category[p.category.id as usize % 32];
                if p.rating.value >= 4.3 && *slot < 2 {
                    *slot += 1;
                    true
                } else {
                    false
                }
            })
            .take(16)
            .collect();
        let black_friday: Vec<u64> = discounted.iter().copied().take(8).collect();
        let christmas: Vec<u64> = bestselling.iter().copied().skip(16).take(24).collect();
        let easter: Vec<u64> = discounted.iter().copied().skip(8).take(20).collect();
        let clearance: Vec<u64> = discounted.iter().rev().copied().take(30).collect();
        let lists = vec![
            CurationList {
                info: info(
                    "featured",
                    "Featured",
                    "manual",
                    "Admin-picked highlights.",
                    8,
                    50,
                ),
                candidates: featured,
                active_from: None,
                active_until: None,
                archived: false,
            },
            CurationList {
                info: info(
                    "new",
                    "New arrivals",
                    "new",
                    "Recently added products.",
                    8,
                    50,
                ),
                candidates: catalog.ids_newest_first().collect(),
                active_from: None,
                active_until: None,
                archived: false,
            },
            CurationList {
                info: info(
                    "bestsellers",
                    "Bestsellers",
                    "bestseller",
                    "Top sellers, last 90 days.",
                    8,
                    50,
                ),
                candidates: bestselling,
                active_from: None,
                active_until: None,
                archived: false,
            },
            CurationList {
                info: info(
                    "deals",
                    "Deals",
                    "deals",
                    "Products with market discount.",
                    8,
                    50,
                ),
                candidates: discounted,
                active_from: None,
                active_until: None,
                archived: false,
            },
            CurationList {
                info: info(
                    "black-friday-picks",
                    "Black Friday Picks",
                    "manual",
                    "Deepest discounts of the season, while they last.",
                    4,
                    8,
                ),
                candidates: black_friday,
                active_from: Some(now - Duration::days(2)),
                active_until: Some(now + Duration::days(28)),
                archived: false,
            },
            CurationList {
                info: info(
                    "christmas-gifts",
                    "Christmas Gifts",
                    "manual",
                    "Gift ideas for everyone on your list.",
                    6,
                    24,
                ),
                candidates: christmas,
                active_from: Some(now + Duration::days(20)),
                active_until: Some(now + Duration::days(50)),
                archived: false,
            },
            CurationList {
                info: info(
                    "easter-specials",
                    "Easter Specials",
                    "manual",
                    "Holiday weekend offers.",
                    6,
                    20,
                ),
                candidates: easter,
                active_from: Some(now - Duration::days(60)),
                active_until: Some(now - Duration::days(30)),
                archived: false,
            },
            CurationList {
                info: info(
                    "clearance-2025",
                    "Clearance 2025",
                    "manual",
                    "Last year's end-of-line stock.",
                    8,
                    30,
                ),
                candidates: clearance,
                active_from: None,
                active_until: None,
                archived: true,
            },
        ];
        Self { lists }
    }

    /// Every list, active or not (for tests and diagnostics).
    pub fn all(&self) -> &[CurationList] {
        &self.lists
    }

    /// The active lists at `now` with their current eligible product counts.
    pub fn discover(&self, catalog: &Catalog, now: OffsetDateTime) -> Vec<CurationListSummary> {
        self.lists
            .iter()
            .filter(|l| l.is_active(now))
            .map(|l| CurationListSummary {
                info: l.info.clone(),
                product_count: l.pool(catalog).len() as u32,
            })
            .collect()
    }

    /// One list's token-seeded products: the pool shuffled for `token`, cut to `limit` (the
    /// list's `default_limit` when absent; never more than `pool_size`). Unknown, archived or
    /// out-of-window lists are `404 list_not_found`; an empty pool is an empty list.
    pub fn fetch(
        &self,
        catalog: &Catalog,
        now: OffsetDateTime,
        slug: &str,
        limit: Option<u32>,
        token: &str,
    ) -> Result<CurationProducts, SandboxError> {
        let list = self
            .lists
            .iter()
            .find(|l| l.info.slug == slug && l.is_active(now))
            .ok_or_else(|| SandboxError::ListNotFound(slug.to_owned()))?;
        let take = limit
            .unwrap_or(list.info.default_limit)
            .min(list.info.pool_size) as usize;
        let ids = token_shuffle(list.pool(catalog), token, slug, take);
        Ok(CurationProducts {
            list: list.info.clone(),
            products: ids
                .into_iter()
                .filter_map(|id| catalog.product(id))
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use amigo_types::delivery::LineItem;
    use proptest::prelude::*;

    fn setup() -> (Catalog, CurationLists, OffsetDateTime) {
        let catalog = Catalog::generate(42, 1297, "http://x");
        let now = OffsetDateTime::now_utc();
        let lists = CurationLists::seed(&catalog, now);
        (catalog, lists, now)
    }

    #[test]
    fn fnv_is_the_reference_hash() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(shuffle_seed("ab", "c"), shuffle_seed("a", "bc"));
    }

    #[test]
    fn discovery_shows_only_active_lists() {
        let (c, l, now) = setup();
        let slugs: Vec<String> = l
            .discover(&c, now)
            .into_iter()
            .map(|s| s.info.slug)
            .collect();
        assert_eq!(
            slugs,
            [
                "featured",
                "new",
                "bestsellers",
                "deals",
                "black-friday-picks"
            ]
        );
        let later: Vec<String> = l
            .discover(&c, now + Duration::days(21))
            .into_iter()
            .map(|s| s.info.slug)
            .collect();
        assert!(later.contains(&"christmas-gifts".to_owned()));
        assert!(
            !l.discover(&c, now + Duration::days(29))
                .iter()
                .any(|s| s.info.slug == "black-friday-picks")
        );
        for slug in ["easter-specials", "clearance-2025", "nope"] {
            assert!(matches!(
                l.fetch(&c, now, slug, None, "t"),
                Err(SandboxError::ListNotFound(_))
            ));
        }
    }

    #[test]
    fn counts_are_in_stock_and_capped() {
        let (c, l, now) = setup();
        for s in l.discover(&c, now) {
            assert!(s.product_count <= s.info.pool_size);
            assert!(s.product_count > 0, "{}", s.info.slug);
        }
        let deals = l.all().iter().find(|x| x.info.slug == "deals").unwrap();
        assert!(
            deals
                .pool(&c)
                .iter()
                .all(|&id| c.product(id).unwrap().price.market.is_some())
        );
    }

    #[test]
    fn empty_pool_is_an_empty_list() {
        let (c, l, now) = setup();
        let list = l
            .all()
            .iter()
            .find(|x| x.info.slug == "black-friday-picks")
            .unwrap();
        let drain: Vec<LineItem> = list
            .candidates
            .iter()
            .filter(|&&id| c.live_count(id).unwrap() > 0)
            .map(|&id| LineItem {
                product_id: id,
                quantity: c.live_count(id).unwrap(),
            })
            .collect();
        c.reserve_live(&drain).unwrap();
        let got = l.fetch(&c, now, "black-friday-picks", None, "t").unwrap();
        assert!(got.products.is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn shuffle_is_stable_capped_and_in_stock(
            token in "amg_test_[A-Za-z0-9]{8,20}",
            other in "amg_test_[A-Za-z0-9]{8,20}",
            limit in proptest::option::of(1u32..200),
            list in 0usize..5,
        ) {
            let (c, l, now) = setup();
            let slug = l.discover(&c, now)[list].info.slug.clone();
            let a = l.fetch(&c, now, &slug, limit, &token).unwrap();
            let b = l.fetch(&c, now, &slug, limit, &token).unwrap();
            prop_assert_eq!(&a.products, &b.products);
            let cap = limit.unwrap_or(a.list.default_limit).min(a.list.pool_size) as usize;
            prop_assert!(a.products.len() <= cap);
            let pool = l.all().iter().find(|x| x.info.slug == slug).unwrap().pool(&c);
            prop_assert_eq!(a.products.len(), cap.min(pool.len()));
            for p in &a.products {
                prop_assert!(p.stock.in_stock);
                prop_assert!(pool.contains(&p.id));
            }
            if token != other && pool.len() >= 20 && a.products.len() >= 6 {
                let o = l.fetch(&c, now, &slug, limit, &other).unwrap();
                let ids = |x: &CurationProducts| x.products.iter().map(|p| p.id).collect::<Vec<_>>();
                prop_assert_ne!(ids(&a), ids(&o));
            }
        }
    }
}
