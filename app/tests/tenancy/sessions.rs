//! The session store works as the app role, and only as the app role.

use crate::fixtures::{app_db, sqlstate, two_tenants};
use app::db::{SessionKeys, TenantTx, system};
use app::role::Role;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use time::{Duration, OffsetDateTime};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{ExpiredDeletion, SessionStore};

const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const OTHER_KEY: &str = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

fn keys() -> SessionKeys {
    SessionKeys::from_base64(KEY, &[]).unwrap()
}

fn record(expires_in: Duration) -> Record {
    let mut record = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: OffsetDateTime::now_utc() + expires_in,
    };
    record.data.insert("who".into(), serde_json::json!("ada"));
    record
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn sessions_are_created_loaded_and_deleted_by_the_app_role(
    _: PgPoolOptions,
    opts: PgConnectOptions,
) {
    let db = app_db(&opts, 1);
    let store = system::session_store(&db, keys());
    let mut live = record(Duration::hours(1));
    let mut stale = record(Duration::seconds(-1));

    store.create(&mut live).await.unwrap();
    store.create(&mut stale).await.unwrap();
    let loaded = store.load(&live.id).await.unwrap();
    let expired = store.load(&stale.id).await.unwrap();
    store.delete_expired().await.unwrap();
    let left: i64 = sqlx::query_scalar("select count(*) from tower_sessions.session")
        .fetch_one(db.pool_for_tests())
        .await
        .unwrap();
    store.delete(&live.id).await.unwrap();

    assert_eq!(loaded.map(|r| r.data), Some(live.data.clone()));
    assert!(expired.is_none(), "an expired session does not load");
    assert_eq!(left, 1, "the sweep deleted the expired row only");
    assert!(store.load(&live.id).await.unwrap().is_none());
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_save_updates_but_never_brings_back_a_deleted_session(
    _: PgPoolOptions,
    opts: PgConnectOptions,
) {
    let db = app_db(&opts, 1);
    let store = system::session_store(&db, keys());
    let mut session = record(Duration::hours(1));
    store.create(&mut session).await.unwrap();

    session
        .data
        .insert("who".into(), serde_json::json!("grace"));
    store.save(&session).await.unwrap();
    let updated = store.load(&session.id).await.unwrap().unwrap();

    // Signed out by one request while another, which loaded it earlier,
    // saves it on its way out.
    store.delete(&session.id).await.unwrap();
    store.save(&session).await.unwrap();

    assert_eq!(updated.data["who"], serde_json::json!("grace"));
    assert!(
        store.load(&session.id).await.unwrap().is_none(),
        "a save re-created a deleted session"
    );
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_read_only_transaction_cannot_touch_sessions(_: PgPoolOptions, opts: PgConnectOptions) {
    let db = app_db(&opts, 1);
    let (a, _b) = two_tenants(&db).await;
    let mut tx = TenantTx::begin_for_tests(&db, &a.as_role(Role::ReadOnly))
        .await
        .unwrap();

    let error = sqlx::query("select count(*) from tower_sessions.session")
        .execute(tx.conn_for_tests())
        .await
        .unwrap_err();

    assert_eq!(sqlstate(&error).as_deref(), Some("42501"));
}

/// SECURITY: a session row holds the refresh token; the table shows none of
/// it, and a row only opens under the id and key it was sealed with.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn stored_sessions_are_sealed(_: PgPoolOptions, opts: PgConnectOptions) {
    let db = app_db(&opts, 1);
    let store = system::session_store(&db, keys());
    let mut session = record(Duration::hours(1));
    session
        .data
        .insert("refresh_token".into(), serde_json::json!("rt-secret-42"));
    store.create(&mut session).await.unwrap();
    let mut other = record(Duration::hours(1));
    store.create(&mut other).await.unwrap();

    let stored: Vec<u8> =
        sqlx::query_scalar("select data from tower_sessions.session where id = $1")
            .bind(session.id.to_string())
            .fetch_one(db.pool_for_tests())
            .await
            .unwrap();
    for clear in [&b"rt-secret-42"[..], b"refresh_token", b"ada"] {
        assert!(
            !stored.windows(clear.len()).any(|w| w == clear),
            "{} stored in clear",
            String::from_utf8_lossy(clear)
        );
    }
    // Another key (a deployment that lost or replaced it) opens nothing;
    // as a previous key during a rotation it still does.
    let replaced = system::session_store(&db, SessionKeys::from_base64(OTHER_KEY, &[]).unwrap());
    assert!(replaced.load(&session.id).await.unwrap().is_none());
    let rotating = system::session_store(&db, SessionKeys::from_base64(OTHER_KEY, &[KEY]).unwrap());
    assert!(rotating.load(&session.id).await.unwrap().is_some());
    // Session A's sealed data copied into session B's row does not load.
    sqlx::query("update tower_sessions.session set data = $1 where id = $2")
        .bind(&stored)
        .bind(other.id.to_string())
        .execute(db.pool_for_tests())
        .await
        .unwrap();
    assert!(store.load(&other.id).await.unwrap().is_none());
    assert!(store.load(&session.id).await.unwrap().is_some());
}
