//! Roles per organisation unit, as Postgres enforces them: what a member's
//! transaction sees and may write in each unit follows their effective role
//! there (the nearest assignment up the tree, else their tenant role),
//! checked in SQL as the app role — the server's checks are not involved.

use crate::fixtures::{Tenant, add_member, app_db, seed_tenant, sqlstate, until_waiting};
use app::db::{Db, TenantTx, org};
use app::domain::UnitName;
use app::identity::{Credential, Identity, SignedIn};
use app::model::RoleSource;
use app::role::Role;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::collections::HashMap;
use uuid::Uuid;

/// What one member's transaction can do to the project in one unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Outcome {
    sees: bool,
    inserts: bool,
    updates: bool,
    deletes: bool,
}

impl Outcome {
    /// Today's role table: everyone reads, Admin, SuperUser and Member write,
    /// Admin and SuperUser delete projects.
    fn of(role: Role) -> Self {
        Outcome {
            sees: true,
            inserts: role.can_write(),
            updates: role.can_write(),
            deletes: role.can_delete_projects(),
        }
    }
}

/// Tries each statement on the project of `unit` inside a savepoint, as the
/// transaction's member, and reports what row-level security allowed.
async fn outcome(tx: &mut TenantTx, unit: Uuid, project: Uuid) -> Outcome {
    let conn = tx.conn_for_tests();
    let sees: i64 = sqlx::query_scalar("select count(*) from projects where id = $1")
        .bind(project)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let mut attempt = async |sql: &str, bind: Uuid| -> Result<u64, String> {
        sqlx::raw_sql("savepoint attempt")
            .execute(&mut *conn)
            .await
            .unwrap();
        let done = sqlx::query(sql).bind(bind).execute(&mut *conn).await;
        sqlx::raw_sql("rollback to savepoint attempt")
            .execute(&mut *conn)
            .await
            .unwrap();
        done.map(|d| d.rows_affected())
            .map_err(|e| sqlstate(&e).unwrap_or_default())
    };
    let inserts = attempt(
        "insert into projects (tenant_id, unit_id, name)
         values (app.current_tenant(), $1, 'probe')",
        unit,
    )
    .await;
    let updates = attempt(
        "update projects set description = 'probed' where id = $1",
        project,
    )
    .await;
    let deletes = attempt("delete from projects where id = $1", project).await;
    // A refusal is RLS's (42501), never anything else.
    for result in [&inserts, &updates, &deletes] {
        if let Err(code) = result {
            assert_eq!(code, "42501", "refused with {code}");
        }
    }
    Outcome {
        sees: sees == 1,
        inserts: inserts == Ok(1),
        updates: updates == Ok(1),
        deletes: deletes == Ok(1),
    }
}

/// A tree built as the tenant's Admin: `parents[i]` is the index of unit
/// `i`'s parent among the earlier ones, `None` for a unit under the root.
/// Returns the unit ids (the root first) and a project in each.
async fn build_tree(
    db: &Db,
    admin: &Identity,
    parents: &[Option<usize>],
) -> (Vec<Uuid>, Vec<Uuid>) {
    let mut tx = TenantTx::begin_for_tests(db, admin).await.unwrap();
    let root = org::root(&mut tx).await.unwrap();
    let mut units = vec![root];
    for (i, parent) in parents.iter().enumerate() {
        let parent = parent.map_or(root, |p| units[p + 1]);
        let name = UnitName::parse(&format!("Unit {i}")).unwrap();
        units.push(org::create(&mut tx, parent, &name).await.unwrap());
    }
    let mut projects = Vec::new();
    for unit in &units {
        let id: Uuid = sqlx::query_scalar(
            "insert into projects (tenant_id, unit_id, name)
             values (app.current_tenant(), $1, 'p') returning id",
        )
        .bind(unit)
        .fetch_one(tx.conn_for_tests())
        .await
        .unwrap();
        projects.push(id);
    }
    tx.commit().await.unwrap();
    (units, projects)
}

async fn member_id(db: &Db, who: &Identity) -> Uuid {
    let mut tx = TenantTx::begin_for_tests(db, who).await.unwrap();
    sqlx::query_scalar("select id from members where cognito_sub = $1")
        .bind(who.sub())
        .fetch_one(tx.conn_for_tests())
        .await
        .unwrap()
}

