//! The shopper's own order: `GET /api/orders/{reference}?phone=…` and its Server-Sent Events.
//! A wrong or missing phone gets exactly the answer an unknown reference gets.

use std::convert::Infallible;
use std::sync::Arc;

use amigo_types::DataEnvelope;
use amigo_types::tracking::{OrderTracking, STATUS_EVENT};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::{Stream, StreamExt};
use serde::Deserialize;
use subtle::ConstantTimeEq;
use tokio::sync::broadcast::error::RecvError;

use crate::error::{ProxyError, ProxyResult};
use crate::middleware::ClientIp;
use crate::state::AppState;

/// `?phone=…`.
#[derive(Debug, Deserialize)]
pub(crate) struct PhoneQuery {
    pub(crate) phone: Option<String>,
}

/// The phone a shopper's lookup gave, hashed before any database read so a known and an unknown
/// reference cost the same. Shared by order tracking and data purchase lookups.
pub(crate) struct PhoneProof {
    hash: String,
    given: bool,
}

impl PhoneProof {
    /// Hashes `phone` (a missing or blank one never matches).
    pub(crate) fn new(state: &AppState, phone: Option<&str>) -> Self {
        Self {
            hash: state.store().phone_hash(phone.unwrap_or("")),
            given: phone.is_some_and(|p| !p.trim().is_empty()),
        }
    }

    /// Whether it is the phone whose keyed hash is `stored` (constant-time).
    pub(crate) fn matches(&self, stored: &str) -> bool {
        self.given && bool::from(stored.as_bytes().ct_eq(self.hash.as_bytes()))
    }
}

/// Finds `reference` if `phone` is the one it was placed with.
async fn find(
    state: &AppState,
    reference: &str,
    phone: Option<&str>,
) -> ProxyResult<OrderTracking> {
    let proof = PhoneProof::new(state, phone);
    if reference.len() > 64 {
        return Err(ProxyError::NotFound);
    }
    state.lookup_locks().check(reference)?;
    match state.store().tracking(reference).await? {
        Some((stored, view)) if proof.matches(&stored) => Ok(view),
        _ => {
            state.lookup_locks().failed(reference);
            Err(ProxyError::NotFound)
        }
    }
}

/// The shopper's view of one order.
#[utoipa::path(
    get,
    path = "/api/orders/{reference}",
    tag = "orders",
    params(
        ("reference" = String, Path, description = "The order reference"),
        ("phone" = String, Query, description = "The phone number the order was placed with (any common format)"),
    ),
    responses(
        (status = 200, description = "`{success, data: OrderTracking}`: status, items, totals, delivery, timeline", body = amigo_types::DataEnvelope<amigo_types::tracking::OrderTracking>, content_type = "application/json"),
        (status = 403, description = "`origin_not_allowed`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 404, description = "`not_found`: unknown reference, or wrong or missing phone", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 429, description = "`rate_limited` (`Retry-After`): too many lookups from this client, or this reference's lookups are locked after 5 wrong phones (`AMIGO_LOOKUP_LOCK_SECS`)", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 500, description = "`server_error`: the proxy's database failed", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
    )
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(reference): Path<String>,
    Query(q): Query<PhoneQuery>,
) -> ProxyResult<Response> {
    state.limits().lookup_from_ip(ip)?;
    let view = find(&state, &reference, q.phone.as_deref()).await?;
    let mut resp = Json(DataEnvelope::new(view)).into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

/// Status changes of one order as they arrive: the current view first, then one `status`
/// event per change. Capped per client and in total, and ended after its lifetime
/// ([`crate::event_streams`]).
#[utoipa::path(
    get,
    path = "/api/orders/{reference}/events",
    tag = "orders",
    params(
        ("reference" = String, Path, description = "The order reference"),
        ("phone" = String, Query, description = "The phone number the order was placed with"),
    ),
    responses(
        (status = 200, description = "`text/event-stream`; each event is named `status` and carries one OrderTracking", content_type = "text/event-stream"),
        (status = 403, description = "`origin_not_allowed`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 404, description = "`not_found`: unknown reference, or wrong or missing phone", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 429, description = "`rate_limited` (`Retry-After`): too many lookups, or this client already holds `AMIGO_EVENT_STREAMS_PER_CLIENT` open streams", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 500, description = "`server_error`: the proxy's database failed", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 503, description = "`busy` (`Retry-After`): this instance holds `AMIGO_MAX_EVENT_STREAMS` open streams", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
    )
)]
pub(crate) async fn events(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(reference): Path<String>,
    Query(q): Query<PhoneQuery>,
) -> ProxyResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    state.limits().lookup_from_ip(ip)?;
    // Taken before the lookup and held by the stream until it ends (dropped with it).
    let slot = state.event_streams().acquire(ip)?;
    let lifetime = Box::pin(tokio::time::sleep(state.event_streams().lifetime()));
    // Subscribe before reading, so no change falls between the read and the stream.
    let rx = state.subscribe();
    let view = find(&state, &reference, q.phone.as_deref()).await?;
    let first = futures::stream::once(std::future::ready(Ok(event(&view))));
    let stopping = Box::pin(state.stopping());
    // The last view sent: an update that changes nothing (a notification that arrives after
    // the first read already showed its change, as it can on PostgreSQL) is not sent again.
    let updates = futures::stream::unfold(
        (rx, state, view, stopping),
        |(mut rx, state, mut last, mut stopping)| async move {
            loop {
                let received = tokio::select! {
                    r = rx.recv() => r,
                    // The server is shutting down: end the stream so it can finish.
                    () = &mut stopping => return None,
                };
                let reference = &last.reference;
                let next: Arc<OrderTracking> = match received {
                    Ok(v) if v.reference == *reference => v,
                    Ok(_) => continue,
                    Err(RecvError::Lagged(_)) => {
                        // Missed some updates: send the current state instead.
                        match state.store().tracking(reference).await {
                            Ok(Some((_, v))) => Arc::new(v),
                            _ => continue,
                        }
                    }
                    Err(RecvError::Closed) => return None,
                };
                if *next == last {
                    continue;
                }
                last = (*next).clone();
                return Some((Ok(event(&next)), (rx, state, last, stopping)));
            }
        },
    );
    // Ends after its lifetime (the browser's EventSource reconnects), giving its slot back.
    let stream =
        first
            .chain(updates)
            .take_until(lifetime)
            .map(move |e: Result<Event, Infallible>| {
                let _held = &slot;
                e
            });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

fn event(view: &OrderTracking) -> Event {
    Event::default()
        .event(STATUS_EVENT)
        .json_data(view)
        .unwrap_or_else(|_| Event::default().event(STATUS_EVENT))
}
