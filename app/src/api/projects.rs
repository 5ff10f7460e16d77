//! Server functions for projects: list, read, create, rename and describe,
//! archive and restore, delete.

#[cfg(feature = "ssr")]
use super::{Need, audit, authorize, authorize_at, not_found, tenant_read_tx, tenant_tx};
#[cfg(feature = "ssr")]
use crate::audit_action::AuditAction;
use crate::error::AppError;
use crate::model::{Dashboard, Paged, Project, ProjectDetail, ProjectsView};
#[cfg(feature = "ssr")]
use crate::service::{self, projects::ListQuery};
use leptos::prelude::*;
use uuid::Uuid;

/// One page of the caller's tenant's projects whose name contains `search`
/// (any case); archived ones only when `archived` is set.
#[server(endpoint = "list_projects")]
pub async fn list_projects(
    #[server(default)] page: u32,
    #[server(default)] search: String,
    #[server(default)] archived: bool,
    #[server(default)] unit: Option<Uuid>,
) -> Result<Paged<Project>, AppError> {
    let query = ListQuery {
        page,
        search,
        archived,
        unit,
    };
    service::projects::list(&super::ctx().await?, &query).await
}

/// The project list page in one transaction: [`list_projects`]'s page and
/// the organisation's units.
#[server(endpoint = "projects_page")]
pub async fn projects_page(
    #[server(default)] page: u32,
    #[server(default)] search: String,
    #[server(default)] archived: bool,
    #[server(default)] unit: Option<Uuid>,
) -> Result<ProjectsView, AppError> {
    let query = ListQuery {
        page,
        search,
        archived,
        unit,
    };
    service::projects::list_with_units(&super::ctx().await?, &query).await
}

/// The signed-in home page: the caller's open tasks, the projects changed
/// last, counts.
#[server(endpoint = "dashboard")]
pub async fn load_dashboard() -> Result<Dashboard, AppError> {
    let caller = authorize(Need::Read).await?;
    let mut tx = tenant_read_tx(&caller).await?;
    let dashboard = crate::db::dashboard::for_caller(&mut tx, caller.identity.sub()).await?;
    tx.commit().await?;
    Ok(dashboard)
}

/// One project of the caller's tenant, its tasks, and the members its tasks
/// can be assigned to.
#[server(endpoint = "get_project")]
pub async fn get_project(id: Uuid) -> Result<ProjectDetail, AppError> {
    service::projects::get(&super::ctx().await?, id).await
}

/// Creates a project in a unit of the caller's tenant (the root when
/// `unit` is not given), if the caller may write there.
#[server(endpoint = "create_project")]
pub async fn create_project(
    // Missing fields read as empty, so they get the field's own message.
    #[server(default)] name: String,
    #[server(default)] description: String,
    #[server(default)] unit: Option<Uuid>,
) -> Result<Project, AppError> {
    let ctx = super::ctx().await?;
    let project = service::projects::create(&ctx, &name, &description, unit).await?;
    // Into the new project, with or without JavaScript.
    leptos_axum::redirect(&format!("/projects/{}", project.id));
    crate::flash::leave(crate::notices::project_created(&project));
    Ok(project)
}

/// Renames and re-describes a project.
#[server(endpoint = "update_project")]
pub async fn update_project(
    id: Uuid,
    #[server(default)] name: String,
    #[server(default)] description: String,
) -> Result<Project, AppError> {
    let change = service::projects::Patch {
        name: Some(name),
        description: Some(description),
        archived: None,
    };
    let after = service::projects::patch(&super::ctx().await?, id, &change).await?;
    crate::flash::leave(crate::notices::project_saved(&after));
    Ok(after)
}

/// Moves a project, with its tasks, to another unit: the caller must be
/// allowed to write in both.
#[server(endpoint = "move_project")]
pub async fn move_project(id: Uuid, unit: Uuid) -> Result<Project, AppError> {
    use crate::db::{org, projects};

    let caller = authorize(Need::Read).await?;
    let mut tx = tenant_tx(&caller).await?;
    let before = projects::get(&mut tx, id).await?.ok_or_else(not_found)?;
    authorize_at(&mut tx, before.unit_id, Need::Write).await?;
    authorize_at(&mut tx, unit, Need::Write).await?;
    if before.unit_id == unit {
        tx.commit().await?;
        return Ok(before);
    }
    let after = projects::move_to(&mut tx, id, unit)
        .await?
        .ok_or_else(not_found)?;
    let name_of = async |tx: &mut crate::db::TenantTx, unit| {
        org::get(tx, unit).await.map(|u| u.map(|u| u.name))
    };
    let summary = serde_json::json!({
        "name": after.name,
        "from": name_of(&mut tx, before.unit_id).await?,
        "to": name_of(&mut tx, unit).await?,
    });
    audit(&mut tx, &caller, AuditAction::ProjectMove, id, summary).await?;
    tx.commit().await?;
    crate::flash::leave(crate::notices::project_moved(&after));
    Ok(after)
}

/// Archives a project (it leaves the default list) or restores it.
#[server(endpoint = "set_project_archived")]
pub async fn set_project_archived(id: Uuid, archived: bool) -> Result<Project, AppError> {
    let change = service::projects::Patch {
        archived: Some(archived),
        ..Default::default()
    };
    let after = service::projects::patch(&super::ctx().await?, id, &change).await?;
    crate::flash::leave(crate::notices::project_archived(&after));
    Ok(after)
}

/// Deletes a project and its tasks (Admin and SuperUser only), then sends
/// the browser to the project list.
#[server(endpoint = "delete_project")]
pub async fn delete_project(id: Uuid) -> Result<(), AppError> {
    use crate::db::{projects, tasks};

    let caller = authorize(Need::Read).await?;
    let mut tx = tenant_tx(&caller).await?;
    service::projects::allows(&mut tx, id, Need::DeleteProjects).await?;
    let project = projects::get_for_update(&mut tx, id)
        .await?
        .ok_or_else(not_found)?;
    let task_count = tasks::list_for_project(&mut tx, id).await?.len();
    if !projects::delete(&mut tx, id).await? {
        return Err(not_found());
    }
    let summary = serde_json::json!({ "name": project.name, "tasks": task_count });
    audit(&mut tx, &caller, AuditAction::ProjectDelete, id, summary).await?;
    tx.commit().await?;
    // The project's page is gone: go to the list, with or without JavaScript.
    leptos_axum::redirect("/projects");
    crate::flash::leave(crate::notices::project_deleted());
    Ok(())
}
