//! `TenantTx`: a transaction bound to one tenant, the only way to tenant data.

use super::{Db, DbError};
use crate::identity::{Identity, TenantId};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};

/// A transaction in which `app.tenant_id` is set to one tenant, so row-level
/// security shows and accepts that tenant's rows only.
///
/// The setting is made with `set_config(…, true)`: local to the transaction,
/// so it ends with the commit or rollback and a pooled connection never
/// carries one tenant's setting into another's request.
///
/// Dropping a `TenantTx` without [`commit`](Self::commit) rolls it back.
pub struct TenantTx {
    tx: Transaction<'static, Postgres>,
    tenant: TenantId,
}

impl TenantTx {
    /// Opens a transaction for the caller's tenant. A ReadOnly caller's
    /// transaction also switches to the SELECT-only database role, so even a
    /// buggy write path cannot change anything.
    pub async fn begin(db: &Db, who: &Identity) -> Result<Self, DbError> {
        let read_only = !who.role().can_write();
        Self::begin_for(&db.pool, who.tenant_id(), read_only).await
    }

    /// Opens a transaction for `tenant`. Private to `db`: outside it, the
    /// tenant always comes from an `Identity`.
    pub(super) async fn begin_for(
        pool: &PgPool,
        tenant: TenantId,
        read_only: bool,
    ) -> Result<Self, DbError> {
        let pool = pool.clone();
        // BEGIN and the settings run in a task of their own, so that a caller
        // dropped half-way (a client that went away, a timeout) cannot
        // interrupt them: sqlx 0.8 can return a connection to the pool inside
        // a transaction when `begin()` is cancelled (sqlx issues #4385 and
        // #4393). The task always finishes; if nobody awaits the result, the
        // transaction is dropped, which rolls it back.
        let opened = tokio::spawn(open(pool, tenant, read_only)).await;
        match opened {
            Ok(Ok(tx)) => Ok(Self { tx, tenant }),
            Ok(Err(error)) => Err(error.into()),
            Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
            // Only a runtime shutting down cancels the task.
            Err(_) => Err(DbError::Unavailable(sqlx::Error::WorkerCrashed)),
        }
    }

    /// The tenant this transaction is bound to.
    pub fn tenant_id(&self) -> TenantId {
        self.tenant
    }

    pub async fn commit(self) -> Result<(), DbError> {
        self.tx.commit().await?;
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), DbError> {
        self.tx.rollback().await?;
        Ok(())
    }

    /// The connection, for the repositories in `db` only.
    pub(super) fn conn(&mut self) -> &mut PgConnection {
        &mut self.tx
    }

    /// The connection, for tests that try what no repository would (writing
    /// another tenant's id, say). Test builds only.
    #[cfg(feature = "test-support")]
    pub fn conn_for_tests(&mut self) -> &mut PgConnection {
        &mut self.tx
    }
}

/// BEGIN, then the transaction-local settings. Runs in its own task (above).
async fn open(
    pool: PgPool,
    tenant: TenantId,
    read_only: bool,
) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let conn: &mut PgConnection = &mut tx;
    sqlx::query_scalar!(
        "select set_config('app.tenant_id', $1, true)",
        tenant.to_string()
    )
    .fetch_one(&mut *conn)
    .await?;
    if read_only {
        sqlx::query("set local role saas_readonly")
            .execute(&mut *conn)
            .await?;
    }
    Ok(tx)
}

impl std::fmt::Debug for TenantTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantTx")
            .field("tenant", &self.tenant)
            .finish()
    }
}
