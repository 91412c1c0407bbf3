//! An emulator driven in-process with `oneshot`, and a real webhook receiver on 127.0.0.1.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::response::Response;
use http_body_util::BodyExt;
use paystack_sandbox::{PaystackSandbox, SandboxConfig};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use tower::ServiceExt;

/// An emulator and its router.
pub(crate) struct Emulator {
    pub(crate) sandbox: PaystackSandbox,
    pub(crate) app: Router,
}

impl Emulator {
    pub(crate) fn new() -> Self {
        Self::with(SandboxConfig {
            refund_delay: Duration::from_millis(20),
            ..SandboxConfig::default()
        })
    }

    pub(crate) fn with(config: SandboxConfig) -> Self {
        let sandbox = PaystackSandbox::new(config);
        let app = sandbox.router();
        Self { sandbox, app }
    }

    pub(crate) fn bearer(&self) -> String {
        format!("Bearer {}", self.sandbox.secret_key().expose_secret())
    }

    pub(crate) async fn send(&self, req: Request<Body>) -> Response {
        self.app.clone().oneshot(req).await.unwrap()
    }

    /// A JSON API call with the secret key.
    pub(crate) async fn api(
        &self,
        method: &str,
        uri: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.api_as(Some(&self.bearer()), method, uri, body).await
    }

    /// A JSON API call with any `Authorization` header (or none).
    pub(crate) async fn api_as(
        &self,
        auth: Option<&str>,
        method: &str,
        uri: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(a) = auth {
            req = req.header(header::AUTHORIZATION, a);
        }
        let body = match body {
            Some(b) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(serde_json::to_vec(&b).unwrap())
            }
            None => Body::empty(),
        };
        let resp = self.send(req.body(body).unwrap()).await;
        let status = resp.status();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)));
        (status, value)
    }

    /// Initializes a transaction, asserting success; returns the `data`.
    pub(crate) async fn initialize(&self, body: Value) -> Value {
        let (status, v) = self
            .api("POST", "/transaction/initialize", Some(body))
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        v["data"].clone()
    }

    pub(crate) async fn verify(&self, reference: &str) -> Value {
        let (status, v) = self
            .api("GET", &format!("/transaction/verify/{reference}"), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(v["status"], json!(true));
        assert_eq!(v["message"], json!("Verification successful"));
        v["data"].clone()
    }

    /// The path of a payment page from its `authorization_url`.
    pub(crate) fn page_path(authorization_url: &Value) -> String {
        let url = reqwest::Url::parse(authorization_url.as_str().unwrap()).unwrap();
        url.path().to_owned()
    }

    pub(crate) async fn get_page(&self, path: &str) -> (StatusCode, HeaderMap, String) {
        let resp = self
            .send(Request::get(path).body(Body::empty()).unwrap())
            .await;
        let (parts, body) = resp.into_parts();
        let text = String::from_utf8(body.collect().await.unwrap().to_bytes().to_vec()).unwrap();
        (parts.status, parts.headers, text)
    }

    /// Presses a button on the payment page.
    pub(crate) async fn press(&self, path: &str, form: &str) -> (StatusCode, HeaderMap, String) {
        let resp = self
            .send(
                Request::post(path)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(form.to_owned()))
                    .unwrap(),
            )
            .await;
        let (parts, body) = resp.into_parts();
        let text = String::from_utf8(body.collect().await.unwrap().to_bytes().to_vec()).unwrap();
        (parts.status, parts.headers, text)
    }
}

/// One request the receiver got.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) signature: Option<String>,
    pub(crate) body: Bytes,
}

#[derive(Clone)]
struct ReceiverState {
    got: Arc<Mutex<Vec<Received>>>,
    fail_first: usize,
}

/// A webhook receiver on 127.0.0.1 that answers 500 to the first `fail_first` requests, then
/// 200, and keeps every request.
pub(crate) struct Receiver {
    pub(crate) url: reqwest::Url,
    got: Arc<Mutex<Vec<Received>>>,
    _server: tokio::task::JoinHandle<()>,
}

async fn receive(
    State(state): State<ReceiverState>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let mut got = state.got.lock().unwrap();
    got.push(Received {
        signature: headers
            .get("x-paystack-signature")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body,
    });
    if got.len() <= state.fail_first {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

impl Receiver {
    pub(crate) async fn start(fail_first: usize) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let got = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new()
            .route("/paystack", axum::routing::post(receive))
            .with_state(ReceiverState {
                got: Arc::clone(&got),
                fail_first,
            });
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            url: reqwest::Url::parse(&format!("http://{addr}/paystack")).unwrap(),
            got,
            _server: server,
        }
    }

    pub(crate) fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// Waits (up to 10 s) until `pred` holds for what was received.
    pub(crate) async fn wait_for(
        &self,
        what: &str,
        pred: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let got = self.received();
            if pred(&got) {
                return got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}: {got:?}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// The events received, parsed, in order.
pub(crate) fn events(got: &[Received]) -> Vec<Value> {
    got.iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}
