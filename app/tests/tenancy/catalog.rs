//! The catalog, read as the app role: nobody bypasses row-level security.

use crate::fixtures::app_options;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection};

/// Tables that hold no tenant data and so have no `tenant_id`. Each entry is a
/// decision: a new table without `tenant_id` fails the test until added here.
const NOT_TENANT_TABLES: &[&str] = &["_sqlx_migrations", "session"];

/// Tables with a `tenant_id` that are no tenant's data but a pool-wide
/// index, read only through a SECURITY DEFINER function below. Each is a
/// decision too: the test checks that no app role may touch it directly.
const POOL_INDEX_TABLES: &[&str] = &["member_homes"];

/// SECURITY DEFINER functions allowed in the app's schemas, each a decision
/// (see its migration): the index of which tenant a Cognito user belongs to
/// (for access tokens, which carry no tenant), and the trigger that keeps it.
const DEFINER_FUNCTIONS: &[&str] = &["app.tenant_of_sub", "app.track_member_home"];

async fn connect_as_app(test_db: &PgConnectOptions) -> PgConnection {
    PgConnection::connect_with(&app_options(test_db))
        .await
        .unwrap()
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn the_app_role_cannot_bypass_row_level_security(_: PgPoolOptions, db: PgConnectOptions) {
    let mut conn = connect_as_app(&db).await;
    let (user, superuser, bypass, createrole, createdb): (String, bool, bool, bool, bool) =
        sqlx::query_as(
            "select rolname::text, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb
             from pg_roles where rolname = current_user",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(user, "saas_app");
    assert!(!superuser && !bypass && !createrole && !createdb);

    // The only role it may switch to is the read-only one: were it a member
    // of the owner, it could drop the policies.
    let memberships: Vec<String> = sqlx::query_scalar(
        "select r.rolname::text from pg_auth_members m
         join pg_roles r on r.oid = m.roleid
         join pg_roles u on u.oid = m.member
         where u.rolname = current_user",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert_eq!(memberships, vec!["saas_readonly".to_owned()]);
    let escalations: Vec<String> = sqlx::query_scalar(
        "select r.rolname::text from pg_roles r
         where pg_has_role(current_user, r.oid, 'member') and r.rolname <> current_user
           and (r.rolsuper or r.rolbypassrls or r.rolcreaterole or r.rolcreatedb)",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(escalations.is_empty(), "app role reaches {escalations:?}");
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn the_app_roles_own_nothing(_: PgPoolOptions, db: PgConnectOptions) {
    let mut conn = connect_as_app(&db).await;
    let owned: Vec<String> = sqlx::query_scalar(
        "with ours as (select oid from pg_roles where pg_has_role('saas_app', oid, 'member'))
         select 'relation ' || relname from pg_class where relowner in (select oid from ours)
         union all select 'function ' || proname from pg_proc where proowner in (select oid from ours)
         union all select 'schema ' || nspname from pg_namespace where nspowner in (select oid from ours)
         union all select 'type ' || typname from pg_type where typowner in (select oid from ours)
         union all select 'database ' || datname from pg_database where datdba in (select oid from ours)",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(
        owned.is_empty(),
        "owned by the app role or a role it can become: {owned:?}"
    );
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn every_tenant_table_forces_rls_with_all_four_policies(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let mut conn = connect_as_app(&db).await;
    let tables: Vec<(String, bool, bool, bool)> = sqlx::query_as(
        "select c.relname::text, c.relrowsecurity, c.relforcerowsecurity,
                exists (select from pg_attribute a
                        where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
         order by 1",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(
        tables.iter().any(|(name, ..)| name == "projects"),
        "the catalog query saw no tables"
    );

    for (table, enabled, forced, has_tenant) in &tables {
        if !has_tenant {
            assert!(
                NOT_TENANT_TABLES.contains(&table.as_str()),
                "{table} has no tenant_id and is not on the allowlist"
            );
            continue;
        }
        if POOL_INDEX_TABLES.contains(&table.as_str()) {
            for role in ["saas_app", "saas_readonly"] {
                let any: bool = sqlx::query_scalar(
                    "select has_table_privilege($1, $2, 'select, insert, update, delete, truncate, references, trigger')",
                )
                .bind(role)
                .bind(table)
                .fetch_one(&mut conn)
                .await
                .unwrap();
                assert!(!any, "{role} has a privilege on the pool index {table}");
            }
            continue;
        }
        assert!(enabled, "{table}: row-level security is not enabled");
        assert!(forced, "{table}: row-level security is not forced");

        let commands: Vec<String> = sqlx::query_scalar(
            "select cmd from pg_policies where schemaname = 'public' and tablename = $1",
        )
        .bind(table)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        for needed in ["SELECT", "INSERT", "UPDATE", "DELETE"] {
            assert!(
                commands.iter().any(|c| c == needed || c == "ALL"),
                "{table}: no policy for {needed} (has {commands:?})"
            );
        }
    }
}

#[derive(sqlx::FromRow)]
struct Policy {
    table_name: String,
    name: String,
    cmd: String,
    roles: Vec<String>,
    using_expr: Option<String>,
    check_expr: Option<String>,
}

/// The policies of the tables whose rows belong to an organisation unit:
/// the tenant predicate AND the caller's effective role there. Each is
/// pinned here, exactly as Postgres prints it back.
fn by_role(table: &str, cmd: &str) -> Option<String> {
    let tenant = "(tenant_id = ( SELECT app.current_tenant() AS current_tenant))";
    let units = |roles: &str| {
        format!(
            "({tenant} AND (unit_id = ANY (( SELECT app.units_where_caller_is('{{{roles}}}'::text[]) \
             AS units_where_caller_is)::uuid[])))"
        )
    };
    match (table, cmd) {
        ("projects" | "tasks", "SELECT") => Some(format!(
            "({tenant} AND (( SELECT app.current_member() AS current_member) IS NOT NULL))"
        )),
        ("projects", "DELETE") => Some(units("Admin,SuperUser")),
        ("projects" | "tasks", _) => Some(units("Admin,SuperUser,Member")),
        _ => None,
    }
}

/// Permissive policies OR together, so every one must carry the tenant
/// predicate; and none may fall back to "all rows" when no tenant is set.
/// Projects and tasks add the caller's role at the row's unit (see
/// [`by_role`]); every other table is keyed by the tenant alone.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn every_policy_is_keyed_by_the_tenant_and_fails_closed(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let mut conn = connect_as_app(&db).await;
    let policies: Vec<Policy> = sqlx::query_as(
        "select tablename::text as table_name, policyname::text as name, cmd,
                roles::text[] as roles, qual as using_expr, with_check as check_expr
         from pg_policies",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(!policies.is_empty());
    let predicate = "(tenant_id = ( SELECT app.current_tenant() AS current_tenant))";
    for policy in policies {
        let label = format!("{}.{} ({})", policy.table_name, policy.name, policy.cmd);
        let expressions = match policy.cmd.as_str() {
            "INSERT" => vec![policy.check_expr],
            "SELECT" | "DELETE" => vec![policy.using_expr],
            _ => vec![policy.using_expr, policy.check_expr],
        };
        // Projects and tasks: the role-aware policies bind the app's roles,
        // a tenant-only one binds the owner, and none binds PUBLIC (a
        // permissive tenant-only policy for everyone would OR away the
        // role checks).
        let app_roles = policy.roles == ["saas_app", "saas_readonly"];
        if matches!(policy.table_name.as_str(), "projects" | "tasks") {
            assert!(
                app_roles || policy.roles == ["saas_owner"],
                "{label} applies to {:?}",
                policy.roles
            );
        } else {
            assert_eq!(policy.roles, ["public"], "{label}");
        }
        let expected = app_roles
            .then(|| by_role(&policy.table_name, &policy.cmd))
            .flatten();
        for expression in expressions {
            let expected = expected.as_deref().unwrap_or(predicate);
            assert_eq!(expression.as_deref(), Some(expected), "{label}");
        }
    }

    // The function the predicate calls: null (no rows) for a missing or empty
    // setting, never a default.
    let source: String = sqlx::query_scalar(
        "select prosrc from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname = 'app' and p.proname = 'current_tenant'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    let lowered = source.to_lowercase();
    assert!(
        lowered.contains("nullif(pg_catalog.current_setting('app.tenant_id', true), '')"),
        "{source}"
    );
    assert!(
        !lowered.contains("coalesce") && !lowered.contains("is null"),
        "{source}"
    );
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn the_app_roles_have_no_truncate_references_or_trigger(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let mut conn = connect_as_app(&db).await;
    let grants: Vec<(String, String, String)> = sqlx::query_as(
        "select r.rolname::text, c.relname::text, p.privilege
         from pg_class c
         join pg_namespace n on n.oid = c.relnamespace
         cross join (values ('saas_app'), ('saas_readonly')) as r(rolname)
         cross join (values ('TRUNCATE'), ('REFERENCES'), ('TRIGGER')) as p(privilege)
         where c.relkind in ('r', 'p', 'v', 'm')
           and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
           and has_table_privilege(r.rolname, c.oid, p.privilege)",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(grants.is_empty(), "dangerous grants: {grants:?}");

    // The read-only role can read and do nothing else.
    let writes: Vec<(String, String)> = sqlx::query_as(
        "select c.relname::text, p.privilege
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         cross join (values ('INSERT'), ('UPDATE'), ('DELETE')) as p(privilege)
         where c.relkind in ('r', 'p')
           and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
           and has_table_privilege('saas_readonly', c.oid, p.privilege)",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(writes.is_empty(), "saas_readonly may write: {writes:?}");
}

/// Views run as their owner unless `security_invoker` is set, and SECURITY
/// DEFINER functions as theirs: both would step around the policies.
/// The tenant function is cheap and cannot be redirected: Postgres inlines
/// it (no SET clause, not a definer — either would stop the inlining and cost
/// a function call per statement), its body names `pg_catalog` explicitly so
/// no schema on the search path can stand in, and PUBLIC may not call it.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn the_tenant_function_is_inlined_pinned_and_not_public(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let mut conn = connect_as_app(&db).await;
    // The tenant's function, and the member's, which the read policies of
    // projects and tasks call the same way.
    for (function, setting) in [
        ("current_tenant", "app.tenant_id"),
        ("current_member", "app.member_id"),
    ] {
        let (config, definer, public): (Option<Vec<String>>, bool, bool) = sqlx::query_as(
            "select p.proconfig, p.prosecdef,
                    exists (select from aclexplode(p.proacl) a where a.grantee = 0)
             from pg_proc p join pg_namespace n on n.oid = p.pronamespace
             where n.nspname = 'app' and p.proname = $1",
        )
        .bind(function)
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert_eq!(config, None, "{function}: a SET clause stops inlining");
        assert!(!definer, "{function}");
        assert!(!public, "PUBLIC may execute app.{function}()");

        // Inlined: the plan's output is the body's expression, not a call.
        let plan: Vec<String> = sqlx::query_scalar(&format!(
            "explain (verbose, costs off) select * from projects where (select app.{function}()) is not null"
        ))
        .fetch_all(&mut conn)
        .await
        .unwrap();
        let plan = plan.join("\n");
        assert!(
            plan.contains(&format!("current_setting('{setting}'")),
            "{plan}"
        );
        assert!(!plan.contains(&format!("{function}()")), "{plan}");
    }
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn no_view_or_function_steps_around_the_policies(_: PgPoolOptions, db: PgConnectOptions) {
    let mut conn = connect_as_app(&db).await;
    let views: Vec<String> = sqlx::query_scalar(
        "select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relkind in ('v', 'm') and n.nspname in ('public', 'app')
           and not coalesce('security_invoker=true' = any (c.reloptions), false)",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(
        views.is_empty(),
        "views without security_invoker: {views:?}"
    );

    let definers: Vec<String> = sqlx::query_scalar(
        "select n.nspname || '.' || p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where p.prosecdef and n.nspname in ('public', 'app')",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for name in &definers {
        assert!(
            DEFINER_FUNCTIONS.contains(&name.as_str()),
            "SECURITY DEFINER function {name}"
        );
    }
    // Each allowed one runs with an empty search_path (nothing the caller
    // puts on the path runs with the owner's rights) and is not PUBLIC's.
    for name in DEFINER_FUNCTIONS {
        let (config, public): (Option<Vec<String>>, bool) = sqlx::query_as(
            "select p.proconfig, exists (select from aclexplode(p.proacl) a where a.grantee = 0)
             from pg_proc p join pg_namespace n on n.oid = p.pronamespace
             where n.nspname || '.' || p.proname = $1",
        )
        .bind(name)
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert_eq!(config, Some(vec![r#"search_path="""#.to_owned()]), "{name}");
        assert!(!public, "PUBLIC may execute {name}");
    }
}
