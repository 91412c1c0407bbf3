//! The Data API (mobile-data top-ups): the seeded plan catalog with drifting efficiency scores,
//! and each merchant's purchases. Response shapes are inferred (see `amigo_types::data`).

mod book;
mod plans;
mod purchase;

pub use book::{DataBook, Outcome};
pub use plans::DataPlans;
pub use purchase::{
    AdvanceDataRequest, SETTLE_AFTER_SECS, advance_purchase, buy_data, purchase_not_found,
};
