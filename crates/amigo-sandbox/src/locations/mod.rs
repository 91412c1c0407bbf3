//! SKELETON (helper A replaces): states and LGAs.

/// States and LGAs.
#[derive(Debug, Default)]
pub struct Locations;

impl Locations {
    /// Loads the embedded data.
    pub fn load() -> Self {
        Self
    }
}
