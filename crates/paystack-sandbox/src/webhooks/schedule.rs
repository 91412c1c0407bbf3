//! When Paystack tries a webhook again after a failed attempt. Its docs: in live mode every
//! 3 minutes for the first 4 tries, then hourly for the next 72 hours; in test mode hourly for
//! 72 hours. Delays are multiplied by a time scale so tests cross hours in milliseconds.

use std::time::Duration;

use crate::keys::Domain;

/// Retries in live mode at the short interval ("every 3 minutes for the first 4 tries": the
/// first attempt and three retries).
const LIVE_QUICK_RETRIES: u32 = 3;
/// The short interval.
const LIVE_QUICK_SECS: u64 = 180;
/// The long interval.
const HOURLY_SECS: u64 = 3600;
/// Hourly retries ("for the next 72 hours").
const HOURLY_RETRIES: u32 = 72;

/// The retry schedule of one domain, scaled.
#[derive(Debug, Clone, Copy)]
pub struct RetrySchedule {
    domain: Domain,
    time_scale: f64,
}

impl RetrySchedule {
    /// The schedule for `domain`, every delay multiplied by `time_scale` (positive, finite).
    pub fn new(domain: Domain, time_scale: f64) -> Self {
        Self { domain, time_scale }
    }

    /// Attempts in all before the delivery is given up.
    pub fn max_attempts(self) -> u32 {
        1 + HOURLY_RETRIES
            + match self.domain {
                Domain::Live => LIVE_QUICK_RETRIES,
                Domain::Test => 0,
            }
    }

    /// How long to wait after failed attempt `attempt` (1-based); `None` once exhausted.
    pub fn delay_after(self, attempt: u32) -> Option<Duration> {
        if attempt == 0 || attempt >= self.max_attempts() {
            return None;
        }
        let secs = match self.domain {
            Domain::Live if attempt <= LIVE_QUICK_RETRIES => LIVE_QUICK_SECS,
            _ => HOURLY_SECS,
        };
        Some(Duration::from_secs_f64(secs as f64 * self.time_scale))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_mode_is_hourly_for_72_hours() {
        let s = RetrySchedule::new(Domain::Test, 1.0);
        assert_eq!(s.max_attempts(), 73);
        assert_eq!(s.delay_after(1), Some(Duration::from_secs(3600)));
        assert_eq!(s.delay_after(72), Some(Duration::from_secs(3600)));
        assert_eq!(s.delay_after(73), None);
        assert_eq!(s.delay_after(0), None);
        let total: u64 = (1..s.max_attempts())
            .map(|a| s.delay_after(a).unwrap().as_secs())
            .sum();
        assert_eq!(total, 72 * 3600);
    }

    #[test]
    fn live_mode_starts_every_3_minutes() {
        let s = RetrySchedule::new(Domain::Live, 1.0);
        let secs: Vec<u64> = (1..=5)
            .map(|a| s.delay_after(a).unwrap().as_secs())
            .collect();
        assert_eq!(secs, vec![180, 180, 180, 3600, 3600]);
        assert_eq!(s.max_attempts(), 76);
        assert_eq!(s.delay_after(76), None);
    }

    #[test]
    fn scales() {
        let s = RetrySchedule::new(Domain::Test, 0.001);
        assert_eq!(s.delay_after(1), Some(Duration::from_millis(3600)));
    }
}
