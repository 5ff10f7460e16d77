//! Who is in the tenant and what they did: the member list and the audit
//! log (Admin and SuperUser), and the tenant's API keys (Admin).

use super::{Ctx, Need, invalid, not_found};
use crate::audit_action::AuditAction;
use crate::error::AppError;
use crate::identity::Credential;
use crate::model::{ApiKey, AuditEntry, MemberList, NewApiKey, PageRequest, Paged};
use crate::role::Role;
use uuid::Uuid;

/// One page of the tenant's members (search by email or name), with the
/// invitations not taken up yet and the roles the caller may give.
pub async fn members(ctx: &Ctx, page: u32, search: &str) -> Result<MemberList, AppError> {
    use crate::db::members;
    use crate::domain::SearchText;

    ctx.require(Need::ManageMembers)?;
    let search = SearchText::parse(search).map_err(invalid("q"))?;
    let mut tx = ctx.read_tx().await?;
    let found = members::page(
        &mut tx,
        search.non_empty(),
        false,
        PageRequest::new(page, PageRequest::DEFAULT_PER_PAGE),
    )
    .await?;
    let pending = members::page(
        &mut tx,
        search.non_empty(),
        true,
        PageRequest::new(1, PageRequest::DEFAULT_PER_PAGE),
    )
    .await?;
    tx.commit().await?;
    let caller = &ctx.caller.identity;
    let sub = caller.sub();
    Ok(MemberList {
        members: Paged {
            items: found.items.iter().map(|m| m.detail(sub)).collect(),
            total: found.total,
            page: found.page,
        },
        pending: pending.items.iter().map(|m| m.detail(sub)).collect(),
        grantable: crate::policy::grantable_roles(caller.role()),
        caller_role: caller.role(),
    })
}

/// The tenant's audit log, newest first, optionally for one actor (email)
/// and one action (`member.role`, `project.create`, …).
pub async fn audit_log(
    ctx: &Ctx,
    page: u32,
    actor: &str,
    action: &str,
) -> Result<Paged<AuditEntry>, AppError> {
    use crate::audit_action::ActionFilter;
    use crate::db::audit;
    use crate::domain::FilterText;

    ctx.require(Need::ManageMembers)?;
    let actor = FilterText::parse(actor).map_err(invalid("actor"))?;
    let action = FilterText::parse(action).map_err(invalid("action"))?;
    let action = match action.non_empty() {
        None => None,
        Some(value) => Some(
            ActionFilter::parse(value)
                .ok_or_else(|| AppError::invalid("action", "Choose an action from the list."))?,
        ),
    };
    let filter = audit::Filter {
        actor: actor.non_empty().map(str::to_owned),
        action,
    };
    let mut tx = ctx.read_tx().await?;
    let rows = audit::page(
        &mut tx,
        &filter,
        PageRequest::new(page, PageRequest::DEFAULT_PER_PAGE),
    )
    .await?;
    let mentioned = crate::audit_text::mentions(&rows.items);
    let names = audit::names(
        &mut tx,
        &mentioned.member_ids,
        &mentioned.emails,
        &mentioned.project_ids,
        &mentioned.task_ids,
    )
    .await?;
    tx.commit().await?;
    Ok(Paged {
        items: rows
            .items
            .iter()
            .map(|row| AuditEntry {
                at: row.at,
                actor_email: row.actor_email.clone(),
                action: row.action.clone(),
                sentence: crate::audit_text::sentence(row, &names),
            })
            .collect(),
        total: rows.total,
        page: rows.page,
    })
}

