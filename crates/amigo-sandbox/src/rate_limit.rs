//! Fixed one-minute-window request counting, as the platform documents it ("too many requests
//! in this minute window"): the count resets at each wall-clock minute, and a refused caller is
//! told how many seconds remain in the window.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

/// Counts requests per key per minute window.
#[derive(Debug)]
pub struct WindowLimiter<K> {
    per_minute: u32,
    windows: Mutex<HashMap<K, (i64, u32)>>,
}

impl<K: Eq + Hash + Clone> WindowLimiter<K> {
    /// A limiter allowing `per_minute` requests per key in each minute window.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request from `key` at unix time `now`. `Err(retry_after_secs)` when over.
    pub fn check(&self, key: &K, now: i64) -> Result<(), u64> {
        let window = now.div_euclid(60);
        let mut map = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() > 10_000 {
            map.retain(|_, (w, _)| *w == window);
        }
        let entry = map.entry(key.clone()).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        if entry.1 >= self.per_minute {
            let retry = 60 - now.rem_euclid(60);
            return Err(retry.max(1) as u64);
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_key_and_resets_each_minute() {
        let l = WindowLimiter::new(2);
        let t = 1_799_999_940; // the start of a minute (divisible by 60)
        assert!(l.check(&"a", t).is_ok());
        assert!(l.check(&"a", t + 1).is_ok());
        assert_eq!(l.check(&"a", t + 15), Err(45));
        assert!(l.check(&"b", t + 15).is_ok());
        assert!(l.check(&"a", t + 60).is_ok());
    }
}
