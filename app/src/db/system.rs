//! The system entry: database work that belongs to no tenant — onboarding a
//! tenant, and the session store.
//!
//! Everything here is reviewed as privileged code. It still runs as the app
//! role under row-level security; it differs from `TenantTx::begin` only in
//! where the tenant id comes from.

use super::{Db, DbError, TenantTx};
use crate::domain::TenantName;
use crate::identity::TenantId;
use uuid::Uuid;

pub use super::sessions::Sessions as SessionStore;

/// Creates a tenant and returns its id (operator onboarding).
///
/// The new row is written inside a transaction bound to the new id, so the
/// tenants table's policy accepts it exactly as it would any other tenant's
/// own row: no policy has an exception for onboarding.
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

/// The server-side session store (tower-sessions), on the app role's pool.
/// Sessions are not tenant data (see the sessions migration); the store only
/// ever touches `tower_sessions.session`.
pub fn session_store(db: &Db) -> SessionStore {
    SessionStore::new(db.pool.clone())
}
