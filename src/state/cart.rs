//! The cart as plain data: the documented limits (≤ 50 distinct items, quantity 1–1000, never
//! above stock), the integer-Naira subtotal, the storage format, and reconciliation with fresh
//! catalog reads.

use amigo_types::catalog::Product;
use serde::{Deserialize, Serialize};

use crate::wording::{Text, Wording};

/// Most distinct line items an order (and so the cart) may hold.
pub const MAX_LINES: usize = 50;
/// Largest quantity of one line.
pub const MAX_QUANTITY: u32 = 1000;
/// Version tag of the stored format; anything else in storage is ignored.
pub const STORAGE_VERSION: u32 = 1;

/// One line of the cart: a snapshot of the product when it was added (refreshed on open).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    /// Catalog product id (what an order refers to).
    pub product_id: u64,
    /// Stable slug, for links and refreshing.
    pub slug: String,
    /// Display name. Untrusted text: rendered as text only.
    pub name: String,
    /// Unit price in whole Naira.
    pub unit_price: i64,
    /// First image URL, if any.
    pub image: Option<String>,
    /// Units in stock when last read.
    pub stock: u32,
    /// Units in the cart, 1..=max_quantity.
    pub quantity: u32,
}

impl CartLine {
    /// A line for `quantity` units of `product` (not yet clamped).
    pub fn from_product(product: &Product, quantity: u32) -> Self {
        Self {
            product_id: product.id,
            slug: product.slug.clone(),
            name: product.name.clone(),
            unit_price: product.price.amount,
            image: product.images.first().map(|i| i.url.clone()),
            stock: product.stock.count,
            quantity,
        }
    }

    /// Largest quantity this line may hold: the stock, never above [`MAX_QUANTITY`].
    pub fn max_quantity(&self) -> u32 {
        max_quantity_for_stock(self.stock)
    }

    /// `unit_price × quantity` in whole Naira.
    pub fn line_total(&self) -> i64 {
        self.unit_price.saturating_mul(i64::from(self.quantity))
    }
}

/// Largest orderable quantity for a stock count: `min(stock, 1000)`.
pub fn max_quantity_for_stock(stock: u32) -> u32 {
    stock.min(MAX_QUANTITY)
}

/// Reads a typed quantity: anything unreadable or below one is 1, anything above `max` is `max`
/// (`max` itself is at least 1).
pub fn clamp_quantity(raw: &str, max: u32) -> u32 {
    let max = max.clamp(1, MAX_QUANTITY);
    match raw.trim().parse::<u64>() {
        Ok(n) => u32::try_from(n).unwrap_or(u32::MAX).clamp(1, max),
        Err(_) => 1,
    }
}

/// Why a cart change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CartError {
    /// The product has no stock.
    #[error("{0} is out of stock")]
    OutOfStock(String),
    /// A new line would exceed [`MAX_LINES`].
    #[error("Your cart can hold at most {MAX_LINES} different items")]
    TooManyLines,
    /// Quantity below one.
    #[error("Quantity must be at least 1")]
    QuantityTooLow,
    /// No such line.
    #[error("That item is no longer in your cart")]
    NoSuchLine,
}

impl CartError {
    /// The refusal in the store's wording, for the shopper's status line (the page's API
    /// rejects with the English [`std::fmt::Display`]).
    pub fn text(&self, w: &Wording) -> String {
        match self {
            CartError::OutOfStock(name) => w.fill(Text::cart_out_of_stock, &[("name", name)]),
            CartError::TooManyLines => {
                w.fill(Text::cart_too_many_lines, &[("n", &MAX_LINES.to_string())])
            }
            CartError::QuantityTooLow => w.get(Text::cart_quantity_too_low).to_owned(),
            CartError::NoSuchLine => w.get(Text::cart_no_such_line).to_owned(),
        }
    }
}

/// What an accepted change did, for the `aria-live` announcement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CartOutcome {
    /// The line now holds `quantity` units.
    Set {
        /// Product name.
        name: String,
        /// Quantity now in the cart.
        quantity: u32,
        /// The request asked for more than the limit and was capped at it.
        capped: bool,
    },
    /// The line was removed.
    Removed {
        /// Product name.
        name: String,
    },
}

impl CartOutcome {
    /// A sentence for screen readers and the status line.
    pub fn announcement(&self, w: &Wording) -> String {
        match self {
            CartOutcome::Set {
                name,
                quantity,
                capped,
            } => {
                let key = if *capped {
                    Text::in_cart_most
                } else {
                    Text::in_cart
                };
                w.fill(key, &[("name", name), ("n", &quantity.to_string())])
            }
            CartOutcome::Removed { name } => w.fill(Text::removed_from_cart, &[("name", name)]),
        }
    }
}

