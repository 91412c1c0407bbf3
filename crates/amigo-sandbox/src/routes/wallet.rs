//! SKELETON (helper B replaces).

use crate::error::SandboxError;

/// Not built yet.
pub(crate) async fn reset() -> SandboxError {
    SandboxError::NotFound("not built yet".into())
}
