//! Undoing a task's delete: the task comes back whole, once, within the
//! window, in its own tenant only; and deletes and restores racing a
//! project's delete never deadlock or answer 500.

use crate::support::*;
use reqwest::StatusCode;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// A task row as text, with everything a restore must bring back.
async fn task_row(stack: &Stack, task: &str) -> String {
    stack
        .scalar(
            TENANT_A,
            "select concat_ws(' ', id, project_id, title, description, done_at, assignee_id, created_at)
             from tasks where id = $1::uuid",
            task,
        )
        .await
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_deleted_task_comes_back_whole_and_only_once(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut max = signed_in(&stack, "max@acme.test", "Member", TENANT_A).await;
    let max_id = stack.member_id(TENANT_A, "max@acme.test").await;
    let (project, task) = stack.seed_project(TENANT_A, "Undo").await;
    for (endpoint, body) in [
        ("assign_task", format!("id={task}&assignee={max_id}")),
        ("set_task_done", format!("id={task}&done=true")),
    ] {
        let reply = call(&stack, &mut max, endpoint, &body).await;
        assert_eq!(reply.status, StatusCode::OK, "{endpoint}: {}", reply.body);
    }
    let before = task_row(&stack, &task).await;

    let deleted = call(&stack, &mut max, "delete_task", &format!("id={task}")).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    let page = max.get(&stack.url(&format!("/projects/{project}"))).await;
    assert!(
        !page.body.contains("First task"),
        "a deleted task is listed"
    );

    let restored = call(&stack, &mut max, "restore_task", &format!("id={task}")).await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.body);
    assert!(restored.body.contains(&task), "{}", restored.body);
    assert_eq!(task_row(&stack, &task).await, before, "not restored whole");
    let page = max.get(&stack.url(&format!("/projects/{project}"))).await;
    assert!(
        page.body.contains("First task"),
        "the restored task is not listed"
    );
    let audited = format!(
        "select count(*) from audit_log where action = 'task.restore' and target_id = '{task}' \
         and actor_email = 'max@acme.test'"
    );
    assert_eq!(stack.count(TENANT_A, &audited).await, 1);

    // Once only: the second undo finds nothing, and changes nothing.
    let snapshot = stack.snapshot(TENANT_A).await;
    let again = call(&stack, &mut max, "restore_task", &format!("id={task}")).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.body);
    // A live task's id is not in the bin either.
    assert_eq!(stack.snapshot(TENANT_A).await, snapshot);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_task_deleted_too_long_ago_or_with_its_project_stays_gone(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut ada = signed_in(&stack, "ada@acme.test", "Admin", TENANT_A).await;
    let window = app::db::tasks::UNDO_WINDOW_SECS;

    // Past the window: not found, and the next delete purges it.
    let (_, old) = stack.seed_project(TENANT_A, "Long ago").await;
    stack.bin_task_at(TENANT_A, &old, window + 5).await;
    let reply = call(&stack, &mut ada, "restore_task", &format!("id={old}")).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
    let (_, fresh) = stack.seed_project(TENANT_A, "Just now").await;
    let reply = call(&stack, &mut ada, "delete_task", &format!("id={fresh}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let binned = |task: &str| format!("select count(*) from deleted_tasks where id = '{task}'");
    assert_eq!(stack.count(TENANT_A, &binned(&old)).await, 0, "not purged");
    assert_eq!(
        stack.count(TENANT_A, &binned(&fresh)).await,
        1,
        "purged too soon"
    );

    // Its project deleted meanwhile: gone with it.
    let (project, task) = stack.seed_project(TENANT_A, "Doomed").await;
    let reply = call(&stack, &mut ada, "delete_task", &format!("id={task}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let reply = call(&stack, &mut ada, "delete_project", &format!("id={project}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(stack.count(TENANT_A, &binned(&task)).await, 0);
    let reply = call(&stack, &mut ada, "restore_task", &format!("id={task}")).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
}

/// Rounds of: a project with tasks, some live and some in the bin; a Member
/// deletes the live ones and restores the binned ones while an Admin deletes
/// the project. Every reply is 200 or 404 (409 at worst, never 500), nothing
/// of the project survives, and Postgres logs no deadlock.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn deletes_and_restores_racing_a_project_delete_never_deadlock(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let log = PostgresLog::open();
    let stack = &Stack::start(db, Settings::default()).await;
    let ada = signed_in(stack, "ada@acme.test", "Admin", TENANT_A).await;
    let max = signed_in(stack, "max@acme.test", "Member", TENANT_A).await;
    let mut statuses = std::collections::BTreeMap::new();
    for round in 0..12 {
        let (project, first) = stack.seed_project(TENANT_A, &format!("Race {round}")).await;
        let mut calls = Vec::new();
        for i in 0..6 {
            let task = if i == 0 { first.clone() } else { uuid() };
            if i > 0 {
                let insert = format!(
                    "insert into tasks (tenant_id, id, project_id, title)
                     values (app.current_tenant(), $1::uuid, '{project}', 'More')"
                );
                stack.as_tenant(TENANT_A, &insert, &task).await;
            }
            let endpoint = if i % 2 == 0 {
                "delete_task"
            } else {
                stack.bin_task(TENANT_A, &task).await;
                "restore_task"
            };
            calls.push((endpoint, format!("id={task}")));
        }
        let tasks = calls.iter().map(|(endpoint, body)| {
            let mut max = max.clone();
            async move { call(stack, &mut max, endpoint, body).await }
        });
        let mut ada = ada.clone();
        let delete_body = format!("id={project}");
        let delete_project = async move {
            tokio::time::sleep(std::time::Duration::from_millis(round % 4)).await;
            call(stack, &mut ada, "delete_project", &delete_body).await
        };
        let (replies, deleted) = tokio::join!(futures::future::join_all(tasks), delete_project);
        assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
        for reply in replies {
            assert!(
                [StatusCode::OK, StatusCode::NOT_FOUND, StatusCode::CONFLICT]
                    .contains(&reply.status),
                "{}: {}",
                reply.status,
                reply.body
            );
            *statuses.entry(reply.status.as_u16()).or_insert(0) += 1;
        }
        let left = format!(
            "select (select count(*) from tasks where project_id = '{project}')
                  + (select count(*) from deleted_tasks where project_id = '{project}')"
        );
        assert_eq!(stack.count(TENANT_A, &left).await, 0, "round {round}");
    }
    println!("replies by status: {statuses:?}");
    log.assert_no_deadlock();
}
