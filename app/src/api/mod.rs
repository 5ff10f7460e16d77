//! Server functions: the browser's calls into the server.
//!
//! Every one follows the same steps, and the helpers below keep each step a
//! single line: find the caller ([`authorize`]: the verified session, never
//! an argument, and a role check), parse the input into validated types
//! ([`invalid`] turns a refusal into a message for its form field), open a
//! `TenantTx` for the caller ([`tenant_tx`]), call the repository, write the
//! audit row in the same transaction, commit.
//!
//! Ids sent by the browser are looked up inside the caller's tenant, so an id
//! of another tenant's row is not found (404) rather than refused: nothing
//! confirms that it exists.

mod org;
mod projects;
mod settings;
mod tasks;

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

/// What a server function asks of the caller's role.
#[cfg(feature = "ssr")]
#[derive(Clone, Copy, Debug)]
pub(crate) enum Need {
    Read,
    Write,
    DeleteProjects,
    /// The settings pages: Admin and SuperUser.
    ManageMembers,
    /// The tenant's own profile: Admin only.
    Admin,
}

#[cfg(feature = "ssr")]
impl Need {
    fn allowed_to(self, role: crate::role::Role) -> bool {
        match self {
            Need::Read => true,
            Need::Write => role.can_write(),
            Need::DeleteProjects => role.can_delete_projects(),
            Need::ManageMembers => crate::policy::manages_members(role),
            Need::Admin => role == crate::role::Role::Admin,
        }
    }
}

/// The verified caller, if their tenant role allows `need`: otherwise 401
/// (no session) or 403 with "Your role does not allow this." Work on
/// projects and tasks asks [`authorize_at`] the unit as well, since a role
/// given there can be higher or lower than the tenant role.
#[cfg(feature = "ssr")]
pub(crate) async fn authorize(need: Need) -> Result<crate::identity::SignedIn, AppError> {
    let caller = leptos_axum::extract::<crate::identity::SignedIn>()
        .await
        .map_err(|_| AppError::Unauthorized)?;
    let role = caller.identity.role();
    if !need.allowed_to(role) {
        tracing::info!(%role, ?need, "refused: role does not allow this");
        return Err(AppError::Forbidden);
    }
    Ok(caller)
}

/// The caller's effective role at `unit` (the nearest assignment up the
/// tree, else their tenant role), if it allows `need`: 404 if the tenant
/// has no such unit, 403 if the role there does not allow it.
#[cfg(feature = "ssr")]
pub(crate) async fn authorize_at(
    tx: &mut crate::db::TenantTx,
    unit: uuid::Uuid,
    need: Need,
) -> Result<crate::model::EffectiveRole, AppError> {
    let found = crate::db::org::caller_role_at(tx, unit)
        .await?
        .ok_or_else(not_found)?;
    if !need.allowed_to(found.role) {
        tracing::info!(role = %found.role, ?need, %unit, "refused: role at the unit does not allow this");
        return Err(AppError::Forbidden);
    }
    Ok(found)
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

/// Writes the audit row for a change, inside the change's transaction.
#[cfg(feature = "ssr")]
pub(crate) async fn audit(
    tx: &mut crate::db::TenantTx,
    caller: &crate::identity::SignedIn,
    action: crate::audit_action::AuditAction,
    target_id: uuid::Uuid,
    summary: serde_json::Value,
) -> Result<(), AppError> {
    let entry = crate::db::audit::Entry {
        action,
        target_id: Some(target_id.to_string()),
        summary,
    };
    Ok(crate::db::audit::record(tx, &caller.identity, entry).await?)
}

/// No such row in the caller's tenant: 404.
#[cfg(feature = "ssr")]
pub(crate) fn not_found() -> AppError {
    AppError::NotFound
}

/// Input for the form field `field` that failed validation: 400, with the
/// message for the person next to that field.
#[cfg(feature = "ssr")]
pub(crate) fn invalid(field: &'static str) -> impl Fn(crate::domain::InputError) -> AppError {
    move |error| AppError::invalid(field, error.to_string())
}
