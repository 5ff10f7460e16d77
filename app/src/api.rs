//! Server functions: the browser's calls into the server. Each one finds its
//! caller through [`caller`] — the verified session, never an argument — and
//! reaches tenant data only through a `TenantTx` for that caller.

use crate::error::AppError;
use crate::model::{CurrentUser, Paged, Project};
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

/// The verified caller of this server function, or `Unauthorized` (with
/// status 401).
#[cfg(feature = "ssr")]
pub async fn caller() -> Result<crate::identity::SignedIn, AppError> {
    match leptos_axum::extract::<crate::identity::SignedIn>().await {
        Ok(caller) => Ok(caller),
        Err(_) => {
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(http::StatusCode::UNAUTHORIZED);
            }
            Err(AppError::Unauthorized)
        }
    }
}

/// The database handle the router provides to every server function.
#[cfg(feature = "ssr")]
fn database() -> Result<crate::db::Db, AppError> {
    use_context::<crate::db::Db>().ok_or_else(|| {
        tracing::error!("no database handle in the server function's context");
        AppError::Internal
    })
}
