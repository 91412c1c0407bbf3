//! The fault-injection middleware: asks the instance's injector about each request, then
//! answers late, with a 5xx, or not at all. The decisions themselves live in [`crate::fault`],
//! which knows nothing of the router or the shared state.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::SandboxError;
use crate::fault::{FaultKind, dropped};
use crate::state::AppState;

/// The middleware: decides, then answers late, with a 5xx, or not at all.
pub(crate) async fn inject(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(fault) = state.faults.decide(req.method(), req.uri().path()) else {
        return next.run(req).await;
    };
    let delay = state.faults.config().slow_delay;
    tracing::debug!(?fault, path = req.uri().path(), "injecting a fault");
    match fault.kind {
        FaultKind::Slow if fault.applied => {
            let resp = next.run(req).await;
            tokio::time::sleep(delay).await;
            resp
        }
        FaultKind::Slow => {
            tokio::time::sleep(delay).await;
            next.run(req).await
        }
        kind => {
            if fault.applied {
                drop(next.run(req).await);
            }
            if kind == FaultKind::Drop {
                dropped()
            } else {
                SandboxError::Internal("injected fault".into()).into_response()
            }
        }
    }
}
