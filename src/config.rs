//! The embed configuration read from the script tag or the `<amigo-store>` element, checked
//! before anything mounts so a bad snippet gets one clear message.

use crate::wording::{ENGLISH, Lang, Wording};

/// How the widget keeps its place in the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routing {
    /// Deep links in the URL hash (`#/p/{slug}`); back and forward work.
    Hash,
    /// No URL changes at all (for pages that own the hash, or several stores on one page).
    None,
}

/// Optional parts of the store the merchant turns on with `data-features` / `features`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Features {
    /// `data`: the "Buy data" view (mobile data top-ups), which also needs the proxy's
    /// `AMIGO_DATA_ENABLED`.
    pub data: bool,
}

impl Features {
    /// Parses a comma- or space-separated list (`"data"`); an unknown name is refused, so a typo
    /// is reported instead of silently showing nothing.
    pub fn parse(raw: &str) -> Result<Self, ConfigError> {
        let mut f = Features::default();
        for name in raw
            .split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match name.to_ascii_lowercase().as_str() {
                "data" => f.data = true,
                _ => return Err(ConfigError::UnknownFeature(name.chars().take(40).collect())),
            }
        }
        Ok(f)
    }
}

/// A checked embed configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbedConfig {
    /// Base URL of the merchant's proxy, without a trailing slash (`https://shop.example`).
    pub proxy: String,
    /// Base URL of the public Amigo API (`https://amigo.ng/api`), without a trailing slash.
    pub api: String,
    /// Routing mode.
    pub routing: Routing,
    /// Optional merchant label that separates carts on a shared proxy origin.
    pub merchant: String,
    /// Optional parts turned on.
    pub features: Features,
    /// `data-analytics="datalayer"`: also push GA4's ecommerce events to `window.dataLayer`.
    pub datalayer: bool,
    /// Every text the shopper reads: `data-lang`'s table with `data-wording`'s overrides.
    pub words: &'static Wording,
}

/// Why an embed configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A URL attribute is missing or not an http(s) URL.
    #[error("{attribute} must be an http(s) URL, got \"{value}\"")]
    BadUrl {
        /// The attribute at fault.
        attribute: &'static str,
        /// What it held.
        value: String,
    },
    /// Unknown routing mode.
    #[error("data-routing must be \"hash\" or \"none\", got \"{0}\"")]
    BadRouting(String),
    /// A `data-features` name the widget does not know.
    #[error("data-features may list only \"data\", got \"{0}\"")]
    UnknownFeature(String),
    /// `data-analytics` is neither empty nor `datalayer`.
    #[error("data-analytics must be \"datalayer\" or left out, got \"{0}\"")]
    BadAnalytics(String),
    /// A `data-lang` the widget has no table for.
    #[error("data-lang must be \"en\" or \"pcm\", got \"{0}\"")]
    BadLang(String),
    /// The loader's wording module refused `data-wording` or the built-in table of `data-lang`
    /// (an unknown text name, a value that is not a non-empty string, a placeholder the text does
    /// not have); the message is the module's, naming the attribute.
    #[error("{0}")]
    BadWording(String),
    /// The texts the loader handed over are not one per text (a loader of another build).
    #[error("the wording did not arrive whole (reload the page)")]
    WordingTable,
}

fn check_url(attribute: &'static str, raw: &str) -> Result<String, ConfigError> {
    let value = raw.trim();
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    let ok = rest.is_some_and(|r| {
        let host = r.split('/').next().unwrap_or("");
        !host.is_empty() && !r.chars().any(|c| c.is_whitespace() || c == '{' || c == '"')
    });
    if ok {
        Ok(value.trim_end_matches('/').to_owned())
    } else {
        Err(ConfigError::BadUrl {
            attribute,
            value: value.chars().take(80).collect(),
        })
    }
}

impl EmbedConfig {
    /// Checks raw attribute values. An empty routing value means the default (`hash`); an
    /// empty `api` means `https://amigo.ng/api`.
    pub fn parse(
        proxy: &str,
        api: &str,
        routing: &str,
        merchant: &str,
    ) -> Result<Self, ConfigError> {
        let proxy = check_url("data-proxy", proxy)?;
        let api = if api.trim().is_empty() {
            "https://amigo.ng/api".to_owned()
        } else {
            check_url("data-api", api)?
        };
        let routing = match routing.trim() {
            "" | "hash" => Routing::Hash,
            "none" => Routing::None,
            other => return Err(ConfigError::BadRouting(other.chars().take(40).collect())),
        };
        Ok(Self {
            proxy,
            api,
            routing,
            merchant: merchant.trim().chars().take(64).collect(),
            features: Features::default(),
            datalayer: false,
            words: &ENGLISH,
        })
    }

    /// The same configuration with the `data-features` list applied.
    pub fn with_features(mut self, raw: &str) -> Result<Self, ConfigError> {
        self.features = Features::parse(raw)?;
        Ok(self)
    }

