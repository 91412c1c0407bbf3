//! What the shopper is browsing: category, search text, brand, in-stock and sort, and how that
//! becomes a product-list query.

use amigo_types::catalog::{Brand, ProductQuery, ProductSort};

use crate::wording::Text;

/// Products per page of the grid ("Load more" fetches the next one).
pub const PAGE_SIZE: u32 = 12;
/// Delay between the last keystroke and the search request.
pub const SEARCH_DEBOUNCE_MS: u32 = 250;

/// The grid's filters. The URL (hash routing) holds exactly this, so it survives a reload.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Browse {
    /// Category slug; `None` is "All".
    pub category: Option<String>,
    /// Free-text search (trimmed when queried).
    pub q: String,
    /// Brand filter.
    pub brand: Option<Brand>,
    /// Only in-stock items.
    pub in_stock: bool,
    /// Sort order.
    pub sort: ProductSort,
}

impl Browse {
    /// The list these filters show, as the merchant's analytics name it (`amigo:view-list`): a
    /// search (its text), a category (its slug), or everything.
    pub fn item_list(&self) -> crate::events::ItemList {
        let q = self.q.trim();
        let (id, name) = if !q.is_empty() {
            ("search".to_owned(), q.chars().take(100).collect())
        } else if let Some(c) = &self.category {
            (format!("category:{c}"), c.clone())
        } else {
            ("all".to_owned(), "All products".to_owned())
        };
        crate::events::ItemList {
            item_list_id: id,
            item_list_name: name,
        }
    }

    /// The list query for one page.
    pub fn query(&self, offset: u64) -> ProductQuery {
        let q = self.q.trim();
        ProductQuery {
            category: self.category.clone(),
            brand: self.brand,
            in_stock: self.in_stock.then_some(true),
            q: (!q.is_empty()).then(|| {
                q.chars()
                    .take(amigo_types::catalog::MAX_SEARCH_LEN)
                    .collect()
            }),
            sort: self.sort,
            limit: PAGE_SIZE,
            offset,
        }
    }

    /// Whether anything narrows the result (search, brand, stock or category), so the empty
    /// state offers "Clear filters".
    pub fn is_narrowed(&self) -> bool {
        self.category.is_some()
            || !self.q.trim().is_empty()
            || self.brand.is_some()
            || self.in_stock
    }

    /// The same view with every filter cleared (sort kept).
    pub fn cleared(&self) -> Self {
        Self {
            sort: self.sort,
            ..Self::default()
        }
    }

    /// This view in another category (`None` = All), other filters kept.
    pub fn in_category(&self, category: Option<String>) -> Self {
        Self {
            category,
            ..self.clone()
        }
    }
}

/// Parses a brand filter value from a form control or URL (`""` = any).
pub fn parse_brand(raw: &str) -> Option<Brand> {
    match raw {
        "oraimo" => Some(Brand::Oraimo),
        "amigo" => Some(Brand::Amigo),
        _ => None,
    }
}

/// Sort choices with their labels, in menu order.
pub const SORT_CHOICES: [(ProductSort, Text); 4] = [
    (ProductSort::New, Text::sort_newest),
    (ProductSort::PriceAsc, Text::sort_price_low),
    (ProductSort::PriceDesc, Text::sort_price_high),
    (ProductSort::Name, Text::sort_name),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_list_has_an_analytics_name() {
        assert_eq!(Browse::default().item_list().item_list_id, "all");
        let c = Browse {
            category: Some("audio".into()),
            ..Browse::default()
        };
        assert_eq!(c.item_list().item_list_id, "category:audio");
        let q = Browse {
            category: Some("audio".into()),
            q: " pods ".into(),
            ..Browse::default()
        };
        let list = q.item_list();
        assert_eq!(
            (list.item_list_id.as_str(), list.item_list_name.as_str()),
            ("search", "pods")
        );
    }

    #[test]
    fn the_loader_prefetches_the_default_views_first_page() {
        // the loader starts this request while the wasm downloads and the grid takes its answer
        // by URL: if the two drift apart, the prefetch is silently wasted
        let loader = include_str!("../../loader/amigo-widget.js");
        let first_page = format!(
            "\"/api/catalog/products?{}\"",
            Browse::default().query(0).to_query_string()
        );
        assert!(loader.contains(&first_page), "loader lacks {first_page}");
    }

    #[test]
    fn query_carries_filters_and_paging() {
        let b = Browse {
            category: Some("power-banks".into()),
            q: "  fast charge ".into(),
            brand: Some(Brand::Oraimo),
            in_stock: true,
            sort: ProductSort::PriceAsc,
        };
        let q = b.query(24);
        assert_eq!(
            q.to_query_string(),
            "category=power-banks&brand=oraimo&in_stock=true&q=fast%20charge&sort=price_asc&limit=12&offset=24"
        );
        assert_eq!(
            Browse::default().query(0).to_query_string(),
            "sort=new&limit=12&offset=0"
        );
    }

    #[test]
    fn search_text_is_capped_and_blank_is_no_search() {
        let b = Browse {
            q: "é".repeat(150),
            ..Browse::default()
        };
        assert_eq!(b.query(0).q.unwrap().chars().count(), 100);
        let blank = Browse {
            q: "   ".into(),
            ..Browse::default()
        };
        assert_eq!(blank.query(0).q, None);
        assert!(!blank.is_narrowed());
    }

    #[test]
    fn clearing_keeps_sort_only() {
        let b = Browse {
            category: Some("cables".into()),
            q: "x".into(),
            brand: Some(Brand::Amigo),
            in_stock: true,
            sort: ProductSort::Name,
        };
        assert!(b.is_narrowed());
        let c = b.cleared();
        assert!(!c.is_narrowed());
        assert_eq!(c.sort, ProductSort::Name);
        assert_eq!(b.in_category(None).q, "x");
        assert_eq!(parse_brand("amigo"), Some(Brand::Amigo));
        assert_eq!(parse_brand(""), None);
    }
}
