//! Tasks: add one to a project, and change one (title, description, done,
//! assignee).

use super::{Ctx, Need, authorize_at, given_or_current, invalid, not_found, parse_given};
use crate::audit_action::AuditAction;
use crate::db::TenantTx;
use crate::error::AppError;
use crate::model::Task;
use uuid::Uuid;

/// Adds a task to a project of the caller's tenant.
pub async fn create(
    ctx: &Ctx,
    project_id: Uuid,
    title: &str,
    description: &str,
) -> Result<Task, AppError> {
    use crate::domain::{Description, TaskTitle};

    ctx.require(Need::Read)?;
    let title = TaskTitle::parse(title).map_err(invalid("title"))?;
    let description = Description::parse(description).map_err(invalid("description"))?;
    let mut tx = ctx.tx().await?;
    super::projects::allows(&mut tx, project_id, Need::Write).await?;
    let task = crate::db::tasks::create(&mut tx, project_id, &title, &description)
        .await?
        .ok_or_else(not_found)?;
    let summary = serde_json::json!({ "project_id": project_id, "title": task.title });
    ctx.audit(&mut tx, AuditAction::TaskCreate, task.id, summary)
        .await?;
    tx.commit().await?;
    Ok(task)
}

/// A change to a task: each field given is set, the others are kept.
#[derive(Clone, Debug, Default)]
pub struct Patch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub done: Option<bool>,
    /// `Some(None)` unassigns.
    pub assignee: Option<Option<Uuid>>,
}

/// Changes a task in one transaction, with one audit row per kind of change
/// (`task.update`, `task.complete`/`task.reopen` when that changes,
/// `task.assign`). The assignee must be an active member of the tenant.
pub async fn patch(ctx: &Ctx, id: Uuid, change: &Patch) -> Result<Task, AppError> {
    use crate::db::{members, tasks};
    use crate::domain::{Description, TaskTitle};

    ctx.require(Need::Read)?;
    let title = parse_given(change.title.as_deref(), TaskTitle::parse, "title")?;
    let description = parse_given(
        change.description.as_deref(),
        Description::parse,
        "description",
    )?;
    let mut tx = ctx.tx().await?;
    allows_writes(&mut tx, id).await?;
    if let Some(Some(member)) = change.assignee {
        // Another tenant's member is not found here, the same as no member.
        match members::get(&mut tx, member).await? {
            Some(found) if found.active => {}
            _ => return Err(no_such_member()),
        }
    }
    let before = tasks::get_for_update(&mut tx, id)
        .await?
        .ok_or_else(not_found)?;
    let mut after = before.clone();
    if title.is_some() || description.is_some() {
        let title = given_or_current(title, &before.title, TaskTitle::parse, "title")?;
        let description = given_or_current(
            description,
            &before.description,
            Description::parse,
            "description",
        )?;
        after = tasks::update(&mut tx, id, &title, &description)
            .await?
            .ok_or_else(not_found)?;
        let summary = serde_json::json!({
            "before": { "title": before.title, "description": before.description },
            "after": { "title": after.title, "description": after.description },
        });
        ctx.audit(&mut tx, AuditAction::TaskUpdate, id, summary)
            .await?;
    }
    if let Some(done) = change.done.filter(|&done| done != after.done) {
        after = tasks::set_done(&mut tx, id, done)
            .await?
            .ok_or_else(not_found)?;
        let action = if done {
            AuditAction::TaskComplete
        } else {
            AuditAction::TaskReopen
        };
        let summary = serde_json::json!({ "title": after.title });
        ctx.audit(&mut tx, action, id, summary).await?;
    }
    if let Some(assignee) = change.assignee {
        let was = after.assignee_id;
        after = tasks::assign(&mut tx, id, assignee)
            .await?
            .ok_or_else(not_found)?;
        let summary = serde_json::json!({
            "title": after.title,
            "before": was,
            "after": after.assignee_id,
        });
        ctx.audit(&mut tx, AuditAction::TaskAssign, id, summary)
            .await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// The refusal for an assignee who is not an active member of the tenant.
pub(crate) fn no_such_member() -> AppError {
    AppError::invalid("assignee", "Choose an active member of your organisation.")
}

/// Whether the caller may change the task: their role at its project's
/// unit allows writing. 404 if the tenant has no such task, 403 if not.
pub(crate) async fn allows_writes(tx: &mut TenantTx, id: Uuid) -> Result<(), AppError> {
    let unit = crate::db::tasks::unit_of(tx, id)
        .await?
        .ok_or_else(not_found)?;
    authorize_at(tx, unit, Need::Write).await?;
    Ok(())
}