/// What a refresh found changed on one line since it was added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineChange {
    /// The unit price moved.
    Price {
        /// Product name.
        name: String,
        /// Old unit price.
        was: i64,
        /// New unit price.
        now: i64,
    },
    /// Less stock than the cart held: the quantity was lowered.
    QuantityLowered {
        /// Product name.
        name: String,
        /// New quantity.
        now: u32,
    },
    /// No stock left (or no longer sold): the line was removed.
    Unavailable {
        /// Product name.
        name: String,
    },
}

impl LineChange {
    /// A sentence describing the change.
    pub fn describe(&self, w: &Wording) -> String {
        match self {
            LineChange::Price { name, was, now } => w.fill(
                Text::price_changed,
                &[
                    ("name", name),
                    ("was", &amigo_types::format_naira(*was)),
                    ("now", &amigo_types::format_naira(*now)),
                ],
            ),
            LineChange::QuantityLowered { name, now } => w.fill(
                Text::quantity_lowered,
                &[("name", name), ("n", &now.to_string())],
            ),
            LineChange::Unavailable { name } => {
                w.fill(Text::no_longer_available, &[("name", name)])
            }
        }
    }
}

/// The cart: ordered lines, at most one per product.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cart {
    lines: Vec<CartLine>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    v: u32,
    lines: Vec<CartLine>,
}

impl Cart {
    /// The lines in the order they were added.
    pub fn lines(&self) -> &[CartLine] {
        &self.lines
    }

    /// Whether the cart is empty.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Total units across lines.
    pub fn item_count(&self) -> u32 {
        self.lines.iter().map(|l| l.quantity).sum()
    }

    /// Quantity of `product_id` in the cart (0 when absent).
    pub fn quantity_of(&self, product_id: u64) -> u32 {
        self.line(product_id).map_or(0, |l| l.quantity)
    }

    /// The line for `product_id`.
    pub fn line(&self, product_id: u64) -> Option<&CartLine> {
        self.lines.iter().find(|l| l.product_id == product_id)
    }

    /// Subtotal in whole Naira.
    pub fn subtotal(&self) -> i64 {
        self.lines.iter().map(CartLine::line_total).sum()
    }

    /// Adds `quantity` units of `product`, merging with an existing line and capping at
    /// `min(stock, 1000)`.
    pub fn add(&mut self, product: &Product, quantity: u32) -> Result<CartOutcome, CartError> {
        if quantity == 0 {
            return Err(CartError::QuantityTooLow);
        }
        let fresh = CartLine::from_product(product, 0);
        if fresh.max_quantity() == 0 {
            return Err(CartError::OutOfStock(product.name.clone()));
        }
        let index = match self.lines.iter().position(|l| l.product_id == product.id) {
            Some(i) => {
                let old = self.lines[i].quantity;
                self.lines[i] = CartLine {
                    quantity: old,
                    ..fresh
                };
                i
            }
            None if self.lines.len() >= MAX_LINES => return Err(CartError::TooManyLines),
            None => {
                self.lines.push(fresh);
                self.lines.len() - 1
            }
        };
        let line = &mut self.lines[index];
        let wanted = line.quantity.saturating_add(quantity);
        line.quantity = wanted.min(line.max_quantity());
        Ok(CartOutcome::Set {
            name: line.name.clone(),
            quantity: line.quantity,
            capped: wanted > line.quantity,
        })
    }

    /// Sets a line's quantity, capped at its maximum; zero is refused (use [`Cart::remove`]).
    pub fn set_quantity(
        &mut self,
        product_id: u64,
        quantity: u32,
    ) -> Result<CartOutcome, CartError> {
        if quantity == 0 {
            return Err(CartError::QuantityTooLow);
        }
        let line = self
            .lines
            .iter_mut()
            .find(|l| l.product_id == product_id)
            .ok_or(CartError::NoSuchLine)?;
        line.quantity = quantity.min(line.max_quantity()).max(1);
        Ok(CartOutcome::Set {
            name: line.name.clone(),
            quantity: line.quantity,
            capped: quantity > line.quantity,
        })
    }

    /// Removes a line.
    pub fn remove(&mut self, product_id: u64) -> Result<CartOutcome, CartError> {
        let i = self
            .lines
            .iter()
            .position(|l| l.product_id == product_id)
            .ok_or(CartError::NoSuchLine)?;
        let line = self.lines.remove(i);
        Ok(CartOutcome::Removed { name: line.name })
    }

