//! SKELETON (helper A replaces): the seeded catalog.
//!
//! Interface other modules rely on (keep these signatures):
//! - `Catalog::generate(seed, size, public_base_url) -> Catalog`
//! - `Catalog::product(&self, id) -> Option<Product>` (with current live stock)
//! - `Catalog::reserve_live(&self, items: &[LineItem]) -> Result<(), Vec<u64>>`: all-or-nothing
//!   live stock decrement; `Err` lists product ids short of stock.
//! - `Catalog::release_live(&self, items: &[LineItem])`: restores stock on cancel.

use amigo_types::catalog::Product;
use amigo_types::delivery::LineItem;

/// The catalog.
#[derive(Debug, Default)]
pub struct Catalog {
    products: Vec<Product>,
}

impl Catalog {
    /// Generates the seeded catalog.
    pub fn generate(_seed: u64, _size: usize, _public_base_url: &str) -> Self {
        Self::default()
    }

    /// One product by id, with current stock.
    pub fn product(&self, id: u64) -> Option<Product> {
        self.products.iter().find(|p| p.id == id).cloned()
    }

    /// Decrements live stock for every line, or nothing.
    pub fn reserve_live(&self, _items: &[LineItem]) -> Result<(), Vec<u64>> {
        Ok(())
    }

    /// Restores live stock.
    pub fn release_live(&self, _items: &[LineItem]) {}
}
