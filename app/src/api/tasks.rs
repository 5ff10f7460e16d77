//! Server functions for a project's tasks: add, edit, assign, mark done or
//! reopen, delete and undo a delete.

#[cfg(feature = "ssr")]
use super::{Need, audit, authorize, authorize_at, not_found, tenant_tx};
#[cfg(feature = "ssr")]
use crate::audit_action::AuditAction;
use crate::error::AppError;
use crate::model::Task;
#[cfg(feature = "ssr")]
use crate::service::{self, tasks::Patch};
use leptos::prelude::*;
use uuid::Uuid;

/// Adds a task to a project of the caller's tenant.
#[server(endpoint = "create_task")]
pub async fn create_task(
    project_id: Uuid,
    #[server(default)] title: String,
    #[server(default)] description: String,
) -> Result<Task, AppError> {
    let ctx = super::ctx().await?;
    let task = service::tasks::create(&ctx, project_id, &title, &description).await?;
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
    let change = Patch {
        title: Some(title),
        description: Some(description),
        ..Default::default()
    };
    let after = service::tasks::patch(&super::ctx().await?, id, &change).await?;
    crate::flash::leave(crate::notices::task_saved(&after));
    Ok(after)
}

/// Marks a task done, or open again.
#[server(endpoint = "set_task_done")]
pub async fn set_task_done(id: Uuid, done: bool) -> Result<Task, AppError> {
    let change = Patch {
        done: Some(done),
        ..Default::default()
    };
    let after = service::tasks::patch(&super::ctx().await?, id, &change).await?;
    crate::flash::leave(crate::notices::task_done(&after));
    Ok(after)
}

/// Assigns a task to an active member of the caller's tenant; an empty
/// `assignee` unassigns it.
#[server(endpoint = "assign_task")]
pub async fn assign_task(id: Uuid, #[server(default)] assignee: String) -> Result<Task, AppError> {
    let ctx = super::ctx().await?;
    let assignee = match assignee.trim() {
        "" => None,
        raw => Some(Uuid::parse_str(raw).map_err(|_| service::tasks::no_such_member())?),
    };
    let change = Patch {
        assignee: Some(assignee),
        ..Default::default()
    };
    let after = service::tasks::patch(&ctx, id, &change).await?;
    crate::flash::leave(crate::notices::task_assigned(&after));
    Ok(after)
}

/// Deletes a task; [`restore_task`] can bring it back for a while.
#[server(endpoint = "delete_task")]
pub async fn delete_task(id: Uuid) -> Result<Task, AppError> {
    use crate::db::tasks;

    let caller = authorize(Need::Read).await?;
    let mut tx = tenant_tx(&caller).await?;
    service::tasks::allows_writes(&mut tx, id).await?;
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
