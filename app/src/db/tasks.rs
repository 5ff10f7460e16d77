//! Tasks of the caller's tenant's projects.

use super::{DbError, TenantTx};
use crate::domain::{Description, TaskTitle};
use crate::model::Task;
use uuid::Uuid;

/// Adds a task to a project; `None` if the tenant has no such project (an id
/// of another tenant's project looks exactly like an id that does not exist).
pub async fn create(
    tx: &mut TenantTx,
    project_id: Uuid,
    title: &TaskTitle,
    description: &Description,
) -> Result<Option<Task>, DbError> {
    let tenant = tx.tenant_id().as_uuid();
    // Insert-select: the project must be visible to this tenant, or nothing
    // is inserted. The composite foreign key would refuse it anyway.
    let task = sqlx::query_as!(
        Task,
        r#"insert into tasks (tenant_id, project_id, title, description)
           select $1, p.id, $3, $4 from projects p where p.id = $2
           returning id, project_id, title, description, done_at is not null as "done!",
                     assignee_id, created_at, updated_at"#,
        tenant,
        project_id,
        title.as_str(),
        description.as_str()
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(task)
}

/// The organisation unit of a task (its project's); `None` if the tenant
/// has no such task.
pub async fn unit_of(tx: &mut TenantTx, id: Uuid) -> Result<Option<Uuid>, DbError> {
    let unit = sqlx::query_scalar!("select unit_id from tasks where id = $1", id)
        .fetch_optional(tx.conn())
        .await?;
    Ok(unit)
}

/// The unit a deleted task would come back to (its project's); `None` if
/// the tenant has no such deleted task.
pub async fn deleted_unit_of(tx: &mut TenantTx, id: Uuid) -> Result<Option<Uuid>, DbError> {
    let unit = sqlx::query_scalar!(
        "select p.unit_id from deleted_tasks d join projects p on p.id = d.project_id
         where d.id = $1",
        id
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(unit)
}

pub async fn get(tx: &mut TenantTx, id: Uuid) -> Result<Option<Task>, DbError> {
    let task = sqlx::query_as!(
        Task,
        r#"select id, project_id, title, description, done_at is not null as "done!",
                  assignee_id, created_at, updated_at
           from tasks where id = $1"#,
        id
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(task)
}

/// Like [`get`], and locks the row until the transaction ends (see
/// `projects::get_for_update`).
pub async fn get_for_update(tx: &mut TenantTx, id: Uuid) -> Result<Option<Task>, DbError> {
    let task = sqlx::query_as!(
        Task,
        r#"select id, project_id, title, description, done_at is not null as "done!",
                  assignee_id, created_at, updated_at
           from tasks where id = $1 for update"#,
        id
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(task)
}

/// A project's tasks: open ones first, then by creation.
pub async fn list_for_project(tx: &mut TenantTx, project_id: Uuid) -> Result<Vec<Task>, DbError> {
    let tasks = sqlx::query_as!(
        Task,
        r#"select id, project_id, title, description, done_at is not null as "done!",
                  assignee_id, created_at, updated_at
           from tasks where project_id = $1
           order by done_at is not null, created_at, id"#,
        project_id
    )
    .fetch_all(tx.conn())
    .await?;
    Ok(tasks)
}

pub async fn update(
    tx: &mut TenantTx,
    id: Uuid,
    title: &TaskTitle,
    description: &Description,
) -> Result<Option<Task>, DbError> {
    let task = sqlx::query_as!(
        Task,
        r#"update tasks set title = $2, description = $3, updated_at = now()
           where id = $1
           returning id, project_id, title, description, done_at is not null as "done!",
                     assignee_id, created_at, updated_at"#,
        id,
        title.as_str(),
        description.as_str()
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(task)
}

/// Marks a task done or open again; `None` if the tenant has no such task.
pub async fn set_done(tx: &mut TenantTx, id: Uuid, done: bool) -> Result<Option<Task>, DbError> {
    let task = sqlx::query_as!(
        Task,
        r#"update tasks
           set done_at = case when $2 then coalesce(done_at, now()) end, updated_at = now()
           where id = $1
           returning id, project_id, title, description, done_at is not null as "done!",
                     assignee_id, created_at, updated_at"#,
        id,
        done
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(task)
}

/// Assigns a task to a member of the tenant, or to nobody; `None` if the
/// tenant has no such task. The caller checks that the member exists: the
/// composite foreign key refuses another tenant's member regardless.
pub async fn assign(
    tx: &mut TenantTx,
    id: Uuid,
    assignee: Option<Uuid>,
) -> Result<Option<Task>, DbError> {
    let task = sqlx::query_as!(
        Task,
        r#"update tasks set assignee_id = $2, updated_at = now()
           where id = $1
           returning id, project_id, title, description, done_at is not null as "done!",
                     assignee_id, created_at, updated_at"#,
        id,
        assignee
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(task)
}

/// How long a deleted task can be brought back ([`restore`]); after that the
/// next delete in the tenant purges it.
pub const UNDO_WINDOW_SECS: i32 = 600;

/// Deletes a task, keeping it in `deleted_tasks` for [`UNDO_WINDOW_SECS`];
/// `None` if the tenant has no such task. Deleted tasks older than that are
/// purged on the way.
///
/// Locks follow the order a project's delete takes (the project, then its
/// tasks): the project first, `for key share`, then the task.
pub async fn delete(tx: &mut TenantTx, id: Uuid) -> Result<Option<Task>, DbError> {
    sqlx::query!(
        "delete from deleted_tasks where deleted_at < now() - make_interval(secs => $1)",
        f64::from(UNDO_WINDOW_SECS)
    )
    .execute(tx.conn())
    .await?;
    let project = sqlx::query_scalar!(
        "select p.id from tasks t join projects p on p.id = t.project_id
         where t.id = $1 for key share of p",
        id
    )
    .fetch_optional(tx.conn())
    .await?;
    if project.is_none() {
        return Ok(None);
    }
    let task = sqlx::query_as!(
        Task,
        r#"with gone as (delete from tasks where id = $1 returning *),
                kept as (
                    insert into deleted_tasks (tenant_id, id, project_id, title, description,
                                               done_at, assignee_id, created_at, updated_at)
                    select tenant_id, id, project_id, title, description,
                           done_at, assignee_id, created_at, updated_at
                    from gone)
           select id, project_id, title, description, done_at is not null as "done!",
                  assignee_id, created_at, updated_at
           from gone"#,
        id
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(task)
}

/// Brings back a task deleted less than [`UNDO_WINDOW_SECS`] ago; `None` if
/// the tenant has no such deleted task (never deleted, restored already, too
/// old, or its project is gone). Locks as [`delete`] does: project, then task.
pub async fn restore(tx: &mut TenantTx, id: Uuid) -> Result<Option<Task>, DbError> {
    let project = sqlx::query_scalar!(
        "select p.id from deleted_tasks d join projects p on p.id = d.project_id
         where d.id = $1 for key share of p",
        id
    )
    .fetch_optional(tx.conn())
    .await?;
    if project.is_none() {
        return Ok(None);
    }
    let task = sqlx::query_as!(
        Task,
        r#"with back as (
               delete from deleted_tasks
               where id = $1 and deleted_at >= now() - make_interval(secs => $2)
               returning *)
           insert into tasks (tenant_id, id, project_id, title, description, done_at,
                              assignee_id, created_at, updated_at)
           select tenant_id, id, project_id, title, description, done_at,
                  assignee_id, created_at, now()
           from back
           returning id, project_id, title, description, done_at is not null as "done!",
                     assignee_id, created_at, updated_at"#,
        id,
        f64::from(UNDO_WINDOW_SECS)
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(task)
}
