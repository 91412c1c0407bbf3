//! `POST /webhooks/amigo`: Amigo's signed order events. Verified on the raw bytes against every
//! configured secret (rotation), ±300 s; stored before answering; a replayed delivery id is
//! acknowledged without being applied again.

use amigo_types::token::ApiToken;
use amigo_types::webhooks::{DEFAULT_TOLERANCE_SECS, SignatureError, WebhookPayload, verify};
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use bytes::Bytes;
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use crate::error::{ProxyError, ProxyResult};
use crate::state::AppState;

/// Longest delivery id accepted.
const MAX_DELIVERY_ID_LEN: usize = 128;

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Receives one webhook delivery.
#[utoipa::path(
    post,
    path = "/webhooks/amigo",
    tag = "webhooks",
    params(
        ("X-Amigo-Signature" = String, Header, description = "`sha256=` + hex HMAC-SHA256(secret, `{timestamp}.{body}`)"),
        ("X-Amigo-Timestamp" = String, Header, description = "Unix seconds; within 300 s of now"),
        ("X-Amigo-Delivery" = String, Header, description = "Delivery id, repeated on retries"),
    ),
    request_body(content_type = "application/json", description = "`{event, livemode, created_at, data: order}`"),
    responses(
        (status = 200, description = "Stored (or a duplicate, acknowledged)", content_type = "application/json"),
        (status = 400, description = "`invalid_payload`: signed, but unreadable or without a delivery id"),
        (status = 401, description = "`invalid_signature`: unsigned, forged, tampered, stale or future"),
    )
)]
pub(crate) async fn receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ProxyResult<Json<Value>> {
    let secrets: Vec<&[u8]> = state
        .config()
        .webhook_secrets
        .iter()
        .map(|s| s.expose_secret().as_bytes())
        .collect();
    if secrets.is_empty() {
        return Err(ProxyError::WebhookRejected(SignatureError::Mismatch));
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    verify(
        &secrets,
        header(&headers, "x-amigo-timestamp"),
        header(&headers, "x-amigo-signature"),
        &body,
        now,
        DEFAULT_TOLERANCE_SECS,
    )
    .map_err(ProxyError::WebhookRejected)?;

    let delivery_id = header(&headers, "x-amigo-delivery")
        .map(str::trim)
        .filter(|d| !d.is_empty() && d.len() <= MAX_DELIVERY_ID_LEN)
        .ok_or_else(|| ProxyError::BadWebhook("missing X-Amigo-Delivery".into()))?;
    let payload: WebhookPayload =
        serde_json::from_slice(&body).map_err(|e| ProxyError::BadWebhook(e.to_string()))?;

    let our_mode_is_live =
        ApiToken::parse(state.config().api_key.expose_secret()).is_some_and(|t| t.mode().is_live());
    if payload.livemode != our_mode_is_live {
        tracing::warn!(delivery_id, event = %payload.event, "ignored a webhook from the other mode");
        return Ok(Json(
            json!({"success": true, "data": {"received": true, "applied": false}}),
        ));
    }

    let outcome = state
        .store()
        .apply_webhook(
            delivery_id,
            &payload.event,
            &payload.data,
            &payload.created_at,
        )
        .await?;
    tracing::info!(
        delivery_id,
        event = %payload.event,
        reference = %payload.data.reference,
        duplicate = outcome.duplicate,
        changed = outcome.changed,
        "webhook received"
    );
    if outcome.changed
        && let Ok(Some((_, view))) = state.store().tracking(&payload.data.reference).await
    {
        state.publish(view);
    }
    Ok(Json(json!({
        "success": true,
        "data": {"received": true, "duplicate": outcome.duplicate, "applied": outcome.changed}
    })))
}
