//! SKELETON (helper A replaces).

use crate::error::SandboxError;

/// Not built yet.
pub(crate) async fn get() -> SandboxError {
    SandboxError::NotFound("not built yet".into())
}
