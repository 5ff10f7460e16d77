//! Streamed pages are not held back by Nagle's algorithm.
//!
//! An in-order streamed page is written in many small pieces. Without
//! `TCP_NODELAY` the kernel holds each piece after the first until the
//! client acknowledges the last, and clients delay that ACK by 40 ms: every
//! signed-in page took at least 40 ms, whatever the server's own speed.

use crate::support::*;
use reqwest::StatusCode;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// The delayed-ACK timer that a stalled response waits for.
const DELAYED_ACK: Duration = Duration::from_millis(40);

/// Every socket of this process whose local address is `server` and peer is
/// `client`, with its TCP_NODELAY setting. The server under test runs in
/// this process, so its accepted sockets are among our file descriptors.
fn accepted_sockets(server: SocketAddr, client: SocketAddr) -> Vec<bool> {
    use std::os::fd::BorrowedFd;
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc/self/fd").unwrap().flatten() {
        let Ok(fd) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        // SAFETY: the descriptor is only borrowed for the two getsockopt
        // calls below; if another thread closes it meanwhile they fail (or
        // read another socket, which the address check then rejects).
        let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
        let socket = socket2::SockRef::from(&borrowed);
        let addresses = (socket.local_addr(), socket.peer_addr());
        let (Ok(local), Ok(peer)) = addresses else {
            continue;
        };
        if local.as_socket() == Some(server) && peer.as_socket() == Some(client) {
            found.push(socket.tcp_nodelay().unwrap());
        }
    }
    found
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn accepted_connections_set_tcp_nodelay_and_streamed_pages_do_not_stall(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    let max = signed_in(&stack, "max@acme.test", "Member", TENANT_A).await;
    let cookie = format!("session={}", max.cookie(&stack.app, "session").unwrap());
    let server: SocketAddr = stack.app.trim_start_matches("http://").parse().unwrap();

    // One kept-alive connection for every request, as browsers and load
    // tools use (a fresh connection's first ACKs are not delayed).
    let stream = tokio::net::TcpStream::connect(server).await.unwrap();
    let client = stream.local_addr().unwrap();
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(connection);

    let mut took = Vec::new();
    for _ in 0..20 {
        let request = axum::http::Request::get("/projects")
            .header("host", server.to_string())
            .header("cookie", &cookie)
            .body(http_body_util::Empty::<axum::body::Bytes>::new())
            .unwrap();
        let started = Instant::now();
        let response = sender.send_request(request).await.unwrap();
        let status = response.status();
        let body = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        took.push(started.elapsed());
        assert_eq!(status, StatusCode::OK);
        assert!(
            String::from_utf8_lossy(&body).contains("Rocket skates"),
            "the whole page arrived"
        );
    }

    // No response waited for a delayed ACK. A connection's first few
    // ACKs go out at once (Linux's quick-ACK start), so the stall shows
    // from about the fifth response on: skip those. A machine busy with
    // other tests only adds time, so the fastest of the rest is the
    // measure: with the stall, every one of them takes over 40 ms (seen:
    // 44–49 ms, against 8–14 ms with TCP_NODELAY, debug build).
    println!("time to last byte: {took:?}");
    let mut steady = took[5..].to_vec();
    steady.sort();
    assert!(
        steady[0] < DELAYED_ACK,
        "even the fastest streamed page took {:?}: {took:?}",
        steady[0]
    );
    // Because the server's end of this very connection has TCP_NODELAY set.
    assert_eq!(accepted_sockets(server, client), vec![true]);
}
