//! A caller's transaction re-reads the caller's member row before anything
//! else: a session whose role, status or `auth_epoch` no longer matches the
//! row gets no transaction. A transaction that may write holds the row
//! locked, so a change to the caller waits until it has ended; a read
//! transaction holds no lock and cannot write.

use crate::fixtures::{app_db, two_tenants, until_waiting};
use app::db::{DbError, TenantTx, members, projects};
use app::identity::{Identity, SignedIn, TenantId};
use app::model::PageRequest;
use app::role::Role;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::time::Duration;

/// A member row for `sub` in `tenant`, written as the app role.
async fn member(db: &app::db::Db, tenant: TenantId, sub: &str, role: Role, epoch: i64) {
    let mut tx = TenantTx::begin_without_member_for_tests(db, tenant)
        .await
        .unwrap();
    sqlx::query(
        "insert into members (tenant_id, cognito_sub, email, role, auth_epoch)
         values ($1, $2, $3, $4, $5)",
    )
    .bind(tenant.as_uuid())
    .bind(sub)
    .bind(format!("{sub}@example.test"))
    .bind(role.as_str())
    .bind(epoch)
    .execute(tx.conn_for_tests())
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

fn caller(tenant: TenantId, sub: &str, role: Role, epoch: i64) -> SignedIn {
    SignedIn {
        identity: Identity::for_tests(tenant, role, sub),
        tenant_name: "Tenant".into(),
        auth_epoch: epoch,
        credential: app::identity::Credential::Session,
    }
}

/// Runs `sql` on the caller's row as the app role, in tenant `tenant`.
async fn change_row(db: &app::db::Db, tenant: TenantId, sub: &str, sql: &str) {
    let mut tx = TenantTx::begin_without_member_for_tests(db, tenant)
        .await
        .unwrap();
    sqlx::query(sql)
        .bind(sub)
        .execute(tx.conn_for_tests())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_current_caller_gets_a_transaction(_: PgPoolOptions, opts: PgConnectOptions) {
    let db = app_db(&opts, 4);
    let (a, _b) = two_tenants(&db).await;
    member(&db, a.id, "max", Role::Member, 3).await;
    member(&db, a.id, "rita", Role::ReadOnly, 0).await;

    let mut tx = TenantTx::begin(&db, &caller(a.id, "max", Role::Member, 3))
        .await
        .unwrap();
    let listed = projects::list(&mut tx, &Default::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.items, vec![a.project.clone()]);
    tx.commit().await.unwrap();
    // A ReadOnly caller is checked too (before the switch to the
    // SELECT-only role, which may not lock rows).
    let tx = TenantTx::begin(&db, &caller(a.id, "rita", Role::ReadOnly, 0)).await;
    assert!(tx.is_ok(), "{tx:?}");
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_caller_whose_row_moved_on_gets_no_transaction(_: PgPoolOptions, opts: PgConnectOptions) {
    let db = app_db(&opts, 4);
    let (a, b) = two_tenants(&db).await;
    member(&db, a.id, "max", Role::Member, 3).await;
    member(&db, a.id, "dora", Role::Member, 0).await;
    member(&db, b.id, "bea", Role::Admin, 0).await;
    change_row(
        &db,
        a.id,
        "dora",
        "update members set status = 'disabled' where cognito_sub = $1",
    )
    .await;

    let stale = [
        ("older epoch", caller(a.id, "max", Role::Member, 2)),
        ("newer epoch", caller(a.id, "max", Role::Member, 4)),
        ("another role", caller(a.id, "max", Role::Admin, 3)),
        ("disabled", caller(a.id, "dora", Role::Member, 0)),
        ("no row", caller(a.id, "gone", Role::Member, 0)),
        // Bea's row is in tenant B: in A she is nobody.
        ("another tenant", caller(a.id, "bea", Role::Admin, 0)),
    ];
    for (case, who) in stale {
        let refused = TenantTx::begin(&db, &who).await;
        assert!(
            matches!(refused, Err(DbError::StaleCaller)),
            "{case}: {refused:?}"
        );
        let change = TenantTx::begin_tenant_change(&db, &who).await;
        assert!(
            matches!(change, Err(DbError::StaleCaller)),
            "{case}: {change:?}"
        );
        let read = TenantTx::begin_read(&db, &who).await;
        assert!(
            matches!(read, Err(DbError::StaleCaller)),
            "{case}: {read:?}"
        );
    }
}

/// A read transaction checks the caller like any other, but takes no lock
/// (a change to the caller does not wait for it) and runs as the
/// SELECT-only role: even an Admin's read transaction cannot write.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_read_transaction_locks_nothing_and_cannot_write(
    _: PgPoolOptions,
    opts: PgConnectOptions,
) {
    let db = app_db(&opts, 4);
    let (a, _b) = two_tenants(&db).await;
    member(&db, a.id, "ada", Role::Admin, 0).await;
    let ada = caller(a.id, "ada", Role::Admin, 0);

    let mut read = TenantTx::begin_read(&db, &ada).await.unwrap();
    let listed = projects::list(&mut read, &Default::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.items, vec![a.project.clone()]);
    // A change to Ada commits while her read is open: no lock to wait for.
    tokio::time::timeout(
        Duration::from_secs(3),
        change_row(
            &db,
            a.id,
            "ada",
            "update members set auth_epoch = auth_epoch + 1 where cognito_sub = $1",
        ),
    )
    .await
    .expect("the change waited for a read transaction");
    let write = sqlx::query("update projects set name = 'renamed'")
        .execute(read.conn_for_tests())
        .await
        .unwrap_err();
    assert_eq!(
        write.as_database_error().and_then(|e| e.code()).as_deref(),
        Some("42501"),
        "{write}"
    );
    drop(read);

    // And her next transaction, of any kind, sees the change.
    let after = TenantTx::begin_read(&db, &ada).await;
    assert!(matches!(after, Err(DbError::StaleCaller)), "{after:?}");
}

/// The review's race, at its root: a demotion of the caller cannot commit
/// while the caller's transaction is open, and once it has, the caller's
/// next transaction is refused.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_change_to_the_caller_waits_for_their_transaction(
    _: PgPoolOptions,
    opts: PgConnectOptions,
) {
    let db = app_db(&opts, 4);
    let (a, _b) = two_tenants(&db).await;
    member(&db, a.id, "max", Role::Member, 0).await;
    let max = caller(a.id, "max", Role::Member, 0);

    let in_flight = TenantTx::begin(&db, &max).await.unwrap();
    let demotion = tokio::spawn({
        let db = db.clone();
        async move {
            change_row(
                &db,
                a.id,
                "max",
                "update members set role = 'ReadOnly', auth_epoch = auth_epoch + 1
                 where cognito_sub = $1",
            )
            .await
        }
    });
    // Wait until the demotion is blocked on a row lock (or give up).
    until_waiting(&db, 1, &demotion, "the demotion").await;
    assert!(!demotion.is_finished(), "the demotion did not wait");
    in_flight.commit().await.unwrap();
    demotion.await.unwrap();

    let after = TenantTx::begin(&db, &max).await;
    assert!(matches!(after, Err(DbError::StaleCaller)), "{after:?}");
}

/// Tenant changes take turns on the tenant's row; one that waits longer
/// than the lock timeout gives up with `Contended` (answered 409) instead of
/// holding its connection for as long as the other change takes.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_tenant_change_waits_for_the_last_then_gives_up_at_the_lock_timeout(
    _: PgPoolOptions,
    opts: PgConnectOptions,
) {
    let db = app_db(&opts, 4);
    let (a, b) = two_tenants(&db).await;
    member(&db, a.id, "ada", Role::Admin, 0).await;
    member(&db, a.id, "al", Role::Admin, 0).await;
    member(&db, b.id, "bo", Role::Admin, 0).await;

    let first = TenantTx::begin_tenant_change(&db, &caller(a.id, "ada", Role::Admin, 0))
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let second = TenantTx::begin_tenant_change(&db, &caller(a.id, "al", Role::Admin, 0)).await;
    let waited = started.elapsed();
    assert!(matches!(second, Err(DbError::Contended(_))), "{second:?}");
    assert!(waited >= Duration::from_secs(4), "gave up after {waited:?}");
    // Another tenant's changes never wait for this one.
    let other = TenantTx::begin_tenant_change(&db, &caller(b.id, "bo", Role::Admin, 0)).await;
    assert!(other.is_ok(), "{other:?}");
    // Ordinary work in the same tenant does not wait either.
    let ordinary = TenantTx::begin(&db, &caller(a.id, "al", Role::Admin, 0)).await;
    assert!(ordinary.is_ok(), "{ordinary:?}");
    first.commit().await.unwrap();
}

