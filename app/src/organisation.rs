//! Changing the organisation tree and the roles given per unit: the rules of
//! [`crate::policy`] checked against the caller's effective role at every
//! unit a change touches, then the change and its audit row.
//!
//! Every change runs in a [`TenantChangeTx`]: the tenant's row lock makes
//! tree and role changes (and member changes) one at a time per tenant, and
//! the caller's roles are read after it is taken, so a check cannot act on
//! a tree or an assignment that a concurrent change has just replaced.

use crate::audit_action::AuditAction;
use crate::db::{DbError, TenantChangeTx, audit, members, org};
use crate::domain::UnitName;
use crate::identity::Identity;
use crate::policy::{self, Refusal, Target, TreeChange};
use crate::role::Role;
use thiserror::Error;
use uuid::Uuid;

#[derive(Debug, Error)]
pub enum OrgError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// No such unit or member in this tenant.
    #[error("no such unit or member in this tenant")]
    NotFound,
    #[error("the member is disabled")]
    InactiveMember,
    #[error("a sibling has that name")]
    NameTaken,
    #[error("deeper than the tree allows")]
    TooDeep,
    #[error("under its own subtree")]
    Cycle,
    #[error("the unit still has projects")]
    HasProjects,
    #[error("the unit still has sub-units")]
    HasSubUnits,
    #[error(transparent)]
    Db(DbError),
}

/// The tree's constraints, by name, as the refusals they stand for.
impl From<DbError> for OrgError {
    fn from(error: DbError) -> Self {
        match error.constraint() {
            Some("org_units_sibling_name") => OrgError::NameTaken,
            Some("org_units_depth") => OrgError::TooDeep,
            Some("org_units_no_cycle") => OrgError::Cycle,
            Some("projects_unit_fkey") => OrgError::HasProjects,
            Some("org_units_tenant_id_parent_id_fkey") => OrgError::HasSubUnits,
            Some("org_units_keep_root" | "role_assignments_not_at_root") => {
                OrgError::Refused(Refusal::Root)
            }
            _ => OrgError::Db(error),
        }
    }
}

/// The unit, and the caller's effective role there.
async fn unit_and_role(tx: &mut TenantChangeTx, id: Uuid) -> Result<(org::Unit, Role), OrgError> {
    let unit = org::get(tx, id).await?.ok_or(OrgError::NotFound)?;
    let role = org::caller_role_at(tx, id)
        .await?
        .ok_or(OrgError::NotFound)?
        .role;
    Ok((unit, role))
}

/// A new unit under `parent`; returns its id.
pub async fn create_unit(
    tx: &mut TenantChangeTx,
    by: &Identity,
    parent: Uuid,
    name: &UnitName,
) -> Result<Uuid, OrgError> {
    let (above, at_parent) = unit_and_role(tx, parent).await?;
    policy::may_change_tree(TreeChange::Create { at_parent })?;
    let id = org::create(tx, parent, name).await?;
    let summary = serde_json::json!({ "name": name.as_str(), "parent": above.name });
    record(tx, by, AuditAction::OrgCreate, id, summary).await?;
    Ok(id)
}

/// Renames a unit.
pub async fn rename_unit(
    tx: &mut TenantChangeTx,
    by: &Identity,
    id: Uuid,
    name: &UnitName,
) -> Result<(), OrgError> {
    let (unit, at_unit) = unit_and_role(tx, id).await?;
    policy::may_change_tree(TreeChange::Edit {
        at_unit,
        is_root: unit.is_root(),
    })?;
    let before = org::rename(tx, id, name).await?.ok_or(OrgError::NotFound)?;
    if before == name.as_str() {
        return Ok(());
    }
    let summary = serde_json::json!({ "before": before, "after": name.as_str() });
    record(tx, by, AuditAction::OrgRename, id, summary).await
}

