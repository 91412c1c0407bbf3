//! The emulator's notion of now. Tests move it forward (a refund's `expected_at`, the order of
//! `created_at` and `paid_at`) without sleeping; everything that stamps a time reads it here.

use std::sync::atomic::{AtomicI64, Ordering};

use time::OffsetDateTime;

/// Wall clock plus an adjustable skew, in milliseconds.
#[derive(Debug, Default)]
pub struct Clock {
    skew_ms: AtomicI64,
}

impl Clock {
    /// Now (UTC), including any skew.
    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
            + time::Duration::milliseconds(self.skew_ms.load(Ordering::Relaxed))
    }

    /// Moves the clock forward (or back, with a negative value) by `secs` seconds.
    pub fn advance(&self, secs: i64) {
        self.skew_ms
            .fetch_add(secs.saturating_mul(1000), Ordering::Relaxed);
    }
}

/// Paystack's timestamp format: UTC with milliseconds and a `Z`, `2022-08-09T14:21:32.000Z`.
pub(crate) fn paystack_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_paystack() {
        let t = OffsetDateTime::from_unix_timestamp(1_660_054_892).unwrap()
            + time::Duration::milliseconds(7);
        assert_eq!(paystack_time(t), "2022-08-09T14:21:32.007Z");
    }

    #[test]
    fn advances() {
        let c = Clock::default();
        let before = c.now();
        c.advance(3600);
        assert!(c.now() - before >= time::Duration::seconds(3600));
    }
}
