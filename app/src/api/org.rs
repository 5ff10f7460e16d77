//! Server functions for the organisation tree: read it, change it, give and
//! take roles per unit. The rules are checked per unit on every call (see
//! `crate::organisation`), whatever the page offered.

#[cfg(feature = "ssr")]
use super::{Need, authorize, invalid, tenant_change_tx, tenant_read_tx};
use crate::error::AppError;
use crate::model::{OrgUnit, OrgView};
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

/// The organisation page in one call: the tree, the unit shown (`unit` if
/// the tenant has it, else the root) and, when the caller manages that
/// unit, everyone's role there with the roles the caller may give.
#[server(endpoint = "load_organisation")]
pub async fn load_organisation(#[server(default)] unit: Option<Uuid>) -> Result<OrgView, AppError> {
    use crate::db::org;
    use crate::model::UnitPeople;

    let caller = authorize(Need::Read).await?;
    let mut tx = tenant_read_tx(&caller).await?;
    let tree = org::tree(&mut tx).await?;
    let shown = unit
        .filter(|id| tree.iter().any(|u| u.id == *id))
        .or_else(|| crate::org_tree::root(&tree).map(|u| u.id))
        .ok_or(AppError::NotFound)?;
    let yours = org::caller_role_at(&mut tx, shown)
        .await?
        .ok_or(AppError::NotFound)?;
    let people = if crate::policy::manages_unit(yours.role) {
        Some(UnitPeople {
            members: org::members_at(&mut tx, shown).await?,
            grantable: crate::role::Role::ALL
                .into_iter()
                .filter(|role| *role <= yours.role)
                .collect(),
        })
    } else {
        None
    };
    tx.commit().await?;
    Ok(OrgView {
        tree,
        unit: shown,
        people,
    })
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
    crate::flash::leave(crate::notices::unit_created());
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
    crate::flash::leave(crate::notices::unit_saved());
    Ok(())
}

/// Moves a unit, with everything under it, under `parent`.
#[server(endpoint = "move_unit")]
pub async fn move_unit(id: Uuid, parent: Uuid) -> Result<(), AppError> {
    let caller = authorize(Need::Read).await?;
    let mut tx = tenant_change_tx(&caller).await?;
    crate::organisation::move_unit(&mut tx, &caller.identity, id, parent).await?;
    tx.commit().await?;
    crate::flash::leave(crate::notices::unit_saved());
    Ok(())
}

/// Deletes a unit that has no projects and no units under it.
#[server(endpoint = "delete_unit")]
pub async fn delete_unit(id: Uuid) -> Result<(), AppError> {
    let caller = authorize(Need::Read).await?;
    let mut tx = tenant_change_tx(&caller).await?;
    crate::organisation::delete_unit(&mut tx, &caller.identity, id).await?;
    tx.commit().await?;
    // The deleted unit's page is gone: back to the tree, with or without
    // JavaScript.
    leptos_axum::redirect("/settings/organisation");
    crate::flash::leave(crate::notices::unit_deleted());
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
            crate::role::Role::from_group(name)
                .ok_or_else(|| AppError::invalid("role", "Choose a role."))?,
        ),
    };
    let mut tx = tenant_change_tx(&caller).await?;
    crate::organisation::set_assignment(&mut tx, &caller.identity, unit, member, role).await?;
    tx.commit().await?;
    crate::flash::leave(crate::notices::role_saved());
    Ok(())
}
