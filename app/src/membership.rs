//! Adding and changing members: Cognito (through [`Directory`]) and the
//! `members` mirror kept in step, with the escalation rules of
//! [`crate::policy`] checked first and an audit row for each change.
//!
//! The settings pages and the operator commands both come through here.
//! Cognito calls cannot join a database transaction, so each multi-step
//! change undoes what it did when a later step fails: no half-made member.

use crate::audit_action::AuditAction;
use crate::db::{DbError, TenantChangeTx, audit, members};
use crate::directory::{Directory, DirectoryError};
use crate::domain::{DisplayName, Email};
use crate::policy::{self, MemberChange, Refusal, Target};
use crate::role::Role;
use thiserror::Error;
use uuid::Uuid;

#[derive(Debug, Error)]
pub enum MembershipError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("no such member in this tenant")]
    NotFound,
    /// Resending an invitation to someone who has signed in, or who is
    /// disabled.
    #[error("no pending invitation")]
    NoInvitation,
    /// The email has a user in the pool, in this tenant or another: the
    /// message must not say which.
    #[error("the email cannot be used")]
    EmailTaken,
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Who asks: their role (for the rules) and who they are (for the audit
/// log and to stop them changing themselves). The role must be the one the
/// transaction checked (the session's, re-read under the tenant lock), or
/// the operator's.
pub struct Requester<'a> {
    pub role: Role,
    pub actor: audit::Actor<'a>,
}

/// Adds a member to the transaction's tenant: a Cognito user with
/// `custom:tenant_id` set to that tenant and an emailed temporary password,
/// put in the role's group, then the mirror row and the audit row. Commits.
pub async fn invite(
    directory: &Directory,
    mut tx: TenantChangeTx,
    by: Requester<'_>,
    email: &Email,
    name: &DisplayName,
    role: Role,
) -> Result<members::Record, MembershipError> {
    policy::may_invite(by.role, role)?;
    if members::email_taken(&mut tx, email.as_str()).await? {
        return Err(MembershipError::EmailTaken);
    }
    let tenant = tx.tenant_id();
    let sub = directory
        .create_user(email.as_str(), name.as_str(), tenant)
        .await
        .map_err(|e| match e {
            DirectoryError::EmailTaken => MembershipError::EmailTaken,
            other => MembershipError::Directory(other),
        })?;
    // From here on, a failure deletes the Cognito user again.
    let made = async {
        directory
            .add_to_group(&sub, role)
            .await
            .map_err(MembershipError::Directory)?;
        let record = members::insert(&mut tx, &sub, email.as_str(), name.as_str(), role).await?;
        let summary = serde_json::json!({ "email": record.email, "role": role.as_str() });
        record_change(
            &mut tx,
            by.actor,
            AuditAction::MemberInvite,
            record.id,
            summary,
        )
        .await?;
        tx.commit().await?;
        Ok::<_, MembershipError>(record)
    }
    .await;
    if let Err(error) = &made {
        tracing::warn!(%error, "adding a member failed part way; deleting the Cognito user");
        if let Err(undo) = directory.delete(&sub).await {
            // Cannot happen quietly: an operator must delete the user.
            tracing::error!(%undo, sub, "could not delete the half-made Cognito user");
        }
    }
    made
}

/// Emails a pending member a new invitation (a new temporary password), if
/// the caller could have invited someone of their role. Commits.
pub async fn resend(
    directory: &Directory,
    mut tx: TenantChangeTx,
    by: Requester<'_>,
    member: Uuid,
) -> Result<members::Record, MembershipError> {
    // Under the tenant lock, like every member change: a revoke or a first
    // sign-in committed meanwhile is seen here.
    let check = |record: &members::Record| {
        policy::may_invite(by.role, record.role)?;
        if record.invited_at.is_none() || !record.active {
            return Err(MembershipError::NoInvitation);
        }
        Ok(())
    };
    check(&unlocked(&mut tx, member).await?)?;
    let record = locked(&mut tx, member).await?;
    check(&record)?;
    members::reinvited(&mut tx, member).await?;
    let summary = serde_json::json!({ "email": record.email });
    record_change(
        &mut tx,
        by.actor,
        AuditAction::MemberResend,
        member,
        summary,
    )
    .await?;
    // Cognito last: if it refuses, nothing above is committed.
    directory
        .resend_invitation(&record.email)
        .await
        .map_err(|e| match e {
            DirectoryError::Accepted => MembershipError::NoInvitation,
            other => MembershipError::Directory(other),
        })?;
    tx.commit().await?;
    Ok(record)
}

