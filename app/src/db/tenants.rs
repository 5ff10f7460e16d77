//! The caller's own tenant row (row-level security shows no other).

use super::{DbError, TenantTx};
use crate::domain::TenantName;

/// Renames the tenant; returns the name it had, or `None` if the row is
/// not visible (no such tenant).
pub async fn rename(tx: &mut TenantTx, name: &TenantName) -> Result<Option<String>, DbError> {
    let before = sqlx::query_scalar!(
        r#"update tenants t set name = $1
           from (select tenant_id, name from tenants for no key update) old
           where t.tenant_id = old.tenant_id
           returning old.name as "before!""#,
        name.as_str()
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(before)
}
