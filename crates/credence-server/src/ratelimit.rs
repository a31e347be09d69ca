//! Rate limits: [`KeyedLimiter`], a GCRA limiter with one budget per key (the `governor` crate),
//! [`ClientKey`], the client a request counts against (its socket address or, only when
//! configured, the address a trusted proxy put in a header), and [`per_client`], the middleware
//! that limits the routes that verify (429 with `Retry-After`, as problem+json or a page).
//!
//! The limiter takes any key, so other budgets reuse it: a per-badge limit is a
//! `KeyedLimiter<BadgeId>` checked where the badge is known, its refusal turned into an answer by
//! `ApiError::from(RetryAfter)`.

use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::Quota;
use ipnet::IpNet;

use crate::error::ApiError;
use crate::error_page;
use crate::state::AppState;

/// Keys kept before idle ones are forgotten (checked every [`SWEEP_EVERY`] requests).
const SWEEP_ABOVE: usize = 10_000;
/// How often (in checks) the limiter looks whether to forget idle keys.
const SWEEP_EVERY: u64 = 1024;

/// A rate: `per_second` requests on average, bursts of up to `burst`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    quota: Quota,
}

/// A rate that cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RateError {
    /// The rate is not a positive, finite number of requests per second.
    #[error("a rate must be a positive number of requests per second, not {0}")]
    PerSecond(f64),
    /// The burst is not a whole number from 1 to 2^32 - 1.
    #[error("a burst must be a whole number of requests from 1 to 4294967295, not {0}")]
    Burst(f64),
}

impl Rate {
    /// `per_second` requests per second on average (fractions allowed, e.g. 0.1 is one each ten
    /// seconds), bursts of up to `burst` at once.
    pub fn new(per_second: f64, burst: f64) -> Result<Rate, RateError> {
        if !(per_second.is_finite() && per_second > 0.0) {
            return Err(RateError::PerSecond(per_second));
        }
        if !(burst.is_finite() && burst >= 1.0 && burst.fract() == 0.0 && burst <= 4_294_967_295.0)
        {
            return Err(RateError::Burst(burst));
        }
        // A rate so high that one request is due every few picoseconds is "no limit": 1 ns.
        let period = Duration::try_from_secs_f64(1.0 / per_second)
            .map_err(|_| RateError::PerSecond(per_second))?
            .max(Duration::from_nanos(1));
        // `burst` was checked to be a whole number in 1..=u32::MAX.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let burst = NonZeroU32::new(burst as u32).ok_or(RateError::Burst(burst))?;
        let quota = Quota::with_period(period)
            .ok_or(RateError::PerSecond(per_second))?
            .allow_burst(burst);
        Ok(Rate { quota })
    }
}

/// A refusal: the key has used its budget; a request will be accepted again after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

impl RetryAfter {
    /// Whole seconds to wait, rounded up, at least 1 (the `Retry-After` header's value).
    pub fn secs(self) -> u64 {
        let secs = self.0.as_secs();
        let secs = if self.0.subsec_nanos() > 0 {
            secs.saturating_add(1)
        } else {
            secs
        };
        secs.max(1)
    }
}

impl From<RetryAfter> for ApiError {
    fn from(wait: RetryAfter) -> Self {
        ApiError::RateLimited {
            retry_after_secs: wait.secs(),
        }
    }
}

/// One request budget per key (client address, badge...), refilled at a [`Rate`]. Keys idle long
/// enough to have their whole burst back are forgotten once more than 10,000 are held, so memory
/// follows the number of recently active keys.
pub struct KeyedLimiter<K: Hash + Eq + Clone, C: Clock = DefaultClock> {
    limiter: governor::RateLimiter<K, DefaultKeyedStateStore<K>, C, NoOpMiddleware<C::Instant>>,
    checks: AtomicU64,
}

impl<K: Hash + Eq + Clone, C: Clock> std::fmt::Debug for KeyedLimiter<K, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyedLimiter")
            .field("keys", &self.limiter.len())
            .finish_non_exhaustive()
    }
}

impl<K: Hash + Eq + Clone> KeyedLimiter<K> {
    /// A limiter on the monotonic clock.
    pub fn new(rate: Rate) -> Self {
        KeyedLimiter::with_clock(rate, DefaultClock::default())
    }
}

impl<K: Hash + Eq + Clone, C: Clock> KeyedLimiter<K, C> {
    /// A limiter on this clock (tests use `governor::clock::FakeRelativeClock`).
    pub fn with_clock(rate: Rate, clock: C) -> Self {
        KeyedLimiter {
            limiter: governor::RateLimiter::new(
                rate.quota,
                DefaultKeyedStateStore::default(),
                clock,
            ),
            checks: AtomicU64::new(0),
        }
    }

