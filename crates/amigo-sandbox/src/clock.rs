//! The sandbox's notion of now. Tests shift it to cross curation windows, idempotency TTLs and
//! date filters without sleeping.

use std::sync::atomic::{AtomicI64, Ordering};

use time::{OffsetDateTime, UtcOffset};

/// Lagos time (WAT, UTC+1): the platform's timestamps carry `+01:00`.
pub const LAGOS: UtcOffset = match UtcOffset::from_hms(1, 0, 0) {
    Ok(o) => o,
    Err(_) => panic!("valid offset"),
};

/// Wall clock plus an adjustable skew.
#[derive(Debug, Default)]
pub struct Clock {
    skew_secs: AtomicI64,
}

impl Clock {
    /// Now, in Lagos time, including any skew.
    pub fn now(&self) -> OffsetDateTime {
        (OffsetDateTime::now_utc()
            + time::Duration::seconds(self.skew_secs.load(Ordering::Relaxed)))
        .to_offset(LAGOS)
    }

    /// Unix seconds now, including any skew.
    pub fn unix(&self) -> i64 {
        self.now().unix_timestamp()
    }

    /// Moves the clock forward (or back, with a negative value).
    pub fn advance(&self, secs: i64) {
        self.skew_secs.fetch_add(secs, Ordering::Relaxed);
    }
}

/// ISO 8601 with offset, as products and webhooks carry it: `2026-05-16T18:32:11+01:00`.
pub fn iso8601(t: OffsetDateTime) -> String {
    let t = t.to_offset(LAGOS);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+01:00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// `YYYY-MM-DD HH:MM:SS` in Lagos time, as orders carry it.
pub fn order_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(LAGOS);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let t = OffsetDateTime::from_unix_timestamp(1_747_451_291).unwrap();
        assert_eq!(iso8601(t), "2025-05-17T04:08:11+01:00");
        assert_eq!(order_time(t), "2025-05-17 04:08:11");
    }

    #[test]
    fn skew() {
        let c = Clock::default();
        let before = c.unix();
        c.advance(3600);
        assert!(c.unix() >= before + 3600);
    }
}
