//! The session store: tower-sessions' Postgres store, with one change — a
//! save only updates a row that still exists.
//!
//! tower-sessions' own `save` is an upsert. A request that loaded a session
//! before another request deleted it (a sign-out, an expiry, a disabled
//! member) would then write the row back under the old id, and the session
//! would live again. Here only `create` inserts; a deleted session stays
//! deleted.

use async_trait::async_trait;
use sqlx::PgPool;
use tower_sessions_core::session::{Id, Record};
use tower_sessions_core::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::PostgresStore;

#[derive(Clone, Debug)]
pub struct Sessions {
    inner: PostgresStore,
    pool: PgPool,
}

impl Sessions {
    pub(super) fn new(pool: PgPool) -> Self {
        Self {
            inner: PostgresStore::new(pool.clone()),
            pool,
        }
    }
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        self.inner.create(record).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data =
            rmp_serde::to_vec(record).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        sqlx::query!(
            "update tower_sessions.session set data = $2, expiry_date = $3 where id = $1",
            record.id.to_string(),
            data,
            record.expiry_date
        )
        .execute(&self.pool)
        .await
        .map_err(|e| session_store::Error::Backend(e.to_string()))?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        self.inner.load(id).await
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.inner.delete(id).await
    }
}

#[async_trait]
impl ExpiredDeletion for Sessions {
    async fn delete_expired(&self) -> session_store::Result<()> {
        self.inner.delete_expired().await
    }
}
