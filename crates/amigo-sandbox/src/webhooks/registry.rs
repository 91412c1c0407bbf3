//! One merchant's webhook endpoints: registration (the secret is shown once), listing without
//! secrets, updates, cascading deletes, and the delivery history each endpoint keeps.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use amigo_types::envelope::ApiError;
use amigo_types::webhooks::{
    CreateWebhookRequest, DeliveryRecord, EndpointStatus, EventFilter, UpdateWebhookRequest,
    WebhookEndpoint, WebhookEndpointDetail, validate_webhook_url,
};
use rand::RngCore;

/// Most endpoints one merchant may register (Stripe's limit), so one token can't make every
/// event fan out without bound.
pub(crate) const MAX_ENDPOINTS: usize = 16;
/// Delivery attempts shown by `GET webhooks/?id=N`.
pub(crate) const RECENT_DELIVERIES: usize = 20;
/// Deliveries remembered per endpoint.
const HISTORY: usize = 100;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[derive(Debug, Clone)]
struct Settings {
    url: String,
    events: String,
    filter: EventFilter,
    active: bool,
}

/// A registered endpoint. Delivery tasks hold it, so they always use its current URL and stop
/// once it is deleted.
#[derive(Debug)]
pub struct Endpoint {
    /// Id.
    pub id: u64,
    secret: String,
    settings: Mutex<Settings>,
    deleted: AtomicBool,
    history: Mutex<VecDeque<Arc<Mutex<DeliveryRecord>>>>,
}

impl Endpoint {
    /// The signing secret (64 hex characters).
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// Where deliveries go now.
    pub fn url(&self) -> String {
        lock(&self.settings).url.clone()
    }

    /// Whether the endpoint was deleted (its pending deliveries then stop).
    pub fn is_deleted(&self) -> bool {
        self.deleted.load(Ordering::Acquire)
    }

    fn view(&self) -> WebhookEndpoint {
        let s = lock(&self.settings);
        WebhookEndpoint {
            id: self.id,
            url: s.url.clone(),
            events: s.events.clone(),
            status: if s.active {
                EndpointStatus::Active
            } else {
                EndpointStatus::Disabled
            },
            secret: None,
        }
    }

    fn wants(&self, event: &str) -> bool {
        let s = lock(&self.settings);
        s.active && s.filter.matches(event)
    }

    /// Starts a delivery record (`pending`, no attempts yet) and returns the shared handle the
    /// delivery task updates.
    pub fn record_delivery(&self, record: DeliveryRecord) -> Arc<Mutex<DeliveryRecord>> {
        let record = Arc::new(Mutex::new(record));
        let mut history = lock(&self.history);
        if history.len() == HISTORY {
            history.pop_back();
        }
        history.push_front(Arc::clone(&record));
        record
    }
}

fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn parse_status(raw: &str) -> Result<bool, ApiError> {
    match raw.trim() {
        "active" => Ok(true),
        "disabled" => Ok(false),
        other => Err(ApiError::invalid(
            "invalid_status",
            "status",
            format!(
                "status must be 'active' or 'disabled', got '{}'",
                amigo_types::query::shorten(other)
            ),
        )),
    }
}

/// Events text as stored and listed: trimmed, `*` when absent or empty.
fn events_text(raw: Option<&str>) -> String {
    match raw.map(str::trim) {
        None | Some("") => "*".to_owned(),
        Some(t) => t.to_owned(),
    }
}

/// One merchant's endpoints.
#[derive(Debug, Default)]
pub struct WebhookRegistry {
    endpoints: Mutex<BTreeMap<u64, Arc<Endpoint>>>,
}

impl WebhookRegistry {
    /// No endpoints.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers an endpoint under `id`, returning it with its secret (the only time the
    /// secret is shown). Errors: `invalid_url`, `invalid_events`, `too_many_endpoints`.
    pub fn create(&self, id: u64, req: &CreateWebhookRequest) -> Result<WebhookEndpoint, ApiError> {
        let url = req.url.trim();
        validate_webhook_url(url)?;
        let events = events_text(req.events.as_deref());
        let filter = EventFilter::parse(&events)?;
        let mut endpoints = lock(&self.endpoints);
        if endpoints.len() >= MAX_ENDPOINTS {
            return Err(ApiError::invalid(
                "too_many_endpoints",
                "url",
                format!("at most {MAX_ENDPOINTS} webhook endpoints per token; delete one first"),
            ));
        }
        let endpoint = Arc::new(Endpoint {
            id,
            secret: new_secret(),
            settings: Mutex::new(Settings {
                url: url.to_owned(),
                events,
                filter,
                active: true,
            }),
            deleted: AtomicBool::new(false),
            history: Mutex::new(VecDeque::new()),
        });
        let mut view = endpoint.view();
        view.secret = Some(endpoint.secret.clone());
        endpoints.insert(id, endpoint);
        Ok(view)
    }

    /// Every endpoint, by id, without secrets.
    pub fn list(&self) -> Vec<WebhookEndpoint> {
        lock(&self.endpoints).values().map(|e| e.view()).collect()
    }

    /// One endpoint with its 20 most recent deliveries (newest first), if it is this
    /// merchant's.
    pub fn detail(&self, id: u64) -> Option<WebhookEndpointDetail> {
        let endpoint = lock(&self.endpoints).get(&id).cloned()?;
        let deliveries = lock(&endpoint.history)
            .iter()
            .take(RECENT_DELIVERIES)
            .map(|r| lock(r).clone())
            .collect();
        Some(WebhookEndpointDetail {
            endpoint: endpoint.view(),
            deliveries,
        })
    }

