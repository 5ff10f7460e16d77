//! Server functions for the organisation tree: read it, change it, give and
//! take roles per unit. The rules are checked per unit on every call (see
//! `crate::organisation`), whatever the page offered.

#[cfg(feature = "ssr")]
use super::{Need, authorize, authorize_at, invalid, tenant_change_tx, tenant_read_tx};
use crate::error::AppError;
use crate::model::{OrgUnit, UnitMember};
use crate::role::Role;
use leptos::prelude::*;
use uuid::Uuid;

/// The caller's tenant's tree, parents first, with the caller's effective
/// role at each unit. Every member may read it.
#[server(endpoint = "org_tree")]
pub async fn org_tree() -> Result<Vec<OrgUnit>, AppError> {
    let caller = authorize(Need::Read).await?;
    let mut tx = tenant_read_tx(&caller).await?;
    let tree = crate::db::org::tree(&mut tx).await?;
    tx.commit().await?;
    Ok(tree)
}

/// The tenant's members as one unit sees them (effective role, where it
/// comes from, assignment there), and the roles the caller may give there:
/// for members who manage the unit.
#[server(endpoint = "unit_members")]
pub async fn unit_members(unit: Uuid) -> Result<(Vec<UnitMember>, Vec<Role>), AppError> {
    let caller = authorize(Need::Read).await?;
    let mut tx = tenant_read_tx(&caller).await?;
    let yours = authorize_at(&mut tx, unit, Need::ManageMembers).await?;
    let members = crate::db::org::members_at(&mut tx, unit).await?;
    tx.commit().await?;
    let grantable = Role::ALL
        .into_iter()
        .filter(|role| *role <= yours.role)
        .collect();
    Ok((members, grantable))
}

/// A new unit under `parent`.
#[server(endpoint = "create_unit")]
pub async fn create_unit(parent: Uuid, #[server(default)] name: String) -> Result<Uuid, AppError> {
    use crate::domain::UnitName;

    let caller = authorize(Need::Read).await?;
    let name = UnitName::parse(&name).map_err(invalid("name"))?;
    let mut tx = tenant_change_tx(&caller).await?;
    let id = crate::organisation::create_unit(&mut tx, &caller.identity, parent, &name).await?;
    tx.commit().await?;
    Ok(id)
}

/// Renames a unit.
#[server(endpoint = "rename_unit")]
pub async fn rename_unit(id: Uuid, #[server(default)] name: String) -> Result<(), AppError> {
    use crate::domain::UnitName;

    let caller = authorize(Need::Read).await?;
    let name = UnitName::parse(&name).map_err(invalid("name"))?;
    let mut tx = tenant_change_tx(&caller).await?;
    crate::organisation::rename_unit(&mut tx, &caller.identity, id, &name).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a unit, with everything under it, under `parent`.
#[server(endpoint = "move_unit")]
pub async fn move_unit(id: Uuid, parent: Uuid) -> Result<(), AppError> {
    let caller = authorize(Need::Read).await?;
    let mut tx = tenant_change_tx(&caller).await?;
    crate::organisation::move_unit(&mut tx, &caller.identity, id, parent).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a unit that has no projects and no units under it.
#[server(endpoint = "delete_unit")]
pub async fn delete_unit(id: Uuid) -> Result<(), AppError> {
    let caller = authorize(Need::Read).await?;
    let mut tx = tenant_change_tx(&caller).await?;
    crate::organisation::delete_unit(&mut tx, &caller.identity, id).await?;
    tx.commit().await?;
    Ok(())
}

/// Gives a member a role at a unit (and its subtree); an empty `role` takes
/// their assignment there away.
#[server(endpoint = "assign_role")]
pub async fn assign_role(
    unit: Uuid,
    member: Uuid,
    #[server(default)] role: String,
) -> Result<(), AppError> {
    let caller = authorize(Need::Read).await?;
    let role = match role.trim() {
        "" => None,
        name => Some(
            Role::from_group(name).ok_or_else(|| AppError::invalid("role", "Choose a role."))?,
        ),
    };
    let mut tx = tenant_change_tx(&caller).await?;
    crate::organisation::set_assignment(&mut tx, &caller.identity, unit, member, role).await?;
    tx.commit().await?;
    Ok(())
}
