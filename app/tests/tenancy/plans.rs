//! The policies stay cheap: with a thousand tenants seeded and one tenant of
//! 2,000 units (six levels) and 100,000 projects, the hot queries, run as
//! the app role inside a tenant transaction of a member with roles given
//! per unit, use the tenant-leading indexes and never scan a whole table.
//! The policies' functions (the tenant, the caller's role, the units where
//! the caller may write) run once per statement as InitPlans: no plan has a
//! per-row subplan or a recursive walk of the tree.

use crate::fixtures::{app_db, two_tenants};
use app::db::TenantTx;
use app::identity::{Identity, TenantId};
use app::role::Role;
use serde_json::Value;
use sqlx::{PgConnection, PgPool};

const TENANTS: usize = 1000;

/// A thousand tenants, each with an Admin and 20 projects of 5 tasks,
/// written as the owner one tenant transaction at a time (the policies bind
/// the owner too, so each transaction names its tenant and its Admin).
async fn seed_many_tenants(owner: &PgPool) {
    let mut conn = owner.acquire().await.unwrap();
    for _ in 0..TENANTS {
        sqlx::raw_sql(
            "begin;
             select set_config('app.tenant_id', gen_random_uuid()::text, true);
             insert into tenants (tenant_id, name) values (app.current_tenant(), 'bulk');
             with admin as (
                 insert into members (tenant_id, cognito_sub, email, role)
                 values (app.current_tenant(), gen_random_uuid()::text, 'a@bulk.test', 'Admin')
                 returning id)
             select set_config('app.member_id', id::text, true) from admin;
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
}

/// Units per level below the root of the big tenant: 2,000 in six levels.
const LEVELS: [i32; 6] = [3, 9, 27, 81, 243, 1637];
const BIG_PROJECTS: i32 = 100_000;

/// The big tenant: 2,000 units six levels deep, 100,000 projects spread over
/// them with a task each, and the member the queries run as: ReadOnly by
/// tenant role, Admin of the three second-level units' subtrees, ReadOnly
/// again at a few units below those.
async fn seed_big_tenant(owner: &PgPool) -> Identity {
    let tenant = TenantId::parse(&uuid::Uuid::new_v4().to_string()).unwrap();
    let sub = "big-tenant-reader";
    let mut conn = owner.acquire().await.unwrap();
    let levels = LEVELS
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    sqlx::raw_sql(&format!(
        "begin;
         select set_config('app.tenant_id', '{tenant}', true);
         insert into tenants (tenant_id, name) values (app.current_tenant(), 'big');
         with admin as (
             insert into members (tenant_id, cognito_sub, email, role)
             values (app.current_tenant(), 'big-tenant-admin', 'a@big.test', 'Admin')
             returning id)
         select set_config('app.member_id', id::text, true) from admin;
         insert into members (tenant_id, cognito_sub, email, role)
         values (app.current_tenant(), '{sub}', 'r@big.test', 'ReadOnly');
         do $$
         declare
             sizes int[] := array[{levels}];
             previous uuid[];
             made_ids uuid[];
         begin
             select array_agg(id) into previous from org_units where parent_id is null;
             for level in 1 .. array_length(sizes, 1) loop
                 with made as (
                     insert into org_units (tenant_id, parent_id, name)
                     select app.current_tenant(),
                            previous[1 + g % array_length(previous, 1)],
                            'unit ' || level || '.' || g
                     from generate_series(1, sizes[level]) g
                     returning id)
                 select array_agg(id) into made_ids from made;
                 previous := made_ids;
             end loop;
         end $$;
         insert into projects (tenant_id, unit_id, name)
             select app.current_tenant(), u.id, 'project ' || g
             from generate_series(1, {BIG_PROJECTS}) g
             join (select id, row_number() over (order by id) - 1 as n from org_units) u
               on u.n = g % (select count(*) from org_units);
         insert into tasks (tenant_id, project_id, title)
             select p.tenant_id, p.id, 'task' from projects p;
         insert into role_assignments (tenant_id, member_id, unit_id, role)
             select app.current_tenant(), m.id, u.id, 'Admin'
             from members m, org_units u
             where m.cognito_sub = '{sub}' and u.name in ('unit 2.1', 'unit 2.2', 'unit 2.3');
         insert into role_assignments (tenant_id, member_id, unit_id, role)
             select app.current_tenant(), m.id, u.id, 'ReadOnly'
             from members m, org_units u
             where m.cognito_sub = '{sub}' and u.name in ('unit 4.1', 'unit 4.2');
         commit;"
    ))
    .execute(&mut *conn)
    .await
    .unwrap();
    Identity::for_tests(tenant, Role::ReadOnly, sub)
}

/// One node of an EXPLAIN (FORMAT JSON) plan: its type, its relation and
/// how it hangs off its parent ("InitPlan", "SubPlan", "Outer", …).
#[derive(Debug)]
struct Node {
    kind: String,
    relation: String,
    parent: String,
}

fn nodes(plan: &Value, out: &mut Vec<Node>) {
    let text = |key: &str| {
        plan.get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    out.push(Node {
        kind: text("Node Type"),
        relation: text("Relation Name"),
        parent: text("Parent Relationship"),
    });
    for child in plan
        .get("Plans")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        nodes(child, out);
    }
}

/// The plan Postgres would use for the prepared statement `sql` whatever its
/// parameters (a generic plan, as a reused prepared statement gets), run
/// with `args`.
async fn explain(conn: &mut PgConnection, name: &str, sql: &str, args: &str) -> Vec<Node> {
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
    nodes(&plan[0]["Plan"], &mut out);
    out
}

/// Index scans only, and the policies' functions once per statement: no
/// sequential scan, no per-row subplan, no recursive walk.
fn assert_cheap(sql: &str, plan: &[Node]) {
    assert!(
        plan.iter().any(|n| n.kind.contains("Index")),
        "no index used: {sql}\n{plan:#?}"
    );
    let bad: Vec<String> = plan
        .iter()
        .filter(|n| {
            n.kind == "Seq Scan"
                || n.parent == "SubPlan"
                || n.kind == "Recursive Union"
                || n.kind == "WorkTable Scan"
        })
        .map(|n| format!("{} ({}) on {}", n.kind, n.parent, n.relation))
        .collect();
    assert!(bad.is_empty(), "{sql}\n{bad:#?}\nin {plan:#?}");
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn hot_queries_use_the_tenant_indexes(owner: PgPool) {
    let db = app_db(&owner.connect_options(), 1);
    let (a, _b) = two_tenants(&db).await;
    seed_many_tenants(&owner).await;
    let reader = seed_big_tenant(&owner).await;
    sqlx::raw_sql("analyze").execute(&owner).await.unwrap();

    // The premise: the tables are big enough for a whole-table scan to show.
    let mut tx = TenantTx::begin_for_tests(&db, &a.member()).await.unwrap();
    let conn = tx.conn_for_tests();
    for (table, least) in [
        ("tasks", 190_000.0),
        ("projects", 110_000.0),
        ("org_units", 2_000.0),
    ] {
        let rows: f32 = sqlx::query_scalar("select reltuples from pg_class where relname = $1")
            .bind(table)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert!(
            rows >= least,
            "{table} has only {rows} rows by the statistics"
        );
    }
    drop(tx);

    // The statements the repositories send, with their parameters, as a
    // small tenant's member and as the big tenant's reader.
    for (n, who) in [a.member(), reader].into_iter().enumerate() {
        let mut tx = TenantTx::begin_for_tests(&db, &who).await.unwrap();
        let conn = tx.conn_for_tests();
        let project: uuid::Uuid = sqlx::query_scalar("select id from projects limit 1")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let task: uuid::Uuid = sqlx::query_scalar("select id from tasks limit 1")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let unit: uuid::Uuid =
            sqlx::query_scalar("select id from org_units order by parent_id is null, name limit 1")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
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
                "select id, name from projects
                 where unit_id in (select unit_id from org_unit_paths where ancestor_id = $1)
                 order by lower(name), id limit 20",
                format!("'{unit}'"),
            ),
            (
                "select id, name from projects where id = $1::uuid",
                format!("'{project}'"),
            ),
            (
                "select id, title from tasks where project_id = $1::uuid
                   order by done_at is not null, created_at, id",
                format!("'{project}'"),
            ),
            (
                "select id, title from tasks where id = $1::uuid",
                format!("'{task}'"),
            ),
            (
                "update projects set updated_at = now() where id = $1::uuid",
                format!("'{project}'"),
            ),
            (
                "update tasks set updated_at = now() where id = $1::uuid",
                format!("'{task}'"),
            ),
        ];
        for (i, (sql, args)) in queries.iter().enumerate() {
            let plan = explain(conn, &format!("hot_{n}_{i}"), sql, args).await;
            assert_cheap(sql, &plan);
        }
        drop(tx);
    }
}
