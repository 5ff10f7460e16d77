//! Failure drills: what users get when Postgres or Cognito goes away, when
//! the pool runs dry, and when two instances share one database. Each drill
//! has a clear expectation and checks the fault really happened (a drill
//! that never saw a 503 proves nothing).

use crate::support::*;
use reqwest::StatusCode;
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::time::{Duration, Instant};

fn is_signed_in(page: &Reply) -> bool {
    page.body.contains("data-testid=\"whoami\"")
}

/// Sign in on one instance, use the session on the other, sign out there:
/// the first refuses the session too. A role change made through one
/// instance ends the member's session on both.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn two_instances_share_sessions_and_their_ends(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    let second = stack.second_instance().await;
    let on_second = |path: &str| format!("{second}{path}");

    let mut max = signed_in(&stack, "max@acme.test", "Member", TENANT_A).await;
    let cookie = max.cookie(&stack.app, "session").expect("a session cookie");
    max.set_cookie(&second, "session", &cookie);
    let page = max.get(&on_second("/projects")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(is_signed_in(&page) && page.body.contains("Rocket skates"));

    let out = max
        .post_form(&on_second("/auth/logout"), &[("", "")], Some("same-origin"))
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.body);
    // The browser drops nothing on the first instance: it still sends the
    // old cookie there, and the first instance must refuse it.
    max.set_cookie(&stack.app, "session", &cookie);
    let after = max.get(&stack.url("/projects")).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "signed out on both");

    // A demotion through the first instance ends Rita's session on the
    // second at her next request there.
    let mut ada = signed_in(&stack, "ada@acme.test", "Admin", TENANT_A).await;
    let mut rita = signed_in(&stack, "rita@acme.test", "Member", TENANT_A).await;
    let rita_cookie = rita.cookie(&stack.app, "session").unwrap();
    rita.set_cookie(&second, "session", &rita_cookie);
    assert!(is_signed_in(&rita.get(&on_second("/projects")).await));
    let rita_id = stack.member_id(TENANT_A, "rita@acme.test").await;
    let demoted = call(
        &stack,
        &mut ada,
        "change_member_role",
        &format!("id={rita_id}&role=ReadOnly"),
    )
    .await;
    assert_eq!(demoted.status, StatusCode::OK, "{}", demoted.body);
    let there = rita.get(&on_second("/projects")).await;
    assert_eq!(there.status, StatusCode::SEE_OTHER, "ended on the second");
    let here = rita.get(&stack.url("/projects")).await;
    assert_eq!(here.status, StatusCode::SEE_OTHER, "and on the first");
}

/// Requests that hold every pooled connection (here: tenant changes waiting
/// on a lock the test holds) leave none for the next request, which gets
/// the 503 page within the acquire timeout, not a hang. When they end, the
/// server serves again by itself.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn an_exhausted_pool_answers_503_within_the_acquire_timeout_then_recovers(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let acquire = Duration::from_millis(500);
    let settings = Settings {
        max_connections: Some(2),
        acquire_timeout_ms: Some(acquire.as_millis() as u64),
        ..Settings::default()
    };
    let stack = Stack::start(db, settings).await;
    let ada = signed_in(&stack, "ada@acme.test", "Admin", TENANT_A).await;
    let mut max = signed_in(&stack, "max@acme.test", "Member", TENANT_A).await;

    // The tenant's row, locked by someone else: each rename waits on it
    // while holding one of the pool's two connections.
    let mut holder = stack.owner().await;
    let mut lock = holder.begin().await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(TENANT_A)
        .execute(&mut *lock)
        .await
        .unwrap();
    sqlx::query("select 1 from tenants for update")
        .execute(&mut *lock)
        .await
        .unwrap();
    let renames: Vec<_> = (0..2)
        .map(|i| {
            let mut ada = ada.clone();
            let url = stack.url("/api/rename_tenant");
            tokio::spawn(async move {
                let same_origin = [("sec-fetch-site", "same-origin")];
                ada.post(&url, &same_origin, &format!("name=Acme+{i}"))
                    .await
            })
        })
        .collect();
    // Until both wait on the lock, each holding one of the pool's two
    // connections. (Watched from a connection of its own, as the app role,
    // which sees its own backends' wait events.)
    let app_url = stack
        .serve_env
        .iter()
        .find(|(name, _)| *name == "APP_DATABASE_URL")
        .map(|(_, url)| url.clone())
        .unwrap();
    let mut watcher = sqlx::PgConnection::connect(&app_url).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "select count(*) from pg_stat_activity
             where datname = current_database() and usename = 'saas_app'
               and wait_event_type = 'Lock'",
        )
        .fetch_one(&mut watcher)
        .await
        .unwrap();
        if waiting == 2 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the renames never waited on the lock"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let started = Instant::now();
    let page = max.get(&stack.url("/projects")).await;
    let waited = started.elapsed();
    assert_eq!(
        page.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        page.body
    );
    assert!(
        page.body.contains("temporarily unavailable"),
        "{}",
        page.body
    );
    assert!(waited >= acquire, "answered before the timeout: {waited:?}");
    assert!(
        waited < acquire * 4,
        "hung past the acquire timeout: {waited:?}"
    );

    lock.rollback().await.unwrap();
    for rename in renames {
        assert_eq!(rename.await.unwrap().status, StatusCode::OK);
    }
    let page = max.get(&stack.url("/projects")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(is_signed_in(&page), "the session survived");
}

