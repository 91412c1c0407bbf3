//! One line of `amigo-proxy doctor`'s report, apart from the checks that make it, so the probe
//! modules and the doctor that runs them all build [`Check`]s without importing each other.

use serde::Serialize;

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Stable name (`token`, `payment`, `upstream`, `public_url`, `origins`, `webhook`,
    /// `webhook_api`, `quote_cors`, `plan_catalog`, `data_purchase`, `data_lookup`, `database`, `widget`), for
    /// scripts and the admin console.
    pub name: &'static str,
    pub ok: bool,
    /// What was found.
    pub detail: String,
    /// What to do, when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    /// A passed check.
    pub(super) fn pass(name: &'static str, detail: impl Into<String>) -> Self {
        Self {
            name,
            ok: true,
            detail: detail.into(),
            fix: None,
        }
    }

    /// A failed check, with what to do about it.
    pub(super) fn fail(
        name: &'static str,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            name,
            ok: false,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }

    /// The command's line: `✓ name: detail` or `✗ name: detail — fix: …`.
    pub fn line(&self) -> String {
        match &self.fix {
            Some(fix) if !self.ok => format!("✗ {}: {} — fix: {fix}", self.name, self.detail),
            _ => format!(
                "{} {}: {}",
                if self.ok { '✓' } else { '✗' },
                self.name,
                self.detail
            ),
        }
    }
}
