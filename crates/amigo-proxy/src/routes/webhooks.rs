//! `POST /webhooks/amigo`: Amigo's signed order events. Verified on the raw bytes against every
//! configured secret and every secret in the database not yet retired (rotation), ±300 s; stored (raw body included) before answering; a replayed
//! delivery (the same delivery id with the same signed body: the id is not under the signature)
//! is acknowledged without being applied again; a known id with another body is applied, and
//! logged as suspicious. The body is read tolerantly
//! ([`WebhookEvent`]): an event for an unknown order, with an unknown status, or missing fields
//! the receiver does not use, is kept and acknowledged (2xx) and logged, never refused into a
//! retry storm. An event for an order not recorded yet waits and is applied when it is
//! (`store/pending.rs`).

use amigo_types::DataEnvelope;
use amigo_types::token::ApiToken;
use amigo_types::webhooks::{
    DEFAULT_TOLERANCE_SECS, SignatureError, WebhookEvent, WebhookPayload, verify,
};
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use bytes::Bytes;
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use std::net::IpAddr;

use crate::clock::unix_iso;
use crate::error::{ProxyError, ProxyResult};
use crate::middleware::ClientIp;
use crate::state::AppState;
use crate::store::WebhookUpdate;
use crate::store::admin::RejectionReason;

