//! Shared test harness: a sandbox per test, driven in-process with `tower::ServiceExt::oneshot`.

use amigo_sandbox::{Sandbox, SandboxConfig};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A test-mode token.
pub(crate) const TEST_TOKEN: &str = "amg_test_helperTOKEN0001";
/// A second test-mode token (another merchant).
pub(crate) const OTHER_TEST_TOKEN: &str = "amg_test_helperTOKEN0002";
/// A live-mode token, minted once per test run.
pub(crate) static LIVE_TOKEN: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(amigo_sandbox::random_live_token);

/// One sandbox and its router.
#[derive(Clone)]
pub(crate) struct TestApp {
    /// The instance, for reaching its state (clock, wallets, catalog).
    pub(crate) sandbox: Sandbox,
    router: Router,
}

/// A response, fully read.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    /// Status.
    pub(crate) status: StatusCode,
    /// Headers.
    pub(crate) headers: HeaderMap,
    /// Body bytes.
    pub(crate) body: Bytes,
}

impl Reply {
    /// The body as JSON (panics with the body text when it isn't).
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// A sandbox with the default configuration.
pub(crate) fn app() -> TestApp {
    app_with(SandboxConfig::default())
}

/// A sandbox with `config`.
pub(crate) fn app_with(config: SandboxConfig) -> TestApp {
    let sandbox = Sandbox::new(config);
    let router = sandbox.router();
    TestApp { sandbox, router }
}

impl TestApp {
    /// Sends one request; `token` goes in `X-API-Key`.
    pub(crate) async fn request(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            req = req.header("x-api-key", t);
        }
        if body.is_some() {
            req = req.header("content-type", "application/json");
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req
            .body(body.map_or_else(Body::empty, Body::from))
            .expect("request builds");
        let resp = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router is infallible");
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp
            .into_body()
            .collect()
            .await
            .expect("body reads")
            .to_bytes();
        Reply {
            status,
            headers,
            body,
        }
    }

    /// `GET uri` with a token.
    pub(crate) async fn get(&self, uri: &str, token: Option<&str>) -> Reply {
        self.request(Method::GET, uri, token, &[], None).await
    }

    /// `POST uri` with a JSON body.
    pub(crate) async fn post_json(
        &self,
        uri: &str,
        token: Option<&str>,
        body: &serde_json::Value,
    ) -> Reply {
        self.request(
            Method::POST,
            uri,
            token,
            &[],
            Some(serde_json::to_vec(body).expect("json")),
        )
        .await
    }
}
