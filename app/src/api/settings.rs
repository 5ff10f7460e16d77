//! Server functions for the settings pages (Admin and SuperUser): members
//! through Cognito's admin API, the tenant's profile, the audit log. The
//! escalation rules are checked here on every call, whatever the page
//! offered (see `crate::policy` and `crate::membership`).

#[cfg(feature = "ssr")]
use super::{Need, authorize, invalid, not_found, tenant_change_tx};
use crate::error::AppError;
use crate::model::{AuditEntry, MemberDetail, MemberList, Paged};
use leptos::prelude::*;
use uuid::Uuid;

/// One page of the tenant's members (search by email or name), with the
/// roles the caller may give.
#[server(endpoint = "list_members")]
pub async fn list_members(
    #[server(default)] page: u32,
    #[server(default)] search: String,
) -> Result<MemberList, AppError> {
    crate::service::people::members(&super::ctx().await?, page, &search).await
}

/// Adds a member to the caller's own tenant: a Cognito user invited by
/// email with a temporary password, in the role's group.
#[server(endpoint = "invite_member")]
pub async fn invite_member(
    #[server(default)] email: String,
    #[server(default)] name: String,
    #[server(default)] role: String,
) -> Result<MemberDetail, AppError> {
    use crate::domain::{DisplayName, Email};
    use crate::membership;

    let caller = authorize(Need::ManageMembers).await?;
    let email = Email::parse(&email).map_err(invalid("email"))?;
    let name = DisplayName::parse(&name).map_err(invalid("name"))?;
    let role = parse_role(&role)?;
    let tx = tenant_change_tx(&caller).await?;
    let record =
        membership::invite(&directory()?, tx, requester(&caller), &email, &name, role).await?;
    let member = record.detail(caller.identity.sub());
    crate::flash::leave(crate::notices::member_invited(&member));
    Ok(member)
}

/// Emails a member who has not signed in yet a new invitation.
#[server(endpoint = "resend_invitation")]
pub async fn resend_invitation(id: Uuid) -> Result<MemberDetail, AppError> {
    use crate::membership;

    let caller = authorize(Need::ManageMembers).await?;
    let tx = tenant_change_tx(&caller).await?;
    let record = membership::resend(&directory()?, tx, requester(&caller), id).await?;
    let member = record.detail(caller.identity.sub());
    crate::flash::leave(crate::notices::invitation_resent(&member));
    Ok(member)
}

/// Gives a member another role.
#[server(endpoint = "change_member_role")]
pub async fn change_member_role(
    id: Uuid,
    #[server(default)] role: String,
) -> Result<MemberDetail, AppError> {
    use crate::policy::MemberChange;
    let role = parse_role(&role);
    change_member(
        id,
        move || role.map(MemberChange::SetRole),
        crate::notices::role_changed,
    )
    .await
}

/// Disables a member (signed out everywhere at once) or enables them again.
#[server(endpoint = "set_member_active")]
pub async fn set_member_active(id: Uuid, active: bool) -> Result<MemberDetail, AppError> {
    use crate::policy::MemberChange;
    let change = if active {
        MemberChange::Enable
    } else {
        MemberChange::Disable
    };
    change_member(id, move || Ok(change), crate::notices::member_active).await
}

/// Removes a member: their Cognito user is deleted and their tasks become
/// unassigned.
#[server(endpoint = "remove_member")]
pub async fn remove_member(id: Uuid) -> Result<MemberDetail, AppError> {
    use crate::policy::MemberChange;
    change_member(
        id,
        || Ok(MemberChange::Remove),
        crate::notices::member_removed,
    )
    .await
}

/// Renames the caller's tenant (Admin only).
#[server(endpoint = "rename_tenant")]
pub async fn rename_tenant(#[server(default)] name: String) -> Result<String, AppError> {
    use crate::db::{audit, tenants};
    use crate::domain::TenantName;

    let caller = authorize(Need::Admin).await?;
    let name = TenantName::parse(&name).map_err(invalid("name"))?;
    let mut tx = tenant_change_tx(&caller).await?;
    let before = tenants::rename(&mut tx, &name)
        .await?
        .ok_or_else(not_found)?;
    let tenant = tx.tenant_id().to_string();
    let entry = audit::Entry {
        action: crate::audit_action::AuditAction::TenantRename,
        target_id: Some(tenant),
        summary: serde_json::json!({ "before": before, "after": name.as_str() }),
    };
    audit::record(&mut tx, &caller.identity, entry).await?;
    tx.commit().await?;
    crate::flash::leave(crate::notices::tenant_renamed(name.as_str()));
    Ok(name.as_str().to_owned())
}

/// The tenant's audit log, newest first, optionally for one actor (email)
/// and one action (`member.role`, `project.create`, …).
#[server(endpoint = "list_audit")]
pub async fn list_audit(
    #[server(default)] page: u32,
    #[server(default)] actor: String,
    #[server(default)] action: String,
) -> Result<Paged<AuditEntry>, AppError> {
    crate::service::people::audit_log(&super::ctx().await?, page, &actor, &action).await
}

/// Applies one change to a member after checking the rules.
#[cfg(feature = "ssr")]
async fn change_member(
    id: Uuid,
    change: impl FnOnce() -> Result<crate::policy::MemberChange, AppError>,
    notice: fn(&MemberDetail) -> String,
) -> Result<MemberDetail, AppError> {
    use crate::membership;

    let caller = authorize(Need::ManageMembers).await?;
    let change = change()?;
    let tx = tenant_change_tx(&caller).await?;
    let record = membership::change(&directory()?, tx, requester(&caller), id, change).await?;
    let member = record.detail(caller.identity.sub());
    crate::flash::leave(notice(&member));
    Ok(member)
}

#[cfg(feature = "ssr")]
fn requester(caller: &crate::identity::SignedIn) -> crate::membership::Requester<'_> {
    crate::membership::Requester {
        role: caller.identity.role(),
        actor: (&caller.identity).into(),
    }
}

/// A role from a form: one of the four group names, exactly.
#[cfg(feature = "ssr")]
fn parse_role(raw: &str) -> Result<crate::role::Role, AppError> {
    crate::role::Role::from_group(raw.trim())
        .ok_or_else(|| AppError::invalid("role", "Choose a role."))
}

#[cfg(feature = "ssr")]
fn directory() -> Result<crate::directory::Directory, AppError> {
    use_context::<crate::directory::Directory>().ok_or_else(|| {
        tracing::error!("no user directory in the server function's context");
        AppError::Internal
    })
}