    /// Adds `data-analytics`: empty (events only) or `datalayer` (events, and GA4's
    /// ecommerce events pushed to `window.dataLayer`). Anything else is a configuration error,
    /// so a typo never silently loses a merchant's analytics.
    pub fn with_analytics(mut self, raw: &str) -> Result<Self, ConfigError> {
        self.datalayer = match raw.trim().to_ascii_lowercase().as_str() {
            "" => false,
            "datalayer" => true,
            _ => {
                return Err(ConfigError::BadAnalytics(
                    raw.trim().chars().take(40).collect(),
                ));
            }
        };
        Ok(self)
    }

    /// Takes `data-lang` (checked here: a value the widget has no table for is refused) and the
    /// loader wording module's answer for it and `data-wording`: the texts by slot (empty when
    /// every text is English, see [`Wording::from_slots`]) or why it refused them.
    pub fn with_wording(
        mut self,
        lang: &str,
        texts: &str,
        refused: &str,
    ) -> Result<Self, ConfigError> {
        Lang::parse(lang)
            .ok_or_else(|| ConfigError::BadLang(lang.trim().chars().take(40).collect()))?;
        if !refused.is_empty() {
            return Err(ConfigError::BadWording(refused.chars().take(200).collect()));
        }
        if !texts.is_empty() {
            let words = Wording::from_slots(texts).ok_or(ConfigError::WordingTable)?;
            // one table per mounted store, for the life of the page (see `wording::custom`)
            self.words = Box::leak(Box::new(words));
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analytics_is_datalayer_or_nothing() {
        let c = EmbedConfig::parse("https://shop.example", "", "", "").unwrap();
        assert!(!c.clone().with_analytics("").unwrap().datalayer);
        assert!(c.clone().with_analytics(" DataLayer ").unwrap().datalayer);
        assert_eq!(
            c.with_analytics("gtag").unwrap_err(),
            ConfigError::BadAnalytics("gtag".into())
        );
    }

    #[test]
    fn accepts_the_documented_snippet() {
        let c =
            EmbedConfig::parse("https://shop.example/", "https://amigo.ng/api", "", "").unwrap();
        assert_eq!(c.proxy, "https://shop.example");
        assert_eq!(c.routing, Routing::Hash);
        let c = EmbedConfig::parse("http://127.0.0.1:8080", "", "none", " m1 ").unwrap();
        assert_eq!(c.api, "https://amigo.ng/api");
        assert_eq!(c.routing, Routing::None);
        assert_eq!(c.merchant, "m1");
    }

    #[test]
    fn refuses_bad_snippets_naming_the_attribute() {
        let err = EmbedConfig::parse("", "", "", "").unwrap_err();
        assert!(err.to_string().starts_with("data-proxy must be"));
        // an unsubstituted template placeholder is a bad configuration, not a URL
        assert!(EmbedConfig::parse("{{AMIGO_PROXY}}", "", "", "").is_err());
        assert!(EmbedConfig::parse("javascript:alert(1)", "", "", "").is_err());
        assert!(EmbedConfig::parse("https://", "", "", "").is_err());
        assert_eq!(
            EmbedConfig::parse("https://a.example", "ftp://x", "", "").unwrap_err(),
            ConfigError::BadUrl {
                attribute: "data-api",
                value: "ftp://x".into()
            }
        );
        assert_eq!(
            EmbedConfig::parse("https://a.example", "", "history", "").unwrap_err(),
            ConfigError::BadRouting("history".into())
        );
    }

    #[test]
    fn features_are_a_checked_list() {
        let base = EmbedConfig::parse("https://a.example", "", "", "").unwrap();
        assert!(!base.features.data);
        for raw in ["data", " DATA ", "data,", "data data"] {
            assert!(
                base.clone().with_features(raw).unwrap().features.data,
                "{raw}"
            );
        }
        assert!(!base.clone().with_features("").unwrap().features.data);
        assert_eq!(
            base.with_features("data, airtime").unwrap_err(),
            ConfigError::UnknownFeature("airtime".into())
        );
    }

    #[test]
    fn wording_takes_a_language_and_the_loaders_texts() {
        use crate::wording::{COUNT, Key, Later, SLOT_SEPARATOR, Text};
        let base = EmbedConfig::parse("https://a.example", "", "", "").unwrap();
        let en = base.clone().with_wording("", "", "").unwrap();
        assert_eq!(en.words.get(Text::add_to_cart), "Add to cart");
        let mut texts = vec![""; COUNT];
        texts[Later::checkout.slot()] = "Pay now";
        let joined = texts.join(&SLOT_SEPARATOR.to_string());
        let custom = base.clone().with_wording(" PCM ", &joined, "").unwrap();
        assert_eq!(custom.words.get(Later::checkout), "Pay now");
        assert_eq!(custom.words.get(Text::add_to_cart), "Add to cart");
        assert_eq!(
            base.clone().with_wording("fr", "", "").unwrap_err(),
            ConfigError::BadLang("fr".into())
        );
        // data-lang is checked before the module's answer
        assert_eq!(
            base.clone().with_wording("fr", "", "refused").unwrap_err(),
            ConfigError::BadLang("fr".into())
        );
        let refused = "data-wording has an unknown text name \"add_to_kart\"";
        assert_eq!(
            base.clone()
                .with_wording("", "", refused)
                .unwrap_err()
                .to_string(),
            refused
        );
        // a module of another build
        assert_eq!(
            base.with_wording("", "x", "").unwrap_err(),
            ConfigError::WordingTable
        );
    }
}
