//! `POST/GET/PATCH/DELETE /api/commerce/webhooks/`: HTTP in and out only; the rules live in
//! `crate::webhooks::registry`. A registration honours `Idempotency-Key` as orders do (the docs
//! promise it on every state-changing POST): a retried registration replays the same endpoint
//! and secret instead of making a second endpoint that would deliver every event twice.

use amigo_types::DataEnvelope;
use amigo_types::envelope::ApiError;
use amigo_types::query::QueryPairs;
use amigo_types::webhooks::{CreateWebhookRequest, UpdateWebhookRequest};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::SandboxError;
use crate::extract::{Caller, Pairs, json_body};
use crate::state::AppState;

/// The documented note returned with a new endpoint's secret.
const SAVE_SECRET: &str = "Save this secret now — it will not be shown again.";

fn endpoint_not_found(id: u64) -> SandboxError {
    SandboxError::NotFound(format!("Webhook endpoint {id} not found."))
}

/// `?id=N`, required for PATCH and DELETE.
fn required_id(q: &QueryPairs) -> Result<u64, SandboxError> {
    q.bounded_u64("id", 1, u64::MAX)?.ok_or_else(|| {
        SandboxError::Invalid(ApiError::invalid("invalid_id", "id", "id is required"))
    })
}

/// Lists endpoints, or `?id=N`: one endpoint plus its 20 most recent deliveries.
pub(crate) async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Pairs(q): Pairs,
) -> Result<Response, SandboxError> {
    let merchant = state.merchants.get(&caller.token);
    match q.bounded_u64("id", 1, u64::MAX)? {
        Some(id) => {
            let detail = merchant
                .webhooks
                .detail(id)
                .ok_or_else(|| endpoint_not_found(id))?;
            Ok(Json(DataEnvelope::new(detail)).into_response())
        }
        None => Ok(Json(DataEnvelope::new(merchant.webhooks.list())).into_response()),
    }
}

/// The path idempotency fingerprints name for a registration.
const WEBHOOKS_PATH: &str = "/api/commerce/webhooks/";

/// Registers an endpoint: 201 with its secret, shown this once (and replayed byte for byte to a
/// retry with the same `Idempotency-Key`).
pub(crate) async fn post(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let merchant = state.merchants.get(&caller.token);
    super::orders::idempotent(&state, &merchant, &headers, WEBHOOKS_PATH, &body, || {
        let req: CreateWebhookRequest = json_body(&body)?;
        let endpoint = merchant
            .webhooks
            .create(state.merchants.next_endpoint_id(), &req)?;
        let mut envelope = DataEnvelope::new(endpoint);
        envelope.message = Some(SAVE_SECRET.to_owned());
        Ok(envelope)
    })
    .await
}

/// Updates `url`, `events` and/or `status` of `?id=N`.
pub(crate) async fn patch(
    State(state): State<AppState>,
    caller: Caller,
    Pairs(q): Pairs,
    body: Bytes,
) -> Result<Response, SandboxError> {
    let id = required_id(&q)?;
    let req: UpdateWebhookRequest = json_body(&body)?;
    let endpoint = state
        .merchants
        .get(&caller.token)
        .webhooks
        .update(id, &req)?
        .ok_or_else(|| endpoint_not_found(id))?;
    Ok(Json(DataEnvelope::new(endpoint)).into_response())
}

/// What a delete answers.
#[derive(Debug, Serialize)]
struct Deleted {
    id: u64,
    deleted: bool,
}

/// Deletes `?id=N` and its delivery history.
pub(crate) async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Pairs(q): Pairs,
) -> Result<Response, SandboxError> {
    let id = required_id(&q)?;
    if !state.merchants.get(&caller.token).webhooks.delete(id) {
        return Err(endpoint_not_found(id));
    }
    Ok(Json(DataEnvelope::new(Deleted { id, deleted: true })).into_response())
}