/// API keys are managed by a signed-in Admin in a browser only: a request
/// made with a key or a token never reaches them (the JSON API has no such
/// route, and server functions take sessions only), and this says so again.
fn keys_need_a_session(ctx: &Ctx) -> Result<(), AppError> {
    ctx.require(Need::Admin)?;
    if ctx.caller.credential != Credential::Session {
        tracing::warn!(credential = ?ctx.caller.credential, "API keys asked for without a session");
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// The tenant's API keys, live ones first.
pub async fn api_keys(ctx: &Ctx) -> Result<Vec<ApiKey>, AppError> {
    keys_need_a_session(ctx)?;
    let mut tx = ctx.read_tx().await?;
    let keys = crate::db::api_keys::list(&mut tx).await?;
    tx.commit().await?;
    Ok(keys)
}

/// The roles a key may have: ReadOnly or Member, and never above its
/// creator's own.
pub fn key_roles(creator: Role) -> Vec<Role> {
    [Role::Member, Role::ReadOnly]
        .into_iter()
        .filter(|&role| role <= creator)
        .collect()
}

/// The longest a key may live, in days.
pub const KEY_MAX_DAYS: i64 = 366;

/// Makes an API key: its name, its role (see [`key_roles`]) and how many
/// days it lives (`None`: until revoked). The secret is in the answer and
/// nowhere else.
pub async fn create_api_key(
    ctx: &Ctx,
    name: &str,
    role: &str,
    expires_in_days: Option<i64>,
) -> Result<NewApiKey, AppError> {
    use crate::db::api_keys::{self, CreateError, NewKey};
    use crate::domain::KeyName;

    keys_need_a_session(ctx)?;
    let name = KeyName::parse(name).map_err(invalid("name"))?;
    let role = Role::from_group(role.trim())
        .filter(|role| key_roles(ctx.caller.identity.role()).contains(role))
        .ok_or_else(|| AppError::invalid("role", "Choose ReadOnly or Member."))?;
    let expires_at = match expires_in_days {
        None => None,
        Some(days @ 1..=KEY_MAX_DAYS) => {
            Some(time::OffsetDateTime::now_utc() + time::Duration::days(days))
        }
        Some(_) => {
            return Err(AppError::invalid(
                "expires_in_days",
                format!("Choose between 1 and {KEY_MAX_DAYS} days, or no expiry."),
            ));
        }
    };
    let mut tx = ctx.change_tx().await?;
    let new = NewKey {
        name: &name,
        role,
        expires_at,
    };
    let (key, secret) = match api_keys::create(&mut tx, &ctx.caller.identity, &new).await {
        Ok(made) => made,
        Err(CreateError::NameTaken) => {
            return Err(AppError::invalid(
                "name",
                "A live key has this name already. Choose another.",
            ));
        }
        Err(CreateError::Db(error)) => return Err(error.into()),
    };
    let summary = serde_json::json!({
        "name": key.name,
        "role": key.role.as_str(),
        "prefix": key.prefix,
        "expires_at": key.expires_at.map(|at| at.unix_timestamp()),
    });
    ctx.audit(&mut tx, AuditAction::ApiKeyCreate, key.id, summary)
        .await?;
    tx.commit().await?;
    Ok(NewApiKey { key, secret })
}

/// The key `text` is, with its text, if the caller made it moments ago
/// (see `db::api_keys::just_made`): the keys page shows it once after a
/// form post without JavaScript made it.
pub async fn key_just_made(ctx: &Ctx, text: &str) -> Result<Option<NewApiKey>, AppError> {
    keys_need_a_session(ctx)?;
    let mut tx = ctx.read_tx().await?;
    let key = crate::db::api_keys::just_made(&mut tx, &ctx.caller.identity, text).await?;
    tx.commit().await?;
    Ok(key.map(|key| NewApiKey {
        key,
        secret: text.to_owned(),
    }))
}

/// Revokes a live key of the tenant: requests made with it are refused from
/// the next one on (see `db::api_keys::revoke`).
pub async fn revoke_api_key(ctx: &Ctx, id: Uuid) -> Result<ApiKey, AppError> {
    keys_need_a_session(ctx)?;
    let mut tx = ctx.change_tx().await?;
    let key = crate::db::api_keys::revoke(&mut tx, id)
        .await?
        .ok_or_else(not_found)?;
    let summary = serde_json::json!({ "name": key.name, "prefix": key.prefix });
    ctx.audit(&mut tx, AuditAction::ApiKeyRevoke, key.id, summary)
        .await?;
    tx.commit().await?;
    Ok(key)
}
