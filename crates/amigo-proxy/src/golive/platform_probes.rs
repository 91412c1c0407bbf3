//! `doctor`'s probes of two more things the docs leave open (issue 22, item 6), each saying
//! what the proxy and the widget will do with what was found:
//!
//! - `quote_cors`: whether a browser on each configured origin may call Amigo's public delivery
//!   quote (the docs promise browser use only for `locations.php`). A CORS preflight is sent as a
//!   browser would (`OPTIONS` with `Origin`, `Access-Control-Request-Method: POST` and
//!   `Access-Control-Request-Headers: content-type`); refused origins still check out, because the
//!   widget then asks the proxy's `POST /api/delivery/quote`.
//! - `webhook_api`: which webhook-management answers are the documented shapes (register, list)
//!   and which are read tolerantly (one endpoint's deliveries, the answers to `PATCH` and
//!   `DELETE`), probing the one that can be read without changing anything.

use std::time::Duration;

use amigo_types::webhooks::WebhookEndpoint;

use super::check::Check;
use crate::config::ProxyConfig;
use crate::platform_webhooks::{PlatformError, PlatformWebhooks};

/// The origins a widget may be served from: the proxy's own and every allowed one, each once.
fn widget_origins(public_url: &str, allowed: &[String]) -> Vec<String> {
    let own = reqwest::Url::parse(public_url)
        .ok()
        .map(|u| u.origin().ascii_serialization())
        .filter(|o| o != "null");
    let mut origins: Vec<String> = own.into_iter().collect();
    for o in allowed {
        let o = o.trim_end_matches('/').to_owned();
        if !origins.contains(&o) {
            origins.push(o);
        }
    }
    origins
}

/// What a preflight answer says for `origin`: `Ok(())` when a browser may send the quote's
/// `POST` with a JSON body, else why not.
fn preflight_allows(resp: &reqwest::Response, origin: &str) -> Result<(), String> {
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase)
    };
    let status = resp.status().as_u16();
    match header("access-control-allow-origin") {
        Some(o) if o == "*" || o == origin.to_ascii_lowercase() => {}
        Some(o) => return Err(format!("Access-Control-Allow-Origin is {o}")),
        None => {
            return Err(format!(
                "no Access-Control-Allow-Origin; preflight {status}"
            ));
        }
    }
    if !resp.status().is_success() {
        return Err(format!("preflight answered {status}"));
    }
    // POST is a CORS-safelisted method; a JSON body's Content-Type is not
    if let Some(methods) = header("access-control-allow-methods")
        && !methods.split(',').any(|m| matches!(m.trim(), "post" | "*"))
    {
        return Err(format!("Access-Control-Allow-Methods is {methods}"));
    }
    match header("access-control-allow-headers") {
        Some(h)
            if h.split(',')
                .any(|x| matches!(x.trim(), "content-type" | "*")) =>
        {
            Ok(())
        }
        _ => Err("Content-Type is not an allowed header".to_owned()),
    }
}

/// The `quote_cors` line. Always a pass when the platform answers: a refused origin is served
/// through the proxy.
pub(super) async fn quote_cors(config: &ProxyConfig) -> Check {
    let url = format!(
        "{}/commerce/delivery/quote/",
        config.api_base.trim_end_matches('/')
    );
    let http = match reqwest::Client::builder()
        .timeout(config.upstream_timeout.min(Duration::from_secs(10)))
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(h) => h,
        Err(e) => return Check::fail("quote_cors", format!("no HTTP client: {e}"), "try again"),
    };
    let mut allowed = Vec::new();
    let mut refused = Vec::new();
    for origin in widget_origins(&config.public_url, &config.allowed_origins) {
        let sent = http
            .request(reqwest::Method::OPTIONS, &url)
            .header("Origin", &origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type")
            .send()
            .await;
        match sent {
            Ok(resp) => match preflight_allows(&resp, &origin) {
                Ok(()) => allowed.push(origin),
                Err(why) => refused.push(format!("{origin} ({why})")),
            },
            Err(e) => {
                return Check::pass(
                    "quote_cors",
                    format!(
                        "could not tell ({url} did not answer a preflight: {}); the widget asks Amigo's quote from the browser and falls back to the proxy's POST /api/delivery/quote when that fails",
                        e.without_url()
                    ),
                );
            }
        }
    }
    let mut parts = Vec::new();
    if !allowed.is_empty() {
        parts.push(format!(
            "browsers at {} may call Amigo's quote directly (the widget does)",
            allowed.join(", ")
        ));
    }
    if !refused.is_empty() {
        parts.push(format!(
            "Amigo's quote refuses browsers at {}: the widget there asks the proxy's POST /api/delivery/quote instead (once per session)",
            refused.join(", ")
        ));
    }
    Check::pass("quote_cors", parts.join("; "))
}

/// The `webhook_api` line: the documented answers, and what the one-endpoint read (`GET ?id=`)
/// gave for `probe` (the proxy's endpoint, else any listed one).
pub(super) async fn webhook_api(
    platform: Option<&PlatformWebhooks>,
    listed: &Result<Vec<WebhookEndpoint>, PlatformError>,
    probe: Option<u64>,
) -> Check {
    const TOLERANT: &str = "PATCH and DELETE answers are not published: any success counts (a 204 too), and an endpoint's state is read back from the list";
    let (Some(platform), Ok(endpoints)) = (platform, listed) else {
        return Check::fail(
            "webhook_api",
            "cannot tell: the platform did not answer the list",
            "fix the upstream line first",
        );
    };
    let Some(id) = probe.or_else(|| endpoints.first().map(|e| e.id)) else {
        return Check::pass(
            "webhook_api",
            format!(
                "register and list answer as documented (no endpoint yet to read deliveries from); {TOLERANT}"
            ),
        );
    };
    let deliveries = match platform.detail(id).await {
        Ok(d) if !d.listed => format!(
            "endpoint {id}'s detail has no deliveries list: doctor shows no delivery summary"
        ),
        Ok(d) if d.skipped > 0 => format!(
            "endpoint {id}'s detail: {} deliveries read, {} in a shape this build cannot read (left out of doctor's summary)",
            d.deliveries.len(),
            d.skipped
        ),
        Ok(d) => format!(
            "endpoint {id}'s detail: {} deliveries read",
            d.deliveries.len()
        ),
        Err(e) => format!(
            "endpoint {id}'s detail could not be read ({e}): doctor shows no delivery summary"
        ),
    };
    Check::pass(
        "webhook_api",
        format!("register and list answer as documented; {deliveries}; {TOLERANT}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_the_proxys_own_and_the_allowed_ones_once() {
        let allowed = [
            "https://shop.example".to_owned(),
            "https://blog.example/".to_owned(),
        ];
        assert_eq!(
            widget_origins("https://shop.example/checkout", &allowed),
            ["https://shop.example", "https://blog.example"]
        );
    }
}