/// An admin's change to a member is not held off by the member's own
/// overlapping writes: once it waits for the write under way, the member's
/// writes that start later wait behind it, then see the change. (With row
/// locks alone, each later write's FOR SHARE slipped past the change's
/// waiting lock, so a member who kept writes overlapping could keep their
/// own disable waiting until its lock timeout.)
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_change_waiting_for_a_write_goes_before_the_members_later_writes(
    _: PgPoolOptions,
    opts: PgConnectOptions,
) {
    // The first write, the change, the later write and the watcher each
    // hold a connection.
    let db = app_db(&opts, 6);
    let (a, _b) = two_tenants(&db).await;
    member(&db, a.id, "ada", Role::Admin, 0).await;
    member(&db, a.id, "max", Role::Member, 0).await;
    let max = caller(a.id, "max", Role::Member, 0);
    let mut look = TenantTx::begin_without_member_for_tests(&db, a.id)
        .await
        .unwrap();
    let max_id: uuid::Uuid = sqlx::query_scalar("select id from members where cognito_sub = 'max'")
        .fetch_one(look.conn_for_tests())
        .await
        .unwrap();
    look.rollback().await.unwrap();

    let first = TenantTx::begin(&db, &max).await.unwrap();
    let change = tokio::spawn({
        let db = db.clone();
        async move {
            let ada = caller(a.id, "ada", Role::Admin, 0);
            let mut tx = TenantTx::begin_tenant_change(&db, &ada).await.unwrap();
            let found = members::get_for_update(&mut tx, max_id).await.unwrap();
            sqlx::query(
                "update members set role = 'ReadOnly', auth_epoch = auth_epoch + 1 where id = $1",
            )
            .bind(max_id)
            .execute(tx.conn_for_tests())
            .await
            .unwrap();
            tx.commit().await.unwrap();
            found.is_some()
        }
    });
    until_waiting(&db, 1, &change, "the change").await;
    let later = tokio::spawn({
        let db = db.clone();
        let max = max.clone();
        async move { TenantTx::begin(&db, &max).await.map(drop) }
    });
    until_waiting(&db, 2, &later, "the later write").await;

    first.commit().await.unwrap();
    assert!(change.await.unwrap(), "the member was there");
    let later = later.await.unwrap();
    assert!(matches!(later, Err(DbError::StaleCaller)), "{later:?}");
}