    /// Empties the cart.
    pub fn clear(&mut self) {
        self.lines.clear();
    }

    /// Reconciles lines with fresh reads. `fresh` holds the product for each slug that still
    /// exists (`None` when the catalog no longer has it). Returns what changed.
    pub fn refresh(&mut self, fresh: &[(String, Option<Product>)]) -> Vec<LineChange> {
        let mut changes = Vec::new();
        self.lines.retain_mut(|line| {
            let Some((_, found)) = fresh.iter().find(|(slug, _)| *slug == line.slug) else {
                return true; // not re-read (request failed): keep as is
            };
            let Some(product) = found else {
                changes.push(LineChange::Unavailable {
                    name: line.name.clone(),
                });
                return false;
            };
            if product.price.amount != line.unit_price {
                changes.push(LineChange::Price {
                    name: product.name.clone(),
                    was: line.unit_price,
                    now: product.price.amount,
                });
            }
            let quantity = line.quantity;
            *line = CartLine::from_product(product, quantity);
            if line.max_quantity() == 0 {
                changes.push(LineChange::Unavailable {
                    name: line.name.clone(),
                });
                return false;
            }
            if quantity > line.max_quantity() {
                line.quantity = line.max_quantity();
                changes.push(LineChange::QuantityLowered {
                    name: line.name.clone(),
                    now: line.quantity,
                });
            }
            true
        });
        changes
    }

    /// The storage form (versioned JSON).
    pub fn to_storage(&self) -> String {
        serde_json::to_string(&Stored {
            v: STORAGE_VERSION,
            lines: self.lines.clone(),
        })
        .unwrap_or_default()
    }

    /// Reads the storage form. Anything unreadable gives an empty cart (corrupt storage is
    /// ignored, never fatal); readable lines are made to obey the limits again.
    pub fn from_storage(raw: &str) -> Self {
        let Ok(stored) = serde_json::from_str::<Stored>(raw) else {
            return Self::default();
        };
        if stored.v != STORAGE_VERSION {
            return Self::default();
        }
        let mut cart = Self::default();
        for mut line in stored.lines {
            let max = line.max_quantity();
            if max == 0
                || line.quantity == 0
                || line.unit_price < 0
                || cart.line(line.product_id).is_some()
                || cart.lines.len() >= MAX_LINES
            {
                continue;
            }
            line.quantity = line.quantity.min(max);
            cart.lines.push(line);
        }
        cart
    }
}

