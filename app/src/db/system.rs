//! The system entry: database work that belongs to no tenant — onboarding a
//! tenant, and the session store.
//!
//! Everything here is reviewed as privileged code. It still runs as the app
//! role under row-level security; it differs from `TenantTx::begin` only in
//! where the tenant id comes from.

use super::{Db, DbError, TenantChangeTx, TenantTx};
use crate::domain::TenantName;
pub use crate::identity::TenantId;
use uuid::Uuid;

pub use super::sessions::Sessions as SessionStore;

/// A fresh tenant id.
pub fn new_tenant_id() -> TenantId {
    TenantId::from_uuid(Uuid::new_v4())
}

/// Creates a tenant and returns its id: the repository tests' fixture (the
/// product onboards through [`begin_new_tenant`], which also adds the first
/// Admin). Test builds only.
///
/// The new row is written inside a transaction bound to the new id, so the
/// tenants table's policy accepts it exactly as it would any other tenant's
/// own row: no policy has an exception for onboarding.
#[cfg(feature = "test-support")]
pub async fn create_tenant(db: &Db, name: &TenantName) -> Result<TenantId, DbError> {
    let tenant = TenantId::from_uuid(Uuid::new_v4());
    let mut tx = TenantTx::begin_for(&db.pool, tenant, false).await?;
    sqlx::query!(
        "insert into tenants (tenant_id, name) values ($1, $2)",
        tenant.as_uuid(),
        name.as_str()
    )
    .execute(tx.conn())
    .await?;
    tx.commit().await?;
    Ok(tenant)
}

/// Starts onboarding a tenant: a transaction bound to `tenant` in which its
/// row is already written, with an audit entry by the operator. The caller
/// adds the first Admin in the same transaction and commits, so a tenant
/// never exists without one. The new row is locked by its insert, so this
/// is a tenant change like any other.
pub async fn begin_new_tenant(
    db: &Db,
    tenant: TenantId,
    name: &TenantName,
) -> Result<TenantChangeTx, DbError> {
    let mut tx = TenantTx::begin_for(&db.pool, tenant, false).await?;
    sqlx::query!(
        "insert into tenants (tenant_id, name) values ($1, $2)",
        tenant.as_uuid(),
        name.as_str()
    )
    .execute(tx.conn())
    .await?;
    let entry = super::audit::Entry {
        action: crate::audit_action::AuditAction::TenantCreate,
        target_id: Some(tenant.to_string()),
        summary: serde_json::json!({ "name": name.as_str() }),
    };
    super::audit::record(&mut tx, super::audit::Actor::OPERATOR, entry).await?;
    Ok(TenantChangeTx::holding_tenant_row(tx))
}

/// A transaction in an existing `tenant` for the operator's commands (the
/// demo seed's members and projects), holding the tenant's row lock like
/// every member change; `None` if there is no such tenant.
pub async fn operator_tx(db: &Db, tenant: TenantId) -> Result<Option<TenantChangeTx>, DbError> {
    let mut tx = TenantTx::begin_for(&db.pool, tenant, false).await?;
    let locked = sqlx::query_scalar!("select tenant_id from tenants for no key update")
        .fetch_optional(tx.conn())
        .await?;
    Ok(locked.map(|_| TenantChangeTx::holding_tenant_row(tx)))
}

/// Like [`operator_tx`], acting as the tenant's member with Cognito sub
/// `sub` (projects and tasks are written as somebody: row-level security
/// allows them by that member's role). The demo seed's projects use it.
pub async fn operator_tx_as(
    db: &Db,
    tenant: TenantId,
    sub: &str,
) -> Result<Option<TenantChangeTx>, DbError> {
    let mut tx = TenantTx::begin_as(&db.pool, tenant, sub).await?;
    let locked = sqlx::query_scalar!("select tenant_id from tenants for no key update")
        .fetch_optional(tx.conn())
        .await?;
    Ok(locked.map(|_| TenantChangeTx::holding_tenant_row(tx)))
}

/// The server-side session store (tower-sessions), on the app role's pool,
/// sealing every record with `keys`. Sessions are not tenant data (see the
/// sessions migration); the store only ever touches `tower_sessions.session`.
pub fn session_store(db: &Db, keys: super::SessionKeys) -> SessionStore {
    SessionStore::new(db.pool.clone(), keys)
}