/// Moves a unit and its subtree under `parent`.
pub async fn move_unit(
    tx: &mut TenantChangeTx,
    by: &Identity,
    id: Uuid,
    parent: Uuid,
) -> Result<(), OrgError> {
    let (unit, at_unit) = unit_and_role(tx, id).await?;
    let (to, at_new_parent) = unit_and_role(tx, parent).await?;
    policy::may_change_tree(TreeChange::Move {
        at_unit,
        at_new_parent,
        is_root: unit.is_root(),
    })?;
    if unit.parent_id == Some(parent) {
        return Ok(());
    }
    let from = match unit.parent_id {
        Some(old) => org::get(tx, old).await?.map(|u| u.name),
        None => None,
    };
    if !org::move_to(tx, id, parent).await? {
        return Err(OrgError::NotFound);
    }
    let summary = serde_json::json!({ "name": unit.name, "from": from, "to": to.name });
    record(tx, by, AuditAction::OrgMove, id, summary).await
}

/// Deletes an empty unit (no projects, no sub-units) and its assignments.
pub async fn delete_unit(tx: &mut TenantChangeTx, by: &Identity, id: Uuid) -> Result<(), OrgError> {
    let (unit, at_unit) = unit_and_role(tx, id).await?;
    policy::may_change_tree(TreeChange::Edit {
        at_unit,
        is_root: unit.is_root(),
    })?;
    if !org::delete(tx, id).await? {
        return Err(OrgError::NotFound);
    }
    let summary = serde_json::json!({ "name": unit.name });
    record(tx, by, AuditAction::OrgDelete, id, summary).await
}

/// Gives `member` `role` at `unit` (`None`: takes their assignment there
/// away). Returns whether anything changed.
pub async fn set_assignment(
    tx: &mut TenantChangeTx,
    by: &Identity,
    unit_id: Uuid,
    member: Uuid,
    role: Option<Role>,
) -> Result<bool, OrgError> {
    let (unit, caller) = unit_and_role(tx, unit_id).await?;
    let is_root = unit.is_root();
    assignable(tx, caller, unit_id, is_root, member, role).await?;
    let before = org::assignment(tx, member, unit_id).await?;
    if before == role {
        return Ok(false);
    }
    // As for a change to their tenant role: wait for the member's writes
    // under way, and have those they start meanwhile queue behind this
    // change (`members::get_for_update`), so that once it commits nothing
    // they began under the old role is still to land. Checked on unlocked
    // reads above, so a refused change waits for nothing; checked again
    // now, since their tenant role may have followed a group change made in
    // Cognito meanwhile (sign-in's `members::follow_role`).
    members::get_for_update(tx, member)
        .await?
        .ok_or(OrgError::NotFound)?;
    let person = assignable(tx, caller, unit_id, is_root, member, role).await?;
    let (action, shown) = match role {
        Some(role) => {
            org::assign(tx, member, unit_id, role).await?;
            (AuditAction::RoleAssign, role)
        }
        None => {
            org::unassign(tx, member, unit_id).await?;
            (
                AuditAction::RoleUnassign,
                before.expect("an assignment to take away"),
            )
        }
    };
    let summary = serde_json::json!({
        "member_id": member,
        "email": person.email,
        "unit": unit.name,
        "role": shown,
        "before": before,
    });
    record(tx, by, action, unit_id, summary).await?;
    Ok(true)
}

/// The member to give `role` at the unit, if they are active and the caller
/// may (`policy::may_assign`), on what the transaction reads now.
async fn assignable(
    tx: &mut TenantChangeTx,
    caller: Role,
    unit_id: Uuid,
    is_root: bool,
    member: Uuid,
    role: Option<Role>,
) -> Result<crate::model::Member, OrgError> {
    let person = members::get(tx, member).await?.ok_or(OrgError::NotFound)?;
    if !person.active {
        return Err(OrgError::InactiveMember);
    }
    let target_role = org::role_at(tx, member, unit_id)
        .await?
        .ok_or(OrgError::NotFound)?;
    let target = Target {
        role: target_role,
        active: true,
        is_caller: org::current_member(tx).await? == Some(member),
    };
    policy::may_assign(caller, target, role, is_root)?;
    Ok(person)
}

async fn record(
    tx: &mut TenantChangeTx,
    by: &Identity,
    action: AuditAction,
    target: Uuid,
    summary: serde_json::Value,
) -> Result<(), OrgError> {
    let entry = audit::Entry {
        action,
        target_id: Some(target.to_string()),
        summary,
    };
    audit::record(tx, by, entry).await?;
    Ok(())
}
