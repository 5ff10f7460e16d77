//! Tenant A's transaction reads, changes and deletes none of tenant B's rows,
//! through every repository function and through raw SQL.

use crate::fixtures::{TENANT_TABLES, app_db, sqlstate, two_tenants};
use app::db::{Db, TenantTx, projects, tasks};
use app::domain::{Description, ProjectName, TaskTitle};
use app::identity::Identity;
use app::model::PageRequest;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use uuid::Uuid;

fn name(text: &str) -> ProjectName {
    ProjectName::parse(text).unwrap()
}

fn title(text: &str) -> TaskTitle {
    TaskTitle::parse(text).unwrap()
}

fn blank() -> Description {
    Description::parse("").unwrap()
}

async fn tx(db: &Db, who: &Identity) -> TenantTx {
    TenantTx::begin_for_tests(db, who).await.unwrap()
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn listing_projects_shows_only_the_callers_tenant(_: PgPoolOptions, opts: PgConnectOptions) {
    let db = app_db(&opts, 2);
    let (a, b) = two_tenants(&db).await;

    let mut tx = tx(&db, &a.member()).await;
    let page = projects::list(&mut tx, &Default::default(), PageRequest::default())
        .await
        .unwrap();
    let filter = projects::ProjectFilter {
        search: Some("project".into()),
        include_archived: true,

        ..Default::default()
    };
    let searched = projects::list(&mut tx, &filter, PageRequest::default())
        .await
        .unwrap();

    assert_eq!(page.items, vec![a.project.clone()]);
    assert_eq!(page.total, 1);
    assert_eq!(
        searched.items.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![a.project.id]
    );
    assert!(!page.items.iter().any(|p| p.id == b.project.id));
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn another_tenants_project_cannot_be_read_changed_or_deleted(
    _: PgPoolOptions,
    opts: PgConnectOptions,
) {
    let db = app_db(&opts, 2);
    let (a, b) = two_tenants(&db).await;

    let mut tx = tx(&db, &a.member()).await;
    let read = projects::get(&mut tx, b.project.id).await.unwrap();
    let renamed = projects::update(&mut tx, b.project.id, &name("pwned"), &blank())
        .await
        .unwrap();
    let archived = projects::set_archived(&mut tx, b.project.id, true)
        .await
        .unwrap();
    let deleted = projects::delete(&mut tx, b.project.id).await.unwrap();
    tx.commit().await.unwrap();

    assert_eq!(read, None);
    assert_eq!(renamed, None);
    assert_eq!(archived, None);
    assert!(!deleted);
    // B's project is exactly as it was.
    let mut tx_b = self::tx(&db, &b.member()).await;
    assert_eq!(
        projects::get(&mut tx_b, b.project.id).await.unwrap(),
        Some(b.project.clone())
    );
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn another_tenants_tasks_cannot_be_read_changed_added_to_or_deleted(
    _: PgPoolOptions,
    opts: PgConnectOptions,
) {
    let db = app_db(&opts, 2);
    let (a, b) = two_tenants(&db).await;

    let mut tx = tx(&db, &a.member()).await;
    let read = tasks::get(&mut tx, b.task.id).await.unwrap();
    let listed = tasks::list_for_project(&mut tx, b.project.id)
        .await
        .unwrap();
    let added = tasks::create(&mut tx, b.project.id, &title("planted"), &blank())
        .await
        .unwrap();
    let edited = tasks::update(&mut tx, b.task.id, &title("pwned"), &blank())
        .await
        .unwrap();
    let completed = tasks::set_done(&mut tx, b.task.id, true).await.unwrap();
    let deleted = tasks::delete(&mut tx, b.task.id).await.unwrap();
    tx.commit().await.unwrap();

    assert_eq!(read, None);
    assert!(listed.is_empty());
    assert_eq!(added, None, "a task was added to another tenant's project");
    assert_eq!(edited, None);
    assert_eq!(completed, None);
    assert_eq!(deleted, None);
    let mut tx_b = self::tx(&db, &b.member()).await;
    assert_eq!(
        tasks::list_for_project(&mut tx_b, b.project.id)
            .await
            .unwrap(),
        vec![b.task.clone()]
    );

    // B's deleted task is in B's bin, out of A's reach: A cannot restore it.
    assert!(tasks::delete(&mut tx_b, b.task.id).await.unwrap().is_some());
    tx_b.commit().await.unwrap();
    let mut tx = self::tx(&db, &a.member()).await;
    assert_eq!(tasks::restore(&mut tx, b.task.id).await.unwrap(), None);
    tx.commit().await.unwrap();
    let mut tx_b = self::tx(&db, &b.member()).await;
    let back = tasks::restore(&mut tx_b, b.task.id).await.unwrap();
    assert_eq!(back.map(|t| t.id), Some(b.task.id));
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_tenants_own_rows_are_readable_and_writable(_: PgPoolOptions, opts: PgConnectOptions) {
    // The other side of the tests above: isolation is not just "nothing works".
    let db = app_db(&opts, 2);
    let (a, _b) = two_tenants(&db).await;

    let mut tx = tx(&db, &a.member()).await;
    let renamed = projects::update(&mut tx, a.project.id, &name("Renamed"), &blank())
        .await
        .unwrap();
    let done = tasks::set_done(&mut tx, a.task.id, true).await.unwrap();
    let added = tasks::create(&mut tx, a.project.id, &title("Second"), &blank())
        .await
        .unwrap();
    let removed = tasks::delete(&mut tx, a.task.id).await.unwrap();
    let restored = tasks::restore(&mut tx, a.task.id).await.unwrap();
    let archived = projects::set_archived(&mut tx, a.project.id, true)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    assert_eq!(renamed.map(|p| p.name), Some("Renamed".to_owned()));
    assert_eq!(done.map(|t| t.done), Some(true));
    assert!(added.is_some());
    assert_eq!(removed.map(|t| t.id), Some(a.task.id));
    assert_eq!(restored.map(|t| t.id), Some(a.task.id));
    assert_eq!(archived.map(|p| p.archived), Some(true));
}

/// Every table, read with no filter of the query's own: A's transaction sees
/// A's rows and nothing else, and so does B's.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn every_table_shows_a_tenant_only_its_own_rows(_: PgPoolOptions, opts: PgConnectOptions) {
    let db = app_db(&opts, 2);
    let (a, b) = two_tenants(&db).await;

    for tenant in [&a, &b] {
        let mut tx = tx(&db, &tenant.member()).await;
        for table in TENANT_TABLES {
            let owners: Vec<Uuid> = sqlx::query_scalar(&format!("select tenant_id from {table}"))
                .fetch_all(tx.conn_for_tests())
                .await
                .unwrap();
            assert!(
                !owners.is_empty(),
                "{table}: the tenant's own rows are missing"
            );
            assert!(
                owners.iter().all(|owner| *owner == tenant.id.as_uuid()),
                "{table}: another tenant's rows are visible"
            );
        }
    }
}

/// Raw SQL inside A's transaction — what a buggy repository could send.
/// Every write naming tenant B fails the policy's WITH CHECK (42501).
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn rows_cannot_be_inserted_into_or_moved_to_another_tenant(
    _: PgPoolOptions,
    opts: PgConnectOptions,
) {
    let db = app_db(&opts, 2);
    let (a, b) = two_tenants(&db).await;
    let b_id = b.id.as_uuid();

    let writes: Vec<(&str, String)> = vec![
        (
            "insert tenant",
            format!("insert into tenants (tenant_id, name) values ('{b_id}', 'x')"),
        ),
        (
            "insert project",
            format!("insert into projects (tenant_id, name) values ('{b_id}', 'x')"),
        ),
        (
            "insert task",
            format!(
                "insert into tasks (tenant_id, project_id, title) values ('{b_id}', '{}', 'x')",
                b.project.id
            ),
        ),
        (
            "insert deleted task",
            format!(
                "insert into deleted_tasks (tenant_id, id, project_id, title, description,
                                            created_at, updated_at)
                 values ('{b_id}', gen_random_uuid(), '{}', 'x', '', now(), now())",
                b.project.id
            ),
        ),
        (
            "insert member",
            format!(
                "insert into members (tenant_id, cognito_sub, email, role)
                 values ('{b_id}', 'sub', 'x@example.test', 'Admin')"
            ),
        ),
        (
            "insert audit",
            format!(
                "insert into audit_log (tenant_id, actor_sub, actor_email, action, target_type)
                 values ('{b_id}', 's', 'e', 'a', 't')"
            ),
        ),
        (
            "insert API key",
            format!(
                "insert into api_keys (tenant_id, name, prefix, secret_hash, role, created_by,
                                       created_by_email)
                 values ('{b_id}', 'k', 'saas_abcdefgh', sha256('x'), 'Member', 's', 'e')"
            ),
        ),
        (
            "move API key",
            format!("update api_keys set tenant_id = '{b_id}'"),
        ),
        (
            "move project",
            format!(
                "update projects set tenant_id = '{b_id}' where id = '{}'",
                a.project.id
            ),
        ),
        (
            "move task",
            format!(
                "update tasks set tenant_id = '{b_id}' where id = '{}'",
                a.task.id
            ),
        ),
    ];

    for (what, sql) in writes {
        let mut tx = tx(&db, &a.member()).await;
        let error = sqlx::query(&sql)
            .execute(tx.conn_for_tests())
            .await
            .expect_err(what);
        assert_eq!(
            sqlstate(&error).as_deref(),
            Some("42501"),
            "{what}: {error}"
        );
    }

    // B still has exactly its own project and task; A still has its own.
    let mut tx_b = tx(&db, &b.member()).await;
    let page = projects::list(&mut tx_b, &Default::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(page.items, vec![b.project.clone()]);
    assert_eq!(
        tasks::list_for_project(&mut tx_b, b.project.id)
            .await
            .unwrap(),
        vec![b.task.clone()]
    );
    let mut tx_a = tx(&db, &a.member()).await;
    assert_eq!(
        projects::get(&mut tx_a, a.project.id).await.unwrap(),
        Some(a.project.clone())
    );
}

/// Referencing another tenant's parent gives the same answer as an id that
/// does not exist, so an error cannot confirm that B's row is there.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn another_tenants_parent_looks_like_a_missing_one(_: PgPoolOptions, opts: PgConnectOptions) {
    let db = app_db(&opts, 2);
    let (a, b) = two_tenants(&db).await;
    let insert = |project: Uuid| {
        format!(
            "insert into tasks (tenant_id, project_id, title) values ('{}', '{project}', 'x')",
            a.id
        )
    };

    let mut tx1 = tx(&db, &a.member()).await;
    let foreign = sqlx::query(&insert(b.project.id))
        .execute(tx1.conn_for_tests())
        .await
        .unwrap_err();
    let mut tx2 = tx(&db, &a.member()).await;
    let random = sqlx::query(&insert(Uuid::new_v4()))
        .execute(tx2.conn_for_tests())
        .await
        .unwrap_err();

    assert_eq!(sqlstate(&foreign).as_deref(), Some("23503"));
    assert_eq!(sqlstate(&foreign), sqlstate(&random));
    let constraint = |e: &sqlx::Error| {
        e.as_database_error()
            .and_then(|d| d.constraint())
            .map(str::to_owned)
    };
    assert_eq!(constraint(&foreign), constraint(&random));
}

/// Without a tenant transaction, the app role sees no row of any table and
/// can write none. The pool has one connection, which the seeding used: the
/// setting it carried then now reads '' (not NULL), which is no tenant too.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn with_no_tenant_set_queries_return_nothing(_: PgPoolOptions, opts: PgConnectOptions) {
    let db = app_db(&opts, 1);
    let (a, _b) = two_tenants(&db).await;
    let mut conn = db.pool_for_tests().acquire().await.unwrap();

    let setting: Option<String> =
        sqlx::query_scalar("select current_setting('app.tenant_id', true)")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    assert_eq!(
        setting.as_deref(),
        Some(""),
        "the seeding's transactions left no trace but ''"
    );
    for table in TENANT_TABLES {
        let count: i64 = sqlx::query_scalar(&format!("select count(*) from {table}"))
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(count, 0, "{table} showed rows with no tenant set");
    }
    let error = sqlx::query(&format!(
        "insert into projects (tenant_id, name) values ('{}', 'x')",
        a.id
    ))
    .execute(&mut *conn)
    .await
    .unwrap_err();
    assert_eq!(sqlstate(&error).as_deref(), Some("42501"));
}
