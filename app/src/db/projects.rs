//! Projects of the caller's tenant.

use super::{DbError, TenantTx};
use crate::domain::{Description, ProjectName};
use crate::model::{PageRequest, Paged, Project};
use uuid::Uuid;

/// Which projects to list.
#[derive(Clone, Debug, Default)]
pub struct ProjectFilter {
    /// A case-insensitive substring of the name; `None` lists all.
    pub search: Option<String>,
    pub include_archived: bool,
    /// Only projects in this unit and the units under it.
    pub unit: Option<Uuid>,
}

/// A new project in `unit`. Row-level security refuses it (`Forbidden`)
/// unless the caller may write there.
pub async fn create(
    tx: &mut TenantTx,
    unit: Uuid,
    name: &ProjectName,
    description: &Description,
) -> Result<Project, DbError> {
    let tenant = tx.tenant_id().as_uuid();
    let project = sqlx::query_as!(
        Project,
        r#"insert into projects (tenant_id, unit_id, name, description)
           values ($1, $2, $3, $4)
           returning id, name, unit_id, archived_at is not null as "archived!",
                     description, created_at, updated_at"#,
        tenant,
        unit,
        name.as_str(),
        description.as_str()
    )
    .fetch_one(tx.conn())
    .await?;
    Ok(project)
}

/// The project with this id, if the caller's tenant has one.
pub async fn get(tx: &mut TenantTx, id: Uuid) -> Result<Option<Project>, DbError> {
    let project = sqlx::query_as!(
        Project,
        r#"select id, name, description, unit_id, archived_at is not null as "archived!",
                  created_at, updated_at
           from projects where id = $1"#,
        id
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(project)
}

/// Like [`get`], and locks the row until the transaction ends, so that what
/// an update's audit entry records as "before" is what the update replaced.
pub async fn get_for_update(tx: &mut TenantTx, id: Uuid) -> Result<Option<Project>, DbError> {
    let project = sqlx::query_as!(
        Project,
        r#"select id, name, description, unit_id, archived_at is not null as "archived!",
                  created_at, updated_at
           from projects where id = $1 for update"#,
        id
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(project)
}

/// One page of the tenant's projects, by name.
///
/// The page and the total travel in one statement (the count is a scalar
/// subquery, which Postgres runs once): one round trip, not two. Only a page
/// past the end, which has no row to carry the total, costs a second.
pub async fn list(
    tx: &mut TenantTx,
    filter: &ProjectFilter,
    page: PageRequest,
) -> Result<Paged<Project>, DbError> {
    let pattern = filter.search.as_deref().map(super::like_pattern);
    let rows = sqlx::query!(
        r#"select id, name, description, unit_id, archived_at is not null as "archived!",
                  created_at, updated_at,
                  (select count(*) from projects
                    where ($1::text is null or name ilike $1)
                      and ($2 or archived_at is null)
                      and ($5::uuid is null or unit_id in
                           (select unit_id from org_unit_paths where ancestor_id = $5))) as "total!"
           from projects
           where ($1::text is null or name ilike $1)
             and ($2 or archived_at is null)
             and ($5::uuid is null or unit_id in
                  (select unit_id from org_unit_paths where ancestor_id = $5))
           order by lower(name), id
           limit $3 offset $4"#,
        pattern.as_deref(),
        filter.include_archived,
        page.limit(),
        page.offset(),
        filter.unit
    )
    .fetch_all(tx.conn())
    .await?;
    let total = match rows.first() {
        Some(row) => row.total,
        None if page.offset() == 0 => 0,
        None => count(tx, pattern.as_deref(), filter).await?,
    };
    let items = rows
        .into_iter()
        .map(|row| Project {
            id: row.id,
            name: row.name,
            unit_id: row.unit_id,
            description: row.description,
            archived: row.archived,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
        .collect();
    Ok(Paged {
        items,
        // count(*) is never negative.
        total: u64::try_from(total).unwrap_or_default(),
        page,
    })
}

/// How many projects [`list`] would page through.
async fn count(
    tx: &mut TenantTx,
    pattern: Option<&str>,
    filter: &ProjectFilter,
) -> Result<i64, DbError> {
    let total = sqlx::query_scalar!(
        r#"select count(*) as "count!" from projects
           where ($1::text is null or name ilike $1)
             and ($2 or archived_at is null)
             and ($3::uuid is null or unit_id in
                  (select unit_id from org_unit_paths where ancestor_id = $3))"#,
        pattern,
        filter.include_archived,
        filter.unit
    )
    .fetch_one(tx.conn())
    .await?;
    Ok(total)
}

/// Renames and re-describes a project; `None` if the tenant has no such project.
pub async fn update(
    tx: &mut TenantTx,
    id: Uuid,
    name: &ProjectName,
    description: &Description,
) -> Result<Option<Project>, DbError> {
    let project = sqlx::query_as!(
        Project,
        r#"update projects set name = $2, description = $3, updated_at = now()
           where id = $1
           returning id, name, description, unit_id, archived_at is not null as "archived!",
                     created_at, updated_at"#,
        id,
        name.as_str(),
        description.as_str()
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(project)
}

/// Archives or restores a project; `None` if the tenant has no such project.
pub async fn set_archived(
    tx: &mut TenantTx,
    id: Uuid,
    archived: bool,
) -> Result<Option<Project>, DbError> {
    let project = sqlx::query_as!(
        Project,
        r#"update projects
           set archived_at = case when $2 then coalesce(archived_at, now()) end,
               updated_at = now()
           where id = $1
           returning id, name, description, unit_id, archived_at is not null as "archived!",
                     created_at, updated_at"#,
        id,
        archived
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(project)
}

/// Moves a project (and its tasks) to another unit; `None` if the tenant
/// has no such project. Row-level security checks the caller may write in
/// both the unit it leaves and the one it joins.
pub async fn move_to(tx: &mut TenantTx, id: Uuid, unit: Uuid) -> Result<Option<Project>, DbError> {
    let project = sqlx::query_as!(
        Project,
        r#"update projects set unit_id = $2, updated_at = now()
           where id = $1
           returning id, name, description, unit_id, archived_at is not null as "archived!",
                     created_at, updated_at"#,
        id,
        unit
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(project)
}

/// Deletes a project and its tasks; `false` if the tenant has no such project.
pub async fn delete(tx: &mut TenantTx, id: Uuid) -> Result<bool, DbError> {
    let done = sqlx::query!("delete from projects where id = $1", id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}