/// Longest delivery id accepted.
const MAX_DELIVERY_ID_LEN: usize = 128;

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Keeps a refused delivery for the merchant console: why, its delivery id and event as sent,
/// the sender and the body's size. Never the body, the signature or a secret. Written off the
/// request path, within the refusal log's rate limit.
fn log_rejection(
    state: &AppState,
    reason: RejectionReason,
    headers: &HeaderMap,
    ip: IpAddr,
    bytes: usize,
) {
    if !state.limits().may_log_refusal() {
        return;
    }
    let state = state.clone();
    let delivery = header(headers, "x-amigo-delivery").map(str::to_owned);
    let event = header(headers, "x-amigo-event").map(str::to_owned);
    tokio::spawn(async move {
        if let Err(e) = state
            .store()
            .record_rejection(
                reason,
                delivery.as_deref(),
                event.as_deref(),
                &ip.to_string(),
                bytes,
            )
            .await
        {
            tracing::warn!(error = %e, "could not log a refused webhook");
        }
    });
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
    request_body(content = amigo_types::webhooks::WebhookPayload, content_type = "application/json", description = "The signed event as Amigo sends it: `{event, livemode, created_at, data: order}`. Read tolerantly: a signed body that lacks fields the receiver does not use is still stored and acknowledged."),
    responses(
        (status = 200, description = "Stored (or a duplicate, acknowledged); `applied` says whether it changed an order", body = amigo_types::DataEnvelope<WebhookReceipt>, content_type = "application/json"),
        (status = 400, description = "`invalid_payload`: signed, but without a delivery id", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 401, description = "`invalid_signature`: unsigned, forged, tampered, stale or future", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 413, description = "`payload_too_large` (over 64 KiB)", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 500, description = "`server_error`: the proxy's database failed; Amigo retries the delivery", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
    )
)]
pub(crate) async fn receive(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> ProxyResult<Json<DataEnvelope<WebhookReceipt>>> {
    // `AMIGO_WEBHOOK_SECRETS` plus the secrets `amigo-proxy webhooks register/rotate` stored,
    // read on every delivery so a registration or a rotation needs no restart.
    // Only those registered with this platform in this token's mode: a sandbox registration's
    // secret never signs a live event.
    let stored = crate::webhook_endpoints::accepted_secrets(
        state.store(),
        &state.config().api_base,
        crate::webhook_endpoints::mode_of(&state.config().api_key),
        time::OffsetDateTime::now_utc(),
    )
    .await?;
    let secrets: Vec<&[u8]> = state
        .config()
        .webhook_secrets
        .iter()
        .chain(&stored)
        .map(|s| s.expose_secret().as_bytes())
        .collect();
    if secrets.is_empty() {
        log_rejection(&state, RejectionReason::NoSecret, &headers, ip, body.len());
        return Err(ProxyError::WebhookRejected(SignatureError::Mismatch));
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if let Err(e) = verify(
        &secrets,
        header(&headers, "x-amigo-timestamp"),
        header(&headers, "x-amigo-signature"),
        &body,
        now,
        DEFAULT_TOLERANCE_SECS,
    ) {
        log_rejection(&state, RejectionReason::from(&e), &headers, ip, body.len());
        return Err(ProxyError::WebhookRejected(e));
    }

    let Some(delivery_id) = header(&headers, "x-amigo-delivery")
        .map(str::trim)
        .filter(|d| !d.is_empty() && d.len() <= MAX_DELIVERY_ID_LEN)
    else {
        log_rejection(
            &state,
            RejectionReason::NoDeliveryId,
            &headers,
            ip,
            body.len(),
        );
        return Err(ProxyError::BadWebhook("missing X-Amigo-Delivery".into()));
    };
    // Tolerant reader: only the reference is needed. A signed body this build cannot read at all
    // is kept and acknowledged too: the platform would only retry it until the delivery is
    // exhausted, and nothing a retry sends could make it readable.
    let raw = String::from_utf8_lossy(&body).into_owned();
    // The delivery id is not signed: a delivery is its id AND its signed body.
    let body_sha256 = hex::encode(Sha256::digest(&body));
    let event = match WebhookEvent::parse(&body) {
        Ok(event) => event,
        Err(e) => {
            tracing::warn!(delivery_id, error = %e, "kept a signed webhook this build cannot read");
            let outcome = state
                .store()
                .apply_webhook(WebhookUpdate {
                    delivery_id: delivery_id.to_owned(),
                    body_sha256: body_sha256.clone(),
                    event: header(&headers, "x-amigo-event")
                        .unwrap_or_default()
                        .to_owned(),
                    reference: String::new(),
                    raw_status: String::new(),
                    status: None,
                    cancelled_reason: None,
                    order: None,
                    created_at: unix_iso(now),
                    payload: raw,
                })
                .await?;
            return Ok(receipt(Some(outcome.duplicate), false));
        }
    };

    let our_mode_is_live =
        ApiToken::parse(state.config().api_key.expose_secret()).is_some_and(|t| t.mode().is_live());
    if event.livemode.is_some_and(|live| live != our_mode_is_live) {
        tracing::warn!(delivery_id, event = %event.event, "ignored a webhook from the other mode");
        return Ok(receipt(None, false));
    }

    let status = event.status();
    let reference = event.data.reference.clone();
    let outcome = state
        .store()
        .apply_webhook(WebhookUpdate {
            delivery_id: delivery_id.to_owned(),
            body_sha256,
            event: event.event.clone(),
            reference: reference.clone(),
            raw_status: event.data.status.clone().unwrap_or_default(),
            status,
            cancelled_reason: event.data.cancelled_reason.clone(),
            // the complete documented shape, when it is there, lets an order placed elsewhere
            // be recorded; anything less still moves a known order along
            order: serde_json::from_slice::<WebhookPayload>(&body)
                .ok()
                .map(|p| p.data),
            created_at: event.created_at.clone().unwrap_or_else(|| unix_iso(now)),
            payload: raw,
        })
        .await?;
    if status.is_none() {
        tracing::warn!(
            delivery_id,
            event = %event.event,
            status = event.data.status.as_deref().unwrap_or(""),
            "kept a webhook with a status this build does not know"
        );
    }
    tracing::info!(
        delivery_id,
        event = %event.event,
        reference = %reference,
        duplicate = outcome.duplicate,
        changed = outcome.changed,
        "webhook received"
    );
    // a change reaches the order's event streams through the store's order feed
    Ok(receipt(Some(outcome.duplicate), outcome.changed))
}

/// The `data` of a webhook acknowledgement.
#[derive(Debug, Clone, Copy, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct WebhookReceipt {
    /// Always `true`: the delivery was verified and kept (Amigo stops retrying it).
    received: bool,
    /// Whether this delivery (its id with the same signed body) was seen before (then nothing is applied again); absent for an
    /// event of the other mode, which is not stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    duplicate: Option<bool>,
    /// Whether the event changed a stored order.
    applied: bool,
}

fn receipt(duplicate: Option<bool>, applied: bool) -> Json<DataEnvelope<WebhookReceipt>> {
    Json(DataEnvelope::new(WebhookReceipt {
        received: true,
        duplicate,
        applied,
    }))
}
