//! Server functions: the browser's calls into the server. Each one finds its
//! caller through [`caller`] — the verified session, never an argument — and
//! reaches tenant data only through a `TenantTx` for that caller.

use crate::error::AppError;
use crate::model::{CurrentUser, Paged, Project, ProjectDetail};
use leptos::prelude::*;

/// The signed-in caller as the pages show them; `None` when signed out.
#[server(endpoint = "who_am_i")]
pub async fn who_am_i() -> Result<Option<CurrentUser>, AppError> {
    Ok(leptos_axum::extract::<crate::identity::SignedIn>()
        .await
        .ok()
        .map(|caller| caller.view()))
}

/// One page of the caller's tenant's projects, archived ones left out.
#[server(endpoint = "list_projects")]
pub async fn list_projects(page: u32) -> Result<Paged<Project>, AppError> {
    use crate::db::{TenantTx, projects};
    use crate::model::PageRequest;

    let caller = caller().await?;
    let db = database()?;
    let mut tx = TenantTx::begin(&db, &caller.identity).await?;
    let listed = projects::list(
        &mut tx,
        &projects::ProjectFilter::default(),
        PageRequest::new(page, PageRequest::DEFAULT_PER_PAGE),
    )
    .await?;
    tx.commit().await?;
    Ok(listed)
}

/// One project of the caller's tenant and its tasks. An id of another
/// tenant's project is looked up in the caller's tenant like any other, so
/// it is simply not found (404), never refused: nothing confirms it exists.
#[server(endpoint = "get_project")]
pub async fn get_project(id: uuid::Uuid) -> Result<ProjectDetail, AppError> {
    use crate::db::{TenantTx, projects, tasks};

    let caller = caller().await?;
    let db = database()?;
    let mut tx = TenantTx::begin(&db, &caller.identity).await?;
    let Some(project) = projects::get(&mut tx, id).await? else {
        return Err(refuse(http::StatusCode::NOT_FOUND, AppError::NotFound));
    };
    let tasks = tasks::list_for_project(&mut tx, id).await?;
    tx.commit().await?;
    Ok(ProjectDetail { project, tasks })
}

/// Creates a project in the caller's tenant (any role but ReadOnly), with
/// its audit row in the same transaction.
#[server(endpoint = "create_project")]
pub async fn create_project(
    // Missing fields read as empty, so they get the field's own message.
    #[server(default)] name: String,
    #[server(default)] description: String,
) -> Result<Project, AppError> {
    use crate::db::{TenantTx, audit, projects};
    use crate::domain::{Description, ProjectName};

    let caller = caller().await?;
    if !caller.identity.role().can_write() {
        return Err(refuse(http::StatusCode::FORBIDDEN, AppError::Forbidden));
    }
    let name = ProjectName::parse(&name).map_err(invalid)?;
    let description = Description::parse(&description).map_err(invalid)?;
    let db = database()?;
    let mut tx = TenantTx::begin(&db, &caller.identity).await?;
    let project = projects::create(&mut tx, &name, &description).await?;
    audit::record(
        &mut tx,
        &caller.identity,
        audit::Entry {
            action: "project.create",
            target_type: "project",
            target_id: Some(project.id.to_string()),
            summary: serde_json::json!({ "name": project.name }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(project)
}

/// Sets the response status for an error the server function returns.
#[cfg(feature = "ssr")]
fn refuse(status: http::StatusCode, error: AppError) -> AppError {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
    error
}

/// Input that failed validation: 400, with the message for the person.
#[cfg(feature = "ssr")]
fn invalid(error: crate::domain::InputError) -> AppError {
    refuse(
        http::StatusCode::BAD_REQUEST,
        AppError::Invalid(error.to_string()),
    )
}

/// The verified caller of this server function, or `Unauthorized` (with
/// status 401).
#[cfg(feature = "ssr")]
pub async fn caller() -> Result<crate::identity::SignedIn, AppError> {
    leptos_axum::extract::<crate::identity::SignedIn>()
        .await
        .map_err(|_| refuse(http::StatusCode::UNAUTHORIZED, AppError::Unauthorized))
}

/// The database handle the router provides to every server function.
#[cfg(feature = "ssr")]
fn database() -> Result<crate::db::Db, AppError> {
    use_context::<crate::db::Db>().ok_or_else(|| {
        tracing::error!("no database handle in the server function's context");
        AppError::Internal
    })
}
