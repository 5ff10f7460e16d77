//! `TenantTx`: a transaction bound to one tenant, the only way to tenant data.
//! A caller's transaction re-checks the caller's member row before anything
//! else — under a lock when it may write — so no request acts on a role it
//! no longer has.

use super::{Db, DbError};
#[cfg(feature = "test-support")]
use crate::identity::Identity;
use crate::identity::{Credential, SignedIn, TenantId};
use crate::role::Role;
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
    /// Opens a transaction for the caller's tenant, after checking the
    /// caller's member row inside it (see [`Start::Caller`]), and names the
    /// caller to row-level security (`app.member_id`), which decides by
    /// their effective role at each project's unit. A caller who may write
    /// nowhere (a ReadOnly tenant role and no assignment above ReadOnly)
    /// gets the SELECT-only database role, so even a buggy write path
    /// cannot change anything.
    pub async fn begin(db: &Db, caller: &SignedIn) -> Result<Self, DbError> {
        Self::begin_checked(db, caller, Start::Caller).await
    }

    /// Opens a transaction that only reads: the caller's row is checked as
    /// in [`begin`](Self::begin) but not locked, and the transaction runs as
    /// the SELECT-only database role whatever the caller's role, so Postgres
    /// refuses any write in it.
    ///
    /// No lock because a read has nothing to commit after a change to the
    /// caller: it reads a snapshot taken after the check. And a shared row
    /// lock is not free: every concurrent request of one member locking the
    /// same row makes Postgres record the lockers in a multixact.
    pub async fn begin_read(db: &Db, caller: &SignedIn) -> Result<Self, DbError> {
        Self::begin_checked(db, caller, Start::Read).await
    }

    /// Opens a transaction for a change to the tenant itself — its members,
    /// its profile — holding the tenant's row lock first (see
    /// [`Start::TenantChange`]): such changes run one at a time per tenant.
    pub async fn begin_tenant_change(
        db: &Db,
        caller: &SignedIn,
    ) -> Result<TenantChangeTx, DbError> {
        let tx = Self::begin_checked(db, caller, Start::TenantChange).await?;
        Ok(TenantChangeTx(tx))
    }

    async fn begin_checked(db: &Db, caller: &SignedIn, start: Start) -> Result<Self, DbError> {
        let who = &caller.identity;
        if let Credential::ApiKey(key) = caller.credential {
            return Self::begin_as_key(db, who, key, start).await;
        }
        let check = CallerCheck {
            sub: who.sub().to_owned(),
        };
        // Whether the caller may write at all is Postgres's call (their
        // tenant role and their assignments, see `app.enter_tenant`); here
        // only "this transaction just reads".
        let read_only = start == Start::Read;
        let (tx, found) =
            Self::open_task(&db.pool, who.tenant_id(), start, Some(check), read_only).await?;
        let current = found.flatten().is_some_and(|row| {
            row.active && row.auth_epoch == caller.auth_epoch && row.role == who.role()
        });
        if !current {
            // Dropping `tx` rolls it back.
            tracing::info!("the caller's member row changed since the session was checked");
            return Err(DbError::StaleCaller);
        }
        Ok(tx)
    }

    /// A key's transaction: the key is read again inside it (locked when the
    /// transaction may write, see `app.enter_tenant_as_key`) and must still
    /// be live with the role it had when the request was authenticated, so
    /// a revoke or an expiry stops the very next transaction. Keys change
    /// nothing about the tenant itself: no tenant-change transaction.
    async fn begin_as_key(
        db: &Db,
        who: &crate::identity::Identity,
        key: uuid::Uuid,
        start: Start,
    ) -> Result<Self, DbError> {
        if start == Start::TenantChange {
            tracing::warn!("an API key asked for a tenant-change transaction");
            return Err(DbError::StaleCaller);
        }
        let tenant = who.tenant_id();
        let pool = db.pool.clone();
        let lock = start != Start::Read;
        let read_only = start == Start::Read;
        let (tx, role) = opening(async move {
            let mut tx = pool.begin().await?;
            let role = sqlx::query_scalar!(
                r#"select key_role as "role: Role"
                   from app.enter_tenant_as_key($1, $2, $3, $4, $5)"#,
                tenant.as_uuid(),
                key,
                lock,
                read_only,
                LOCK_TIMEOUT
            )
            .fetch_one(&mut *tx)
            .await?;
            Ok((tx, role))
        })
        .await?;
        if role != Some(who.role()) {
            tracing::info!(%key, "the API key was revoked, expired or changed");
            return Err(DbError::StaleCaller);
        }
        Ok(Self { tx, tenant })
    }

    /// An identity's transaction without the session check, for the
    /// repositories' own tests (which have no sessions): it acts as the
    /// member with the identity's sub, if the tenant has one. Test builds
    /// only.
    #[cfg(feature = "test-support")]
    pub async fn begin_for_tests(db: &Db, who: &Identity) -> Result<Self, DbError> {
        let acting = CallerCheck {
            sub: who.sub().to_owned(),
        };
        let (tx, _) = Self::open_task(
            &db.pool,
            who.tenant_id(),
            Start::Caller,
            Some(acting),
            false,
        )
        .await?;
        Ok(tx)
    }

    /// A transaction for `tenant` that names no member (as sign-in's and
    /// onboarding's do), for tests to set up members in. Test builds only.
    #[cfg(feature = "test-support")]
    pub async fn begin_without_member_for_tests(
        db: &Db,
        tenant: TenantId,
    ) -> Result<Self, DbError> {
        Self::begin_for(&db.pool, tenant, false).await
    }

    /// Opens a transaction for `tenant`, with no caller: no member is named,
    /// so row-level security shows no project or task in it. Private to
    /// `db`: the session check itself, sign-in and onboarding use it;
    /// outside `db`, a transaction always comes from a caller.
    pub(super) async fn begin_for(
        pool: &PgPool,
        tenant: TenantId,
        read_only: bool,
    ) -> Result<Self, DbError> {
        let (tx, _) = Self::open_task(pool, tenant, Start::Caller, None, read_only).await?;
        Ok(tx)
    }

    /// Opens a transaction for `tenant` acting as its member with Cognito
    /// sub `sub`, unchecked against any session: the operator's commands,
    /// which act as a member they have just made. Private to `db`.
    pub(super) async fn begin_as(
        pool: &PgPool,
        tenant: TenantId,
        sub: &str,
    ) -> Result<Self, DbError> {
        let acting = CallerCheck {
            sub: sub.to_owned(),
        };
        // The tenant's row first, then the member's gate and row: the one
        // order every transaction takes them in.
        let (tx, _) =
            Self::open_task(pool, tenant, Start::TenantChange, Some(acting), false).await?;
        Ok(tx)
    }

    async fn open_task(
        pool: &PgPool,
        tenant: TenantId,
        start: Start,
        check: Option<CallerCheck>,
        read_only: bool,
    ) -> Result<(Self, Option<Option<CallerRow>>), DbError> {
        let pool = pool.clone();
        // BEGIN and the settings run in a task of their own, so that a caller
        // dropped half-way (a client that went away, a timeout) cannot
        // interrupt them: sqlx 0.8 can return a connection to the pool inside
        // a transaction when `begin()` is cancelled (sqlx issues #4385 and
        // #4393). The task always finishes; if nobody awaits the result, the
        // transaction is dropped, which rolls it back.
        let (tx, found) = opening(open(pool, tenant, start, check, read_only)).await?;
        Ok((Self { tx, tenant }, found))
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

/// How long a statement waits for a row lock before it fails (SQLSTATE
/// 55P03, answered 409).
const LOCK_TIMEOUT: &str = "5s";

/// Runs `begin`, which opens a transaction and enters the tenant, in a task
/// of its own (see `TenantTx::open_task` for why).
async fn opening<T: Send + 'static>(
    begin: impl Future<Output = Result<(Transaction<'static, Postgres>, T), sqlx::Error>>
    + Send
    + 'static,
) -> Result<(Transaction<'static, Postgres>, T), DbError> {
    match tokio::spawn(begin).await {
        Ok(opened) => Ok(opened?),
        Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
        // Only a runtime shutting down cancels the task.
        Err(_) => Err(DbError::Unavailable(sqlx::Error::WorkerCrashed)),
    }
}

/// How a transaction takes its first locks. Every transaction of a caller
/// takes them in this one order — the tenant's row (tenant changes only),
/// then the caller's gate and member row (or the key's), then whatever rows
/// the work touches — so two requests never wait for each other in a
/// circle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Start {
    /// The caller's member row read, not locked: a transaction that only
    /// reads (see [`TenantTx::begin_read`]).
    Read,
    /// The caller's gate (`app.lock_member_gate`) shared, then their member
    /// row `FOR SHARE`: a change to the caller (a demotion, a disable, a
    /// removal) waits until this transaction ends, and a transaction that
    /// starts while such a change waits or after it committed sees it and
    /// is refused. Shared locks do not block each other, so one member's
    /// requests still run side by side.
    Caller,
    /// First the tenant's row `FOR NO KEY UPDATE`, the per-tenant mutex of
    /// member and profile changes, then the caller's row as above. (`NO KEY`
    /// leaves the foreign-key checks of ordinary inserts, which take `KEY
    /// SHARE` on the tenant row, unblocked.)
    TenantChange,
}

