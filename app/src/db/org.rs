//! The organisation tree of the caller's tenant and the roles given per
//! unit. The tree's closure (`org_unit_paths`) is kept by triggers; the
//! effective role is computed by the same SQL functions row-level security
//! uses (`app.role_at`, see the migrations), so the pages and the policies
//! cannot disagree.

use super::{DbError, TenantTx};
use crate::domain::UnitName;
use crate::model::{EffectiveRole, Member, OrgUnit, RoleSource, UnitMember};
use crate::role::Role;
use uuid::Uuid;

/// A unit as the rules see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    pub id: Uuid,
    /// `None` for the root.
    pub parent_id: Option<Uuid>,
    pub name: String,
}

impl Unit {
    pub fn is_root(&self) -> bool {
        self.parent_id.is_none()
    }
}

/// Whose role it is and where it comes from, as SQL returns it.
fn effective(
    unit: Uuid,
    role: Role,
    source: Option<Uuid>,
    source_name: Option<String>,
) -> EffectiveRole {
    let source = match source {
        None => RoleSource::Tenant,
        Some(id) if id == unit => RoleSource::Here,
        Some(id) => RoleSource::Inherited {
            unit_id: id,
            unit_name: source_name.unwrap_or_default(),
        },
    };
    EffectiveRole { role, source }
}

/// The tenant's root unit: the organisation itself.
pub async fn root(tx: &mut TenantTx) -> Result<Uuid, DbError> {
    let id = sqlx::query_scalar!("select id from org_units where parent_id is null")
        .fetch_one(tx.conn())
        .await?;
    Ok(id)
}

/// One unit, if the tenant has it.
pub async fn get(tx: &mut TenantTx, id: Uuid) -> Result<Option<Unit>, DbError> {
    let unit = sqlx::query_as!(
        Unit,
        "select id, parent_id, name from org_units where id = $1",
        id
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(unit)
}

/// The whole tree, parents before children and siblings by name, each unit
/// with the caller's effective role there. Empty for a transaction that
/// names no member.
pub async fn tree(tx: &mut TenantTx) -> Result<Vec<OrgUnit>, DbError> {
    let rows = sqlx::query!(
        r#"with assigned as (
               select distinct on (p.unit_id) p.unit_id, a.role, a.unit_id as source_id
               from role_assignments a
               join org_unit_paths p on p.tenant_id = a.tenant_id and p.ancestor_id = a.unit_id
               where a.member_id = (select app.current_member())
               order by p.unit_id, p.distance)
           select u.id, u.parent_id, u.name,
                  (select max(p.distance) from org_unit_paths p where p.unit_id = u.id) as "depth!",
                  (select count(*) from projects pr where pr.unit_id = u.id) as "projects!",
                  (select count(*) from org_units c where c.parent_id = u.id) as "sub_units!",
                  coalesce(assigned.role, (select app.caller_tenant_role())) as "role!: Role",
                  assigned.source_id as "source_id?", src.name as "source_name?",
                  (select array_agg(lower(anc.name) order by p.distance desc)
                     from org_unit_paths p
                     join org_units anc on anc.tenant_id = p.tenant_id and anc.id = p.ancestor_id
                    where p.unit_id = u.id) as "sort_key!: Vec<String>"
           from org_units u
           left join assigned on assigned.unit_id = u.id
           left join org_units src on src.tenant_id = u.tenant_id and src.id = assigned.source_id
           where (select app.caller_tenant_role()) is not null
           order by 10"#
    )
    .fetch_all(tx.conn())
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| OrgUnit {
            id: row.id,
            parent_id: row.parent_id,
            name: row.name,
            depth: u8::try_from(row.depth).unwrap_or(u8::MAX),
            projects: u64::try_from(row.projects).unwrap_or_default(),
            sub_units: u64::try_from(row.sub_units).unwrap_or_default(),
            your_role: effective(row.id, row.role, row.source_id, row.source_name),
        })
        .collect())
}

/// The caller's effective role at `unit`; `None` if the tenant has no such
/// unit (or the transaction names no member).
pub async fn caller_role_at(
    tx: &mut TenantTx,
    unit: Uuid,
) -> Result<Option<EffectiveRole>, DbError> {
    let row = sqlx::query!(
        r#"select r.role as "role: Role", r.source_id, s.name as "source_name?"
           from app.role_at((select app.current_member()), $1) r
           left join org_units s on s.id = r.source_id"#,
        unit
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(row.and_then(|row| {
        let role = row.role?;
        Some(effective(unit, role, row.source_id, row.source_name))
    }))
}

/// Every member of the tenant as `unit` sees them: effective role there,
/// where it comes from, and their assignment at the unit itself.
pub async fn members_at(tx: &mut TenantTx, unit: Uuid) -> Result<Vec<UnitMember>, DbError> {
    let rows = sqlx::query!(
        r#"select m.id, m.email, m.display_name, m.status = 'active' as "active!",
                  coalesce(near.role, m.role) as "role!: Role",
                  near.unit_id as "source_id?", s.name as "source_name?",
                  here.role as "assigned_here?: Role"
           from members m
           left join lateral (
               select a.role, a.unit_id
               from org_unit_paths p
               join role_assignments a on a.tenant_id = p.tenant_id and a.unit_id = p.ancestor_id
               where p.unit_id = $1 and a.member_id = m.id
               order by p.distance
               limit 1) near on true
           left join org_units s on s.tenant_id = m.tenant_id and s.id = near.unit_id
           left join role_assignments here
             on here.tenant_id = m.tenant_id and here.member_id = m.id and here.unit_id = $1
           order by lower(coalesce(nullif(m.display_name, ''), m.email)), m.id"#,
        unit
    )
    .fetch_all(tx.conn())
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| UnitMember {
            effective: effective(unit, row.role, row.source_id, row.source_name),
            assigned_here: row.assigned_here,
            member: Member {
                id: row.id,
                email: row.email,
                display_name: row.display_name,
                active: row.active,
            },
        })
        .collect())
}

