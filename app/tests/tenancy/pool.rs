//! A pooled connection carries nothing from one use to the next: no tenant
//! setting, no open transaction, no switched role — even when the request that
//! used it was cancelled in the middle of opening its transaction.

use crate::fixtures::{app_db, two_tenants};
use app::db::{Db, TenantTx, projects};
use app::model::PageRequest;
use app::role::Role;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::time::Duration;

/// What the (only) pooled connection carries right now.
#[derive(Debug, PartialEq)]
struct ConnectionState {
    tenant_setting: Option<String>,
    in_transaction: bool,
    role: String,
    visible_projects: i64,
}

async fn state_of_the_connection(db: &Db) -> ConnectionState {
    let mut conn = db.pool_for_tests().acquire().await.unwrap();
    let tenant_setting: Option<String> =
        sqlx::query_scalar("select nullif(current_setting('app.tenant_id', true), '')")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    let role: String = sqlx::query_scalar("select current_user::text")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let visible_projects: i64 = sqlx::query_scalar("select count(*) from projects")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    // SAVEPOINT works only inside a transaction block: success means one was
    // left open. Released at once so the probe changes nothing.
    let in_transaction = sqlx::raw_sql("savepoint probe; release savepoint probe")
        .execute(&mut *conn)
        .await
        .is_ok();
    ConnectionState {
        tenant_setting,
        in_transaction,
        role,
        visible_projects,
    }
}

fn clean() -> ConnectionState {
    ConnectionState {
        tenant_setting: None,
        in_transaction: false,
        role: "saas_app".into(),
        visible_projects: 0,
    }
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_committed_or_dropped_transaction_leaves_the_connection_clean(
    _: PgPoolOptions,
    opts: PgConnectOptions,
) {
    let db = app_db(&opts, 1);
    let (a, _b) = two_tenants(&db).await;

    let mut committed = TenantTx::begin_for_tests(&db, &a.member()).await.unwrap();
    projects::list(&mut committed, &Default::default(), PageRequest::default())
        .await
        .unwrap();
    committed.commit().await.unwrap();
    assert_eq!(state_of_the_connection(&db).await, clean());

    let mut dropped = TenantTx::begin_for_tests(&db, &a.as_role(Role::ReadOnly))
        .await
        .unwrap();
    projects::list(&mut dropped, &Default::default(), PageRequest::default())
        .await
        .unwrap();
    drop(dropped);
    assert_eq!(state_of_the_connection(&db).await, clean());
}

/// Polls `future` at most `polls` times, letting the socket and the reactor
/// move between polls, then drops it: a cancellation at a chosen point of its
/// life rather than at a timer's whim (tokio's timers tick in milliseconds,
/// far coarser than a loopback round trip). Returns whether it completed.
async fn poll_then_drop<F: std::future::Future>(future: F, polls: usize, pause: Duration) -> bool {
    let mut future = std::pin::pin!(future);
    for _ in 0..polls {
        if futures::poll!(future.as_mut()).is_ready() {
            return true;
        }
        std::thread::sleep(pause);
        tokio::task::yield_now().await;
    }
    false
}

/// sqlx 0.8 can return a connection to the pool mid-transaction when the
/// future running `begin()` is dropped while BEGIN's reply is awaited (sqlx
/// #4385, #4393). Cancel `TenantTx::begin` after every number of polls, on a
/// pool of one connection, and check what the connection carries afterwards.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn cancelling_begin_at_any_point_leaks_nothing_into_the_pool(
    _: PgPoolOptions,
    opts: PgConnectOptions,
) {
    let db = app_db(&opts, 1);
    let (a, b) = two_tenants(&db).await;
    let (mut completed, mut cancelled) = (0, 0);

    for round in 0..240usize {
        let who = if round % 2 == 0 {
            a.member()
        } else {
            a.as_role(Role::ReadOnly)
        };
        let polls = round % 12;
        let pause = Duration::from_micros(((round / 12) % 5) as u64 * 40);
        if poll_then_drop(TenantTx::begin_for_tests(&db, &who), polls, pause).await {
            completed += 1;
        } else if polls > 0 {
            // Started and dropped before it finished: a real cancellation.
            cancelled += 1;
        }
        // After every round: the next complete begin would close a leaked
        // transaction and hide it.
        assert_eq!(
            state_of_the_connection(&db).await,
            clean(),
            "after round {round}"
        );
    }

    // And the next caller, of another tenant, sees its own data only.
    let mut tx = TenantTx::begin_for_tests(&db, &b.member()).await.unwrap();
    let page = projects::list(&mut tx, &Default::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(page.items, vec![b.project.clone()]);
    // The rounds cancelled some calls and let others finish.
    assert!(
        cancelled > 0 && completed > 0,
        "cancelled {cancelled}, completed {completed}"
    );
}
