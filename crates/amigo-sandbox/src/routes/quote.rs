//! SKELETON (helper A replaces).

use crate::error::SandboxError;

/// Not built yet.
pub(crate) async fn post() -> SandboxError {
    SandboxError::NotFound("not built yet".into())
}