/// Cognito stops answering (connections hang) while members are signed in
/// and their ID tokens are due a refresh on every request. The first
/// request waits for the back-channel timeout and carries on; after that
/// the breaker answers for Cognito at once, so the tenth request is fast.
/// A sign-in during the outage gets the 503 page. When Cognito is back,
/// refresh resumes (seen as a role changed in Cognito reaching the app).
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn an_unreachable_cognito_costs_one_timeout_then_the_breaker_answers(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let timeout = Duration::from_millis(2000);
    let settings = Settings {
        id_token_minutes: 0,
        cognito_timeout_ms: Some(timeout.as_millis() as u64),
        ..Settings::default()
    };
    let stack = Stack::start(db, settings).await;
    let mut max = signed_in(&stack, "max@acme.test", "Member", TENANT_A).await;
    // A sign-in that reached the hosted UI before the outage and comes back
    // during it.
    stack.user("lee@acme.test", &["Member"], Some(TENANT_A));
    let mut lee = Browser::default();
    let callback = stack.hosted_ui_code(&mut lee, "lee@acme.test", "/").await;

    stack.blackhole_idp().await;
    let mut times = Vec::new();
    for _ in 0..10 {
        let started = Instant::now();
        let page = max.get(&stack.url("/projects")).await;
        times.push(started.elapsed());
        assert_eq!(page.status, StatusCode::OK);
        assert!(is_signed_in(&page), "the session carries on");
    }
    assert!(times[0] >= timeout, "the first waited: {times:?}");
    assert!(
        times[9] < timeout / 4,
        "the tenth did not wait for the timeout: {times:?}"
    );

    let signing_in = lee.get(&callback).await;
    assert_eq!(signing_in.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(signing_in.body.contains("Sign-in is unavailable"));

    // Back, with Max moved to ReadOnly in the Cognito console meanwhile.
    stack
        .idp
        .store()
        .find_user_mut("max@acme.test")
        .unwrap()
        .groups = ["ReadOnly".to_owned()].into();
    stack.restore_idp().await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let page = max.get(&stack.url("/projects")).await;
        assert_eq!(page.status, StatusCode::OK);
        let role = stack
            .scalar(
                TENANT_A,
                "select role from members where email = $1",
                "max@acme.test",
            )
            .await;
        if role == "ReadOnly" {
            break;
        }
        assert!(Instant::now() < deadline, "refresh never resumed");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Postgres goes away under load and comes back (to the server, a restart
/// is every connection reset and new ones refused). Requests in flight and
/// during the outage fail fast with 503, none hangs past the acquire
/// timeout and none answers 500; the server recovers by itself; sessions
/// survive; and no write is half there (a project without its audit row or
/// the reverse).
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn postgres_going_away_under_load_fails_fast_and_recovers(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let acquire = Duration::from_millis(1000);
    let settings = Settings {
        acquire_timeout_ms: Some(acquire.as_millis() as u64),
        database_link: true,
        ..Settings::default()
    };
    let stack = Stack::start(db, settings).await;
    let mut members = Vec::new();
    for (i, tenant) in [TENANT_A, TENANT_B, TENANT_A, TENANT_B].iter().enumerate() {
        members.push(signed_in(&stack, &format!("m{i}@drill.test"), "Member", tenant).await);
    }
    let link = stack.database_link.as_ref().unwrap();

    let stop = Instant::now() + Duration::from_secs(6);
    let workers = members.iter().enumerate().map(|(i, browser)| {
        let mut browser = browser.clone();
        let stack = &stack;
        async move {
            let mut seen = Vec::new();
            let mut n = 0;
            while Instant::now() < stop {
                n += 1;
                let started = Instant::now();
                let reply = if n % 2 == 0 {
                    browser.get(&stack.url("/projects")).await
                } else {
                    let body = format!("name=drill-{i}-{n}");
                    call(stack, &mut browser, "create_project", &body).await
                };
                seen.push((reply.status, started.elapsed()));
            }
            seen
        }
    });
    let outage = async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        link.cut();
        tokio::time::sleep(Duration::from_secs(2)).await;
        link.restore();
    };
    let (seen, ()) = tokio::join!(futures::future::join_all(workers), outage);
    let seen: Vec<_> = seen.into_iter().flatten().collect();

    let unavailable = seen
        .iter()
        .filter(|(status, _)| *status == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    let slowest = seen.iter().map(|(_, took)| *took).max().unwrap_or_default();
    println!(
        "{} requests, {unavailable} answered 503, slowest {slowest:?}",
        seen.len()
    );
    assert!(unavailable > 0, "the outage was never seen: {seen:?}");
    for (status, took) in &seen {
        assert!(
            matches!(*status, StatusCode::OK | StatusCode::SERVICE_UNAVAILABLE),
            "{status} during the drill"
        );
        assert!(*took < acquire * 3, "a request hung for {took:?}");
    }

    // Recovered without a restart, the sessions intact.
    for browser in &mut members {
        let page = browser.get(&stack.url("/projects")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(is_signed_in(&page), "the session survived");
    }
    let orphans = stack
        .count_across_tenants(
            &["projects", "audit_log"],
            "select count(*) from projects p where p.name like 'drill-%'
               and not exists (select from audit_log a
                               where a.action = 'project.create' and a.target_id = p.id::text)",
        )
        .await;
    assert_eq!(orphans, 0, "projects without their audit row");
    let ghosts = stack
        .count_across_tenants(
            &["projects", "audit_log"],
            "select count(*) from audit_log a where a.action = 'project.create'
               and not exists (select from projects p where p.id::text = a.target_id)",
        )
        .await;
    assert_eq!(ghosts, 0, "audit rows of projects that are not there");
}
