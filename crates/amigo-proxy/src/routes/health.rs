//! `GET /healthz`: the process answers and its database does.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::state::AppState;

/// Liveness and database reachability.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    responses(
        (status = 200, description = "`{\"status\":\"ok\"}`", body = Health, content_type = "application/json"),
        (status = 503, description = "`{\"status\":\"unavailable\"}`: the database does not answer", body = Health, content_type = "application/json"),
    )
)]
pub(crate) async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    match state.store().ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: HealthStatus::Ok,
            }),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: HealthStatus::Unavailable,
                }),
            )
        }
    }
}

/// The health body, for load balancers and probes.
#[derive(Debug, Clone, Copy, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct Health {
    /// `ok`, or `unavailable` when the database does not answer.
    status: HealthStatus,
}

/// What `/healthz` reports.
#[derive(Debug, Clone, Copy, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum HealthStatus {
    /// The process and its database answer.
    Ok,
    /// The database does not answer.
    Unavailable,
}
