//! The JSON API's handlers: each parses its input, calls the same service
//! function as the browser's server function, and shapes the answer.

use super::extract::{Body, Caller, Ids, Params};
use super::problem::Problem;
use super::types::*;
use app::service::{people, projects, tasks};
use axum::Json;
use axum::http::StatusCode;
use oauth2::url::form_urlencoded::Serializer;
use uuid::Uuid;

type Answer<T> = Result<Json<T>, Problem>;

/// Lists the tenant's projects, a page at a time.
#[utoipa::path(get, path = "/api/v1/projects", params(ProjectQuery), tag = "projects",
    responses((status = 200, body = Page<Project>), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn list_projects(
    Caller(ctx): Caller,
    Params(q): Params<ProjectQuery>,
) -> Answer<Page<Project>> {
    let query = projects::ListQuery {
        page: q.page.unwrap_or(1),
        search: q.search.clone().unwrap_or_default(),
        archived: q.archived.unwrap_or(false),
        unit: None,
    };
    let paged = projects::list(&ctx, &query).await?;
    Ok(Json(Page::from_paged(paged, |page| {
        let mut link = Serializer::new(String::new());
        link.append_pair("page", &page.to_string());
        if !query.search.is_empty() {
            link.append_pair("search", &query.search);
        }
        if query.archived {
            link.append_pair("archived", "true");
        }
        format!("/api/v1/projects?{}", link.finish())
    })))
}

/// One project of the tenant, with its tasks.
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects",
    params(("id" = Uuid, Path, description = "The project's id")),
    responses((status = 200, body = ProjectWithTasks), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn get_project(Caller(ctx): Caller, Ids(id): Ids<Uuid>) -> Answer<ProjectWithTasks> {
    let (project, tasks) = projects::get_with_tasks(&ctx, id).await?;
    Ok(Json(ProjectWithTasks {
        project: project.into(),
        tasks: tasks.into_iter().map(Task::from).collect(),
    }))
}

/// Creates a project (Admin, SuperUser, Member, or a role given at the unit).
#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", request_body = NewProject,
    responses((status = 201, body = Project), (status = 400, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn create_project(
    Caller(ctx): Caller,
    Body(new): Body<NewProject>,
) -> Result<(StatusCode, Json<Project>), Problem> {
    let project = projects::create(&ctx, &new.name, &new.description, new.unit_id).await?;
    Ok((StatusCode::CREATED, Json(project.into())))
}

/// Changes a project's name, description, or whether it is archived.
#[utoipa::path(patch, path = "/api/v1/projects/{id}", tag = "projects", request_body = ProjectChange,
    params(("id" = Uuid, Path, description = "The project's id")),
    responses((status = 200, body = Project), (status = 400, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn patch_project(
    Caller(ctx): Caller,
    Ids(id): Ids<Uuid>,
    Body(change): Body<ProjectChange>,
) -> Answer<Project> {
    let change = projects::Patch {
        name: change.name,
        description: change.description,
        archived: change.archived,
    };
    Ok(Json(projects::patch(&ctx, id, &change).await?.into()))
}

/// Adds a task to a project.
#[utoipa::path(post, path = "/api/v1/projects/{id}/tasks", tag = "tasks", request_body = NewTask,
    params(("id" = Uuid, Path, description = "The project's id")),
    responses((status = 201, body = Task), (status = 400, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn create_task(
    Caller(ctx): Caller,
    Ids(project): Ids<Uuid>,
    Body(new): Body<NewTask>,
) -> Result<(StatusCode, Json<Task>), Problem> {
    let task = tasks::create(&ctx, project, &new.title, &new.description).await?;
    Ok((StatusCode::CREATED, Json(task.into())))
}

/// Changes a task: title, description, done, assignee.
#[utoipa::path(patch, path = "/api/v1/tasks/{id}", tag = "tasks", request_body = TaskChange,
    params(("id" = Uuid, Path, description = "The task's id")),
    responses((status = 200, body = Task), (status = 400, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn patch_task(
    Caller(ctx): Caller,
    Ids(id): Ids<Uuid>,
    Body(change): Body<TaskChange>,
) -> Answer<Task> {
    let change = tasks::Patch {
        title: change.title,
        description: change.description,
        done: change.done,
        assignee: change.assignee_id,
    };
    Ok(Json(tasks::patch(&ctx, id, &change).await?.into()))
}

/// The tenant's members (Admin and SuperUser).
#[utoipa::path(get, path = "/api/v1/members", tag = "members", params(SearchQuery),
    responses((status = 200, body = Page<Member>), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list_members(
    Caller(ctx): Caller,
    Params(q): Params<SearchQuery>,
) -> Answer<Page<Member>> {
    let search = q.search.unwrap_or_default();
    let list = people::members(&ctx, q.page.unwrap_or(1), &search).await?;
    Ok(Json(Page::from_paged(list.members, |page| {
        let mut link = Serializer::new(String::new());
        link.append_pair("page", &page.to_string());
        if !search.is_empty() {
            link.append_pair("search", &search);
        }
        format!("/api/v1/members?{}", link.finish())
    })))
}

/// The tenant's audit log, newest first (Admin and SuperUser).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Page<AuditEntry>), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list_audit(
    Caller(ctx): Caller,
    Params(q): Params<AuditQuery>,
) -> Answer<Page<AuditEntry>> {
    let actor = q.actor.unwrap_or_default();
    let action = q.action.unwrap_or_default();
    let log = people::audit_log(&ctx, q.page.unwrap_or(1), &actor, &action).await?;
    Ok(Json(Page::from_paged(log, |page| {
        let mut link = Serializer::new(String::new());
        link.append_pair("page", &page.to_string());
        if !actor.is_empty() {
            link.append_pair("actor", &actor);
        }
        if !action.is_empty() {
            link.append_pair("action", &action);
        }
        format!("/api/v1/audit?{}", link.finish())
    })))
}

/// Anything else under `/api/v1`.
pub async fn not_found() -> Problem {
    Problem::new(StatusCode::NOT_FOUND, "No such API route.")
}

/// A route of the API, with a method it does not have.
pub async fn method_not_allowed() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "This route does not take that method; see /api/v1/openapi.json.",
    )
}
