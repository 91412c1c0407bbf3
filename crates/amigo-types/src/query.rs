//! Query-string parsing shared by the sandbox (which answers it) and the proxy (which validates
//! before forwarding): each documented parameter parses into a typed value or a `422
//! invalid_<param>` naming it. Unknown parameters are ignored, as the platform does (the curation
//! docs rely on that for cache-busters).

use crate::envelope::ApiError;

/// Decoded `key=value` pairs of a query string, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryPairs(Vec<(String, String)>);

impl QueryPairs {
    /// Wraps already-decoded pairs (axum's `Query<Vec<(String, String)>>`, `url::form_urlencoded`).
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }

    /// Builds pairs from borrowed strings: handy for callers that assemble a query by hand.
    pub fn from_strs(pairs: &[(&str, &str)]) -> Self {
        Self(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    /// The last value given for `key`, if any. Last wins, like PHP's `$_GET`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value for `key`, treating an empty value as absent (`?category=` means no filter).
    pub fn non_empty(&self, key: &str) -> Option<&str> {
        self.get(key).filter(|v| !v.trim().is_empty())
    }

    /// All pairs.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// Parses an optional unsigned integer parameter bounded to `min..=max`.
    pub fn bounded_u64(&self, key: &str, min: u64, max: u64) -> Result<Option<u64>, ApiError> {
        let Some(raw) = self.non_empty(key) else {
            return Ok(None);
        };
        match raw.trim().parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(ApiError::invalid(
                format!("invalid_{key}"),
                key,
                format!(
                    "{key} must be a whole number from {min} to {max}, got '{}'",
                    shorten(raw)
                ),
            )),
        }
    }

    /// Parses an optional whole number of at least `min`, clamping anything above `max` to
    /// `max` (however many digits it has) instead of refusing it: for parameters the docs
    /// describe as "capped server-side". Anything that is not a whole number `>= min` is
    /// `422 invalid_{key}`.
    pub fn capped_u64(&self, key: &str, min: u64, max: u64) -> Result<Option<u64>, ApiError> {
        let Some(raw) = self.non_empty(key) else {
            return Ok(None);
        };
        let digits = raw.trim();
        let whole = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
        let value = whole.then(|| digits.parse::<u64>().unwrap_or(u64::MAX));
        match value {
            Some(n) if n >= min => Ok(Some(n.min(max))),
            _ => Err(ApiError::invalid(
                format!("invalid_{key}"),
                key,
                format!(
                    "{key} must be a whole number of at least {min}, got '{}'",
                    shorten(raw)
                ),
            )),
        }
    }

    /// Parses an optional boolean parameter (`true/false/1/0/yes/no`).
    pub fn boolean(&self, key: &str) -> Result<Option<bool>, ApiError> {
        let Some(raw) = self.non_empty(key) else {
            return Ok(None);
        };
        match raw.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Ok(Some(true)),
            "false" | "0" | "no" => Ok(Some(false)),
            _ => Err(ApiError::invalid(
                format!("invalid_{key}"),
                key,
                format!("{key} must be true or false, got '{}'", shorten(raw)),
            )),
        }
    }
}

/// Cuts user input echoed in an error message so a huge value can't bloat the response.
pub fn shorten(raw: &str) -> String {
    const MAX: usize = 40;
    if raw.chars().count() <= MAX {
        raw.to_owned()
    } else {
        let cut: String = raw.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> QueryPairs {
        QueryPairs::from_strs(pairs)
    }

    #[test]
    fn capped_numbers_clamp_instead_of_refusing() {
        let get = |v: &str| QueryPairs::from_strs(&[("limit", v)]).capped_u64("limit", 1, 50);
        assert_eq!(get("7").unwrap(), Some(7));
        assert_eq!(get(" 50 ").unwrap(), Some(50));
        assert_eq!(get("51").unwrap(), Some(50));
        assert_eq!(get("99999999999999999999999999").unwrap(), Some(50));
        assert_eq!(
            QueryPairs::from_strs(&[])
                .capped_u64("limit", 1, 50)
                .unwrap(),
            None
        );
        for bad in ["0", "-1", "ten", "1.5", "+3"] {
            assert_eq!(get(bad).unwrap_err().code, "invalid_limit", "{bad}");
        }
    }

    #[test]
    fn last_value_wins_and_empty_is_absent() {
        let p = q(&[("limit", "5"), ("limit", "7"), ("category", "")]);
        assert_eq!(p.get("limit"), Some("7"));
        assert_eq!(p.non_empty("category"), None);
    }

    #[test]
    fn bounded_numbers_name_the_parameter() {
        let p = q(&[("limit", "101")]);
        let err = p.bounded_u64("limit", 1, 100).unwrap_err();
        assert_eq!(err.code, "invalid_limit");
        assert_eq!(err.field.as_deref(), Some("limit"));
        assert_eq!(
            q(&[("limit", "-1")])
                .bounded_u64("limit", 1, 100)
                .unwrap_err()
                .code,
            "invalid_limit"
        );
        assert_eq!(
            q(&[("limit", " 9 ")]).bounded_u64("limit", 1, 100).unwrap(),
            Some(9)
        );
    }

    #[test]
    fn booleans() {
        assert_eq!(
            q(&[("in_stock", "true")]).boolean("in_stock").unwrap(),
            Some(true)
        );
        assert_eq!(
            q(&[("in_stock", "0")]).boolean("in_stock").unwrap(),
            Some(false)
        );
        assert_eq!(
            q(&[("in_stock", "maybe")])
                .boolean("in_stock")
                .unwrap_err()
                .code,
            "invalid_in_stock"
        );
    }

    #[test]
    fn long_input_is_shortened() {
        assert!(shorten(&"x".repeat(500)).chars().count() <= 41);
    }
}
