//! Failed authentications per client network: past a limit, the network's
//! API requests are refused with 429 before any credential is checked.
//!
//! The per-credential limit (`super::ByCredential`) only starts once a
//! credential is verified, and checking one costs work — a key is looked up
//! in a database transaction, a token's signature is verified — so without
//! this a flood of made-up credentials would cost that work for every one.
//! A network may fail `burst` times at once, then once per interval; in
//! between, it waits. Requests already in flight when the limit is reached
//! still finish their check: this bounds the work, it proves nothing.

use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many failed authentications a network may have: a burst, then one
/// more per interval (`API_AUTH_FAILURE_BURST`,
/// `API_AUTH_FAILURES_PER_MINUTE`).
#[derive(Clone, Copy, Debug)]
pub struct FailureLimit {
    pub burst: u32,
    pub every: Duration,
}

pub struct Failures {
    /// Each network's allowance of failures (reporting what is left of it).
    limiter: RateLimiter<
        IpAddr,
        DefaultKeyedStateStore<IpAddr>,
        DefaultClock,
        StateInformationMiddleware,
    >,
    every: Duration,
    /// Networks that have used up their allowance, and when they may try
    /// again.
    refused: Mutex<HashMap<IpAddr, Instant>>,
}

impl Failures {
    pub fn new(limit: FailureLimit) -> Self {
        let burst = NonZeroU32::new(limit.burst).expect("a non-zero burst");
        let quota = Quota::with_period(limit.every)
            .expect("a non-zero interval")
            .allow_burst(burst);
        Self {
            limiter: RateLimiter::keyed(quota).with_middleware(),
            every: limit.every,
            refused: Mutex::default(),
        }
    }

    /// How long `network` must wait before its next request is checked, if
    /// it is refused now.
    pub fn refused(&self, network: IpAddr) -> Option<Duration> {
        let mut refused = self.refused.lock().expect("not poisoned");
        let until = *refused.get(&network)?;
        let wait = until.saturating_duration_since(Instant::now());
        if wait.is_zero() {
            refused.remove(&network);
            return None;
        }
        Some(wait)
    }

    /// Counts a failed authentication of `network`. Once that used up its
    /// allowance, the network is refused until it may fail again — so the
    /// next request is not checked only to find it over the limit.
    pub fn failed(&self, network: IpAddr) {
        let wait = match self.limiter.check_key(&network) {
            // The next failure is allowed at most one interval from now.
            Ok(left) if left.remaining_burst_capacity() == 0 => self.every,
            Ok(_) => return,
            // Over it already (failures that were in flight together).
            Err(not_until) => not_until.wait_time_from(self.limiter.clock().now()),
        };
        tracing::warn!(%network, wait_ms = wait.as_millis() as u64, "too many failed authentications");
        self.refused
            .lock()
            .expect("not poisoned")
            .insert(network, Instant::now() + wait);
    }

    /// Forgets networks that are back to a full burst and refusals that
    /// are over, so neither map grows with every address ever seen.
    pub fn forget_old(&self) {
        self.limiter.retain_recent();
        let now = Instant::now();
        self.refused
            .lock()
            .expect("not poisoned")
            .retain(|_, until| *until > now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 7));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 8));

    #[test]
    fn a_network_is_refused_after_its_burst_and_only_it() {
        let failures = Failures::new(FailureLimit {
            burst: 3,
            every: Duration::from_secs(60),
        });
        for _ in 0..2 {
            assert_eq!(failures.refused(A), None);
            failures.failed(A);
        }
        assert_eq!(failures.refused(A), None, "the burst is not used up yet");
        failures.failed(A);
        let wait = failures
            .refused(A)
            .expect("refused once the burst is used up");
        assert!(
            wait > Duration::from_secs(50) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        assert_eq!(failures.refused(B), None);
    }

    #[test]
    fn a_refusal_ends_when_its_interval_has_passed() {
        let failures = Failures::new(FailureLimit {
            burst: 1,
            every: Duration::from_millis(50),
        });
        failures.failed(A);
        assert!(failures.refused(A).is_some());
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(failures.refused(A), None);
        failures.forget_old();
        assert!(failures.refused.lock().unwrap().is_empty());
        // One more failure is allowed, and it uses the allowance up again.
        failures.failed(A);
        assert!(failures.refused(A).is_some());
    }
}