    /// Applies a PATCH: every given field is validated before any is changed. `Ok(None)` when
    /// the endpoint is not this merchant's.
    pub fn update(
        &self,
        id: u64,
        req: &UpdateWebhookRequest,
    ) -> Result<Option<WebhookEndpoint>, ApiError> {
        if req.url.is_none() && req.events.is_none() && req.status.is_none() {
            return Err(ApiError {
                code: "invalid_request".into(),
                field: None,
                message: "send at least one of url, events, status".into(),
            });
        }
        let url = match &req.url {
            None => None,
            Some(u) => {
                validate_webhook_url(u.trim())?;
                Some(u.trim().to_owned())
            }
        };
        let events = match &req.events {
            None => None,
            Some(e) => {
                let text = events_text(Some(e));
                let filter = EventFilter::parse(&text)?;
                Some((text, filter))
            }
        };
        let active = req.status.as_deref().map(parse_status).transpose()?;
        let Some(endpoint) = lock(&self.endpoints).get(&id).cloned() else {
            return Ok(None);
        };
        {
            let mut s = lock(&endpoint.settings);
            if let Some(url) = url {
                s.url = url;
            }
            if let Some((text, filter)) = events {
                s.events = text;
                s.filter = filter;
            }
            if let Some(active) = active {
                s.active = active;
            }
        }
        Ok(Some(endpoint.view()))
    }

    /// Removes the endpoint and its delivery history; its pending retries stop. `false` when it
    /// is not this merchant's.
    pub fn delete(&self, id: u64) -> bool {
        match lock(&self.endpoints).remove(&id) {
            Some(endpoint) => {
                endpoint.deleted.store(true, Ordering::Release);
                lock(&endpoint.history).clear();
                true
            }
            None => false,
        }
    }

    /// The active endpoints whose filter takes `event`.
    pub fn subscribers(&self, event: &str) -> Vec<Arc<Endpoint>> {
        lock(&self.endpoints)
            .values()
            .filter(|e| e.wants(event))
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use amigo_types::webhooks::DeliveryStatus;

    fn create(r: &WebhookRegistry, id: u64, url: &str, events: Option<&str>) -> WebhookEndpoint {
        r.create(
            id,
            &CreateWebhookRequest {
                url: url.into(),
                events: events.map(str::to_owned),
            },
        )
        .unwrap()
    }

    fn record(id: u64) -> DeliveryRecord {
        DeliveryRecord {
            delivery_id: id,
            event: "order.created".into(),
            status: DeliveryStatus::Pending,
            attempts: 0,
            response_code: None,
            next_attempt_at: None,
            created_at: "2026-05-20T10:00:00+01:00".into(),
        }
    }

    #[test]
    fn secret_is_shown_once_and_is_64_hex() {
        let r = WebhookRegistry::new();
        let e = create(&r, 1, "https://x.com/hook", None);
        let secret = e.secret.unwrap();
        assert_eq!(secret.len(), 64);
        assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(e.events, "*");
        assert_eq!(e.status, EndpointStatus::Active);
        assert!(r.list()[0].secret.is_none());
        assert!(r.detail(1).unwrap().endpoint.secret.is_none());
        let other = create(&r, 2, "https://x.com/hook", None);
        assert_ne!(other.secret.unwrap(), secret);
    }

    #[test]
    fn bad_input_is_refused_by_field() {
        let r = WebhookRegistry::new();
        let bad = |url: &str, events: Option<&str>| {
            r.create(
                9,
                &CreateWebhookRequest {
                    url: url.into(),
                    events: events.map(str::to_owned),
                },
            )
            .unwrap_err()
            .code
        };
        assert_eq!(bad("ftp://x.com", None), "invalid_url");
        assert_eq!(
            bad("https://x.com", Some("order.refunded")),
            "invalid_events"
        );
        create(&r, 1, "https://x.com", None);
        let none = UpdateWebhookRequest::default();
        assert_eq!(r.update(1, &none).unwrap_err().code, "invalid_request");
        let status = UpdateWebhookRequest {
            status: Some("paused".into()),
            url: Some("https://new.example/h".into()),
            ..Default::default()
        };
        assert_eq!(r.update(1, &status).unwrap_err().code, "invalid_status");
        assert_eq!(r.list()[0].url, "https://x.com", "nothing applied on error");
        for i in 2..=MAX_ENDPOINTS as u64 {
            create(&r, i, "https://x.com", None);
        }
        assert_eq!(bad("https://x.com", None), "too_many_endpoints");
    }

    #[test]
    fn filters_status_and_cascading_delete() {
        let r = WebhookRegistry::new();
        create(
            &r,
            1,
            "https://a.com",
            Some("order.shipped,order.delivered"),
        );
        create(&r, 2, "https://b.com", Some("order.*"));
        let ids = |event: &str| -> Vec<u64> { r.subscribers(event).iter().map(|e| e.id).collect() };
        assert_eq!(ids("order.created"), vec![2]);
        assert_eq!(ids("order.shipped"), vec![1, 2]);
        let disable = UpdateWebhookRequest {
            status: Some("disabled".into()),
            ..Default::default()
        };
        assert_eq!(
            r.update(2, &disable).unwrap().unwrap().status,
            EndpointStatus::Disabled
        );
        assert_eq!(ids("order.shipped"), vec![1]);
        assert!(r.update(3, &disable).unwrap().is_none());

        let ep = r.subscribers("order.shipped").remove(0);
        for i in 0..25 {
            ep.record_delivery(record(i));
        }
        let detail = r.detail(1).unwrap();
        assert_eq!(detail.deliveries.len(), RECENT_DELIVERIES);
        assert_eq!(detail.deliveries[0].delivery_id, 24, "newest first");
        assert!(r.delete(1));
        assert!(ep.is_deleted());
        assert!(r.detail(1).is_none());
        assert!(!r.delete(1));
    }
}
