//! The session store: sessions in `tower_sessions.session`, the table
//! tower-sessions' Postgres store uses, with two changes.
//!
//! - Every record is sealed at rest ([`SessionKeys`]): the table holds
//!   refresh tokens, which the app role can read across tenants. A row that
//!   does not open (another key, tampered, moved to another id) is no
//!   session: its cookie is treated as signed out.
//! - A save only updates a row that still exists. tower-sessions' own `save`
//!   is an upsert: a request that loaded a session before another request
//!   deleted it (a sign-out, an expiry, a disabled member) would then write
//!   the row back under the old id, and the session would live again. Here
//!   only `create` inserts; a deleted session stays deleted.

use super::session_keys::SessionKeys;
use async_trait::async_trait;
use sqlx::PgPool;
use time::OffsetDateTime;
use tower_sessions_core::session::{Id, Record};
use tower_sessions_core::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::PostgresStore;

#[derive(Clone, Debug)]
pub struct Sessions {
    /// For deleting, which needs no key.
    inner: PostgresStore,
    pool: PgPool,
    keys: SessionKeys,
}

impl Sessions {
    pub(super) fn new(pool: PgPool, keys: SessionKeys) -> Self {
        Self {
            inner: PostgresStore::new(pool.clone()),
            pool,
            keys,
        }
    }

    fn seal(&self, record: &Record) -> session_store::Result<Vec<u8>> {
        let plain =
            rmp_serde::to_vec(record).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        Ok(self.keys.seal(&record.id.to_string(), &plain))
    }
}

fn backend(error: sqlx::Error) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A fresh random id until one is free (a clash is all but
        // impossible; the loop is what makes it harmless). The id is sealed
        // into the record, so each try seals again.
        loop {
            let data = self.seal(record)?;
            let inserted = sqlx::query!(
                "insert into tower_sessions.session (id, data, expiry_date) values ($1, $2, $3)
                 on conflict (id) do nothing",
                record.id.to_string(),
                data,
                record.expiry_date
            )
            .execute(&self.pool)
            .await
            .map_err(backend)?;
            if inserted.rows_affected() == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = self.seal(record)?;
        sqlx::query!(
            "update tower_sessions.session set data = $2, expiry_date = $3 where id = $1",
            record.id.to_string(),
            data,
            record.expiry_date
        )
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let id = id.to_string();
        let data = sqlx::query_scalar!(
            "select data from tower_sessions.session where id = $1 and expiry_date > $2",
            id,
            OffsetDateTime::now_utc()
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        let Some(data) = data else {
            return Ok(None);
        };
        let Some(plain) = self.keys.open(&id, &data) else {
            // Sealed with a key no longer configured, or not by us at all.
            tracing::warn!("a session row does not open with the configured keys; ignoring it");
            return Ok(None);
        };
        let record = rmp_serde::from_slice(&plain)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(record))
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