/// Changes a member's role or state, as the rules allow. Commits.
pub async fn change(
    directory: &Directory,
    mut tx: TenantChangeTx,
    by: Requester<'_>,
    member: Uuid,
    change: MemberChange,
) -> Result<members::Record, MembershipError> {
    // The transaction holds the tenant's row lock and has re-checked the
    // caller's own row under it (`TenantTx::begin_tenant_change`): member
    // changes run one at a time, each seeing the last one's result, and
    // `by.role` is the caller's role as it stands now. The target's row is
    // locked last, after any request of theirs in flight has finished.
    let admins = members::active_admins(&mut tx).await?;
    // Whether the change is allowed, and whether it changes anything.
    let check = |record: &members::Record| {
        let target = Target {
            role: record.role,
            active: record.active,
            is_caller: record.cognito_sub == by.actor.sub,
        };
        policy::may_change(by.role, target, change, admins)?;
        Ok::<_, MembershipError>(match change {
            MemberChange::SetRole(role) => role == record.role,
            MemberChange::Enable => record.active,
            MemberChange::Disable => !record.active,
            MemberChange::Remove => false,
        })
    };
    let seen = unlocked(&mut tx, member).await?;
    if check(&seen)? {
        return Ok(seen);
    }
    let record = locked(&mut tx, member).await?;
    if check(&record)? {
        return Ok(record);
    }

    // The database first: every lock this change needs (the row, and for a
    // removal the tasks it unassigns) is taken and every row written before
    // Cognito is touched, so a lock that cannot be had leaves Cognito as it
    // was. What can still fail after Cognito is only the commit.
    let (action, summary, after) = write_mirror(&mut tx, &record, change).await?;
    record_change(&mut tx, by.actor, action, member, summary).await?;
    apply_in_cognito(directory, &record, change).await?;
    if change != MemberChange::Remove {
        // A token issued before the Cognito change must count as older than
        // this row (see `members::record_sign_in`).
        members::touch(&mut tx, member).await?;
    }
    if let Err(error) = tx.commit().await {
        tracing::error!(%error, sub = record.cognito_sub, ?change,
            "Cognito was changed but the mirror row was not; the member's next sign-in rewrites it");
        return Err(error.into());
    }
    Ok(after)
}

/// The member as the row stands, unlocked. A change is checked on it
/// first, so one that will be refused or changes nothing never waits for
/// the member's requests in flight — nor holds up their next ones behind
/// it (see `members::get_for_update`); what passes is checked again on
/// [`locked`].
async fn unlocked(
    tx: &mut TenantChangeTx,
    member: Uuid,
) -> Result<members::Record, MembershipError> {
    members::record(tx, member)
        .await?
        .ok_or(MembershipError::NotFound)
}

/// The member, locked until the transaction ends.
async fn locked(tx: &mut TenantChangeTx, member: Uuid) -> Result<members::Record, MembershipError> {
    members::get_for_update(tx, member)
        .await?
        .ok_or(MembershipError::NotFound)
}

/// The change to the `members` row: returns the audit action, its summary
/// and the row as it now is.
async fn write_mirror(
    tx: &mut TenantChangeTx,
    record: &members::Record,
    change: MemberChange,
) -> Result<(AuditAction, serde_json::Value, members::Record), DbError> {
    let member = record.id;
    Ok(match change {
        MemberChange::SetRole(role) => {
            members::set_role(tx, member, role).await?;
            let summary = serde_json::json!({
                "email": record.email, "before": record.role.as_str(), "after": role.as_str(),
            });
            (
                AuditAction::MemberRole,
                summary,
                members::Record {
                    role,
                    ..record.clone()
                },
            )
        }
        MemberChange::Disable | MemberChange::Enable => {
            let active = change == MemberChange::Enable;
            members::set_active(tx, member, active).await?;
            let summary = serde_json::json!({ "email": record.email });
            let action = if active {
                AuditAction::MemberEnable
            } else {
                AuditAction::MemberDisable
            };
            (
                action,
                summary,
                members::Record {
                    active,
                    ..record.clone()
                },
            )
        }
        MemberChange::Remove => {
            members::delete(tx, member).await?;
            let summary =
                serde_json::json!({ "email": record.email, "role": record.role.as_str() });
            (AuditAction::MemberRemove, summary, record.clone())
        }
    })
}

/// The same change in Cognito.
async fn apply_in_cognito(
    directory: &Directory,
    record: &members::Record,
    change: MemberChange,
) -> Result<(), MembershipError> {
    let sub = record.cognito_sub.as_str();
    match change {
        MemberChange::SetRole(role) => {
            // Out of the old group first: had the user both for a moment,
            // the higher one would count.
            directory.remove_from_group(sub, record.role).await?;
            if let Err(error) = directory.add_to_group(sub, role).await {
                if let Err(undo) = directory.add_to_group(sub, record.role).await {
                    tracing::error!(%undo, sub, "could not put the member back in their group");
                }
                return Err(error.into());
            }
            Ok(())
        }
        MemberChange::Enable => Ok(directory.enable(sub).await?),
        MemberChange::Disable => Ok(directory.disable(sub).await?),
        MemberChange::Remove => Ok(directory.delete(sub).await?),
    }
}

async fn record_change(
    tx: &mut TenantChangeTx,
    actor: audit::Actor<'_>,
    action: AuditAction,
    member: Uuid,
    summary: serde_json::Value,
) -> Result<(), DbError> {
    let entry = audit::Entry {
        action,
        target_id: Some(member.to_string()),
        summary,
    };
    audit::record(tx, actor, entry).await
}