/// The example: Parent → {Child 1, Child 2 → Grandchild}; a member
/// (tenant role Member) is ReadOnly at Parent and Admin at Child 1.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn nearest_assignment_wins_up_or_down(_: PgPoolOptions, opts: PgConnectOptions) {
    let db = app_db(&opts, 2);
    let a = seed_tenant(&db, "Tenant A").await;
    let admin = a.as_role(Role::Admin);
    let person = a.member();
    // Parent, Child 1, Child 2, Grandchild.
    let (units, projects) = build_tree(&db, &admin, &[None, Some(0), Some(0), Some(2)]).await;
    let [root, parent, child_1, child_2, grandchild] = units[..] else {
        unreachable!()
    };
    let person_id = member_id(&db, &person).await;
    let mut tx = TenantTx::begin_for_tests(&db, &admin).await.unwrap();
    org::assign(&mut tx, person_id, parent, Role::ReadOnly)
        .await
        .unwrap();
    org::assign(&mut tx, person_id, child_1, Role::Admin)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let expected = [
        (root, Role::Member, RoleSource::Tenant),
        (parent, Role::ReadOnly, RoleSource::Here),
        (child_1, Role::Admin, RoleSource::Here),
        (
            child_2,
            Role::ReadOnly,
            RoleSource::Inherited {
                unit_id: parent,
                unit_name: "Unit 0".into(),
            },
        ),
        (
            grandchild,
            Role::ReadOnly,
            RoleSource::Inherited {
                unit_id: parent,
                unit_name: "Unit 0".into(),
            },
        ),
    ];
    let mut tx = TenantTx::begin_for_tests(&db, &person).await.unwrap();
    for (i, (unit, role, source)) in expected.iter().enumerate() {
        let found = org::caller_role_at(&mut tx, *unit).await.unwrap().unwrap();
        assert_eq!((found.role, &found.source), (*role, source), "unit {i}");
        assert_eq!(
            outcome(&mut tx, *unit, projects[i]).await,
            Outcome::of(*role),
            "unit {i} as {role}"
        );
    }
    // A query that names no unit still sees every project (all roles read)
    // and may change only those where the role allows.
    let conn = tx.conn_for_tests();
    let seen: i64 = sqlx::query_scalar("select count(*) from projects")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(seen, 6, "the five units' projects and the fixture's");
    let touched = sqlx::query("update projects set description = 'bulk'")
        .execute(&mut *conn)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(touched, 3, "the root's two projects and Child 1's");
    drop(tx);

    // Moving Grandchild under Child 1 makes it Admin territory on the very
    // next transaction; removing the Admin assignment at Child 1 makes
    // Child 1 ReadOnly (from Parent) on the one after.
    let mut tx = TenantTx::begin_for_tests(&db, &admin).await.unwrap();
    assert!(org::move_to(&mut tx, grandchild, child_1).await.unwrap());
    tx.commit().await.unwrap();
    let mut tx = TenantTx::begin_for_tests(&db, &person).await.unwrap();
    assert_eq!(
        outcome(&mut tx, grandchild, projects[4]).await,
        Outcome::of(Role::Admin)
    );
    drop(tx);
    let mut tx = TenantTx::begin_for_tests(&db, &admin).await.unwrap();
    assert_eq!(
        org::unassign(&mut tx, person_id, child_1).await.unwrap(),
        Some(Role::Admin)
    );
    tx.commit().await.unwrap();
    let mut tx = TenantTx::begin_for_tests(&db, &person).await.unwrap();
    for (unit, project) in [(child_1, projects[2]), (grandchild, projects[4])] {
        assert_eq!(
            outcome(&mut tx, unit, project).await,
            Outcome::of(Role::ReadOnly)
        );
    }
}

/// The project list filtered by a unit shows the projects of that unit and
/// the units under it, counted alike on every page.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn listing_by_unit_shows_its_subtree(_: PgPoolOptions, opts: PgConnectOptions) {
    let db = app_db(&opts, 2);
    let a = seed_tenant(&db, "Tenant A").await;
    // Parent, Child 1, Child 2, Grandchild: one project in each.
    let (units, projects) = build_tree(
        &db,
        &a.as_role(Role::Admin),
        &[None, Some(0), Some(0), Some(2)],
    )
    .await;
    let mut tx = TenantTx::begin_for_tests(&db, &a.member()).await.unwrap();
    let listed = async |tx: &mut TenantTx, unit: Uuid| {
        let filter = app::db::projects::ProjectFilter {
            unit: Some(unit),
            ..Default::default()
        };
        let page = app::db::projects::list(tx, &filter, app::model::PageRequest::new(1, 2))
            .await
            .unwrap();
        let mut ids: Vec<Uuid> = page.items.iter().map(|p| p.id).collect();
        ids.sort();
        (ids, page.total)
    };
    let sorted = |mut ids: Vec<Uuid>| {
        ids.sort();
        ids
    };
    assert_eq!(
        listed(&mut tx, units[3]).await,
        (sorted(vec![projects[3], projects[4]]), 2),
        "Child 2 and Grandchild"
    );
    assert_eq!(listed(&mut tx, units[4]).await, (vec![projects[4]], 1));
    // Parent's four do not fit a page of two; the total counts them all.
    assert_eq!(listed(&mut tx, units[1]).await.1, 4);
    // The root's subtree is the whole tenant: the five and the fixture's.
    assert_eq!(listed(&mut tx, units[0]).await.1, 6);
}

