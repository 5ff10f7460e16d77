//! Cross-site requests refused (SECURITY.md 21) and the headers every
//! response carries (23, 28). The start-up guard on the user pool is in
//! `start_up_guard`.

use crate::support::*;
use reqwest::StatusCode;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn cross_site_logout_and_server_function_calls_are_refused(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut max = signed_in(&stack, "max@acme.test", "Member", TENANT_A).await;
    let evil = "https://evil.example";

    for path in ["/auth/logout", "/api/list_projects"] {
        for headers in [
            vec![("sec-fetch-site", "cross-site")],
            vec![("sec-fetch-site", "same-site")],
            vec![("origin", evil)],
            vec![("origin", "null")],
            vec![],
        ] {
            let reply = max.post(&stack.url(path), &headers, "page=1").await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path} {headers:?}");
        }
    }
    // Still signed in: nothing above logged the member out.
    assert_eq!(stack.session_ids().await.len(), 1);
    let same_origin = max
        .post(
            &stack.url("/api/list_projects"),
            &[("origin", &stack.app)],
            "page=1",
        )
        .await;
    assert_eq!(same_origin.status, StatusCode::OK, "{}", same_origin.body);

    // Logout and server functions are POST only.
    for path in ["/auth/logout", "/api/list_projects?page=1", "/api/who_am_i"] {
        let get = max.get(&stack.url(path)).await;
        assert_eq!(get.status, StatusCode::METHOD_NOT_ALLOWED, "{path}");
    }
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_server_function_without_a_session_is_unauthorized(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    let reply = Browser::default()
        .post(
            &stack.url("/api/list_projects"),
            &[("sec-fetch-site", "same-origin")],
            "page=1",
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.body);
    assert!(reply.body.contains("Unauthorized"), "{}", reply.body);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn every_response_carries_the_policy_and_pages_use_its_nonce(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut browser = Browser::default();
    let mut nonces = Vec::new();
    for path in [
        "/",
        "/",
        "/no/such/page",
        "/auth/callback?state=x",
        "/healthz",
    ] {
        let reply = browser.get(&stack.url(path)).await;
        let csp = reply.header("content-security-policy");
        for part in [
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
            "default-src 'self'",
        ] {
            assert!(csp.contains(part), "{path}: {part} missing from {csp}");
        }
        assert_eq!(reply.header("x-content-type-options"), "nosniff", "{path}");
        assert!(!reply.header("referrer-policy").is_empty(), "{path}");
        let expected = if path == "/healthz" {
            "no-store"
        } else {
            "private, no-store"
        };
        assert_eq!(reply.header("cache-control"), expected, "{path}");
        if reply.header("content-type").starts_with("text/html") && path != "/auth/callback?state=x"
        {
            let nonce = csp
                .split("'nonce-")
                .nth(1)
                .unwrap()
                .split('\'')
                .next()
                .unwrap()
                .to_owned();
            assert!(
                reply.body.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: scripts lack the nonce"
            );
            nonces.push(nonce);
        }
    }
    assert!(nonces.len() >= 3);
    assert_ne!(nonces[0], nonces[1], "a nonce was reused");
}

/// Static files racing pages that answer 403 and set cookies: every file
/// comes back 200, with no cookie. (Leptos's own file fallback took the
/// status and headers of a page rendering on the same worker thread.)
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn static_files_never_take_another_requests_status_or_cookies(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    let member = signed_in(&stack, "max-static@example.test", "Member", TENANT_A).await;
    let css = stack.url("/pkg/saas.css");
    let forbidden = stack.url("/settings");
    let mut tasks = tokio::task::JoinSet::new();
    for round in 0..400 {
        let mut browser = member.clone();
        let url = if round % 2 == 0 {
            css.clone()
        } else {
            forbidden.clone()
        };
        tasks.spawn(async move { (url.clone(), browser.get(&url).await) });
    }
    let mut files = 0;
    while let Some(done) = tasks.join_next().await {
        let (url, reply) = done.unwrap();
        if url.ends_with(".css") {
            files += 1;
            assert_eq!(
                reply.status,
                StatusCode::OK,
                "the file took a page's status"
            );
            assert!(
                reply.headers.get("set-cookie").is_none(),
                "{:?}",
                reply.headers
            );
        } else {
            assert_eq!(reply.status, StatusCode::FORBIDDEN);
        }
    }
    assert_eq!(files, 200);
}