    /// Takes one request from `key`'s budget, or says how long until one is free.
    pub fn check(&self, key: &K) -> Result<(), RetryAfter> {
        let n = self.checks.fetch_add(1, Ordering::Relaxed);
        if n.is_multiple_of(SWEEP_EVERY) && self.limiter.len() > SWEEP_ABOVE {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        self.limiter
            .check_key(key)
            .map_err(|not_until| RetryAfter(not_until.wait_time_from(self.limiter.clock().now())))
    }

    /// How many keys are held (an estimate while requests run).
    pub fn keys(&self) -> usize {
        self.limiter.len()
    }
}

/// The proxies trusted to say who the client is, and the header they say it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedProxy {
    /// The header, e.g. `X-Forwarded-For` (a comma-separated list, the client first),
    /// `X-Real-IP` or `Forwarded` (`for=` elements).
    pub header: HeaderName,
    /// The proxies' addresses or networks: only a request from one of them is keyed by the header.
    pub proxies: Vec<IpNet>,
}

impl TrustedProxy {
    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.proxies.iter().any(|net| net.contains(&ip))
    }

    /// The client a request from `peer` came from: `peer` itself unless it is a trusted proxy;
    /// then the right-most address of the header that is not itself a trusted proxy (what the
    /// nearest proxy saw), the left-most if all are, and `peer` if the header is missing or
    /// unreadable.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let values: Vec<&str> = headers
            .get_all(&self.header)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let mut client = peer;
        for hop in values.iter().rev().flat_map(|v| v.rsplit(',')) {
            let Some(ip) = parse_hop(hop) else {
                break;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// One element of a forwarding header: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`,
/// `[2001:db8::1]:443`, or a `Forwarded` element with `for=` (quoted or not).
fn parse_hop(text: &str) -> Option<IpAddr> {
    let mut text = text.trim();
    if text.contains('=') {
        text = text.split(';').find_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            name.trim()
                .eq_ignore_ascii_case("for")
                .then_some(value.trim())
        })?;
    }
    let text = text.trim_matches('"');
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    text.strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .and_then(|t| t.parse().ok())
}

/// An IPv4-mapped IPv6 address as IPv4, anything else as it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Whom a request counts against: an IPv4 address, or an IPv6 address's /64 network (one
/// subscriber's usual allocation, so changing addresses within it does not buy a new budget).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKey(IpAddr);

impl ClientKey {
    /// The key of a client address.
    pub fn of(ip: IpAddr) -> ClientKey {
        match canonical(ip) {
            IpAddr::V6(v6) => {
                let bits = u128::from(v6) & !u128::from(u64::MAX);
                ClientKey(IpAddr::V6(Ipv6Addr::from(bits)))
            }
            v4 => ClientKey(v4),
        }
    }