/// Whose member row to check.
struct CallerCheck {
    sub: String,
}

/// The caller's member row as the transaction sees it, under its lock.
struct CallerRow {
    role: Role,
    active: bool,
    auth_epoch: i64,
}

/// BEGIN, the transaction-local settings and the first locks (see
/// [`Start`]). Runs in its own task (above). With a check, also returns the
/// caller's row (`None` inside when it is gone).
///
/// Two round trips: BEGIN, then `app.enter_tenant`, which sets the tenant
/// and the lock timeout, takes the locks in [`Start`]'s order, reads the
/// caller's row and names them as the acting member and, last, switches a
/// caller who may write nowhere to the SELECT-only role (which may not lock
/// rows) — see its migrations.
async fn open(
    pool: PgPool,
    tenant: TenantId,
    start: Start,
    check: Option<CallerCheck>,
    read_only: bool,
) -> Result<(Transaction<'static, Postgres>, Option<Option<CallerRow>>), sqlx::Error> {
    let mut tx = pool.begin().await?;
    let conn: &mut PgConnection = &mut tx;
    // The lock timeout bounds how long a request waits behind another's row
    // lock (a member change waiting for Cognito, say) before it gives up
    // with a 409, instead of holding its pooled connection for as long as
    // the other takes.
    let entered = sqlx::query!(
        r#"select caller_role as "role: Role", caller_active as "active", caller_epoch as "auth_epoch"
           from app.enter_tenant($1, $2, $3, $4, $5, $6)"#,
        tenant.as_uuid(),
        check.as_ref().map(|check| check.sub.as_str()),
        start == Start::TenantChange,
        start != Start::Read,
        read_only,
        LOCK_TIMEOUT
    )
    .fetch_one(&mut *conn)
    .await?;
    let found = check.map(
        |_| match (entered.role, entered.active, entered.auth_epoch) {
            (Some(role), Some(active), Some(auth_epoch)) => Some(CallerRow {
                role,
                active,
                auth_epoch,
            }),
            _ => None,
        },
    );
    Ok((tx, found))
}

impl std::fmt::Debug for TenantTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantTx")
            .field("tenant", &self.tenant)
            .finish()
    }
}

/// A [`TenantTx`] that holds its tenant's row lock: made by
/// [`TenantTx::begin_tenant_change`] (or by onboarding, whose new tenant row
/// is its own). Member and profile changes take one, so they run one at a
/// time per tenant and each sees the last one's result.
#[derive(Debug)]
pub struct TenantChangeTx(TenantTx);

impl TenantChangeTx {
    /// A transaction that already holds its tenant's row: it inserted it
    /// (onboarding) or locked it (the operator's commands).
    pub(super) fn holding_tenant_row(tx: TenantTx) -> Self {
        Self(tx)
    }

    pub async fn commit(self) -> Result<(), DbError> {
        self.0.commit().await
    }

    pub async fn rollback(self) -> Result<(), DbError> {
        self.0.rollback().await
    }
}

impl std::ops::Deref for TenantChangeTx {
    type Target = TenantTx;
    fn deref(&self) -> &TenantTx {
        &self.0
    }
}

impl std::ops::DerefMut for TenantChangeTx {
    fn deref_mut(&mut self) -> &mut TenantTx {
        &mut self.0
    }
}
