//! The JSON API's limits beyond the per-credential rate (`api.rs`):
//! - failed authentications per client network: past the limit, the
//!   network's requests are refused before any credential is checked — even
//!   a good one — while other networks go on (another loopback address,
//!   127.0.0.2, is another network to the server);
//! - the request timeout: a problem, and nothing written.

use crate::api::{Answer, Client, Doc, admin, make_key};
use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::time::{Duration, Instant};

/// A stack whose API allows 5 failed authentications per network, then one
/// a minute, with `TRUSTED_PROXIES` as given; and an API key of tenant A.
async fn start(db: PgConnectOptions, trusted_proxies: &str) -> (Stack, Client) {
    let stack = Stack::start(
        db,
        Settings {
            env: vec![
                ("API_AUTH_FAILURE_BURST", "5".into()),
                ("API_AUTH_FAILURES_PER_MINUTE", "1".into()),
                ("TRUSTED_PROXIES", trusted_proxies.to_owned()),
            ],
            ..Settings::default()
        },
    )
    .await;
    let doc = Doc::load(&stack).await;
    let (key, _) = make_key(
        &stack,
        &mut admin(&stack, TENANT_A).await,
        "Good",
        "ReadOnly",
    )
    .await;
    let good = Client::new(&stack, &doc, &key);
    (stack, good)
}

/// `client` with a made-up credential that has the shape of a key.
fn forged(client: &Client) -> Client {
    let mut forged = client.clone();
    forged.authorization = Some(format!("Bearer saas_{}", "A".repeat(86)));
    forged
}

/// Fails authentication five times (the whole allowance) with `client`.
async fn use_up(client: &Client) {
    for attempt in 1..=5 {
        let answer = client.get("/api/v1/projects").await;
        // Every one of them is checked (and refused): the limit holds the
        // next request back, not this one.
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
}

fn assert_refused(answer: &Answer, what: &str) {
    assert_eq!(
        answer.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{what}: {}",
        answer.body
    );
    assert!(
        answer.body["detail"]
            .as_str()
            .unwrap()
            .contains("failed attempts"),
        "{what}: {}",
        answer.body
    );
    let wait: u64 = answer.header("retry-after").parse().unwrap();
    assert!((1..=60).contains(&wait), "{what}: Retry-After {wait}");
    assert_eq!(answer.body["retry_after"], wait);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_network_with_too_many_failures_is_refused_before_its_credential_is_checked(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let (stack, good) = start(db, "").await;
    assert_eq!(good.get("/api/v1/projects").await.status, StatusCode::OK);
    use_up(&forged(&good)).await;

    // The good key, from the same network: refused unchecked.
    assert_refused(&good.get("/api/v1/projects").await, "a good key");
    // A header naming another client changes nothing with no trusted proxy.
    let disguised = good.clone().with_header("x-forwarded-for", "198.51.100.9");
    assert_refused(&disguised.get("/api/v1/projects").await, "X-Forwarded-For");
    // Not even a request with no credential is looked at.
    let mut none = good.clone();
    none.authorization = None;
    assert_refused(&none.get("/api/v1/projects").await, "no credential");

    // Another network: the same key works, and its failures are its own.
    let elsewhere = good.clone().from("127.0.0.2");
    assert_eq!(
        elsewhere.get("/api/v1/projects").await.status,
        StatusCode::OK
    );
    assert_eq!(
        forged(&elsewhere).get("/api/v1/projects").await.status,
        StatusCode::UNAUTHORIZED
    );
    // The browser's pages are not the API's: the network still reaches them.
    assert_eq!(
        client_http()
            .get(stack.url("/"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn behind_a_trusted_proxy_the_client_is_what_the_proxy_saw(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    // 127.0.0.1 is the load balancer; 127.0.0.2 reaches the app past it.
    let (_stack, good) = start(db, "127.0.0.1").await;
    // The proxy appends the address it saw; what the client wrote before it
    // is the client's own and is not believed.
    let via = |header: &str| good.clone().with_header("x-forwarded-for", header);
    use_up(&forged(&via("198.51.100.1, 203.0.113.1"))).await;

    assert_refused(
        &via("203.0.113.1").get("/api/v1/projects").await,
        "the client",
    );
    assert_refused(
        &via("198.51.100.2, 203.0.113.1")
            .get("/api/v1/projects")
            .await,
        "the client, claiming another address first",
    );
    // Another client behind the same proxy, and the proxy's own requests,
    // are not held up.
    assert_eq!(
        via("203.0.113.2").get("/api/v1/projects").await.status,
        StatusCode::OK
    );
    assert_eq!(
        via("203.0.113.1, 203.0.113.2")
            .get("/api/v1/projects")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(good.get("/api/v1/projects").await.status, StatusCode::OK);

    // A caller past the proxy names a victim in the header: it uses up its
    // own allowance, not the victim's, and cannot borrow a fresh one.
    let direct = |header: &str| {
        good.clone()
            .from("127.0.0.2")
            .with_header("x-forwarded-for", header)
    };
    use_up(&forged(&direct("203.0.113.3"))).await;
    assert_eq!(
        via("203.0.113.3").get("/api/v1/projects").await.status,
        StatusCode::OK,
        "the named client is untouched"
    );
    assert_refused(
        &direct("203.0.113.4").get("/api/v1/projects").await,
        "the caller past the proxy, naming another address",
    );
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_request_past_the_timeout_is_a_problem_and_writes_nothing(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(
        db,
        Settings {
            env: vec![("API_TIMEOUT_MS", "1000".into())],
            ..Settings::default()
        },
    )
    .await;
    let doc = Doc::load(&stack).await;
    let (key, _) = make_key(&stack, &mut admin(&stack, TENANT_A).await, "Slow", "Member").await;
    let api = Client::new(&stack, &doc, &key);
    let project = stack.project_id(TENANT_A, "Rocket skates").await;
    let before = stack.snapshot(TENANT_A).await;

    // Another transaction holds the project's row, as a long one would.
    let mut holder = stack.owner().await;
    let mut lock = holder.begin().await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(TENANT_A)
        .execute(&mut *lock)
        .await
        .unwrap();
    sqlx::query("select 1 from projects where id = $1::uuid for update")
        .bind(&project)
        .execute(&mut *lock)
        .await
        .unwrap();

    let sent = Instant::now();
    let path = format!("/api/v1/projects/{project}");
    let late = api.patch(&path, json!({ "name": "Renamed too late" }));
    // Without the API's timeout this would wait for the lock until
    // Postgres's lock timeout (5 s) and answer 409.
    let answer = tokio::time::timeout(Duration::from_secs(10), late)
        .await
        .expect("an answer once the API's timeout has passed");
    let took = sent.elapsed();
    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        answer.body
    );
    assert!(
        answer.body["detail"]
            .as_str()
            .unwrap()
            .contains("took too long"),
        "{}",
        answer.body
    );
    assert!(took >= Duration::from_secs(1), "answered after {took:?}");

    // Once the row is free, the dropped request's transaction still commits
    // nothing: the project keeps its name and no audit row is written.
    lock.rollback().await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(stack.snapshot(TENANT_A).await, before);
    // And the API goes on: the same change, unhindered, is made.
    let renamed = api
        .patch(
            &format!("/api/v1/projects/{project}"),
            json!({ "name": "Renamed in time" }),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
}
