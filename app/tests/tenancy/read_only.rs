//! A ReadOnly caller's transaction runs as the SELECT-only role, so the
//! database refuses its writes even when the code above forgets to.
//!
//! This guards against mistakes, not against arbitrary SQL: the session role
//! is still saas_app, so a statement that ran `RESET ROLE` could write. No
//! repository does, and none takes SQL from outside.

use crate::fixtures::{app_db, sqlstate, two_tenants};
use app::db::{DbError, TenantTx, audit, projects, tasks};
use app::domain::{Description, ProjectName, TaskTitle};
use app::model::PageRequest;
use app::role::Role;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn read_only_reads_its_tenant(_: PgPoolOptions, opts: PgConnectOptions) {
    let db = app_db(&opts, 1);
    let (a, _b) = two_tenants(&db).await;

    let mut tx = TenantTx::begin_for_tests(&db, &a.as_role(Role::ReadOnly))
        .await
        .unwrap();
    let page = projects::list(&mut tx, &Default::default(), PageRequest::default())
        .await
        .unwrap();
    let listed = tasks::list_for_project(&mut tx, a.project.id)
        .await
        .unwrap();
    let role: String = sqlx::query_scalar("select current_user::text")
        .fetch_one(tx.conn_for_tests())
        .await
        .unwrap();

    assert_eq!(page.items, vec![a.project.clone()]);
    assert_eq!(listed, vec![a.task.clone()]);
    assert_eq!(role, "saas_readonly");
}

/// The repository functions are called directly, with no role check above
/// them: the database alone refuses.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn read_only_cannot_write_even_without_the_servers_role_check(
    _: PgPoolOptions,
    opts: PgConnectOptions,
) {
    let db = app_db(&opts, 1);
    let (a, _b) = two_tenants(&db).await;
    let reader = a.as_role(Role::ReadOnly);
    let name = ProjectName::parse("Sneaky").unwrap();
    let title = TaskTitle::parse("Sneaky").unwrap();
    let blank = Description::parse("").unwrap();

    macro_rules! refused {
        ($tx:ident => $call:expr) => {{
            let mut opened = TenantTx::begin_for_tests(&db, &reader).await.unwrap();
            let $tx = &mut opened;
            let outcome = $call.await;
            assert!(
                matches!(outcome, Err(DbError::Forbidden(_))),
                "{}: {outcome:?}",
                stringify!($call)
            );
        }};
    }
    refused!(tx => projects::create(tx, a.project.unit_id, &name, &blank));
    refused!(tx => projects::update(tx, a.project.id, &name, &blank));
    refused!(tx => projects::set_archived(tx, a.project.id, true));
    refused!(tx => projects::delete(tx, a.project.id));
    refused!(tx => tasks::create(tx, a.project.id, &title, &blank));
    refused!(tx => tasks::update(tx, a.task.id, &title, &blank));
    refused!(tx => tasks::set_done(tx, a.task.id, true));
    refused!(tx => tasks::assign(tx, a.task.id, None));
    refused!(tx => tasks::delete(tx, a.task.id));
    refused!(tx => audit::record(tx, &reader, audit::Entry {
        action: app::audit_action::AuditAction::ProjectUpdate,
        target_id: None,
        summary: serde_json::json!({}),
    }));

    // Raw SQL as well.
    let mut tx = TenantTx::begin_for_tests(&db, &reader).await.unwrap();
    let error = sqlx::query("delete from projects")
        .execute(tx.conn_for_tests())
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&error).as_deref(), Some("42501"));
    drop(tx);

    // Nothing changed.
    let mut tx = TenantTx::begin_for_tests(&db, &a.member()).await.unwrap();
    assert_eq!(
        projects::get(&mut tx, a.project.id).await.unwrap(),
        Some(a.project.clone())
    );
    assert_eq!(
        tasks::list_for_project(&mut tx, a.project.id)
            .await
            .unwrap(),
        vec![a.task.clone()]
    );
}
