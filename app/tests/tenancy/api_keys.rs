//! Tenant API keys in Postgres, as the app role: a key's text proves its
//! own tenant only; a key acts with its own role (a ReadOnly key as the
//! SELECT-only database role); a revoked or expired key gets no
//! transaction; and a Cognito sub finds its one tenant.

use crate::fixtures::{app_db, sqlstate, two_tenants, until_waiting};
use app::db::{DbError, TenantTx, api_keys, members, org, projects};
use app::domain::{Description, KeyName, ProjectName};
use app::identity::{Credential, SignedIn};
use app::model::PageRequest;
use app::role::Role;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// A key of `role` made in the tenant by its Admin; its text and id.
async fn make_key(
    db: &app::db::Db,
    tenant: &crate::fixtures::Tenant,
    role: Role,
) -> (String, uuid::Uuid) {
    let admin = tenant.as_role(Role::Admin);
    let mut tx = TenantTx::begin_for_tests(db, &admin).await.unwrap();
    // Live keys' names are unique in a tenant: the first of a role is
    // "<role> key", later ones are numbered.
    let same: i64 = sqlx::query_scalar("select count(*) from api_keys where name like $1")
        .bind(format!("{role} key%"))
        .fetch_one(tx.conn_for_tests())
        .await
        .unwrap();
    let name = match same {
        0 => format!("{role} key"),
        n => format!("{role} key {}", n + 1),
    };
    let name = KeyName::parse(&name).unwrap();
    let new = api_keys::NewKey {
        name: &name,
        role,
        expires_at: None,
    };
    let (key, text) = api_keys::create(&mut tx, &admin, &new).await.unwrap();
    tx.commit().await.unwrap();
    (text, key.id)
}

