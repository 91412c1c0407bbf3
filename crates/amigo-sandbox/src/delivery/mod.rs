//! SKELETON (helper A replaces): delivery schemes and the one resolver used by both the quote
//! and order creation.
//!
//! Interface other modules rely on (keep this signature):
//! - `resolve(state: &AppState, location: &DeliveryLocationInput, items: &[LineItem])
//!      -> Result<Quote, SandboxError>`
//!   `Err(Invalid(invalid_delivery_location with field))` for a bad state/LGA;
//!   `Err(Invalid(invalid_items …))` / `NotFound` for unknown products (decide and document).

use amigo_types::delivery::{DeliveryLocationInput, LineItem, Quote};

use crate::error::SandboxError;
use crate::locations::Locations;
use crate::state::AppState;

/// Delivery schemes.
#[derive(Debug, Default)]
pub struct DeliverySchemes;

impl DeliverySchemes {
    /// Seeds the schemes.
    pub fn seed(_locations: &Locations) -> Self {
        Self
    }
}

/// Resolves delivery for a cart.
pub fn resolve(
    _state: &AppState,
    _location: &DeliveryLocationInput,
    _items: &[LineItem],
) -> Result<Quote, SandboxError> {
    Err(SandboxError::Internal(
        "delivery resolver not built yet".into(),
    ))
}
