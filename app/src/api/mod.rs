//! Server functions: the browser's calls into the server.
//!
//! The caller is always the verified session, never an argument. What the
//! JSON API can do too (projects, tasks, members, the audit log, keys) is a
//! function of [`crate::service`], which a server function calls with
//! [`ctx`] and follows with what only a browser needs (a redirect, a flash).
//! The others follow the same steps themselves, with the helpers below
//! keeping each step a single line: find the caller ([`authorize`]: the
//! session and a role check), parse the input into validated types
//! ([`invalid`] turns a refusal into a message for its form field), open a
//! `TenantTx` for the caller ([`tenant_tx`]), call the repository, write the
//! audit row in the same transaction, commit.
//!
//! Ids sent by the browser are looked up inside the caller's tenant, so an id
//! of another tenant's row is not found (404) rather than refused: nothing
//! confirms that it exists.

mod api_keys;
mod org;
mod projects;
mod settings;
mod tasks;

pub use api_keys::*;
pub use org::*;
pub use projects::*;
pub use settings::*;
pub use tasks::*;

use crate::error::AppError;
use crate::model::CurrentUser;
use leptos::prelude::*;

/// The signed-in caller as the pages show them; `None` when signed out.
#[server(endpoint = "who_am_i")]
pub async fn who_am_i() -> Result<Option<CurrentUser>, AppError> {
    Ok(leptos_axum::extract::<crate::identity::SignedIn>()
        .await
        .ok()
        .map(|caller| caller.view()))
}

#[cfg(feature = "ssr")]
pub(crate) use crate::service::{Need, audit, authorize_at, invalid, not_found};

/// The verified caller of this server function, or 401. Server functions
/// take browser sessions only: the JSON API's bearer credentials reach
/// `/api/v1` and nothing else.
#[cfg(feature = "ssr")]
async fn signed_in() -> Result<crate::identity::SignedIn, AppError> {
    let caller = leptos_axum::extract::<crate::identity::SignedIn>()
        .await
        .map_err(|_| AppError::Unauthorized)?;
    if caller.credential != crate::identity::Credential::Session {
        return Err(AppError::Unauthorized);
    }
    Ok(caller)
}

/// The caller and the database, for an operation of [`crate::service`].
#[cfg(feature = "ssr")]
pub(crate) async fn ctx() -> Result<crate::service::Ctx, AppError> {
    Ok(crate::service::Ctx::new(db()?, signed_in().await?))
}

/// The verified caller, if their tenant role allows `need`: otherwise 401
/// (no session) or 403 with "Your role does not allow this." Work on
/// projects and tasks asks [`authorize_at`] the unit as well, since a role
/// given there can be higher or lower than the tenant role.
#[cfg(feature = "ssr")]
pub(crate) async fn authorize(need: Need) -> Result<crate::identity::SignedIn, AppError> {
    let ctx = ctx().await?;
    ctx.require(need)?;
    Ok(ctx.caller)
}

/// A transaction in the caller's tenant, naming the caller to row-level
/// security (a caller who may write nowhere gets the database's SELECT-only
/// role).
#[cfg(feature = "ssr")]
pub(crate) async fn tenant_tx(
    caller: &crate::identity::SignedIn,
) -> Result<crate::db::TenantTx, AppError> {
    Ok(crate::db::TenantTx::begin(&db()?, caller).await?)
}

/// A transaction that only reads, as the SELECT-only database role (see
/// `TenantTx::begin_read`).
#[cfg(feature = "ssr")]
pub(crate) async fn tenant_read_tx(
    caller: &crate::identity::SignedIn,
) -> Result<crate::db::TenantTx, AppError> {
    Ok(crate::db::TenantTx::begin_read(&db()?, caller).await?)
}

/// A transaction for a change to the caller's tenant itself (members,
/// profile): it holds the tenant's row lock, so such changes run one at a
/// time, and the caller's role is re-checked under it.
#[cfg(feature = "ssr")]
pub(crate) async fn tenant_change_tx(
    caller: &crate::identity::SignedIn,
) -> Result<crate::db::TenantChangeTx, AppError> {
    Ok(crate::db::TenantTx::begin_tenant_change(&db()?, caller).await?)
}

#[cfg(feature = "ssr")]
fn db() -> Result<crate::db::Db, AppError> {
    use_context::<crate::db::Db>().ok_or_else(|| {
        tracing::error!("no database handle in the server function's context");
        AppError::Internal
    })
}
