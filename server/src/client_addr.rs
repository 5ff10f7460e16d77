//! Which network a request comes from, for limits kept per client.
//!
//! The TCP peer, unless the peer is one of the `TRUSTED_PROXIES` (a load
//! balancer, a CDN) that append the address they saw to `X-Forwarded-For`:
//! then the client is the rightmost entry that is not itself a trusted
//! proxy. Entries left of it are whatever the client wrote, and a caller
//! that is not a trusted proxy has its header ignored, so no client can pick
//! its own bucket — or burn someone else's — by sending the header.

use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request};
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// The proxies whose `X-Forwarded-For` entries are believed: addresses or
/// ranges (`10.0.0.0/8`, `2001:db8::/32`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Arc<[IpNet]>);

impl TrustedProxies {
    /// A comma-separated list of addresses and ranges; empty for none.
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!("{entry:?} is not an address or a range such as 10.0.0.0/8")
                    })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|nets| Self(nets.into()))
    }

    fn contains(&self, addr: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&addr))
    }
}

/// The network `request` comes from (see [`network`]), if it can be told.
/// A request with no peer address (one not served from a socket) counts as
/// `0.0.0.0`.
pub fn client_network<B>(request: &Request<B>, proxies: &TrustedProxies) -> Option<IpAddr> {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
    client_addr(peer, request.headers(), proxies).map(network)
}

/// The client's address: `peer`, or if it is a trusted proxy, the rightmost
/// `X-Forwarded-For` entry that is not one (the leftmost, if all are).
/// `None` when an entry a trusted proxy wrote does not parse: the proxy is
/// not writing what it should, and guessing would put every client behind
/// it in one bucket.
pub fn client_addr(peer: IpAddr, headers: &HeaderMap, proxies: &TrustedProxies) -> Option<IpAddr> {
    let mut client = peer.to_canonical();
    if !proxies.contains(client) {
        return Some(client);
    }
    // Several headers are one list, in order (RFC 9110 5.3). Bytes, not
    // text: a non-ASCII byte somewhere must not hide the whole header.
    let entries: Vec<&[u8]> = headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|value| value.as_bytes().split(|&b| b == b','))
        .collect();
    for entry in entries.into_iter().rev() {
        client = parse(entry)?;
        if !proxies.contains(client) {
            break;
        }
    }
    Some(client)
}

/// An address as `X-Forwarded-For` may carry it: bare, with a port, IPv6
/// in brackets, with or without a zone.
fn parse(entry: &[u8]) -> Option<IpAddr> {
    let entry = std::str::from_utf8(entry).ok()?.trim();
    if let Ok(socket) = entry.parse::<SocketAddr>() {
        return Some(socket.ip().to_canonical());
    }
    let host = entry
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .unwrap_or(entry);
    let host = host.split('%').next()?;
    host.parse::<IpAddr>().ok().map(|addr| addr.to_canonical())
}