/// A member who may write nowhere — ReadOnly tenant role, no assignment
/// above ReadOnly — runs as the SELECT-only database role; one Member
/// assignment anywhere gives them the app role again.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn only_a_member_who_may_write_somewhere_gets_the_writing_role(
    _: PgPoolOptions,
    opts: PgConnectOptions,
) {
    let db = app_db(&opts, 2);
    let a = seed_tenant(&db, "Tenant A").await;
    let admin = a.as_role(Role::Admin);
    let reader = a.as_role(Role::ReadOnly);
    let (units, _) = build_tree(&db, &admin, &[None, Some(0)]).await;
    let reader_id = member_id(&db, &reader).await;
    let role_of = async |who: &Identity| -> String {
        let mut tx = TenantTx::begin_for_tests(&db, who).await.unwrap();
        sqlx::query_scalar("select current_user::text")
            .fetch_one(tx.conn_for_tests())
            .await
            .unwrap()
    };

    assert_eq!(role_of(&reader).await, "saas_readonly");
    let mut tx = TenantTx::begin_for_tests(&db, &admin).await.unwrap();
    org::assign(&mut tx, reader_id, units[1], Role::ReadOnly)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(role_of(&reader).await, "saas_readonly");
    let mut tx = TenantTx::begin_for_tests(&db, &admin).await.unwrap();
    org::assign(&mut tx, reader_id, units[2], Role::Member)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(role_of(&reader).await, "saas_app");
}

/// Taking a member's role at a unit away waits for their writes under way
/// (which land: they began under the old role), and the writes they start
/// while it waits go after it and are refused there. Once the change has
/// committed, nothing begun under the old role is still to land — as for a
/// change to their tenant role (`caller_check.rs`).
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_unit_role_change_waits_for_the_members_writes_and_goes_before_later_ones(
    _: PgPoolOptions,
    opts: PgConnectOptions,
) {
    // The first write, the change, the later write and the watcher.
    let db = app_db(&opts, 6);
    let a = seed_tenant(&db, "Tenant A").await;
    let admin = a.as_role(Role::Admin);
    let reader = a.as_role(Role::ReadOnly);
    let (units, projects) = build_tree(&db, &admin, &[None]).await;
    let (unit, project) = (units[1], projects[1]);
    let reader_id = member_id(&db, &reader).await;
    let mut tx = TenantTx::begin_for_tests(&db, &admin).await.unwrap();
    org::assign(&mut tx, reader_id, unit, Role::Member)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let signed_in = |who: &Identity| SignedIn {
        identity: who.clone(),
        tenant_name: "Tenant A".into(),
        auth_epoch: 0,
        credential: Credential::Session,
    };

    let mut first = TenantTx::begin(&db, &signed_in(&reader)).await.unwrap();
    assert_eq!(describe(&mut first, project, "first").await.unwrap(), 1);
    let change = tokio::spawn({
        let db = db.clone();
        let admin = signed_in(&admin);
        async move {
            let mut tx = TenantTx::begin_tenant_change(&db, &admin).await.unwrap();
            let changed =
                app::organisation::set_assignment(&mut tx, &admin.identity, unit, reader_id, None)
                    .await
                    .unwrap();
            tx.commit().await.unwrap();
            changed
        }
    });
    until_waiting(&db, 1, &change, "the change").await;
    let later = tokio::spawn({
        let db = db.clone();
        let reader = signed_in(&reader);
        async move {
            let mut tx = TenantTx::begin(&db, &reader).await.unwrap();
            let done = describe(&mut tx, project, "later").await;
            if done.is_ok() {
                tx.commit().await.unwrap();
            }
            done.map_err(|e| sqlstate(&e).unwrap_or_default())
        }
    });
    until_waiting(&db, 2, &later, "the later write").await;

    first.commit().await.unwrap();
    assert!(change.await.unwrap(), "the assignment was there");
    // Refused: by row-level security (no row to update), or, since the
    // member may now write nowhere, by the SELECT-only role.
    let later = later.await.unwrap();
    assert!(
        matches!(&later, Ok(0)) || later == Err("42501".into()),
        "{later:?}"
    );
    let mut look = TenantTx::begin_for_tests(&db, &admin).await.unwrap();
    let description: String = sqlx::query_scalar("select description from projects where id = $1")
        .bind(project)
        .fetch_one(look.conn_for_tests())
        .await
        .unwrap();
    assert_eq!(description, "first");
}

