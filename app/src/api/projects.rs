//! Server functions for projects: list, read, create, rename and describe,
//! archive and restore, delete.

#[cfg(feature = "ssr")]
use super::{Need, audit, authorize, authorize_at, invalid, not_found, tenant_read_tx, tenant_tx};
#[cfg(feature = "ssr")]
use crate::audit_action::AuditAction;
use crate::error::AppError;
use crate::model::{Dashboard, Paged, Project, ProjectDetail, ProjectsView};
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
    let caller = authorize(Need::Read).await?;
    let filter = project_filter(&search, archived, unit)?;
    let mut tx = tenant_read_tx(&caller).await?;
    let listed = crate::db::projects::list(&mut tx, &filter, list_page(page)).await?;
    tx.commit().await?;
    Ok(listed)
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
    let caller = authorize(Need::Read).await?;
    let filter = project_filter(&search, archived, unit)?;
    let mut tx = tenant_read_tx(&caller).await?;
    let listed = crate::db::projects::list(&mut tx, &filter, list_page(page)).await?;
    let units = crate::db::org::tree(&mut tx).await?;
    tx.commit().await?;
    Ok(ProjectsView {
        projects: listed,
        units,
    })
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
    use crate::db::{members, projects, tasks};

    let caller = authorize(Need::Read).await?;
    let mut tx = tenant_read_tx(&caller).await?;
    let project = projects::get(&mut tx, id).await?.ok_or_else(not_found)?;
    let your_role = authorize_at(&mut tx, project.unit_id, Need::Read).await?;
    let tasks = tasks::list_for_project(&mut tx, id).await?;
    let members = members::list(&mut tx).await?;
    let units = crate::db::org::tree(&mut tx).await?;
    tx.commit().await?;
    Ok(ProjectDetail {
        project,
        your_role,
        units,
        tasks,
        members,
    })
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
    use crate::db::{org, projects};
    use crate::domain::{Description, ProjectName};

    let caller = authorize(Need::Read).await?;
    let name = ProjectName::parse(&name).map_err(invalid("name"))?;
    let description = Description::parse(&description).map_err(invalid("description"))?;
    let mut tx = tenant_tx(&caller).await?;
    let unit = match unit {
        Some(unit) => unit,
        None => org::root(&mut tx).await?,
    };
    authorize_at(&mut tx, unit, Need::Write).await?;
    let project = projects::create(&mut tx, unit, &name, &description).await?;
    let summary = serde_json::json!({ "name": project.name, "unit_id": unit });
    audit(
        &mut tx,
        &caller,
        AuditAction::ProjectCreate,
        project.id,
        summary,
    )
    .await?;
    tx.commit().await?;
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
    use crate::db::projects;
    use crate::domain::{Description, ProjectName};

    let caller = authorize(Need::Read).await?;
    let name = ProjectName::parse(&name).map_err(invalid("name"))?;
    let description = Description::parse(&description).map_err(invalid("description"))?;
    let mut tx = tenant_tx(&caller).await?;
    project_allows(&mut tx, id, Need::Write).await?;
    let before = projects::get_for_update(&mut tx, id)
        .await?
        .ok_or_else(not_found)?;
    let after = projects::update(&mut tx, id, &name, &description)
        .await?
        .ok_or_else(not_found)?;
    let summary = serde_json::json!({
        "before": { "name": before.name, "description": before.description },
        "after": { "name": after.name, "description": after.description },
    });
    audit(&mut tx, &caller, AuditAction::ProjectUpdate, id, summary).await?;
    tx.commit().await?;
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
    use crate::db::projects;

    let caller = authorize(Need::Read).await?;
    let mut tx = tenant_tx(&caller).await?;
    project_allows(&mut tx, id, Need::Write).await?;
    let before = projects::get_for_update(&mut tx, id)
        .await?
        .ok_or_else(not_found)?;
    if before.archived == archived {
        // Nothing changes, so there is nothing to record.
        tx.commit().await?;
        return Ok(before);
    }
    let after = projects::set_archived(&mut tx, id, archived)
        .await?
        .ok_or_else(not_found)?;
    let action = if archived {
        AuditAction::ProjectArchive
    } else {
        AuditAction::ProjectRestore
    };
    let summary = serde_json::json!({ "name": after.name });
    audit(&mut tx, &caller, action, id, summary).await?;
    tx.commit().await?;
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
    project_allows(&mut tx, id, Need::DeleteProjects).await?;
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

/// Whether the caller's role at the project's unit allows `need`: 404 if
/// the tenant has no such project, 403 if not. Row-level security checks
/// the same again on the write itself.
#[cfg(feature = "ssr")]
pub(crate) async fn project_allows(
    tx: &mut crate::db::TenantTx,
    id: Uuid,
    need: Need,
) -> Result<(), AppError> {
    let project = crate::db::projects::get(tx, id)
        .await?
        .ok_or_else(not_found)?;
    authorize_at(tx, project.unit_id, need).await?;
    Ok(())
}

/// What the project list shows, from the list's query: 400 for a search
/// that is not one.
#[cfg(feature = "ssr")]
fn project_filter(
    search: &str,
    archived: bool,
    unit: Option<Uuid>,
) -> Result<crate::db::projects::ProjectFilter, AppError> {
    let search = crate::domain::SearchText::parse(search).map_err(invalid("q"))?;
    Ok(crate::db::projects::ProjectFilter {
        search: search.non_empty().map(str::to_owned),
        include_archived: archived,
        unit,
    })
}

/// The list's page `page`, of the usual length.
#[cfg(feature = "ssr")]
fn list_page(page: u32) -> crate::model::PageRequest {
    crate::model::PageRequest::new(page, crate::model::PageRequest::DEFAULT_PER_PAGE)
}