/// What one client controls: an IPv4 address, or an IPv6 /64 (the
/// smallest block one subscriber is given, so a client cannot get a fresh
/// bucket by moving within it). IPv4-mapped IPv6 addresses are IPv4.
pub fn network(addr: IpAddr) -> IpAddr {
    match addr.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(values: &[&[u8]]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append("x-forwarded-for", HeaderValue::from_bytes(value).unwrap());
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn proxies(list: &str) -> TrustedProxies {
        TrustedProxies::parse(list).unwrap()
    }

    const PROXY: &str = "10.0.0.9";

    #[test]
    fn with_no_trusted_proxy_the_header_is_ignored() {
        let sent = headers(&[b"203.0.113.7"]);
        assert_eq!(client_addr(ip(PROXY), &sent, &proxies("")), Some(ip(PROXY)));
    }

    #[test]
    fn a_caller_that_is_not_a_trusted_proxy_has_its_header_ignored() {
        // Straight to the app, past the load balancer: the header is the
        // caller's own words.
        let sent = headers(&[b"203.0.113.7"]);
        let direct = ip("198.51.100.20");
        assert_eq!(
            client_addr(direct, &sent, &proxies("10.0.0.0/8")),
            Some(direct)
        );
    }

    #[test]
    fn the_rightmost_entry_that_is_not_a_trusted_proxy_is_the_client() {
        // The client wrote 198.51.100.1 itself; the CDN (10.1.0.1) saw
        // 203.0.113.7; the load balancer (the peer) saw the CDN.
        let sent = headers(&[b"198.51.100.1, 203.0.113.7, 10.1.0.1"]);
        let trusted = proxies("10.0.0.0/8");
        let client = Some(ip("203.0.113.7"));
        assert_eq!(client_addr(ip(PROXY), &sent, &trusted), client);
        // Split over several headers, the same list.
        let split = headers(&[b"198.51.100.1", b"203.0.113.7, 10.1.0.1"]);
        assert_eq!(client_addr(ip(PROXY), &split, &trusted), client);
        // With one proxy trusted only, the CDN is the client.
        let one = proxies(PROXY);
        assert_eq!(client_addr(ip(PROXY), &sent, &one), Some(ip("10.1.0.1")));
        // A request from the proxy itself (a health check): the proxy.
        assert_eq!(
            client_addr(ip(PROXY), &HeaderMap::new(), &trusted),
            Some(ip(PROXY))
        );
    }

    #[test]
    fn entries_with_ports_brackets_or_zones_are_read() {
        let trusted = proxies("10.0.0.0/8");
        for (entry, client) in [
            ("203.0.113.7:4711", "203.0.113.7"),
            ("[2001:db8::1]:443", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("fe80::1%eth0", "fe80::1"),
            (" 2001:db8::2 ", "2001:db8::2"),
            ("::ffff:203.0.113.9", "203.0.113.9"),
        ] {
            let sent = headers(&[entry.as_bytes()]);
            assert_eq!(
                client_addr(ip(PROXY), &sent, &trusted),
                Some(ip(client)),
                "{entry}"
            );
        }
    }

    #[test]
    fn an_unreadable_entry_from_a_trusted_proxy_leaves_the_client_unknown() {
        let trusted = proxies("10.0.0.0/8");
        let peer = ip(PROXY);
        assert_eq!(client_addr(peer, &headers(&[b"unknown"]), &trusted), None);
        let sent = headers(&[b"203.0.113.7, nonsense, 10.1.0.1"]);
        assert_eq!(client_addr(peer, &sent, &trusted), None);
        // What the client wrote further left is never read, readable or not.
        let sent = headers(&[b"caf\xc3\xa9, 203.0.113.7"]);
        assert_eq!(client_addr(peer, &sent, &trusted), Some(ip("203.0.113.7")));
    }

    #[test]
    fn the_list_takes_addresses_and_ranges_and_names_what_it_refuses() {
        let list = proxies(" 10.0.0.0/8, 192.0.2.1 ,2001:db8::/32,");
        assert!(list.contains(ip("10.200.3.4")));
        assert!(list.contains(ip("192.0.2.1")));
        assert!(!list.contains(ip("192.0.2.2")));
        assert!(list.contains(ip("2001:db8:ffff::1")));
        assert_eq!(proxies(""), TrustedProxies::default());
        let refused = TrustedProxies::parse("10.0.0.0/8, lb.internal").unwrap_err();
        assert!(refused.contains("\"lb.internal\""), "{refused}");
    }

    #[test]
    fn an_ipv6_client_is_its_64_block() {
        assert_eq!(
            network(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd")),
            ip("2001:db8:1:2::")
        );
        assert_eq!(
            network(ip("2001:db8:1:2::1")),
            network(ip("2001:db8:1:2::ffff"))
        );
        assert_ne!(
            network(ip("2001:db8:1:2::1")),
            network(ip("2001:db8:1:3::1"))
        );
        assert_eq!(network(ip("::ffff:203.0.113.7")), ip("203.0.113.7"));
        assert_eq!(network(ip("203.0.113.7")), ip("203.0.113.7"));
    }
}
