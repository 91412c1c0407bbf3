//! Sandbox configuration: what the binary's flags set and what tests tune.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

/// Everything that shapes a sandbox instance. `Default` is what `amigo-sandbox` with no flags
/// runs: the 1,297-product catalog from seed 42.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Seed for the catalog, ratings, stock and everything else generated. Same seed, same data.
    pub seed: u64,
    /// Products in the catalog (the platform has 1,297; benchmarks grow it).
    pub catalog_size: usize,
    /// Authenticated requests allowed per token per minute window.
    pub rate_limit_per_minute: u32,
    /// Public (unauthenticated) requests allowed per client IP per minute window.
    pub public_rate_limit_per_minute: u32,
    /// Multiplies every webhook retry delay (0.001 makes a 60 s delay 60 ms).
    pub webhook_time_scale: f64,
    /// Timeout of one webhook delivery attempt (the platform uses 4 s).
    pub webhook_timeout: Duration,
    /// Starting wallet of a live (`amg_live_`) token, in Naira.
    pub live_balance: i64,
    /// Optional per-token IP allow-list.
    pub ip_whitelist: Option<IpWhitelist>,
    /// Absolute base URL the sandbox is reachable at, used for product image URLs.
    pub public_base_url: String,
    /// How a used `Idempotency-Key` answers a different request (Stripe's `422` by default).
    pub idempotency_mode: crate::idempotency::IdempotencyMode,
    /// Fault injection (a sandbox-only extension); off by default.
    pub faults: crate::fault::FaultConfig,
    /// Whether the delivery quote answers browsers from other origins (CORS). The docs promise
    /// browser use only for the locations endpoint, so tests turn this off to see the widget
    /// fall back to the proxy's quote route. On by default.
    pub quote_cors: bool,
    /// `--docs-only`: turn off every invented endpoint and table a client might come to depend
    /// on (the README's inventions table says which), so a client can be tested against only
    /// what the docs publish.
    pub docs_only: bool,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            seed: 42,
            catalog_size: 1297,
            rate_limit_per_minute: 600,
            public_rate_limit_per_minute: 3000,
            webhook_time_scale: 1.0,
            webhook_timeout: Duration::from_secs(4),
            live_balance: 250_000,
            ip_whitelist: None,
            public_base_url: "http://127.0.0.1:7700".to_owned(),
            idempotency_mode: crate::idempotency::IdempotencyMode::Stripe,
            faults: crate::fault::FaultConfig::default(),
            quote_cors: true,
            docs_only: false,
        }
    }
}

/// Tokens locked to client IPs. A token not in the list may call from anywhere; a listed token
/// only from its IPs (403 `ip_not_whitelisted` otherwise).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IpWhitelist {
    entries: HashMap<String, Vec<IpAddr>>,
}

/// A whitelist file line that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("whitelist line {line}: {reason}")]
pub struct WhitelistError {
    /// 1-based line number.
    pub line: usize,
    /// What was wrong.
    pub reason: String,
}

impl IpWhitelist {
    /// Parses the whitelist file: one `TOKEN IP[,IP…]` per line; `#` starts a comment.
    pub fn parse(text: &str) -> Result<Self, WhitelistError> {
        let mut entries: HashMap<String, Vec<IpAddr>> = HashMap::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let err = |reason: String| WhitelistError {
                line: i + 1,
                reason,
            };
            let (token, ips) = line
                .split_once(char::is_whitespace)
                .ok_or_else(|| err("expected `TOKEN IP[,IP…]`".into()))?;
            if amigo_types::token::ApiToken::parse(token).is_none() {
                return Err(err("the token is not amg_test_…, amg_live_… or a legacy token (printable, no spaces)".into()));
            }
            let mut list = Vec::new();
            for ip in ips.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                list.push(
                    ip.parse::<IpAddr>()
                        .map_err(|_| err(format!("'{ip}' is not an IP address")))?,
                );
            }
            if list.is_empty() {
                return Err(err("no IP addresses given".into()));
            }
            entries.entry(token.to_owned()).or_default().extend(list);
        }
        Ok(Self { entries })
    }

    /// Whether `token` may call from `ip`.
    pub fn allows(&self, token: &str, ip: IpAddr) -> bool {
        self.entries.get(token).is_none_or(|ips| ips.contains(&ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitelist_file() {
        let live = crate::random_live_token();
        let w = IpWhitelist::parse(&format!("# prod\n{live} 10.0.0.1, 10.0.0.2\n\n")).unwrap();
        assert!(w.allows(&live, "10.0.0.2".parse().unwrap()));
        assert!(!w.allows(&live, "127.0.0.1".parse().unwrap()));
        assert!(w.allows("amg_test_other12345", "127.0.0.1".parse().unwrap()));
        assert_eq!(
            IpWhitelist::parse(&format!("{live} nope"))
                .unwrap_err()
                .line,
            1
        );
        assert!(IpWhitelist::parse("garbage 1.2.3.4").is_err());
    }
}
