//! Members' mirror rows, as sign-in and the per-request session check use
//! them. Cognito owns the users; each tenant keeps a row per member so that
//! the app can disable someone, or end their sessions (`auth_epoch`), at once.

use super::{Db, DbError, TenantChangeTx, TenantTx};
use crate::identity::Identity;
use crate::model::{Member, MemberDetail, PageRequest, Paged};
use crate::role::Role;
use time::OffsetDateTime;
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
    /// The token was issued before an admin changed this member's role,
    /// and names the old one: a fresh sign-in gets the new one.
    StaleToken,
}

/// The state of a signed-in member's row, read on every request.
#[derive(Debug, PartialEq, Eq)]
pub enum Standing {
    Active {
        auth_epoch: i64,
        role: Role,
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
///
/// The role follows the token, except that a token issued (`issued_at`,
/// Unix seconds) before the row's last change cannot bring back another
/// role: a sign-in racing a demotion would otherwise restore the old role
/// on the mirror row, with the new `auth_epoch`.
pub async fn record_sign_in(db: &Db, who: &Identity, issued_at: i64) -> Result<SignIn, DbError> {
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
                  last_sign_in_at = now(), invited_at = null, updated_at = now()
              where members.role = excluded.role
                 or members.changed_by_admin_at < to_timestamp($5::bigint)
           returning status as "status: Status", auth_epoch"#,
        who.tenant_id().as_uuid(),
        who.sub(),
        who.email(),
        who.role().as_str(),
        issued_at
    )
    .fetch_optional(tx.conn())
    .await?;
    let Some(row) = row else {
        tx.rollback().await?;
        return Ok(SignIn::StaleToken);
    };
    if row.status != Status::Active {
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

/// After a token refresh that brought another role (a group changed in
/// Cognito directly): moves the member's row to it, so the row and the
/// session agree again. Refused — `false` — when the row changed after the
/// token was issued (`issued_at`, Unix seconds), as at sign-in.
pub async fn follow_role(db: &Db, who: &Identity, issued_at: i64) -> Result<bool, DbError> {
    let mut tx = TenantTx::begin_for(&db.pool, who.tenant_id(), false).await?;
    let followed = sqlx::query_scalar!(
        r#"update members set role = $2, updated_at = now()
           where cognito_sub = $1
             and (role = $2 or changed_by_admin_at < to_timestamp($3::bigint))
           returning id"#,
        who.sub(),
        who.role().as_str(),
        issued_at
    )
    .fetch_optional(tx.conn())
    .await?;
    tx.commit().await?;
    Ok(followed.is_some())
}

/// The caller's member row as it stands now.
///
/// No lock: this is the early check at the start of a request. Each of the
/// request's transactions checks again, under a lock when it may write
/// (`TenantTx::begin`).
pub async fn standing(db: &Db, who: &Identity) -> Result<Standing, DbError> {
    // One statement outside any transaction block: Postgres runs it as a
    // transaction of its own, so the tenant setting `app.enter_tenant`
    // makes ends with it. One round trip, where BEGIN, the setting, the
    // read and COMMIT took four.
    let row = sqlx::query!(
        r#"select caller_role as "role: Role", caller_active as "active", caller_epoch as "auth_epoch"
           from app.enter_tenant($1, $2, false, false, false, '5s')"#,
        who.tenant_id().as_uuid(),
        who.sub()
    )
    .fetch_one(&db.pool)
    .await?;
    Ok(match (row.role, row.active, row.auth_epoch) {
        (Some(role), Some(true), Some(auth_epoch)) => Standing::Active { auth_epoch, role },
        (Some(_), Some(false), _) => Standing::Disabled,
        _ => Standing::Missing,
    })
}

/// The caller a verified Cognito access token speaks for: the active member
/// with the token's `sub`, in the one tenant that has them (access tokens
/// carry no tenant; `app.tenant_of_sub` knows it), acting with the token's
/// role. `None` — answered 401 — when no tenant or more than one has the
/// sub, when the member is disabled, when their row's role is not the
/// token's, or when an admin changed the member (role or state) after the
/// token was issued (`issued_at`, Unix seconds): a token taken before a
/// disable or a demotion stays dead when the member is enabled or promoted
/// again, as a session does (its `auth_epoch` moved on).
pub async fn by_access_token(
    db: &Db,
    sub: &str,
    role: Role,
    issued_at: i64,
) -> Result<Option<crate::identity::SignedIn>, DbError> {
    use crate::identity::{Credential, SignedIn, TenantId};

    let tenant = sqlx::query_scalar!(r#"select app.tenant_of_sub($1) as "tenant""#, sub)
        .fetch_one(&db.pool)
        .await?;
    let Some(tenant) = tenant.map(TenantId::from_uuid) else {
        return Ok(None);
    };
    let mut tx = TenantTx::begin_for(&db.pool, tenant, true).await?;
    let row = sqlx::query!(
        r#"select m.email, m.role as "role: Role", m.status = 'active' as "active!", m.auth_epoch,
                  m.changed_by_admin_at < to_timestamp($2::bigint) as "issued_after_changes!",
                  t.name as tenant_name
           from members m join tenants t on t.tenant_id = m.tenant_id
           where m.cognito_sub = $1"#,
        sub,
        issued_at
    )
    .fetch_optional(tx.conn())
    .await?;
    tx.commit().await?;
    Ok(row
        .filter(|row| row.active && row.role == role && row.issued_after_changes)
        .map(|row| SignedIn {
            identity: Identity::from_verified_claims(sub.to_owned(), row.email, tenant, role),
            tenant_name: row.tenant_name,
            auth_epoch: row.auth_epoch,
            credential: Credential::AccessToken,
        }))
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

/// A member row as the settings pages act on it; `cognito_sub` never leaves
/// the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub id: Uuid,
    pub cognito_sub: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub last_sign_in_at: Option<OffsetDateTime>,
    /// When their invitation was last sent, while it is pending.
    pub invited_at: Option<OffsetDateTime>,
}

impl Record {
    /// What the page shows; `caller_sub` marks the caller's own row.
    pub fn detail(&self, caller_sub: &str) -> MemberDetail {
        MemberDetail {
            id: self.id,
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            active: self.active,
            last_sign_in_at: self.last_sign_in_at,
            invited_at: self.invited_at,
            is_you: self.cognito_sub == caller_sub,
        }
    }
}

/// A member's state in `members.status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "text", rename_all = "lowercase")]
enum Status {
    Active,
    Disabled,
}

struct Row {
    id: Uuid,
    cognito_sub: String,
    email: String,
    display_name: String,
    role: Role,
    status: Status,
    last_sign_in_at: Option<OffsetDateTime>,
    invited_at: Option<OffsetDateTime>,
}

impl From<Row> for Record {
    fn from(row: Row) -> Self {
        Record {
            id: row.id,
            cognito_sub: row.cognito_sub,
            email: row.email,
            display_name: row.display_name,
            role: row.role,
            active: row.status == Status::Active,
            last_sign_in_at: row.last_sign_in_at,
            invited_at: row.invited_at,
        }
    }
}

/// One page of the tenant's members by email; `search` matches email or
/// name, any case.
pub async fn page(
    tx: &mut TenantTx,
    search: Option<&str>,
    invited: bool,
    page: PageRequest,
) -> Result<Paged<Record>, DbError> {
    let pattern = search.map(super::like_pattern);
    let total = sqlx::query_scalar!(
        r#"select count(*) as "count!" from members
           where ($1::text is null or email ilike $1 or display_name ilike $1)
             and (invited_at is not null) = $2"#,
        pattern.as_deref(),
        invited
    )
    .fetch_one(tx.conn())
    .await?;
    let rows = sqlx::query_as!(
        Row,
        r#"select id, cognito_sub, email, display_name, role as "role: Role",
                  status as "status: Status", last_sign_in_at, invited_at
           from members
           where ($1::text is null or email ilike $1 or display_name ilike $1)
             and (invited_at is not null) = $2
           order by lower(email), id
           limit $3 offset $4"#,
        pattern.as_deref(),
        invited,
        page.limit(),
        page.offset()
    )
    .fetch_all(tx.conn())
    .await?;
    Ok(Paged {
        items: rows.into_iter().map(Record::from).collect(),
        total: u64::try_from(total).unwrap_or_default(),
        page,
    })
}

/// Marks a member's invitation as sent again, now.
pub async fn reinvited(tx: &mut TenantTx, id: Uuid) -> Result<(), DbError> {
    sqlx::query!(
        "update members set invited_at = now(), updated_at = now() where id = $1",
        id
    )
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Ends every pending invitation in the tenant: for members the operator
/// gave a password directly (the demo seed).
pub async fn clear_invitations(tx: &mut TenantTx) -> Result<(), DbError> {
    sqlx::query!("update members set invited_at = null where invited_at is not null")
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// The member with this id as the row stands, not locked: what a change
/// checks first, before it waits for the member (see [`get_for_update`]).
pub async fn record(tx: &mut TenantTx, id: Uuid) -> Result<Option<Record>, DbError> {
    let row = sqlx::query_as!(
        Row,
        r#"select id, cognito_sub, email, display_name, role as "role: Role",
                  status as "status: Status", last_sign_in_at, invited_at
           from members where id = $1"#,
        id
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(row.map(Record::from))
}

/// The member with this id, locked until the transaction ends. `NO KEY`:
/// tasks may still be assigned to them meanwhile (a foreign-key check takes
/// `KEY SHARE`), while the caller check's `FOR SHARE` of their own requests
/// waits. A removal's `delete` takes the full lock when it gets there.
pub async fn get_for_update(tx: &mut TenantTx, id: Uuid) -> Result<Option<Record>, DbError> {
    // The member's gate first, exclusively (`app.lock_member_gate`): it
    // waits for their writing transactions under way, and those that start
    // while it waits queue behind it, so they cannot hold this change off.
    sqlx::query!(
        "select from app.lock_member_gate((select cognito_sub from members where id = $1))",
        id
    )
    .execute(tx.conn())
    .await?;
    let locked = sqlx::query_scalar!("select id from members where id = $1 for no key update", id)
        .fetch_optional(tx.conn())
        .await?;
    if locked.is_none() {
        return Ok(None);
    }
    // Read after the lock: a statement of its own sees the row as the last
    // change committed it.
    record(tx, id).await
}

/// Whether the tenant has a member with this email (any case).
pub async fn email_taken(tx: &mut TenantTx, email: &str) -> Result<bool, DbError> {
    let taken = sqlx::query_scalar!(
        r#"select exists (select 1 from members where lower(email) = lower($1)) as "taken!""#,
        email
    )
    .fetch_one(tx.conn())
    .await?;
    Ok(taken)
}

/// How many active Admins the tenant has. Only member changes make or
/// unmake Admins, and they hold the tenant's row lock (`TenantChangeTx`),
/// so the count cannot change under the change that reads it: two Admins
/// demoting each other at once cannot both pass the last-Admin check.
pub async fn active_admins(tx: &mut TenantChangeTx) -> Result<usize, DbError> {
    let count = sqlx::query_scalar!(
        r#"select count(*) as "count!" from members where role = 'Admin' and status = 'active'"#
    )
    .fetch_one(tx.conn())
    .await?;
    Ok(usize::try_from(count).unwrap_or_default())
}

/// The mirror row of a user just created in Cognito.
pub async fn insert(
    tx: &mut TenantTx,
    cognito_sub: &str,
    email: &str,
    display_name: &str,
    role: Role,
) -> Result<Record, DbError> {
    let row = sqlx::query_as!(
        Row,
        r#"insert into members (tenant_id, cognito_sub, email, display_name, role, invited_at)
           values ($1, $2, $3, $4, $5, now())
           returning id, cognito_sub, email, display_name, role as "role: Role",
                     status as "status: Status", last_sign_in_at, invited_at"#,
        tx.tenant_id().as_uuid(),
        cognito_sub,
        email,
        display_name,
        role.as_str()
    )
    .fetch_one(tx.conn())
    .await?;
    Ok(Record::from(row))
}

/// Sets a member's role and moves their `auth_epoch` on, which ends their
/// open sessions.
pub async fn set_role(tx: &mut TenantTx, id: Uuid, role: Role) -> Result<(), DbError> {
    sqlx::query!(
        "update members set role = $2, auth_epoch = auth_epoch + 1, updated_at = now()
         where id = $1",
        id,
        role.as_str()
    )
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Disables or enables a member, moving their `auth_epoch` on.
pub async fn set_active(tx: &mut TenantTx, id: Uuid, active: bool) -> Result<(), DbError> {
    sqlx::query!(
        "update members
         set status = case when $2 then 'active' else 'disabled' end,
             auth_epoch = auth_epoch + 1, updated_at = now()
         where id = $1",
        id,
        active
    )
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Marks the row changed by an admin now (the clock's time, after the
/// change was made in Cognito), so tokens issued before it count as older.
pub async fn touch(tx: &mut TenantTx, id: Uuid) -> Result<(), DbError> {
    sqlx::query!(
        "update members set changed_by_admin_at = clock_timestamp() where id = $1",
        id
    )
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Deletes a member's row (their tasks become unassigned).
pub async fn delete(tx: &mut TenantTx, id: Uuid) -> Result<(), DbError> {
    sqlx::query!("delete from members where id = $1", id)
        .execute(tx.conn())
        .await?;
    Ok(())
}
