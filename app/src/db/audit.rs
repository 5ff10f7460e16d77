//! The audit trail: one row per change, written inside the change's own
//! transaction, so a change and its record commit or roll back together.

use super::{DbError, TenantTx};
use crate::identity::Identity;

/// What happened, to what.
pub struct Entry<'a> {
    /// `<target>.<verb>`, e.g. `project.create`.
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: Option<String>,
    /// A short before/after summary.
    pub summary: serde_json::Value,
}

pub async fn record(tx: &mut TenantTx, actor: &Identity, entry: Entry<'_>) -> Result<(), DbError> {
    sqlx::query!(
        "insert into audit_log (tenant_id, actor_sub, actor_email, action, target_type, target_id, summary)
         values ($1, $2, $3, $4, $5, $6, $7)",
        tx.tenant_id().as_uuid(),
        actor.sub(),
        actor.email(),
        entry.action,
        entry.target_type,
        entry.target_id,
        entry.summary
    )
    .execute(tx.conn())
    .await?;
    Ok(())
}
