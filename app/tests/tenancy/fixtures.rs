//! Shared set-up: the app-role pool and two seeded tenants.

use app::db::{Db, TenantTx, org, projects, system, tasks};
use app::domain::{Description, ProjectName, TaskTitle, TenantName, UnitName};
use app::identity::{Identity, TenantId};
use app::model::{Project, Task};
use app::role::Role;
use sqlx::postgres::PgConnectOptions;
use std::str::FromStr;
use std::time::Duration;

/// A pool of the app role on this test's database.
pub fn app_db(test_db: &PgConnectOptions, max_connections: u32) -> Db {
    Db::connect_lazy(
        app_options(test_db),
        max_connections,
        Duration::from_secs(30),
    )
}

/// Connection options of the app role for this test's database.
pub fn app_options(test_db: &PgConnectOptions) -> PgConnectOptions {
    let url = std::env::var("APP_DATABASE_URL")
        .expect("APP_DATABASE_URL must name the app role (make test sets it)");
    let app = PgConnectOptions::from_str(&url).expect("APP_DATABASE_URL is a postgres URL");
    assert_ne!(
        app.get_username(),
        "postgres",
        "the tests must run as the app role"
    );
    app.database(test_db.get_database().expect("sqlx::test names a database"))
}

/// One seeded tenant: an identity of each role, a project with one task.
pub struct Tenant {
    pub id: TenantId,
    pub project: Project,
    pub task: Task,
}

impl Tenant {
    pub fn as_role(&self, role: Role) -> Identity {
        Identity::for_tests(self.id, role, &format!("{}-{}", self.id, role))
    }

    pub fn member(&self) -> Identity {
        self.as_role(Role::Member)
    }
}

pub async fn seed_tenant(db: &Db, name: &str) -> Tenant {
    let id = system::create_tenant(db, &TenantName::parse(name).unwrap())
        .await
        .expect("create tenant");
    // A member of each role, whose subs `Tenant::as_role` names, and an
    // Admin as sign-in would have made them.
    let mut tx = TenantTx::begin_without_member_for_tests(db, id)
        .await
        .unwrap();
    for role in Role::ALL {
        let who = Identity::for_tests(id, role, &format!("{id}-{role}"));
        add_member(&mut tx, &who).await;
    }
    sqlx::query(
        "insert into members (tenant_id, cognito_sub, email, role) values ($1, $2, $3, 'Admin')",
    )
    .bind(id.as_uuid())
    .bind(format!("sub-{id}"))
    .bind(format!("admin@{id}.example.test"))
    .execute(tx.conn_for_tests())
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let who = Identity::for_tests(id, Role::Member, &format!("{id}-{}", Role::Member));
    let mut tx = TenantTx::begin_for_tests(db, &who).await.unwrap();
    let root = org::root(&mut tx).await.unwrap();
    let project = projects::create(
        &mut tx,
        root,
        &ProjectName::parse(&format!("{name} project")).unwrap(),
        &Description::parse("seeded").unwrap(),
    )
    .await
    .unwrap();
    let task = tasks::create(
        &mut tx,
        project.id,
        &TaskTitle::parse(&format!("{name} task")).unwrap(),
        &Description::parse("").unwrap(),
    )
    .await
    .unwrap()
    .expect("the project is the tenant's own");
    // And one in the bin, as a delete leaves it (for Undo).
    let binned = tasks::create(
        &mut tx,
        project.id,
        &TaskTitle::parse(&format!("{name} deleted task")).unwrap(),
        &Description::parse("").unwrap(),
    )
    .await
    .unwrap()
    .expect("the project is the tenant's own");
    tasks::delete(&mut tx, binned.id)
        .await
        .unwrap()
        .expect("the task was just made");
    // A unit under the root, a role given there and an audit row too, so
    // that every tenant table has rows to keep apart.
    let unit = org::create(&mut tx, root, &UnitName::parse("Team").unwrap())
        .await
        .unwrap();
    let admin: uuid::Uuid = sqlx::query_scalar("select id from members where cognito_sub = $1")
        .bind(format!("sub-{id}"))
        .fetch_one(tx.conn_for_tests())
        .await
        .unwrap();
    org::assign(&mut tx, admin, unit, Role::ReadOnly)
        .await
        .unwrap();
    sqlx::query(
        "insert into audit_log (tenant_id, actor_sub, actor_email, action, target_type)
         values ($1, 'seed', 'seed@example.test', 'project.create', 'project')",
    )
    .bind(id.as_uuid())
    .execute(tx.conn_for_tests())
    .await
    .unwrap();
    tx.commit().await.unwrap();
    // And an API key.
    let admin = Identity::for_tests(id, Role::Admin, &format!("{id}-{}", Role::Admin));
    let mut tx = TenantTx::begin_for_tests(db, &admin).await.unwrap();
    let name = app::domain::KeyName::parse("Seeded key").unwrap();
    let new = app::db::api_keys::NewKey {
        name: &name,
        role: Role::ReadOnly,
        expires_at: None,
    };
    app::db::api_keys::create(&mut tx, &admin, &new)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    Tenant { id, project, task }
}

/// Adds the identity's member row (its sub, email and role) to the tenant.
pub async fn add_member(tx: &mut TenantTx, who: &Identity) {
    sqlx::query(
        "insert into members (tenant_id, cognito_sub, email, role) values ($1, $2, $3, $4)",
    )
    .bind(who.tenant_id().as_uuid())
    .bind(who.sub())
    .bind(who.email())
    .bind(who.role().as_str())
    .execute(tx.conn_for_tests())
    .await
    .unwrap();
}

/// Tenants A and B, each with a project and a task.
pub async fn two_tenants(db: &Db) -> (Tenant, Tenant) {
    (
        seed_tenant(db, "Tenant A").await,
        seed_tenant(db, "Tenant B").await,
    )
}

/// Every table with tenant data.
pub const TENANT_TABLES: [&str; 10] = [
    "tenants",
    "members",
    "org_units",
    "org_unit_paths",
    "role_assignments",
    "projects",
    "tasks",
    "deleted_tasks",
    "audit_log",
    "api_keys",
];

/// The SQLSTATE of a database error, for asserting on it.
pub fn sqlstate(error: &sqlx::Error) -> Option<String> {
    error
        .as_database_error()
        .and_then(|e| e.code())
        .map(|c| c.into_owned())
}

/// Waits until `n` of the test database's backends wait on a lock, failing
/// if `unless` finishes first or nothing gets there within 4 s (before the
/// transactions' own 5 s lock timeout could end the wait).
pub async fn until_waiting<T>(
    db: &app::db::Db,
    n: i64,
    unless: &tokio::task::JoinHandle<T>,
    what: &str,
) {
    let deadline = std::time::Instant::now() + Duration::from_secs(4);
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "select count(*) from pg_stat_activity
             where datname = current_database() and wait_event_type = 'Lock'",
        )
        .fetch_one(db.pool_for_tests())
        .await
        .unwrap();
        if waiting == n {
            return;
        }
        assert!(!unless.is_finished(), "{what} did not wait");
        assert!(std::time::Instant::now() < deadline, "{what} never waited");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
