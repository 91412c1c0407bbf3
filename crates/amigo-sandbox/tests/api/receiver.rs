//! A real webhook receiver on `127.0.0.1:0` that records every request and answers as told:
//! failing a set number of times, stalling, redirecting, or streaming an endless body.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How the receiver answers.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Behaviour {
    /// `500` for the first `n` requests, then `200`.
    FailFirst(usize),
    /// Sleep this long, then `200`.
    Stall(Duration),
    /// `302` to `/elsewhere` (which records a hit if anything follows it).
    Redirect,
    /// `200` with a body that never ends.
    Endless,
}

/// One request as received.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    /// Headers.
    pub(crate) headers: HeaderMap,
    /// Raw body.
    pub(crate) body: Bytes,
}

impl Received {
    /// A header as text.
    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

struct Inner {
    behaviour: Behaviour,
    on_request: Option<Box<dyn Fn() + Send + Sync>>,
    received: Mutex<Vec<Received>>,
    elsewhere_hits: AtomicUsize,
    streamed_bytes: Arc<AtomicUsize>,
}

/// A running receiver.
#[derive(Clone)]
pub(crate) struct Receiver {
    inner: Arc<Inner>,
    /// `http://127.0.0.1:port/hook`.
    pub(crate) url: String,
}

async fn hook(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: Bytes) -> Response {
    let n = {
        let mut r = inner.received.lock().unwrap();
        r.push(Received { headers, body });
        r.len()
    };
    if let Some(hook) = &inner.on_request {
        hook();
    }
    match inner.behaviour {
        Behaviour::FailFirst(k) if n <= k => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Behaviour::FailFirst(_) => (StatusCode::OK, "ok").into_response(),
        Behaviour::Stall(d) => {
            tokio::time::sleep(d).await;
            (StatusCode::OK, "late").into_response()
        }
        Behaviour::Redirect => {
            (StatusCode::FOUND, [(header::LOCATION, "/elsewhere")]).into_response()
        }
        Behaviour::Endless => {
            let counter = Arc::clone(&inner.streamed_bytes);
            let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
            let stream = futures::stream::repeat_with(move || {
                counter.fetch_add(chunk.len(), Ordering::Relaxed);
                Ok::<_, std::io::Error>(chunk.clone())
            });
            (StatusCode::OK, Body::from_stream(stream)).into_response()
        }
    }
}

async fn elsewhere(State(inner): State<Arc<Inner>>) -> StatusCode {
    inner.elsewhere_hits.fetch_add(1, Ordering::Relaxed);
    StatusCode::OK
}

impl Receiver {
    /// Starts a receiver on a free loopback port.
    pub(crate) async fn start(behaviour: Behaviour) -> Self {
        Self::start_with(behaviour, None).await
    }

    /// Starts a receiver that also runs `on_request` for every request, before answering it.
    pub(crate) async fn start_with(
        behaviour: Behaviour,
        on_request: Option<Box<dyn Fn() + Send + Sync>>,
    ) -> Self {
        let inner = Arc::new(Inner {
            behaviour,
            on_request,
            received: Mutex::new(Vec::new()),
            elsewhere_hits: AtomicUsize::new(0),
            streamed_bytes: Arc::new(AtomicUsize::new(0)),
        });
        let app = Router::new()
            .route("/hook", post(hook))
            .route("/elsewhere", post(elsewhere).get(elsewhere))
            .with_state(Arc::clone(&inner));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            inner,
            url: format!("http://{addr}/hook"),
        }
    }

    /// Everything received so far.
    pub(crate) fn received(&self) -> Vec<Received> {
        self.inner.received.lock().unwrap().clone()
    }

    /// Requests that followed a redirect.
    pub(crate) fn elsewhere_hits(&self) -> usize {
        self.inner.elsewhere_hits.load(Ordering::Relaxed)
    }

    /// Bytes the endless body produced.
    pub(crate) fn streamed_bytes(&self) -> usize {
        self.inner.streamed_bytes.load(Ordering::Relaxed)
    }

    /// Waits until at least `n` requests arrived (panics after `within`).
    pub(crate) async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let r = self.received();
            if r.len() >= n {
                return r;
            }
            assert!(
                start.elapsed() < within,
                "expected {n} webhook requests within {within:?}, got {}",
                r.len()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// An independent verifier: `sha256=` + hex HMAC-SHA256(secret, "{ts}.{body}"), computed here
/// with the `hmac`/`sha2` crates directly, compared with the header.
pub(crate) fn signature_ok(secret: &str, r: &Received) -> bool {
    let ts = r.header("x-amigo-timestamp");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(ts.as_bytes());
    mac.update(b".");
    mac.update(&r.body);
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    r.header("x-amigo-signature") == format!("sha256={expected}")
}
