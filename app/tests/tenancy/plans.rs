//! The policies stay cheap: with a thousand tenants seeded, the hot queries,
//! run as the app role inside a tenant transaction, use the tenant-leading
//! indexes and never scan a whole table. (The tenant function is evaluated
//! once per statement as an InitPlan, which is what lets the index be used.)

use crate::fixtures::{app_db, two_tenants};
use app::db::TenantTx;
use serde_json::Value;
use sqlx::{PgConnection, PgPool};

const TENANTS: usize = 1000;

/// A thousand tenants with 20 projects of 5 tasks each, written as the owner
/// one tenant transaction at a time (the policies bind the owner too).
async fn seed_many_tenants(owner: &PgPool) {
    let mut conn = owner.acquire().await.unwrap();
    for _ in 0..TENANTS {
        sqlx::raw_sql(
            "begin;
             select set_config('app.tenant_id', gen_random_uuid()::text, true);
             insert into tenants (tenant_id, name) values (app.current_tenant(), 'bulk');
             insert into projects (tenant_id, name)
                 select app.current_tenant(), 'project ' || g from generate_series(1, 20) g;
             insert into tasks (tenant_id, project_id, title)
                 select p.tenant_id, p.id, 'task ' || g from projects p, generate_series(1, 5) g;
             commit;",
        )
        .execute(&mut *conn)
        .await
        .unwrap();
    }
    sqlx::raw_sql("analyze").execute(&mut *conn).await.unwrap();
}

/// Every node type in an EXPLAIN (FORMAT JSON) plan, with its relation.
fn scans(plan: &Value, out: &mut Vec<(String, String)>) {
    if let Some(kind) = plan.get("Node Type").and_then(Value::as_str) {
        let relation = plan
            .get("Relation Name")
            .and_then(Value::as_str)
            .unwrap_or("");
        out.push((kind.to_owned(), relation.to_owned()));
    }
    for child in plan
        .get("Plans")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        scans(child, out);
    }
}

/// The plan Postgres would use for the prepared statement `sql` whatever its
/// parameters (a generic plan, as a reused prepared statement gets), run
/// with `args`.
async fn explain(
    conn: &mut PgConnection,
    name: &str,
    sql: &str,
    args: &str,
) -> Vec<(String, String)> {
    sqlx::raw_sql("set local plan_cache_mode = force_generic_plan")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::raw_sql(&format!("prepare {name} as {sql}"))
        .execute(&mut *conn)
        .await
        .unwrap();
    let plan: Value = sqlx::query_scalar(&format!("explain (format json) execute {name}({args})"))
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let mut out = Vec::new();
    scans(&plan[0]["Plan"], &mut out);
    out
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn hot_queries_use_the_tenant_indexes(owner: PgPool) {
    let db = app_db(&owner.connect_options(), 1);
    let (a, _b) = two_tenants(&db).await;
    seed_many_tenants(&owner).await;

    let mut tx = TenantTx::begin_for_tests(&db, &a.member()).await.unwrap();
    let conn = tx.conn_for_tests();
    // The premise: the tables are big enough for a whole-table scan to show.
    let tasks: f32 = sqlx::query_scalar("select reltuples from pg_class where relname = 'tasks'")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert!(
        tasks >= 90_000.0,
        "tasks has only {tasks} rows by the statistics"
    );
    // The statements the repositories send, with their parameters.
    let project = format!("'{}'", a.project.id);
    let task = format!("'{}'", a.task.id);
    let queries = [
        (
            "select id, name from projects where ($1::text is null or name ilike $1)
               and ($2 or archived_at is null) order by lower(name), id limit $3 offset $4",
            "null, false, 20, 0".to_owned(),
        ),
        (
            "select count(*) from projects where ($1::text is null or name ilike $1)
               and ($2 or archived_at is null)",
            "'%project 1%', true".to_owned(),
        ),
        (
            "select id, name from projects where id = $1::uuid",
            project.clone(),
        ),
        (
            "select id, title from tasks where project_id = $1::uuid
               order by done_at is not null, created_at, id",
            project,
        ),
        ("select id, title from tasks where id = $1::uuid", task),
    ];
    for (i, (sql, args)) in queries.iter().enumerate() {
        let nodes = explain(conn, &format!("hot_{i}"), sql, args).await;
        assert!(
            nodes.iter().any(|(kind, _)| kind.contains("Index")),
            "no index used: {sql}\n{nodes:?}"
        );
        let seq: Vec<_> = nodes
            .iter()
            .filter(|(kind, _)| kind == "Seq Scan")
            .collect();
        assert!(seq.is_empty(), "sequential scan: {sql}\n{nodes:?}");
    }
}
