//! Server functions for a project's tasks: add, edit, assign, mark done or
//! reopen, delete and undo a delete.

#[cfg(feature = "ssr")]
use super::{Need, audit, authorize, authorize_at, invalid, not_found, tenant_tx};
#[cfg(feature = "ssr")]
use crate::audit_action::AuditAction;
use crate::error::AppError;
use crate::model::Task;
use leptos::prelude::*;
use uuid::Uuid;

/// Adds a task to a project of the caller's tenant.
#[server(endpoint = "create_task")]
pub async fn create_task(
    project_id: Uuid,
    #[server(default)] title: String,
    #[server(default)] description: String,
) -> Result<Task, AppError> {
    use crate::db::tasks;
    use crate::domain::{Description, TaskTitle};

    let caller = authorize(Need::Read).await?;
    let title = TaskTitle::parse(&title).map_err(invalid("title"))?;
    let description = Description::parse(&description).map_err(invalid("description"))?;
    let mut tx = tenant_tx(&caller).await?;
    super::projects::project_allows(&mut tx, project_id, Need::Write).await?;
    let task = tasks::create(&mut tx, project_id, &title, &description)
        .await?
        .ok_or_else(not_found)?;
    let summary = serde_json::json!({ "project_id": project_id, "title": task.title });
    audit(&mut tx, &caller, AuditAction::TaskCreate, task.id, summary).await?;
    tx.commit().await?;
    crate::flash::leave(crate::notices::task_added(&task));
    Ok(task)
}

/// Changes a task's title and description.
#[server(endpoint = "update_task")]
pub async fn update_task(
    id: Uuid,
    #[server(default)] title: String,
    #[server(default)] description: String,
) -> Result<Task, AppError> {
    use crate::db::tasks;
    use crate::domain::{Description, TaskTitle};

    let caller = authorize(Need::Read).await?;
    let title = TaskTitle::parse(&title).map_err(invalid("title"))?;
    let description = Description::parse(&description).map_err(invalid("description"))?;
    let mut tx = tenant_tx(&caller).await?;
    task_allows_writes(&mut tx, id).await?;
    let before = tasks::get_for_update(&mut tx, id)
        .await?
        .ok_or_else(not_found)?;
    let after = tasks::update(&mut tx, id, &title, &description)
        .await?
        .ok_or_else(not_found)?;
    let summary = serde_json::json!({
        "before": { "title": before.title, "description": before.description },
        "after": { "title": after.title, "description": after.description },
    });
    audit(&mut tx, &caller, AuditAction::TaskUpdate, id, summary).await?;
    tx.commit().await?;
    crate::flash::leave(crate::notices::task_saved(&after));
    Ok(after)
}

/// Marks a task done, or open again.
#[server(endpoint = "set_task_done")]
pub async fn set_task_done(id: Uuid, done: bool) -> Result<Task, AppError> {
    use crate::db::tasks;

    let caller = authorize(Need::Read).await?;
    let mut tx = tenant_tx(&caller).await?;
    task_allows_writes(&mut tx, id).await?;
    let before = tasks::get_for_update(&mut tx, id)
        .await?
        .ok_or_else(not_found)?;
    if before.done == done {
        // Nothing changes, so there is nothing to record.
        tx.commit().await?;
        return Ok(before);
    }
    let after = tasks::set_done(&mut tx, id, done)
        .await?
        .ok_or_else(not_found)?;
    let action = if done {
        AuditAction::TaskComplete
    } else {
        AuditAction::TaskReopen
    };
    let summary = serde_json::json!({ "title": after.title });
    audit(&mut tx, &caller, action, id, summary).await?;
    tx.commit().await?;
    crate::flash::leave(crate::notices::task_done(&after));
    Ok(after)
}

/// Assigns a task to an active member of the caller's tenant; an empty
/// `assignee` unassigns it.
#[server(endpoint = "assign_task")]
pub async fn assign_task(id: Uuid, #[server(default)] assignee: String) -> Result<Task, AppError> {
    use crate::db::{members, tasks};

    let caller = authorize(Need::Read).await?;
    let no_such_member =
        || AppError::invalid("assignee", "Choose an active member of your organisation.");
    let assignee = match assignee.trim() {
        "" => None,
        raw => Some(Uuid::parse_str(raw).map_err(|_| no_such_member())?),
    };
    let mut tx = tenant_tx(&caller).await?;
    task_allows_writes(&mut tx, id).await?;
    if let Some(member) = assignee {
        // Another tenant's member is not found here, the same as no member.
        match members::get(&mut tx, member).await? {
            Some(found) if found.active => {}
            _ => return Err(no_such_member()),
        }
    }
    let before = tasks::get_for_update(&mut tx, id)
        .await?
        .ok_or_else(not_found)?;
    let after = tasks::assign(&mut tx, id, assignee)
        .await?
        .ok_or_else(not_found)?;
    let summary = serde_json::json!({
        "title": after.title,
        "before": before.assignee_id,
        "after": after.assignee_id,
    });
    audit(&mut tx, &caller, AuditAction::TaskAssign, id, summary).await?;
    tx.commit().await?;
    crate::flash::leave(crate::notices::task_assigned(&after));
    Ok(after)
}

/// Deletes a task; [`restore_task`] can bring it back for a while.
#[server(endpoint = "delete_task")]
pub async fn delete_task(id: Uuid) -> Result<Task, AppError> {
    use crate::db::tasks;

    let caller = authorize(Need::Read).await?;
    let mut tx = tenant_tx(&caller).await?;
    task_allows_writes(&mut tx, id).await?;
    let task = tasks::delete(&mut tx, id).await?.ok_or_else(not_found)?;
    let summary = serde_json::json!({ "project_id": task.project_id, "title": task.title });
    audit(&mut tx, &caller, AuditAction::TaskDelete, id, summary).await?;
    tx.commit().await?;
    crate::flash::leave(crate::notices::task_deleted(&task));
    Ok(task)
}

/// Undoes a recent [`delete_task`] (see `tasks::UNDO_WINDOW_SECS`). A task
/// that cannot come back (restored already, deleted too long ago, its
/// project gone, another tenant's) is not found.
#[server(endpoint = "restore_task")]
pub async fn restore_task(id: Uuid) -> Result<Task, AppError> {
    use crate::db::tasks;

    let caller = authorize(Need::Read).await?;
    let mut tx = tenant_tx(&caller).await?;
    let unit = tasks::deleted_unit_of(&mut tx, id)
        .await?
        .ok_or_else(not_found)?;
    authorize_at(&mut tx, unit, Need::Write).await?;
    let task = tasks::restore(&mut tx, id).await?.ok_or_else(not_found)?;
    let summary = serde_json::json!({ "project_id": task.project_id, "title": task.title });
    audit(&mut tx, &caller, AuditAction::TaskRestore, id, summary).await?;
    tx.commit().await?;
    crate::flash::leave(crate::notices::task_restored(&task));
    Ok(task)
}

/// Whether the caller may change the task: their role at its project's
/// unit allows writing. 404 if the tenant has no such task, 403 if not.
#[cfg(feature = "ssr")]
async fn task_allows_writes(tx: &mut crate::db::TenantTx, id: Uuid) -> Result<(), AppError> {
    let unit = crate::db::tasks::unit_of(tx, id)
        .await?
        .ok_or_else(not_found)?;
    authorize_at(tx, unit, Need::Write).await?;
    Ok(())
}
