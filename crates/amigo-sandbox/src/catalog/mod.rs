//! The seeded catalog: products, categories, live stock, and the product-list query.
//!
//! Products are generated once from the seed (see [`generate`]) and never change except their
//! live stock, which live-mode orders decrement and cancellations restore. Every sort order is
//! pre-computed per category at start, so a filtered, sorted page is one linear walk over the
//! category's index, never a sort per request, even with 100,000 products.

mod categories;
pub(crate) mod generate;
pub mod image;

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock, RwLockReadGuard};

use amigo_types::catalog::{Category, Product, ProductQuery, ProductSort};
use amigo_types::delivery::LineItem;
use amigo_types::envelope::{ApiError, Pagination};

use categories::CATEGORIES;
pub(crate) use categories::Shape;

/// The four sorts of one product subset, as positions into the product table.
#[derive(Debug, Default)]
struct SortIndexes {
    new: Vec<u32>,
    price_asc: Vec<u32>,
    price_desc: Vec<u32>,
    name: Vec<u32>,
}

impl SortIndexes {
    fn build(members: Vec<u32>, products: &[Product], updated: &[i64], names: &[String]) -> Self {
        let mut new = members.clone();
        new.sort_by(|&a, &b| {
            updated[b as usize]
                .cmp(&updated[a as usize])
                .then(b.cmp(&a))
        });
        let mut price_asc = members.clone();
        price_asc.sort_by_key(|&i| (products[i as usize].price.amount, i));
        let mut price_desc = members.clone();
        price_desc.sort_by_key(|&i| (std::cmp::Reverse(products[i as usize].price.amount), i));
        let mut name = members;
        name.sort_by(|&a, &b| names[a as usize].cmp(&names[b as usize]).then(a.cmp(&b)));
        Self {
            new,
            price_asc,
            price_desc,
            name,
        }
    }

    fn get(&self, sort: ProductSort) -> &[u32] {
        match sort {
            ProductSort::New => &self.new,
            ProductSort::PriceAsc => &self.price_asc,
            ProductSort::PriceDesc => &self.price_desc,
            ProductSort::Name => &self.name,
        }
    }
}

/// Free-text search over names and descriptions. Generated catalogs repeat names and
/// descriptions a lot, so each distinct lowercased text is stored once and searched once per
/// query; a product then matches by two lookups. This keeps `q` fast at 100,000 products.
#[derive(Debug, Default)]
struct TextIndex {
    names: Vec<String>,
    descriptions: Vec<String>,
    /// Per product position: index into `names`, index into `descriptions`.
    refs: Vec<(u32, u32)>,
}

/// Which distinct texts contain one query.
struct TextMatches {
    names: Vec<bool>,
    descriptions: Vec<bool>,
}

impl TextIndex {
    fn build(products: &[Product], lowercase_names: &[String]) -> Self {
        fn intern(text: String, all: &mut Vec<String>, seen: &mut HashMap<String, u32>) -> u32 {
            if let Some(&i) = seen.get(&text) {
                return i;
            }
            let i = all.len() as u32;
            seen.insert(text.clone(), i);
            all.push(text);
            i
        }
        let mut index = Self::default();
        let mut seen_names = HashMap::new();
        let mut seen_descriptions = HashMap::new();
        for (p, name) in products.iter().zip(lowercase_names) {
            let n = intern(name.clone(), &mut index.names, &mut seen_names);
            let d = intern(
                p.description.to_lowercase(),
                &mut index.descriptions,
                &mut seen_descriptions,
            );
            index.refs.push((n, d));
        }
        index
    }

    fn matches(&self, query: &str) -> TextMatches {
        let needle = query.to_lowercase();
        TextMatches {
            names: self.names.iter().map(|t| t.contains(&needle)).collect(),
            descriptions: self
                .descriptions
                .iter()
                .map(|t| t.contains(&needle))
                .collect(),
        }
    }
}

impl TextMatches {
    fn contains(&self, index: &TextIndex, position: usize) -> bool {
        let (n, d) = index.refs[position];
        self.names[n as usize] || self.descriptions[d as usize]
    }
}

/// One page of products and where it sits in the whole result.
#[derive(Debug, Clone)]
pub struct ProductPage {
    /// The products on this page, with live stock.
    pub items: Vec<Product>,
    /// `{total, limit, offset, has_more}`.
    pub pagination: Pagination,
}

