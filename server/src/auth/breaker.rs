//! A circuit breaker for the back channel to Cognito (token endpoint, JWKS).
//!
//! When a call fails because Cognito cannot be reached, every request that
//! needs Cognito (each signed-in request whose ID token is due a refresh)
//! would otherwise wait for the full timeout. After a failure the breaker
//! opens: calls fail at once, and the caller carries on as it does with an
//! unreachable Cognito (a session keeps its last verified identity). Once
//! the pause is over, one call goes out as a trial while the rest still fail
//! at once; its success closes the breaker, its failure doubles the pause
//! (5 s, 10 s, 20 s … at most 60 s).

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The pause after the first failure.
pub const FIRST_PAUSE: Duration = Duration::from_secs(5);
/// The longest pause, however many failures in a row.
pub const LONGEST_PAUSE: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
pub struct Breaker {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Failures in a row; 0 when closed.
    failures: u32,
    /// While open: calls fail at once until then.
    open_until: Option<Instant>,
    /// A trial call is out; the others fail at once until it answers.
    trial_out: bool,
}

impl Breaker {
    /// Leave to call Cognito now, or `None` while the breaker is open.
    pub fn permit(&self) -> Option<Permit<'_>> {
        let mut state = self.lock();
        let trial = match state.open_until {
            None => false,
            Some(until) if Instant::now() >= until && !state.trial_out => {
                state.trial_out = true;
                true
            }
            Some(_) => return None,
        };
        Some(Permit {
            breaker: self,
            trial,
            reported: false,
        })
    }

    /// Whether calls fail at once now (for logs and tests).
    pub fn is_open(&self) -> bool {
        self.lock().open_until.is_some()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays consistent whatever panicked while holding it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn succeeded(&self) {
        let mut state = self.lock();
        if state.open_until.is_some() {
            tracing::info!("the identity provider answers again");
        }
        *state = State::default();
    }

    fn failed(&self, trial: bool) {
        let mut state = self.lock();
        // Calls that were already out when the breaker opened report late:
        // only the first failure and trials lengthen the pause.
        if state.open_until.is_some() && !trial {
            return;
        }
        state.failures = state.failures.saturating_add(1);
        let pause = FIRST_PAUSE
            .saturating_mul(1 << (state.failures - 1).min(5))
            .min(LONGEST_PAUSE);
        state.open_until = Some(Instant::now() + pause);
        state.trial_out = false;
        tracing::warn!(
            failures = state.failures,
            pause_ms = pause.as_millis() as u64,
            "the identity provider is unreachable; not calling it again until the pause is over"
        );
    }
}

/// One call's leave. Report how the call went; a trial dropped without a
/// report (its request was cancelled) lets the next call try instead.
pub struct Permit<'a> {
    breaker: &'a Breaker,
    trial: bool,
    reported: bool,
}

impl Permit<'_> {
    /// `unreachable`: the call failed because Cognito could not be reached
    /// (not because it refused something, which proves it is up).
    pub fn report(mut self, unreachable: bool) {
        self.reported = true;
        if unreachable {
            self.breaker.failed(self.trial);
        } else {
            self.breaker.succeeded();
        }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if self.trial && !self.reported {
            self.breaker.lock().trial_out = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_opens_it_and_one_trial_goes_out_after_the_pause() {
        let breaker = Breaker::default();
        breaker.permit().unwrap().report(true);
        assert!(breaker.permit().is_none(), "open right after a failure");

        // Pretend the pause is over.
        breaker.lock().open_until = Some(Instant::now());
        let trial = breaker.permit().expect("a trial after the pause");
        assert!(breaker.permit().is_none(), "only one trial at a time");
        trial.report(true);
        assert_eq!(breaker.lock().failures, 2);
        let pause = breaker.lock().open_until.unwrap() - Instant::now();
        assert!(pause > FIRST_PAUSE, "the pause doubles: {pause:?}");

        breaker.lock().open_until = Some(Instant::now());
        breaker.permit().unwrap().report(false);
        assert!(!breaker.is_open());
        assert!(breaker.permit().is_some());
    }

    #[test]
    fn a_cancelled_trial_lets_the_next_call_try() {
        let breaker = Breaker::default();
        breaker.permit().unwrap().report(true);
        breaker.lock().open_until = Some(Instant::now());
        drop(breaker.permit().unwrap());
        assert!(breaker.permit().is_some());
    }

    #[test]
    fn late_failures_of_calls_already_out_do_not_lengthen_the_pause() {
        let breaker = Breaker::default();
        let (first, second) = (breaker.permit().unwrap(), breaker.permit().unwrap());
        first.report(true);
        second.report(true);
        assert_eq!(breaker.lock().failures, 1);
    }

    #[test]
    fn the_pause_stops_growing_at_the_longest() {
        let breaker = Breaker::default();
        for _ in 0..20 {
            breaker.lock().open_until = Some(Instant::now());
            breaker.permit().unwrap().report(true);
        }
        let pause = breaker.lock().open_until.unwrap() - Instant::now();
        assert!(pause <= LONGEST_PAUSE);
    }
}
