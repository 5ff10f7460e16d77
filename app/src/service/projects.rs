//! Projects: list, read, create, and change (name, description, archived).

use super::{Ctx, Need, authorize_at, given_or_current, invalid, not_found, parse_given};
use crate::audit_action::AuditAction;
use crate::db::TenantTx;
use crate::error::AppError;
use crate::model::{EffectiveRole, Paged, Project, ProjectDetail, Task};
use uuid::Uuid;

/// Which projects to list.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    /// 1-based; 0 reads as 1.
    pub page: u32,
    /// Part of the name, any case; empty for all.
    pub search: String,
    /// Archived ones too.
    pub archived: bool,
    /// Only this unit's subtree.
    pub unit: Option<Uuid>,
}

/// One page of the caller's tenant's projects.
pub async fn list(ctx: &Ctx, query: &ListQuery) -> Result<Paged<Project>, AppError> {
    ctx.require(Need::Read)?;
    let filter = filter(query)?;
    let mut tx = ctx.read_tx().await?;
    let listed = crate::db::projects::list(&mut tx, &filter, page(query.page)).await?;
    tx.commit().await?;
    Ok(listed)
}

/// The project list page: [`list`]'s page and the organisation's units, in
/// one transaction.
pub async fn list_with_units(
    ctx: &Ctx,
    query: &ListQuery,
) -> Result<crate::model::ProjectsView, AppError> {
    ctx.require(Need::Read)?;
    let filter = filter(query)?;
    let mut tx = ctx.read_tx().await?;
    let projects = crate::db::projects::list(&mut tx, &filter, page(query.page)).await?;
    let units = crate::db::org::tree(&mut tx).await?;
    tx.commit().await?;
    Ok(crate::model::ProjectsView { projects, units })
}

/// One project of the caller's tenant, its tasks, the members its tasks can
/// be assigned to, and the caller's role there.
pub async fn get(ctx: &Ctx, id: Uuid) -> Result<ProjectDetail, AppError> {
    ctx.require(Need::Read)?;
    let mut tx = ctx.read_tx().await?;
    let (project, your_role, tasks) = read(&mut tx, id).await?;
    let members = crate::db::members::list(&mut tx).await?;
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

/// One project of the caller's tenant and its tasks (what the API sends:
/// [`get`] without the members and units a page needs).
pub async fn get_with_tasks(ctx: &Ctx, id: Uuid) -> Result<(Project, Vec<Task>), AppError> {
    ctx.require(Need::Read)?;
    let mut tx = ctx.read_tx().await?;
    let (project, _, tasks) = read(&mut tx, id).await?;
    tx.commit().await?;
    Ok((project, tasks))
}

/// The project, the caller's role there (if they may read it), its tasks.
async fn read(
    tx: &mut TenantTx,
    id: Uuid,
) -> Result<(Project, EffectiveRole, Vec<Task>), AppError> {
    let project = crate::db::projects::get(tx, id)
        .await?
        .ok_or_else(not_found)?;
    let role = authorize_at(tx, project.unit_id, Need::Read).await?;
    let tasks = crate::db::tasks::list_for_project(tx, id).await?;
    Ok((project, role, tasks))
}

/// Creates a project in a unit of the caller's tenant (the root when `unit`
/// is not given), if the caller may write there.
pub async fn create(
    ctx: &Ctx,
    name: &str,
    description: &str,
    unit: Option<Uuid>,
) -> Result<Project, AppError> {
    use crate::db::{org, projects};
    use crate::domain::{Description, ProjectName};

    ctx.require(Need::Read)?;
    let name = ProjectName::parse(name).map_err(invalid("name"))?;
    let description = Description::parse(description).map_err(invalid("description"))?;
    let mut tx = ctx.tx().await?;
    let unit = match unit {
        Some(unit) => unit,
        None => org::root(&mut tx).await?,
    };
    authorize_at(&mut tx, unit, Need::Write).await?;
    let project = projects::create(&mut tx, unit, &name, &description).await?;
    let summary = serde_json::json!({ "name": project.name, "unit_id": unit });
    ctx.audit(&mut tx, AuditAction::ProjectCreate, project.id, summary)
        .await?;
    tx.commit().await?;
    Ok(project)
}

/// A change to a project: each field given is set, the others are kept.
#[derive(Clone, Debug, Default)]
pub struct Patch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub archived: Option<bool>,
}

/// Changes a project in one transaction: its name and description (one
/// `project.update` audit row) and whether it is archived (`project.archive`
/// or `project.restore`, only when that changes).
pub async fn patch(ctx: &Ctx, id: Uuid, change: &Patch) -> Result<Project, AppError> {
    use crate::db::projects;
    use crate::domain::{Description, ProjectName};

    ctx.require(Need::Read)?;
    let name = parse_given(change.name.as_deref(), ProjectName::parse, "name")?;
    let description = parse_given(
        change.description.as_deref(),
        Description::parse,
        "description",
    )?;
    let mut tx = ctx.tx().await?;
    allows(&mut tx, id, Need::Write).await?;
    let before = projects::get_for_update(&mut tx, id)
        .await?
        .ok_or_else(not_found)?;
    let mut after = before.clone();
    if name.is_some() || description.is_some() {
        let name = given_or_current(name, &before.name, ProjectName::parse, "name")?;
        let description = given_or_current(
            description,
            &before.description,
            Description::parse,
            "description",
        )?;
        after = projects::update(&mut tx, id, &name, &description)
            .await?
            .ok_or_else(not_found)?;
        let summary = serde_json::json!({
            "before": { "name": before.name, "description": before.description },
            "after": { "name": after.name, "description": after.description },
        });
        ctx.audit(&mut tx, AuditAction::ProjectUpdate, id, summary)
            .await?;
    }
    if let Some(archived) = change
        .archived
        .filter(|&archived| archived != after.archived)
    {
        after = projects::set_archived(&mut tx, id, archived)
            .await?
            .ok_or_else(not_found)?;
        let action = if archived {
            AuditAction::ProjectArchive
        } else {
            AuditAction::ProjectRestore
        };
        let summary = serde_json::json!({ "name": after.name });
        ctx.audit(&mut tx, action, id, summary).await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// Whether the caller's role at the project's unit allows `need`: 404 if
/// the tenant has no such project, 403 if not. Row-level security checks
/// the same again on the write itself.
pub(crate) async fn allows(tx: &mut TenantTx, id: Uuid, need: Need) -> Result<(), AppError> {
    let project = crate::db::projects::get(tx, id)
        .await?
        .ok_or_else(not_found)?;
    authorize_at(tx, project.unit_id, need).await?;
    Ok(())
}

/// What the project list shows: 400 for a search that is not one.
fn filter(query: &ListQuery) -> Result<crate::db::projects::ProjectFilter, AppError> {
    let search = crate::domain::SearchText::parse(&query.search).map_err(invalid("q"))?;
    Ok(crate::db::projects::ProjectFilter {
        search: search.non_empty().map(str::to_owned),
        include_archived: query.archived,
        unit: query.unit,
    })
}

/// The list's page `page`, of the usual length.
fn page(page: u32) -> crate::model::PageRequest {
    crate::model::PageRequest::new(page, crate::model::PageRequest::DEFAULT_PER_PAGE)
}