/// The catalog: immutable products plus mutable live stock.
#[derive(Debug)]
pub struct Catalog {
    /// Position `i` holds product id `i + 1`; `stock` here is the starting stock.
    products: Vec<Product>,
    /// Live stock per position; live orders take from it, cancellations give back.
    live_stock: RwLock<Vec<u32>>,
    by_slug: HashMap<String, u32>,
    /// Lowercased names and descriptions, for `q`.
    text: TextIndex,
    /// `updated_at` as unix seconds (newest first is the default sort).
    updated: Vec<i64>,
    all: SortIndexes,
    per_category: Vec<SortIndexes>,
    category_counts: Vec<u32>,
}

impl Catalog {
    /// Generates the catalog of `size` products from `seed`; image URLs are absolute under
    /// `public_base_url`. Same arguments, same catalog.
    pub fn generate(seed: u64, size: usize, public_base_url: &str) -> Self {
        let generated = generate::generate(seed, size, public_base_url);
        let mut category_members: Vec<Vec<u32>> = vec![Vec::new(); CATEGORIES.len()];
        let mut products = Vec::with_capacity(generated.len());
        let mut updated = Vec::with_capacity(generated.len());
        for (i, g) in generated.into_iter().enumerate() {
            category_members[g.category_index].push(i as u32);
            updated.push(g.updated_unix);
            products.push(g.product);
        }
        let names: Vec<String> = products.iter().map(|p| p.name.to_lowercase()).collect();
        let text = TextIndex::build(&products, &names);
        let by_slug = products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.slug.clone(), i as u32))
            .collect();
        let live_stock = RwLock::new(products.iter().map(|p| p.stock.count).collect());
        let all = SortIndexes::build(
            (0..products.len() as u32).collect(),
            &products,
            &updated,
            &names,
        );
        let category_counts = category_members.iter().map(|m| m.len() as u32).collect();
        let per_category = category_members
            .into_iter()
            .map(|m| SortIndexes::build(m, &products, &updated, &names))
            .collect();
        Self {
            products,
            live_stock,
            by_slug,
            text,
            updated,
            all,
            per_category,
            category_counts,
        }
    }

    /// Number of products.
    pub fn len(&self) -> usize {
        self.products.len()
    }

    /// Whether the catalog has no products (only with `--catalog-size 0`, which the binary
    /// refuses; kept for completeness of `len`).
    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    fn stock(&self) -> RwLockReadGuard<'_, Vec<u32>> {
        self.live_stock
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn position(&self, id: u64) -> Option<usize> {
        let i = usize::try_from(id.checked_sub(1)?).ok()?;
        (i < self.products.len()).then_some(i)
    }

    fn with_stock(&self, i: usize, count: u32) -> Product {
        let mut p = self.products[i].clone();
        p.stock.count = count;
        p.stock.in_stock = count > 0;
        p
    }

    /// One product by id, with its current live stock.
    pub fn product(&self, id: u64) -> Option<Product> {
        let i = self.position(id)?;
        let count = self.stock()[i];
        Some(self.with_stock(i, count))
    }

    /// One product by slug, with its current live stock.
    pub fn product_by_slug(&self, slug: &str) -> Option<Product> {
        let i = *self.by_slug.get(slug)? as usize;
        let count = self.stock()[i];
        Some(self.with_stock(i, count))
    }

    /// The product as generated (starting stock), without touching the stock lock: what the
    /// delivery resolver and image generator need (scheme, free delivery, name, category).
    pub fn seeded(&self, id: u64) -> Option<&Product> {
        self.position(id).map(|i| &self.products[i])
    }

    /// The current live stock of a product.
    pub fn live_count(&self, id: u64) -> Option<u32> {
        let i = self.position(id)?;
        Some(self.stock()[i])
    }

    /// Decrements live stock for every line, or for none: `Err` lists the product ids that
    /// are short (unknown ids count as short). Live-mode orders call this; test-mode orders
    /// never touch inventory.
    pub fn reserve_live(&self, items: &[LineItem]) -> Result<(), Vec<u64>> {
        let mut stock = self
            .live_stock
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        // Sum per product first so two lines of one product can't each pass on their own.
        let mut wanted: Vec<(u64, u64)> = Vec::with_capacity(items.len());
        for item in items {
            match wanted.iter_mut().find(|(id, _)| *id == item.product_id) {
                Some((_, q)) => *q += u64::from(item.quantity),
                None => wanted.push((item.product_id, u64::from(item.quantity))),
            }
        }
        let short: Vec<u64> = wanted
            .iter()
            .filter(|(id, q)| self.position(*id).is_none_or(|i| u64::from(stock[i]) < *q))
            .map(|(id, _)| *id)
            .collect();
        if !short.is_empty() {
            return Err(short);
        }
        for (id, q) in wanted {
            if let Some(i) = self.position(id) {
                stock[i] -= q as u32;
            }
        }
        Ok(())
    }

    /// Gives back live stock taken by [`Catalog::reserve_live`] (a cancelled live order).
    /// Unknown ids are ignored.
    pub fn release_live(&self, items: &[LineItem]) {
        let mut stock = self
            .live_stock
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        for item in items {
            if let Some(i) = self.position(item.product_id) {
                stock[i] = stock[i].saturating_add(item.quantity);
            }
        }
    }

    /// All 14 categories with their product counts (which add up to the catalog size).
    pub fn categories(&self) -> Vec<Category> {
        CATEGORIES
            .iter()
            .zip(&self.category_counts)
            .map(|(c, n)| Category {
                id: c.id,
                slug: c.slug.to_owned(),
                name: c.name.to_owned(),
                product_count: *n,
            })
            .collect()
    }

    /// One page of the product list. A well-formed slug of no category is a filter that matches
    /// nothing: an empty page, as the docs describe `category` as a filter (a malformed slug is
    /// refused earlier, by the query parser).
    pub fn list(&self, query: &ProductQuery) -> Result<ProductPage, ApiError> {
        let index = match &query.category {
            None => &self.all,
            Some(slug) => match CATEGORIES.iter().position(|c| c.slug == slug) {
                Some(i) => &self.per_category[i],
                None => {
                    return Ok(ProductPage {
                        items: Vec::new(),
                        pagination: Pagination::new(0, query.limit, query.offset),
                    });
                }
            },
        };
        let matches = query.q.as_deref().map(|q| self.text.matches(q));
        let stock = self.stock();
        let keep = |i: usize| {
            query.brand.is_none_or(|b| self.products[i].brand == b)
                && match query.in_stock {
                    Some(true) => stock[i] > 0,
                    Some(false) | None => true,
                }
                && matches.as_ref().is_none_or(|m| m.contains(&self.text, i))
        };
        let window = usize::try_from(query.offset).unwrap_or(usize::MAX);
        let mut total = 0usize;
        let mut items = Vec::with_capacity(query.limit as usize);
        for &pos in index.get(query.sort) {
            let i = pos as usize;
            if !keep(i) {
                continue;
            }
            if total >= window && items.len() < query.limit as usize {
                items.push(self.with_stock(i, stock[i]));
            }
            total += 1;
        }
        Ok(ProductPage {
            items,
            pagination: Pagination::new(total as u64, query.limit, query.offset),
        })
    }

    /// Product ids ordered newest first (the `new` curation source).
    pub fn ids_newest_first(&self) -> impl Iterator<Item = u64> + '_ {
        self.all.new.iter().map(|&i| u64::from(i) + 1)
    }

    /// Product ids ordered by how many ratings they have, most first (the sandbox's stand-in
    /// for units sold: the `bestseller` curation source).
    pub fn ids_bestselling(&self) -> Vec<u64> {
        let mut ids: Vec<u64> = (1..=self.products.len() as u64).collect();
        ids.sort_by_key(|&id| {
            (
                std::cmp::Reverse(self.products[id as usize - 1].rating.count),
                id,
            )
        });
        ids
    }

    /// Ids of discounted products (with a market price), deepest discount first (the `deals`
    /// curation source).
    pub fn ids_discounted(&self) -> Vec<u64> {
        let mut deals: Vec<(u8, u64)> = self
            .products
            .iter()
            .filter_map(|p| p.price.market.as_ref().map(|m| (m.discount_percent, p.id)))
            .collect();
        deals.sort_by_key(|&(pct, id)| (std::cmp::Reverse(pct), id));
        deals.into_iter().map(|(_, id)| id).collect()
    }

    /// `updated_at` of a product as unix seconds.
    pub fn updated_unix(&self, id: u64) -> Option<i64> {
        self.position(id).map(|i| self.updated[i])
    }

    /// Accent colour and picture kind of a category, for generated images.
    pub(crate) fn category_style(&self, category_id: u32) -> Option<(&'static str, Shape)> {
        CATEGORIES
            .iter()
            .find(|c| c.id == category_id)
            .map(|c| (c.colour, c.shape))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use amigo_types::catalog::Brand;

    fn catalog() -> Catalog {
        Catalog::generate(42, 1297, "http://127.0.0.1:7700")
    }

    fn query() -> ProductQuery {
        ProductQuery {
            limit: 20,
            ..ProductQuery::default()
        }
    }

    #[test]
    fn size_and_category_counts() {
        let c = catalog();
        assert_eq!(c.len(), 1297);
        let cats = c.categories();
        assert_eq!(cats.len(), 14);
        assert_eq!(cats.iter().map(|c| c.product_count).sum::<u32>(), 1297);
        assert_eq!(cats[1].slug, "power-banks");
    }

    #[test]
    fn lookup_by_id_and_slug_agree() {
        let c = catalog();
        let p = c.product(42).unwrap();
        assert_eq!(c.product_by_slug(&p.slug).unwrap(), p);
        assert!(c.product(0).is_none());
        assert!(c.product(1298).is_none());
        assert!(c.product_by_slug("no-such-thing").is_none());
    }

    #[test]
    fn reserve_is_all_or_nothing_and_release_restores() {
        let c = catalog();
        let stocked = (1..=1297)
            .find(|&id| c.live_count(id).unwrap() >= 3)
            .unwrap();
        let empty = (1..=1297)
            .find(|&id| c.live_count(id).unwrap() == 0)
            .unwrap();
        let before = c.live_count(stocked).unwrap();
        let lines = [
            LineItem {
                product_id: stocked,
                quantity: 2,
            },
            LineItem {
                product_id: empty,
                quantity: 1,
            },
            LineItem {
                product_id: 999_999,
                quantity: 1,
            },
        ];
        assert_eq!(c.reserve_live(&lines), Err(vec![empty, 999_999]));
        assert_eq!(c.live_count(stocked), Some(before), "nothing was taken");
        let ok = [LineItem {
            product_id: stocked,
            quantity: 2,
        }];
        c.reserve_live(&ok).unwrap();
        assert_eq!(c.product(stocked).unwrap().stock.count, before - 2);
        c.release_live(&ok);
        assert_eq!(c.live_count(stocked), Some(before));
        // Two lines of one product are summed.
        let twice = [
            LineItem {
                product_id: stocked,
                quantity: before,
            },
            LineItem {
                product_id: stocked,
                quantity: 1,
            },
        ];
        assert_eq!(c.reserve_live(&twice), Err(vec![stocked]));
    }

    #[test]
    fn filters_and_sorts() {
        let c = catalog();
        let mut q = query();
        q.category = Some("power-banks".into());
        q.in_stock = Some(true);
        q.sort = ProductSort::PriceAsc;
        q.limit = 100;
        let page = c.list(&q).unwrap();
        assert!(!page.items.is_empty());
        assert!(
            page.items
                .iter()
                .all(|p| p.category.slug == "power-banks" && p.stock.in_stock)
        );
        assert!(
            page.items
                .windows(2)
                .all(|w| w[0].price.amount <= w[1].price.amount)
        );

        let mut q = query();
        q.brand = Some(Brand::Amigo);
        q.sort = ProductSort::Name;
        let page = c.list(&q).unwrap();
        assert!(page.items.iter().all(|p| p.brand == Brand::Amigo));
        assert!(
            page.items
                .windows(2)
                .all(|w| w[0].name.to_lowercase() <= w[1].name.to_lowercase())
        );

        let mut q = query();
        q.q = Some("TRAVELER".into());
        let page = c.list(&q).unwrap();
        assert!(page.pagination.total > 0);
        assert!(
            page.items.iter().all(|p| p.name.contains("Traveler")
                || p.description.to_lowercase().contains("traveler"))
        );

        // Description-only text matches too, case-insensitively.
        let mut q = query();
        q.q = Some("NEPA Outage".into());
        q.limit = 100;
        let page = c.list(&q).unwrap();
        assert!(page.pagination.total > 0);
        assert!(
            page.items
                .iter()
                .all(|p| p.description.contains("NEPA outage"))
        );
        let expected = (1..=1297)
            .filter(|&id| c.seeded(id).unwrap().description.contains("NEPA outage"))
            .count();
        assert_eq!(page.pagination.total, expected as u64);

        let page = c.list(&query()).unwrap();
        assert_eq!(page.pagination.total, 1297);
        assert!(
            page.items
                .windows(2)
                .all(|w| w[0].updated_at >= w[1].updated_at)
        );

        let mut q = query();
        q.category = Some("spaceships".into());
        let empty = c.list(&q).unwrap();
        assert!(empty.items.is_empty());
        assert_eq!(empty.pagination.total, 0);
    }

    #[test]
    fn curation_sources() {
        let c = catalog();
        let deals = c.ids_discounted();
        assert!(!deals.is_empty());
        assert!(
            deals
                .iter()
                .all(|&id| c.product(id).unwrap().price.market.is_some())
        );
        assert_eq!(c.ids_bestselling().len(), 1297);
        assert_eq!(c.ids_newest_first().count(), 1297);
    }
}