async fn current_user(tx: &mut TenantTx) -> String {
    sqlx::query_scalar("select current_user::text")
        .fetch_one(tx.conn_for_tests())
        .await
        .unwrap()
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_key_proves_its_own_tenant_and_role_and_nothing_else(
    _: PgPoolOptions,
    opts: PgConnectOptions,
) {
    let db = app_db(&opts, 2);
    let (a, b) = two_tenants(&db).await;
    let (text, id) = make_key(&db, &a, Role::Member).await;

    let caller = api_keys::authenticate(&db, &text).await.unwrap().unwrap();
    assert_eq!(caller.identity.tenant_id(), a.id);
    assert_eq!(caller.identity.role(), Role::Member);
    assert_eq!(caller.credential, Credential::ApiKey(id));
    assert_eq!(caller.identity.email(), "API key “Member key”");

    // The same key id and secret, claiming tenant B: B has no such key.
    let mut bytes = URL_SAFE_NO_PAD.decode(&text["saas_".len()..]).unwrap();
    bytes[16..32].copy_from_slice(b.id.as_uuid().as_bytes());
    let forged = format!("saas_{}", URL_SAFE_NO_PAD.encode(&bytes));
    assert!(
        api_keys::authenticate(&db, &forged)
            .await
            .unwrap()
            .is_none()
    );
    // One secret byte changed: no key.
    let mut bytes = URL_SAFE_NO_PAD.decode(&text["saas_".len()..]).unwrap();
    bytes[40] ^= 1;
    let changed = format!("saas_{}", URL_SAFE_NO_PAD.encode(&bytes));
    assert!(
        api_keys::authenticate(&db, &changed)
            .await
            .unwrap()
            .is_none()
    );
    // B's own key lists in B only.
    make_key(&db, &b, Role::ReadOnly).await;
    let mut tx = TenantTx::begin_for_tests(&db, &a.as_role(Role::Admin))
        .await
        .unwrap();
    let names: Vec<String> = api_keys::list(&mut tx)
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.name)
        .collect();
    assert_eq!(names, vec!["Member key", "Seeded key"]);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_read_only_key_runs_as_the_select_only_role(_: PgPoolOptions, opts: PgConnectOptions) {
    let db = app_db(&opts, 2);
    let (a, _b) = two_tenants(&db).await;
    let (text, _) = make_key(&db, &a, Role::ReadOnly).await;
    let caller = api_keys::authenticate(&db, &text).await.unwrap().unwrap();

    let mut tx = TenantTx::begin(&db, &caller).await.unwrap();
    assert_eq!(current_user(&mut tx).await, "saas_readonly");
    let listed = projects::list(&mut tx, &Default::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.items, vec![a.project.clone()]);
    let root = org::root(&mut tx).await.unwrap();
    let refused = projects::create(
        &mut tx,
        root,
        &ProjectName::parse("Sneaky").unwrap(),
        &Description::parse("").unwrap(),
    )
    .await;
    assert!(matches!(refused, Err(DbError::Forbidden(_))), "{refused:?}");
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_member_key_writes_in_every_unit_and_deletes_no_project(
    _: PgPoolOptions,
    opts: PgConnectOptions,
) {
    let db = app_db(&opts, 2);
    let (a, _b) = two_tenants(&db).await;
    let (text, _) = make_key(&db, &a, Role::Member).await;
    let caller = api_keys::authenticate(&db, &text).await.unwrap().unwrap();

    let mut tx = TenantTx::begin(&db, &caller).await.unwrap();
    assert_eq!(current_user(&mut tx).await, "saas_app");
    let team: uuid::Uuid = sqlx::query_scalar("select id from org_units where name = 'Team'")
        .fetch_one(tx.conn_for_tests())
        .await
        .unwrap();
    let role = org::caller_role_at(&mut tx, team).await.unwrap().unwrap();
    assert_eq!(role.role, Role::Member, "a key has no assignments");
    let made = projects::create(
        &mut tx,
        team,
        &ProjectName::parse("From a key").unwrap(),
        &Description::parse("").unwrap(),
    )
    .await
    .unwrap();
    let deleted = sqlx::query("delete from projects where id = $1")
        .bind(made.id)
        .execute(tx.conn_for_tests())
        .await
        .unwrap();
    assert_eq!(deleted.rows_affected(), 0, "Member may not delete projects");
    tx.commit().await.unwrap();
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_revoked_or_expired_key_gets_no_transaction(_: PgPoolOptions, opts: PgConnectOptions) {
    let db = app_db(&opts, 2);
    let (a, _b) = two_tenants(&db).await;
    let admin = a.as_role(Role::Admin);

    for how in ["revoke", "expire"] {
        let (text, id) = make_key(&db, &a, Role::Member).await;
        let caller: SignedIn = api_keys::authenticate(&db, &text).await.unwrap().unwrap();
        let mut tx = TenantTx::begin_for_tests(&db, &admin).await.unwrap();
        match how {
            "revoke" => {
                api_keys::revoke(&mut tx, id).await.unwrap().unwrap();
                // Revoked once only.
                assert!(api_keys::revoke(&mut tx, id).await.unwrap().is_none());
            }
            _ => {
                sqlx::query(
                    "update api_keys set created_at = now() - interval '2 days',
                                         expires_at = now() - interval '1 second' where id = $1",
                )
                .bind(id)
                .execute(tx.conn_for_tests())
                .await
                .unwrap();
            }
        }
        tx.commit().await.unwrap();

        // The caller authenticated before: their next transaction is refused.
        let next = TenantTx::begin(&db, &caller).await;
        assert!(matches!(next, Err(DbError::StaleCaller)), "{how}: {next:?}");
        let read = TenantTx::begin_read(&db, &caller).await;
        assert!(matches!(read, Err(DbError::StaleCaller)), "{how}: {read:?}");
        // And the text proves nothing any more.
        assert!(
            api_keys::authenticate(&db, &text).await.unwrap().is_none(),
            "{how}"
        );
        // Keys change nothing about the tenant itself.
        let (text, _) = make_key(&db, &a, Role::Member).await;
        let live = api_keys::authenticate(&db, &text).await.unwrap().unwrap();
        let change = TenantTx::begin_tenant_change(&db, &live).await;
        assert!(matches!(change, Err(DbError::StaleCaller)));
    }
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_cognito_sub_finds_its_one_tenant(_: PgPoolOptions, opts: PgConnectOptions) {
    let db = app_db(&opts, 2);
    let (a, b) = two_tenants(&db).await;
    let member = a.as_role(Role::Member);
    // When the tokens were issued (Unix seconds).
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;

    let caller = members::by_access_token(&db, member.sub(), Role::Member, now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(caller.identity.tenant_id(), a.id);
    assert_eq!(caller.identity.email(), member.email());
    assert_eq!(caller.credential, Credential::AccessToken);
    // A transaction of theirs is the member's, in A.
    let mut tx = TenantTx::begin_read(&db, &caller).await.unwrap();
    let listed = projects::list(&mut tx, &Default::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.items, vec![a.project.clone()]);
    tx.rollback().await.unwrap();

    // The token's role must be the row's.
    assert!(
        members::by_access_token(&db, member.sub(), Role::Admin, now)
            .await
            .unwrap()
            .is_none()
    );
    // A token issued before an admin last changed the member (a disable
    // and enable, a demotion and promotion) speaks for nobody; one issued
    // after does.
    let mut tx = TenantTx::begin_without_member_for_tests(&db, a.id)
        .await
        .unwrap();
    sqlx::query("update members set changed_by_admin_at = to_timestamp($2) where cognito_sub = $1")
        .bind(member.sub())
        .bind(now as f64)
        .execute(tx.conn_for_tests())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for (issued_at, speaks) in [(now - 60, false), (now, false), (now + 1, true)] {
        let found = members::by_access_token(&db, member.sub(), Role::Member, issued_at)
            .await
            .unwrap();
        assert_eq!(
            found.is_some(),
            speaks,
            "issued {} s after the change",
            issued_at - now
        );
    }
    let now = now + 1;
    // An unknown sub, and a sub in two tenants, have no tenant.
    assert!(
        members::by_access_token(&db, "nobody", Role::Member, now)
            .await
            .unwrap()
            .is_none()
    );
    let mut tx = TenantTx::begin_without_member_for_tests(&db, b.id)
        .await
        .unwrap();
    sqlx::query("insert into members (tenant_id, cognito_sub, email, role) values ($1, $2, 'twin@b.test', 'Member')")
        .bind(b.id.as_uuid())
        .bind(member.sub())
        .execute(tx.conn_for_tests())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(
        members::by_access_token(&db, member.sub(), Role::Member, now)
            .await
            .unwrap()
            .is_none()
    );

    // A disabled member has none either.
    let other = a.as_role(Role::ReadOnly);
    let mut tx = TenantTx::begin_without_member_for_tests(&db, a.id)
        .await
        .unwrap();
    sqlx::query("update members set status = 'disabled' where cognito_sub = $1")
        .bind(other.sub())
        .execute(tx.conn_for_tests())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(
        members::by_access_token(&db, other.sub(), Role::ReadOnly, now)
            .await
            .unwrap()
            .is_none()
    );

    // The index is the app role's to ask, never to read.
    let mut tx = TenantTx::begin_for_tests(&db, &member).await.unwrap();
    let read = sqlx::query("select * from member_homes")
        .execute(tx.conn_for_tests())
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&read).as_deref(), Some("42501"));
}

/// A revoke is not held off by the key's own writes: once it waits for the
/// write under way, a write that starts later waits behind it and then finds
/// the key revoked. (With row locks alone, the later write's KEY SHARE lock
/// slipped past the revoke's waiting FOR UPDATE, so overlapping writes could
/// keep a revoke waiting until its lock timeout.)
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_revoke_waiting_for_a_write_goes_before_later_writes(
    _: PgPoolOptions,
    opts: PgConnectOptions,
) {
    // The first write, the change, the later write and the watcher each
    // hold a connection.
    let db = app_db(&opts, 6);
    let (a, _b) = two_tenants(&db).await;
    let (text, id) = make_key(&db, &a, Role::Member).await;
    let caller = api_keys::authenticate(&db, &text).await.unwrap().unwrap();
    let admin = a.as_role(Role::Admin);

    let first = TenantTx::begin(&db, &caller).await.unwrap();
    let revoke = tokio::spawn({
        let db = db.clone();
        async move {
            let mut tx = TenantTx::begin_for_tests(&db, &admin).await.unwrap();
            let revoked = api_keys::revoke(&mut tx, id).await.unwrap();
            tx.commit().await.unwrap();
            revoked.is_some()
        }
    });
    until_waiting(&db, 1, &revoke, "the revoke").await;
    let later = tokio::spawn({
        let db = db.clone();
        let caller = caller.clone();
        async move { TenantTx::begin(&db, &caller).await.map(drop) }
    });
    until_waiting(&db, 2, &later, "the later write").await;

    first.commit().await.unwrap();
    assert!(revoke.await.unwrap(), "the key was live until the revoke");
    let later = later.await.unwrap();
    assert!(matches!(later, Err(DbError::StaleCaller)), "{later:?}");
}
