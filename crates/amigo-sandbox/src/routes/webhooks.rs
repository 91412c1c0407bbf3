//! SKELETON (helper B replaces).

use crate::error::SandboxError;

/// Not built yet.
pub(crate) async fn get() -> SandboxError {
    SandboxError::NotFound("not built yet".into())
}

/// Not built yet.
pub(crate) async fn post() -> SandboxError {
    SandboxError::NotFound("not built yet".into())
}

/// Not built yet.
pub(crate) async fn patch() -> SandboxError {
    SandboxError::NotFound("not built yet".into())
}

/// Not built yet.
pub(crate) async fn delete() -> SandboxError {
    SandboxError::NotFound("not built yet".into())
}
