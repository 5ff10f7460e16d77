//! Members' mirror rows, as sign-in and the per-request session check use
//! them. Cognito owns the users; each tenant keeps a row per member so that
//! the app can disable someone, or end their sessions (`auth_epoch`), at once.

use super::{Db, DbError, TenantTx};
use crate::identity::Identity;
use crate::model::Member;
use uuid::Uuid;

/// What a sign-in found.
#[derive(Debug, PartialEq, Eq)]
pub enum SignIn {
    /// The member row is current; the session records this epoch.
    Recorded {
        tenant_name: String,
        auth_epoch: i64,
    },
    /// The claim names no tenant this deployment has.
    UnknownTenant,
    /// The tenant's admin disabled this member.
    Disabled,
}

/// The state of a signed-in member's row, read on every request.
#[derive(Debug, PartialEq, Eq)]
pub enum Standing {
    Active {
        auth_epoch: i64,
    },
    Disabled,
    /// No row: the member was removed.
    Missing,
}

/// Records a sign-in: creates or refreshes the member's row (email, role,
/// last sign-in) in the claim's tenant.
///
/// Because any Cognito user whose claim names the tenant gets a row here,
/// removing a member must also delete (or disable) their Cognito user;
/// deleting the row alone ends their sessions but not their next sign-in.
///
/// It writes for every role, ReadOnly included — keeping the mirror row
/// current is the sign-in's bookkeeping, not a change the caller makes — so
/// it opens its transaction without the read-only role.
pub async fn record_sign_in(db: &Db, who: &Identity) -> Result<SignIn, DbError> {
    let mut tx = TenantTx::begin_for(&db.pool, who.tenant_id(), false).await?;
    // Row-level security shows the claim's own tenant row or nothing.
    let Some(tenant_name) = sqlx::query_scalar!("select name from tenants")
        .fetch_optional(tx.conn())
        .await?
    else {
        return Ok(SignIn::UnknownTenant);
    };
    let row = sqlx::query!(
        r#"insert into members (tenant_id, cognito_sub, email, role, last_sign_in_at)
           values ($1, $2, $3, $4, now())
           on conflict (tenant_id, cognito_sub) do update
              set email = excluded.email, role = excluded.role,
                  last_sign_in_at = now(), updated_at = now()
           returning status, auth_epoch"#,
        who.tenant_id().as_uuid(),
        who.sub(),
        who.email(),
        who.role().as_str()
    )
    .fetch_one(tx.conn())
    .await?;
    if row.status != "active" {
        // Nothing to keep: the member may not sign in.
        tx.rollback().await?;
        return Ok(SignIn::Disabled);
    }
    tx.commit().await?;
    Ok(SignIn::Recorded {
        tenant_name,
        auth_epoch: row.auth_epoch,
    })
}

/// The caller's member row as it stands now.
pub async fn standing(db: &Db, who: &Identity) -> Result<Standing, DbError> {
    let mut tx = TenantTx::begin(db, who).await?;
    let row = sqlx::query!(
        "select status, auth_epoch from members where cognito_sub = $1",
        who.sub()
    )
    .fetch_optional(tx.conn())
    .await?;
    tx.commit().await?;
    Ok(match row {
        None => Standing::Missing,
        Some(row) if row.status == "active" => Standing::Active {
            auth_epoch: row.auth_epoch,
        },
        Some(_) => Standing::Disabled,
    })
}

/// The tenant's members, by email: who a task can be assigned to.
pub async fn list(tx: &mut TenantTx) -> Result<Vec<Member>, DbError> {
    let members = sqlx::query_as!(
        Member,
        r#"select id, email, display_name, status = 'active' as "active!"
           from members order by lower(email), id"#
    )
    .fetch_all(tx.conn())
    .await?;
    Ok(members)
}

/// The tenant's member with this id, if there is one.
pub async fn get(tx: &mut TenantTx, id: Uuid) -> Result<Option<Member>, DbError> {
    let member = sqlx::query_as!(
        Member,
        r#"select id, email, display_name, status = 'active' as "active!"
           from members where id = $1"#,
        id
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(member)
}