/// A member's effective role at `unit`, if both are the tenant's and the
/// member is active.
pub async fn role_at(tx: &mut TenantTx, member: Uuid, unit: Uuid) -> Result<Option<Role>, DbError> {
    let role = sqlx::query_scalar!(
        r#"select role as "role: Role" from app.role_at($1, $2)"#,
        member,
        unit
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(role.flatten())
}

/// A new unit under `parent`. Refused by constraint (see the caller's
/// mapping): `org_units_sibling_name` for a name its siblings have,
/// `org_units_depth` for a ninth level.
pub async fn create(tx: &mut TenantTx, parent: Uuid, name: &UnitName) -> Result<Uuid, DbError> {
    let tenant = tx.tenant_id().as_uuid();
    let id = sqlx::query_scalar!(
        "insert into org_units (tenant_id, parent_id, name) values ($1, $2, $3) returning id",
        tenant,
        parent,
        name.as_str()
    )
    .fetch_one(tx.conn())
    .await?;
    Ok(id)
}

/// Renames a unit other than the root; returns its old name, `None` if the
/// tenant has no such unit.
pub async fn rename(
    tx: &mut TenantTx,
    id: Uuid,
    name: &UnitName,
) -> Result<Option<String>, DbError> {
    let before = sqlx::query_scalar!(
        r#"update org_units u set name = $2, updated_at = now()
           from (select id, name from org_units where id = $1 and parent_id is not null
                 for no key update) old
           where u.id = old.id
           returning old.name as "before!""#,
        id,
        name.as_str()
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(before)
}

/// Moves a unit (not the root) under `parent`, with its subtree. Refused by
/// constraint: `org_units_no_cycle` (under its own subtree),
/// `org_units_depth` (too deep), `org_units_sibling_name`.
pub async fn move_to(tx: &mut TenantTx, id: Uuid, parent: Uuid) -> Result<bool, DbError> {
    let moved = sqlx::query!(
        "update org_units set parent_id = $2, updated_at = now()
         where id = $1 and parent_id is not null",
        id,
        parent
    )
    .execute(tx.conn())
    .await?;
    Ok(moved.rows_affected() == 1)
}

/// Deletes a unit (not the root) and its assignments; `false` if the tenant
/// has no such unit. Refused by constraint while it has projects
/// (`projects_unit_fkey`) or sub-units (`org_units_tenant_id_parent_id_fkey`).
pub async fn delete(tx: &mut TenantTx, id: Uuid) -> Result<bool, DbError> {
    let done = sqlx::query!(
        "delete from org_units where id = $1 and parent_id is not null",
        id
    )
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The member's assignment at the unit itself, if any.
pub async fn assignment(
    tx: &mut TenantTx,
    member: Uuid,
    unit: Uuid,
) -> Result<Option<Role>, DbError> {
    let role = sqlx::query_scalar!(
        r#"select role as "role: Role" from role_assignments
           where member_id = $1 and unit_id = $2"#,
        member,
        unit
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(role)
}

/// Gives `member` `role` at `unit` (replacing an assignment there). Refused
/// by constraint at the root (`role_assignments_not_at_root`).
pub async fn assign(
    tx: &mut TenantTx,
    member: Uuid,
    unit: Uuid,
    role: Role,
) -> Result<(), DbError> {
    let tenant = tx.tenant_id().as_uuid();
    sqlx::query!(
        "insert into role_assignments (tenant_id, member_id, unit_id, role)
         values ($1, $2, $3, $4)
         on conflict (tenant_id, member_id, unit_id)
         do update set role = excluded.role, updated_at = now()",
        tenant,
        member,
        unit,
        role.as_str()
    )
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Removes `member`'s assignment at `unit`; returns the role it gave, `None`
/// if there was none.
pub async fn unassign(
    tx: &mut TenantTx,
    member: Uuid,
    unit: Uuid,
) -> Result<Option<Role>, DbError> {
    let role = sqlx::query_scalar!(
        r#"delete from role_assignments where member_id = $1 and unit_id = $2
           returning role as "role: Role""#,
        member,
        unit
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(role)
}

/// The member the transaction acts as (`app.member_id`), if any.
pub async fn current_member(tx: &mut TenantTx) -> Result<Option<Uuid>, DbError> {
    let id = sqlx::query_scalar!("select app.current_member()")
        .fetch_one(tx.conn())
        .await?;
    Ok(id)
}
