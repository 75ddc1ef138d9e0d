//! How long to wait before trying the server again: `RETRY_FIRST_MS`, doubling after each
//! failure up to `RETRY_MAX_MS`, and back to the first wait once it answers.

use contract::policy::{RETRY_FIRST_MS, RETRY_MAX_MS};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backoff {
    next_ms: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Self { next_ms: RETRY_FIRST_MS }
    }
}

impl Backoff {
    /// The wait before the next try, in milliseconds; the one after it is twice as long.
    pub fn next_wait_ms(&mut self) -> u32 {
        let wait = self.next_ms;
        self.next_ms = wait.saturating_mul(2).min(RETRY_MAX_MS);
        wait
    }

    /// The server answered: the next failure starts from the first wait again.
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn doubles_from_one_second_to_a_minute() {
        let mut backoff = Backoff::default();
        let waits: Vec<_> = (0..9).map(|_| backoff.next_wait_ms()).collect();
        assert_eq!(waits, [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
        backoff.reset();
        assert_eq!(backoff.next_wait_ms(), 1_000);
    }

    proptest! {
        #[test]
        fn never_shrinks_and_stays_within_bounds(failures in 0usize..100) {
            let mut backoff = Backoff::default();
            let mut last = 0;
            for _ in 0..failures {
                let wait = backoff.next_wait_ms();
                prop_assert!((RETRY_FIRST_MS..=RETRY_MAX_MS).contains(&wait));
                prop_assert!(wait >= last);
                last = wait;
            }
        }
    }
}