/// The `localStorage` key of the cart for one merchant behind one proxy, so two stores on a
/// page (or two merchants on one origin) keep separate carts.
pub fn storage_key(proxy: &str, merchant: &str) -> String {
    let proxy = proxy.trim_end_matches('/');
    if merchant.is_empty() {
        format!("amigo-cart:v{STORAGE_VERSION}:{proxy}")
    } else {
        format!("amigo-cart:v{STORAGE_VERSION}:{merchant}@{proxy}")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) use amigo_types::fixtures::product;

    #[test]
    fn add_merges_and_subtotal_is_integer_naira() {
        let mut cart = Cart::default();
        cart.add(&product(1, 14_500, 10), 1).unwrap();
        cart.add(&product(2, 2_000, 10), 3).unwrap();
        cart.add(&product(1, 14_500, 10), 1).unwrap();
        assert_eq!(cart.lines().len(), 2);
        assert_eq!(cart.quantity_of(1), 2);
        assert_eq!(cart.item_count(), 5);
        assert_eq!(cart.subtotal(), 35_000);
        assert_eq!(amigo_types::format_naira(cart.subtotal()), "₦35,000");
    }

    #[test]
    fn quantity_is_capped_at_stock_and_1000() {
        let mut cart = Cart::default();
        let out = cart.add(&product(1, 100, 3), 5).unwrap();
        assert_eq!(
            out,
            CartOutcome::Set {
                name: "Product 1".into(),
                quantity: 3,
                capped: true
            }
        );
        cart.add(&product(2, 100, 5000), 999).unwrap();
        cart.add(&product(2, 100, 5000), 999).unwrap();
        assert_eq!(cart.quantity_of(2), 1000);
        assert_eq!(cart.set_quantity(2, 1001).unwrap(), {
            CartOutcome::Set {
                name: "Product 2".into(),
                quantity: 1000,
                capped: true,
            }
        });
        assert_eq!(cart.set_quantity(2, 0), Err(CartError::QuantityTooLow));
        assert_eq!(
            cart.add(&product(3, 100, 5), 0),
            Err(CartError::QuantityTooLow)
        );
        assert_eq!(
            cart.add(&product(4, 100, 0), 1),
            Err(CartError::OutOfStock("Product 4".into()))
        );
        assert_eq!(cart.set_quantity(99, 1), Err(CartError::NoSuchLine));
    }

    #[test]
    fn typed_quantities_are_clamped() {
        assert_eq!(clamp_quantity("3", 10), 3);
        assert_eq!(clamp_quantity(" 12 ", 10), 10);
        assert_eq!(clamp_quantity("0", 10), 1);
        assert_eq!(clamp_quantity("-4", 10), 1);
        assert_eq!(clamp_quantity("abc", 10), 1);
        assert_eq!(clamp_quantity("99999999999", 5000), 1000);
        assert_eq!(clamp_quantity("2", 0), 1);
    }

    #[test]
    fn at_most_fifty_distinct_lines() {
        let mut cart = Cart::default();
        for id in 1..=50 {
            cart.add(&product(id, 10, 5), 1).unwrap();
        }
        assert_eq!(
            cart.add(&product(51, 10, 5), 1),
            Err(CartError::TooManyLines)
        );
        // more of an existing line is still fine
        cart.add(&product(7, 10, 5), 1).unwrap();
        assert_eq!(cart.quantity_of(7), 2);
        cart.remove(7).unwrap();
        cart.add(&product(51, 10, 5), 1).unwrap();
        assert_eq!(cart.lines().len(), 50);
    }

    #[test]
    fn storage_round_trips_and_corruption_is_ignored() {
        let mut cart = Cart::default();
        cart.add(&product(1, 14_500, 10), 2).unwrap();
        cart.add(&product(2, 900, 10), 1).unwrap();
        assert_eq!(Cart::from_storage(&cart.to_storage()), cart);
        for junk in [
            "",
            "null",
            "{",
            "[1,2]",
            r#"{"v":2,"lines":[]}"#,
            r#"{"v":1,"lines":[{"product_id":"x"}]}"#,
        ] {
            assert!(Cart::from_storage(junk).is_empty(), "{junk}");
        }
    }

    #[test]
    fn stored_lines_are_made_valid_again() {
        let line = |id: u64, qty: u32, stock: u32| CartLine {
            product_id: id,
            slug: format!("p-{id}"),
            name: "n".into(),
            unit_price: 5,
            image: None,
            stock,
            quantity: qty,
        };
        let mut lines = vec![
            line(1, 5000, 9000),
            line(1, 1, 5),
            line(2, 0, 5),
            line(3, 2, 0),
        ];
        lines.extend((10..70).map(|id| line(id, 1, 1)));
        let raw = serde_json::to_string(&Stored { v: 1, lines }).unwrap();
        let cart = Cart::from_storage(&raw);
        assert_eq!(cart.lines().len(), MAX_LINES);
        assert_eq!(cart.quantity_of(1), 1000);
        assert_eq!(cart.quantity_of(2), 0);
        assert_eq!(cart.quantity_of(3), 0);
    }

    #[test]
    fn refresh_reports_price_stock_and_removal() {
        let mut cart = Cart::default();
        cart.add(&product(1, 1000, 10), 5).unwrap();
        cart.add(&product(2, 500, 10), 1).unwrap();
        cart.add(&product(3, 700, 10), 1).unwrap();
        cart.add(&product(4, 700, 10), 1).unwrap();
        let changes = cart.refresh(&[
            ("p-1".into(), Some(product(1, 1200, 2))),
            ("p-2".into(), None),
            ("p-3".into(), Some(product(3, 700, 0))),
        ]);
        assert_eq!(
            changes,
            vec![
                LineChange::Price {
                    name: "Product 1".into(),
                    was: 1000,
                    now: 1200
                },
                LineChange::QuantityLowered {
                    name: "Product 1".into(),
                    now: 2
                },
                LineChange::Unavailable {
                    name: "Product 2".into()
                },
                LineChange::Unavailable {
                    name: "Product 3".into()
                },
            ]
        );
        assert_eq!(cart.subtotal(), 2 * 1200 + 700);
        assert!(
            changes[0]
                .describe(&crate::wording::ENGLISH)
                .contains("₦1,000 to ₦1,200")
        );
    }

    #[test]
    fn storage_keys_separate_merchants_and_proxies() {
        assert_eq!(
            storage_key("https://shop.example/", ""),
            "amigo-cart:v1:https://shop.example"
        );
        assert_ne!(
            storage_key("https://a.example", "m1"),
            storage_key("https://a.example", "m2")
        );
        assert_ne!(
            storage_key("https://a.example", ""),
            storage_key("https://b.example", "")
        );
    }
}