/// Sets the project's description; how many rows that changed.
async fn describe(tx: &mut TenantTx, project: Uuid, text: &str) -> Result<u64, sqlx::Error> {
    sqlx::query("update projects set description = $2 where id = $1")
        .bind(project)
        .bind(text)
        .execute(tx.conn_for_tests())
        .await
        .map(|done| done.rows_affected())
}

/// A random organisation: parents of each unit (below the root) and, per
/// member, a tenant role and assignments (unit index, role).
#[derive(Clone, Debug)]
struct Organisation {
    parents: Vec<Option<usize>>,
    members: Vec<(Role, Vec<(usize, Role)>)>,
}

fn any_role() -> impl Strategy<Value = Role> {
    prop::sample::select(Role::ALL.to_vec())
}

/// Up to 12 units, each under the root or an earlier unit, at most 8 deep;
/// three members with up to four assignments each.
fn organisations() -> impl Strategy<Value = Organisation> {
    let parents = prop::collection::vec(any::<prop::sample::Index>(), 1..12).prop_map(|picks| {
        let mut parents: Vec<Option<usize>> = Vec::new();
        let mut depth: Vec<usize> = Vec::new();
        for (i, pick) in picks.into_iter().enumerate() {
            // Choose among the root (0) and the earlier units not at depth 8.
            let candidates: Vec<Option<usize>> = std::iter::once(None)
                .chain((0..i).filter(|&j| depth[j] < 8).map(Some))
                .collect();
            let parent = *pick.get(&candidates);
            depth.push(parent.map_or(1, |p| depth[p] + 1));
            parents.push(parent);
        }
        parents
    });
    parents.prop_flat_map(|parents| {
        let units = parents.len();
        let member = (
            any_role(),
            prop::collection::vec((0..units, any_role()), 0..4),
        );
        prop::collection::vec(member, 3).prop_map(move |members| Organisation {
            parents: parents.clone(),
            members,
        })
    })
}

/// The model: the role of the nearest assignment from `unit` up to the
/// root, else the tenant role. Unit 0 is the root; unit i+1 is parents[i].
fn model_role(org: &Organisation, member: usize, unit: usize) -> Role {
    let (tenant_role, assignments) = &org.members[member];
    let assigned: HashMap<usize, Role> = assignments.iter().map(|&(u, r)| (u + 1, r)).collect();
    let mut at = unit;
    loop {
        if at == 0 {
            return *tenant_role;
        }
        if let Some(role) = assigned.get(&at) {
            return *role;
        }
        at = org.parents[at - 1].map_or(0, |p| p + 1);
    }
}

/// For random trees and assignments, what row-level security shows and
/// allows each member in each unit is what the model says. Cases come from
/// a fixed seed (reproducible); a failure prints its organisation.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn row_level_security_matches_a_model_of_nearest_assignment(
    _: PgPoolOptions,
    opts: PgConnectOptions,
) {
    let db = app_db(&opts, 2);
    let mut runner = TestRunner::new(Config {
        cases: 24,
        ..Config::default()
    });
    let strategy = organisations();
    for case in 0..24 {
        let org = strategy.new_tree(&mut runner).unwrap().current();
        let tenant = seed_tenant(&db, &format!("Case {case}")).await;
        check_case(&db, &tenant, &org).await;
    }
}

async fn check_case(db: &Db, tenant: &Tenant, org: &Organisation) {
    let admin = tenant.as_role(Role::Admin);
    let (units, projects) = build_tree(db, &admin, &org.parents).await;
    let mut people = Vec::new();
    let mut tx = TenantTx::begin_without_member_for_tests(db, tenant.id)
        .await
        .unwrap();
    for (i, (role, _)) in org.members.iter().enumerate() {
        let who = Identity::for_tests(tenant.id, *role, &format!("{}-person-{i}", tenant.id));
        add_member(&mut tx, &who).await;
        people.push(who);
    }
    tx.commit().await.unwrap();
    let mut tx = TenantTx::begin_for_tests(db, &admin).await.unwrap();
    for (who, (_, assignments)) in people.iter().zip(&org.members) {
        let id: Uuid = sqlx::query_scalar("select id from members where cognito_sub = $1")
            .bind(who.sub())
            .fetch_one(tx.conn_for_tests())
            .await
            .unwrap();
        for &(unit, role) in assignments {
            org::assign(&mut tx, id, units[unit + 1], role)
                .await
                .unwrap();
        }
    }
    tx.commit().await.unwrap();

    for (m, who) in people.iter().enumerate() {
        let mut tx = TenantTx::begin_for_tests(db, who).await.unwrap();
        for (u, unit) in units.iter().enumerate() {
            let role = model_role(org, m, u);
            assert_eq!(
                outcome(&mut tx, *unit, projects[u]).await,
                Outcome::of(role),
                "member {m} at unit {u} (model: {role}) in {org:?}"
            );
        }
    }
}
