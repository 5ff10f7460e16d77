//! The operations on tenant data, one function each, called by both the
//! browser's server functions (`crate::api`) and the JSON API (the server's
//! `/api/v1`): one code path for the role checks, the validation messages,
//! the 404 for other tenants' ids and the audit rows, whichever door the
//! request came in by.
//!
//! Every operation takes a [`Ctx`]: the database and the verified caller
//! (a session, a Cognito access token or an API key — never an argument).
//! It checks the caller's tenant role ([`Ctx::require`]), parses its input
//! into validated types ([`invalid`] names the field of a refusal), opens a
//! `TenantTx` for the caller, checks the role at the unit where it matters
//! ([`authorize_at`]), calls the repositories, writes the audit row in the
//! same transaction and commits. What only a browser needs (a redirect, a
//! flash message) stays in the server functions.

pub mod people;
pub mod projects;
pub mod tasks;

use crate::db::{Db, TenantChangeTx, TenantTx};
use crate::error::AppError;
use crate::identity::SignedIn;
use crate::model::EffectiveRole;
use crate::role::Role;

/// Who is asking, and the database to answer from.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub db: Db,
    pub caller: SignedIn,
}

/// What an operation asks of the caller's role.
#[derive(Clone, Copy, Debug)]
pub enum Need {
    Read,
    Write,
    DeleteProjects,
    /// The settings pages: Admin and SuperUser.
    ManageMembers,
    /// The tenant's own profile and its API keys: Admin only.
    Admin,
}

impl Need {
    pub(crate) fn allowed_to(self, role: Role) -> bool {
        match self {
            Need::Read => true,
            Need::Write => role.can_write(),
            Need::DeleteProjects => role.can_delete_projects(),
            Need::ManageMembers => crate::policy::manages_members(role),
            Need::Admin => role == Role::Admin,
        }
    }
}

impl Ctx {
    pub fn new(db: Db, caller: SignedIn) -> Self {
        Self { db, caller }
    }

    /// The caller's tenant role allows `need`, or 403 with "Your role does
    /// not allow this." Work on projects and tasks asks [`authorize_at`] the
    /// unit as well, since a role given there can be higher or lower.
    pub fn require(&self, need: Need) -> Result<(), AppError> {
        let role = self.caller.identity.role();
        if !need.allowed_to(role) {
            tracing::info!(%role, ?need, "refused: role does not allow this");
            return Err(AppError::Forbidden);
        }
        Ok(())
    }

    /// A transaction in the caller's tenant, naming the caller to row-level
    /// security (a caller who may write nowhere gets the database's
    /// SELECT-only role).
    pub(crate) async fn tx(&self) -> Result<TenantTx, AppError> {
        Ok(TenantTx::begin(&self.db, &self.caller).await?)
    }

    /// A transaction that only reads, as the SELECT-only database role.
    pub(crate) async fn read_tx(&self) -> Result<TenantTx, AppError> {
        Ok(TenantTx::begin_read(&self.db, &self.caller).await?)
    }

    /// A transaction for a change to the tenant itself (members, profile,
    /// keys), holding the tenant's row lock.
    pub(crate) async fn change_tx(&self) -> Result<TenantChangeTx, AppError> {
        Ok(TenantTx::begin_tenant_change(&self.db, &self.caller).await?)
    }

    /// Writes the audit row for a change, inside the change's transaction.
    pub(crate) async fn audit(
        &self,
        tx: &mut TenantTx,
        action: crate::audit_action::AuditAction,
        target_id: uuid::Uuid,
        summary: serde_json::Value,
    ) -> Result<(), AppError> {
        audit(tx, &self.caller, action, target_id, summary).await
    }
}

/// Writes the audit row for a change by `caller`, inside its transaction.
pub(crate) async fn audit(
    tx: &mut TenantTx,
    caller: &SignedIn,
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

/// The caller's effective role at `unit` (the nearest assignment up the
/// tree, else their tenant role), if it allows `need`: 404 if the tenant
/// has no such unit, 403 if the role there does not allow it.
pub(crate) async fn authorize_at(
    tx: &mut TenantTx,
    unit: uuid::Uuid,
    need: Need,
) -> Result<EffectiveRole, AppError> {
    let found = crate::db::org::caller_role_at(tx, unit)
        .await?
        .ok_or_else(not_found)?;
    if !need.allowed_to(found.role) {
        tracing::info!(role = %found.role, ?need, %unit, "refused: role at the unit does not allow this");
        return Err(AppError::Forbidden);
    }
    Ok(found)
}

/// A text field of a change, parsed when it was given: 400 naming `field`
/// when it does not pass.
pub(crate) fn parse_given<T>(
    given: Option<&str>,
    parse: impl Fn(&str) -> Result<T, crate::domain::InputError>,
    field: &'static str,
) -> Result<Option<T>, AppError> {
    given.map(parse).transpose().map_err(invalid(field))
}

/// The value a change gave a text field, else the row's current value
/// (parsed again: it passed the same checks when it was stored).
pub(crate) fn given_or_current<T>(
    given: Option<T>,
    current: &str,
    parse: impl Fn(&str) -> Result<T, crate::domain::InputError>,
    field: &'static str,
) -> Result<T, AppError> {
    match given {
        Some(value) => Ok(value),
        None => parse(current).map_err(invalid(field)),
    }
}

/// No such row in the caller's tenant: 404.
pub(crate) fn not_found() -> AppError {
    AppError::NotFound
}

/// Input for the form field `field` that failed validation: 400, with the
/// message for the person next to that field.
pub(crate) fn invalid(field: &'static str) -> impl Fn(crate::domain::InputError) -> AppError {
    move |error| AppError::invalid(field, error.to_string())
}
