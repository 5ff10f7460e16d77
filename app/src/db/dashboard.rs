//! What the signed-in home page shows the caller: their open tasks across
//! the tenant's projects, the projects changed last, and a few counts.

use super::{DbError, TenantTx};
use crate::model::{Dashboard, MyTask, Project};

/// How many of the caller's open tasks and of the recent projects to show.
pub const LIMIT: i64 = 10;

/// The caller (by Cognito sub) sees their own open tasks, newest first, in
/// projects that are not archived.
pub async fn for_caller(tx: &mut TenantTx, caller_sub: &str) -> Result<Dashboard, DbError> {
    let my_tasks = sqlx::query_as!(
        MyTask,
        r#"select t.id, t.title, p.id as project_id, p.name as project_name
           from tasks t
           join projects p on p.tenant_id = t.tenant_id and p.id = t.project_id
           join members m on m.tenant_id = t.tenant_id and m.id = t.assignee_id
           where m.cognito_sub = $1 and t.done_at is null and p.archived_at is null
           order by t.created_at desc, t.id
           limit $2"#,
        caller_sub,
        LIMIT
    )
    .fetch_all(tx.conn())
    .await?;
    let recent = sqlx::query_as!(
        Project,
        r#"select id, name, description, unit_id, archived_at is not null as "archived!",
                  created_at, updated_at
           from projects where archived_at is null
           order by updated_at desc, id
           limit $1"#,
        LIMIT / 2
    )
    .fetch_all(tx.conn())
    .await?;
    let counts = sqlx::query!(
        r#"select (select count(*) from projects where archived_at is null) as "projects!",
                  (select count(*) from tasks t join projects p
                     on p.tenant_id = t.tenant_id and p.id = t.project_id
                   where t.done_at is null and p.archived_at is null) as "open_tasks!""#
    )
    .fetch_one(tx.conn())
    .await?;
    Ok(Dashboard {
        my_tasks,
        recent,
        projects: u64::try_from(counts.projects).unwrap_or_default(),
        open_tasks: u64::try_from(counts.open_tasks).unwrap_or_default(),
    })
}
