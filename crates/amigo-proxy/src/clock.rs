//! The wall clock, read one way everywhere: milliseconds since the Unix epoch for what the
//! database compares as numbers, RFC 3339 in UTC for what it keeps as text.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    i64::try_from(OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// Now, as RFC 3339 in UTC.
pub(crate) fn now_iso() -> String {
    rfc3339(OffsetDateTime::now_utc())
}

/// `t` as RFC 3339 in UTC (empty only for a year RFC 3339 cannot write).
pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// Unix seconds `unix` as RFC 3339 in UTC; empty when out of range.
pub(crate) fn unix_iso(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .map(rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_in_utc() {
        assert_eq!(unix_iso(0), "1970-01-01T00:00:00Z");
        let lagos = OffsetDateTime::from_unix_timestamp(3600)
            .unwrap()
            .to_offset(time::macros::offset!(+1));
        assert_eq!(rfc3339(lagos), "1970-01-01T01:00:00Z");
        assert_eq!(unix_iso(i64::MAX), "");
        assert!(now_ms() > 1_700_000_000_000);
        assert!(now_iso().ends_with('Z'));
    }
}