    /// The key of a request: its socket address or, when `trusted` is configured and the
    /// request comes from one of its proxies, the client address that proxy gave. Requests
    /// without a socket address (in-process tests) share one key.
    pub fn of_request(request: &Request, trusted: Option<&TrustedProxy>) -> ClientKey {
        let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() else {
            return ClientKey(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        };
        let ip = match trusted {
            Some(t) => t.client(peer.ip(), request.headers()),
            None => peer.ip(),
        };
        ClientKey::of(ip)
    }

    /// The address or network this key stands for.
    pub fn ip(self) -> IpAddr {
        self.0
    }
}

/// Middleware of the routes that verify: takes one request from the client's budget
/// ([`AppState::verify_limiter`]), or answers 429 with `Retry-After` (problem+json, or a page
/// when the request came from one).
pub async fn per_client(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let key = ClientKey::of_request(&request, state.config.trusted_proxy.as_ref());
    match state.verify_limiter.check(&key) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            let page = error_page::wants_page(&request);
            error_page::respond(&state, page, ApiError::from(wait))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use governor::clock::FakeRelativeClock;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn refuses_past_the_burst_then_refills_per_key() {
        let clock = FakeRelativeClock::default();
        let limiter = KeyedLimiter::with_clock(Rate::new(2.0, 3.0).unwrap(), clock.clone());
        let me = ClientKey::of(ip("127.0.0.1"));
        for _ in 0..3 {
            assert_eq!(limiter.check(&me), Ok(()));
        }
        let wait = limiter.check(&me).unwrap_err();
        assert_eq!(wait.0, Duration::from_millis(500));
        assert_eq!(wait.secs(), 1);
        assert_eq!(limiter.check(&ClientKey::of(ip("10.0.0.1"))), Ok(()));
        clock.advance(Duration::from_millis(499));
        assert!(limiter.check(&me).is_err());
        clock.advance(Duration::from_millis(1));
        assert_eq!(limiter.check(&me), Ok(()));
        assert!(limiter.check(&me).is_err());
        assert_eq!(limiter.keys(), 2);
    }

    #[test]
    fn any_key_type_works() {
        let limiter = KeyedLimiter::new(Rate::new(0.001, 1.0).unwrap());
        assert_eq!(limiter.check(&"badge-a"), Ok(()));
        assert!(limiter.check(&"badge-a").unwrap_err().secs() >= 999);
        assert_eq!(limiter.check(&"badge-b"), Ok(()));
    }

    #[test]
    fn idle_keys_are_forgotten_once_there_are_many() {
        let clock = FakeRelativeClock::default();
        let limiter = KeyedLimiter::with_clock(Rate::new(10.0, 1.0).unwrap(), clock.clone());
        for i in 0..=SWEEP_ABOVE as u32 {
            limiter.check(&i).unwrap();
        }
        assert!(limiter.keys() > SWEEP_ABOVE);
        clock.advance(Duration::from_secs(1));
        // The next sweep point forgets every key whose budget is full again.
        while !limiter
            .checks
            .load(Ordering::Relaxed)
            .is_multiple_of(SWEEP_EVERY)
        {
            limiter.check(&u32::MAX).unwrap_or(());
        }
        limiter.check(&u32::MAX).unwrap_or(());
        assert!(limiter.keys() <= 1, "{} keys left", limiter.keys());
    }

    #[test]
    fn rates_are_checked() {
        assert!(Rate::new(0.0, 1.0).is_err());
        assert!(Rate::new(-1.0, 1.0).is_err());
        assert!(Rate::new(f64::NAN, 1.0).is_err());
        assert!(Rate::new(1.0, 0.0).is_err());
        assert!(Rate::new(1.0, 1.5).is_err());
        assert!(Rate::new(1.0, 1e10).is_err());
        assert!(Rate::new(1e12, 1.0).is_ok());
        assert!(Rate::new(1e-3, 60.0).is_ok());
    }

    #[test]
    fn ipv6_clients_share_their_64_and_mapped_ipv4_is_ipv4() {
        assert_eq!(
            ClientKey::of(ip("2001:db8:1:2:aaaa::1")),
            ClientKey::of(ip("2001:db8:1:2:bbbb::2"))
        );
        assert_ne!(
            ClientKey::of(ip("2001:db8:1:2::1")),
            ClientKey::of(ip("2001:db8:1:3::1"))
        );
        assert_eq!(
            ClientKey::of(ip("::ffff:192.0.2.7")),
            ClientKey::of(ip("192.0.2.7"))
        );
        assert_ne!(
            ClientKey::of(ip("192.0.2.7")),
            ClientKey::of(ip("192.0.2.8"))
        );
    }

    fn proxy() -> TrustedProxy {
        TrustedProxy {
            header: HeaderName::from_static("x-forwarded-for"),
            proxies: vec![
                "10.0.0.0/8".parse().unwrap(),
                "192.0.2.1/32".parse().unwrap(),
            ],
        }
    }

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn only_trusted_proxies_are_believed() {
        let p = proxy();
        let spoofed = headers(&["203.0.113.9"]);
        // A client that is not a proxy cannot choose its key.
        assert_eq!(p.client(ip("198.51.100.4"), &spoofed), ip("198.51.100.4"));
        // A trusted proxy's word is taken.
        assert_eq!(p.client(ip("10.1.2.3"), &spoofed), ip("203.0.113.9"));
        assert_eq!(p.client(ip("::ffff:10.1.2.3"), &spoofed), ip("203.0.113.9"));
        // Without the header, the proxy itself.
        assert_eq!(
            p.client(ip("192.0.2.1"), &HeaderMap::new()),
            ip("192.0.2.1")
        );
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let p = proxy();
        // The client sent a made-up first entry; the proxies appended what they saw.
        let h = headers(&["1.1.1.1, 203.0.113.9, 10.0.0.5"]);
        assert_eq!(p.client(ip("10.0.0.6"), &h), ip("203.0.113.9"));
        // The same across repeated header lines.
        let h = headers(&["1.1.1.1", "203.0.113.9", "10.0.0.5"]);
        assert_eq!(p.client(ip("10.0.0.6"), &h), ip("203.0.113.9"));
        // Only proxies: the left-most.
        let h = headers(&["10.0.0.9, 10.0.0.5"]);
        assert_eq!(p.client(ip("10.0.0.6"), &h), ip("10.0.0.9"));
        // Garbage stops the walk at the last address that could be read.
        let h = headers(&["203.0.113.9, nonsense"]);
        assert_eq!(p.client(ip("10.0.0.6"), &h), ip("10.0.0.6"));
    }

    #[test]
    fn forwarding_header_forms() {
        assert_eq!(parse_hop(" 203.0.113.9 "), Some(ip("203.0.113.9")));
        assert_eq!(parse_hop("203.0.113.9:4711"), Some(ip("203.0.113.9")));
        assert_eq!(parse_hop("2001:db8::1"), Some(ip("2001:db8::1")));
        assert_eq!(parse_hop("[2001:db8::1]:443"), Some(ip("2001:db8::1")));
        assert_eq!(parse_hop("[2001:db8::1]"), Some(ip("2001:db8::1")));
        assert_eq!(
            parse_hop("for=\"[2001:db8::1]:443\";proto=https"),
            Some(ip("2001:db8::1"))
        );
        assert_eq!(
            parse_hop("proto=https;For=203.0.113.9"),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(parse_hop("for=unknown"), None);
        assert_eq!(parse_hop("proto=https"), None);
        assert_eq!(parse_hop("€€€"), None);
    }
}
