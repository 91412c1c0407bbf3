//! The store's first view as HTML, rendered natively from the same components the wasm runs
//! (`components/`, `pages/browse/view.rs`, `pages/browse/filters.rs`): the top bar, the category
//! chips with their counts, every curation carousel and the grid's first page, for the unfiltered
//! browse view with an empty cart.
//!
//! The proxy serves it from its catalog cache (`GET /api/first-view`) so a shopper sees products
//! and prices before the wasm has downloaded. The loader places it in the store's shadow root (or
//! the merchant's page includes it server-side as a declarative shadow root); the live store draws
//! itself hidden beside it and takes its place once it shows the same things (`mount.rs`), so the
//! first view needs no hydration and the wasm carries no code for it.

use amigo_types::catalog::{Category, Product, ProductQuery};
use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;

use crate::components::top_bar::TopBar;
use crate::pages::browse::filters::Filters;
use crate::pages::browse::view::{
    CarouselControls, CarouselSection, CategoryBar, ChipList, GridList, GridMore, GridSection,
    count_line,
};
use crate::state::browse::Browse;
use crate::state::scope::Scope;
use crate::wording::{Text, Wording};

/// One curation list as the first view shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct FirstList {
    /// List slug.
    pub slug: String,
    /// Heading.
    pub name: String,
    /// The list's products, as the store's own request for the list gets them.
    pub products: Vec<Product>,
}

/// What the first view shows, read from the same catalog answers the live store asks for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FirstViewData {
    /// Every category with its count (`/api/catalog/categories`).
    pub categories: Vec<Category>,
    /// The active lists in discovery order, with their products (`/api/catalog/curation`).
    pub lists: Vec<FirstList>,
    /// The grid's first page ([`first_page_query`]).
    pub products: Vec<Product>,
    /// Products in the whole catalog (the page's pagination total).
    pub total: u64,
    /// Whether the store sells data (the top bar's "Buy data" link).
    pub sells_data: bool,
}

/// The query of the grid's first page on the unfiltered browse view: the request the live store
/// makes first, so the proxy reads the same cache entry for both.
pub fn first_page_query() -> ProductQuery {
    Browse::default().query(0)
}

/// Whether a discovered list is shown: the live store draws a carousel only for a list that
/// holds products and whose read returns some.
pub fn shows_list(product_count: u32) -> bool {
    product_count > 0
}

/// The first view: `<div class="amigo" data-first-view>…</div>`, the element the live store's
/// own container replaces. Catalog text is escaped as text; links are the store's `#/` routes.
/// `words` is the store's wording (`data-lang`), so the first view reads as the live store will;
/// `data-adding` carries the text the loader shows on an early "Add to cart".
pub fn render(data: FirstViewData, words: &'static Wording) -> String {
    let owner = Owner::new();
    owner.with(move || {
        Scope {
            words,
            events: None,
            actions: None,
        }
        .provide();
        let FirstViewData {
            categories,
            lists,
            products,
            total,
            sells_data,
        } = data;
        let browse = Signal::stored(Browse::default());
        let shown = products.len();
        let carousels = lists
            .into_iter()
            .filter(|l| !l.products.is_empty())
            .map(|l| {
                view! {
                    <CarouselSection slug=l.slug name=l.name products=l.products controls=CarouselControls::still()/>
                }
            })
            .collect_view();
        view! {
            <div class="amigo" data-first-view="" data-adding=words.get(Text::adding)>
                <TopBar
                    sells_data=sells_data
                    count=Signal::stored(0)
                    on_cart=Signal::stored(false)
                    on_data=Signal::stored(false)
                    announcement=Signal::stored(String::new())
                />
                <div class="content">
                    <CategoryBar><ChipList list=categories browse=browse/></CategoryBar>
                    {carousels}
                    <Filters browse=browse/>
                    <GridSection count=count_line(words, shown, total)>
                        <GridList items=Signal::stored(products)/>
                        <GridMore
                            shown=Signal::stored(shown)
                            total=Signal::stored(total)
                            more=Signal::stored(None)
                            on_more=Callback::new(|()| {})
                        />
                    </GridSection>
                </div>
            </div>
        }
        .to_html()
    })
}

/// The first view as a declarative shadow root, with the store's stylesheet, for a merchant's
/// server to include inside the store's host element: shoppers without JavaScript and search
/// engines see the products, and the loader finds it already in place.
pub fn declarative(data: FirstViewData, words: &'static Wording) -> String {
    format!(
        "<template shadowrootmode=\"open\"><style data-first-view-style>{}</style>{}</template>",
        crate::STYLES,
        render(data, words)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wording::ENGLISH;
    use amigo_types::catalog::ProductImage;

    fn product(id: u64, name: &str, naira: i64, stock: u32) -> Product {
        let mut p = crate::state::cart::tests::product(id, naira, stock);
        p.name = name.to_owned();
        p.images = vec![ProductImage {
            position: 1,
            url: format!("https://img.example/{id}.jpg"),
        }];
        p
    }

    fn data() -> FirstViewData {
        FirstViewData {
            categories: vec![Category {
                id: 1,
                slug: "power-banks".to_owned(),
                name: "Power banks".to_owned(),
                product_count: 2,
            }],
            lists: vec![
                FirstList {
                    slug: "featured".to_owned(),
                    name: "Featured".to_owned(),
                    products: vec![product(1, "PowerBank 20000", 21_900, 4)],
                },
                FirstList {
                    slug: "deals".to_owned(),
                    name: "Deals".to_owned(),
                    products: vec![],
                },
            ],
            products: vec![
                product(1, "PowerBank 20000", 21_900, 4),
                product(2, "Earbuds <b>3</b>", 9_500, 0),
            ],
            total: 40,
            sells_data: false,
        }
    }

    #[test]
    fn the_first_view_shows_chips_lists_and_the_first_page_with_prices_as_text() {
        let html = render(data(), &ENGLISH);
        assert!(
            html.starts_with("<div data-first-view=\"\" data-adding=\"Adding…\" class=\"amigo\">"),
            "{html}"
        );
        assert!(html.contains("Power banks"), "{html}");
        assert!(html.contains("href=\"#/c/power-banks\""), "{html}");
        assert!(html.contains("href=\"#/p/p-1\""), "{html}");
        assert!(html.contains("₦21,900"), "{html}");
        assert!(html.contains("Showing 2 of 40 products"), "{html}");
        assert!(html.contains("alt=\"PowerBank 20000\""), "{html}");
        assert!(html.contains("data-product=\"1\""), "{html}");
        assert!(html.contains("Load more"), "{html}");
        // a list with no products has no carousel, as in the live store
        assert!(html.contains("amigo-list-featured"), "{html}");
        assert!(!html.contains("amigo-list-deals"), "{html}");
        assert!(!html.contains("Buy data"), "{html}");
    }

    #[test]
    fn catalog_text_is_escaped() {
        let html = render(data(), &ENGLISH);
        assert!(!html.contains("<b>3</b>"), "{html}");
        assert!(html.contains("Earbuds &lt;b&gt;3&lt;/b&gt;"), "{html}");
    }

    #[test]
    fn the_declarative_form_carries_the_stylesheet() {
        let html = declarative(
            FirstViewData {
                sells_data: true,
                ..data()
            },
            &ENGLISH,
        );
        assert!(
            html.starts_with("<template shadowrootmode=\"open\"><style"),
            "{html}"
        );
        assert!(html.contains(".amigo {"), "{html}");
        assert!(html.contains("Buy data"), "{html}");
        assert!(html.ends_with("</div></template>"), "{html}");
    }
}