/// A change that will be refused does not wait for the member: it is
/// checked on an unlocked read first, so a SuperUser's attempt on an Admin
/// neither waits for the Admin's write in flight (it would have waited for
/// the lock timeout and answered 409) nor holds up the Admin's next writes.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_change_that_will_be_refused_does_not_wait_for_the_member(
    _: PgPoolOptions,
    opts: PgConnectOptions,
) {
    use app::directory::{Directory, DirectoryConfig};
    use app::membership::{self, MembershipError, Requester};
    use app::policy::{MemberChange, Refusal};

    let db = app_db(&opts, 6);
    let (a, _b) = two_tenants(&db).await;
    member(&db, a.id, "ada", Role::Admin, 0).await;
    member(&db, a.id, "sue", Role::SuperUser, 0).await;
    let ada = caller(a.id, "ada", Role::Admin, 0);
    let mut look = TenantTx::begin_without_member_for_tests(&db, a.id)
        .await
        .unwrap();
    let ada_id: uuid::Uuid = sqlx::query_scalar("select id from members where cognito_sub = 'ada'")
        .fetch_one(look.conn_for_tests())
        .await
        .unwrap();
    look.rollback().await.unwrap();
    // Refused before Cognito would be called: nothing listens here.
    let directory = Directory::connect(&DirectoryConfig {
        region: "eu-west-1".into(),
        user_pool_id: "eu-west-1_Nowhere".into(),
        endpoint: Some("http://127.0.0.1:9".into()),
    })
    .await;

    let in_flight = TenantTx::begin(&db, &ada).await.unwrap();
    let sue = caller(a.id, "sue", Role::SuperUser, 0);
    let tx = TenantTx::begin_tenant_change(&db, &sue).await.unwrap();
    let by = Requester {
        role: Role::SuperUser,
        actor: app::db::audit::Actor {
            sub: "sue",
            email: "sue@example.test",
        },
    };
    let refused = membership::change(&directory, tx, by, ada_id, MemberChange::Disable).await;
    assert!(
        matches!(refused, Err(MembershipError::Refused(Refusal::AdminOnly))),
        "{refused:?}"
    );
    // Ada's next write does not wait either.
    let next = TenantTx::begin(&db, &ada).await;
    assert!(next.is_ok(), "{next:?}");
    in_flight.commit().await.unwrap();
}
