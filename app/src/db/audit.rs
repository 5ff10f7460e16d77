//! The audit trail: one row per change, written inside the change's own
//! transaction, so a change and its record commit or roll back together.

use super::{DbError, TenantTx};
use crate::audit_action::{ActionFilter, AuditAction};
use crate::identity::Identity;
use crate::model::{PageRequest, Paged};
use uuid::Uuid;

/// Who did it: a signed-in member, or the operator's command line.
#[derive(Clone, Copy, Debug)]
pub struct Actor<'a> {
    pub sub: &'a str,
    pub email: &'a str,
}

impl Actor<'static> {
    /// `server tenant create` and `server seed`, run by whoever operates
    /// the deployment.
    pub const OPERATOR: Actor<'static> = Actor {
        sub: "operator",
        email: "operator (command line)",
    };
}

impl<'a> From<&'a Identity> for Actor<'a> {
    fn from(who: &'a Identity) -> Self {
        Actor {
            sub: who.sub(),
            email: who.email(),
        }
    }
}

/// What happened, to what.
pub struct Entry {
    pub action: AuditAction,
    pub target_id: Option<String>,
    /// A short before/after summary.
    pub summary: serde_json::Value,
}

pub async fn record(
    tx: &mut TenantTx,
    actor: impl Into<Actor<'_>>,
    entry: Entry,
) -> Result<(), DbError> {
    let actor = actor.into();
    sqlx::query!(
        "insert into audit_log (tenant_id, actor_sub, actor_email, action, target_type, target_id, summary)
         values ($1, $2, $3, $4, $5, $6, $7)",
        tx.tenant_id().as_uuid(),
        actor.sub,
        actor.email,
        entry.action.as_str(),
        entry.action.target().as_str(),
        entry.target_id,
        entry.summary
    )
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Which entries to list.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// The actor's email, exactly (any case).
    pub actor: Option<String>,
    /// One action, or every action on one kind of target.
    pub action: Option<ActionFilter>,
}

/// An audit row as stored.
#[derive(Clone, Debug)]
pub struct Logged {
    pub at: time::OffsetDateTime,
    pub actor_email: String,
    pub action: String,
    pub target_id: Option<String>,
    pub summary: serde_json::Value,
}

/// One page of the tenant's audit log, newest first.
pub async fn page(
    tx: &mut TenantTx,
    filter: &Filter,
    page: PageRequest,
) -> Result<Paged<Logged>, DbError> {
    let (action_exact, target) = match filter.action {
        Some(ActionFilter::Exact(action)) => (Some(action.as_str()), None),
        Some(ActionFilter::Target(target)) => (None, Some(target.as_str())),
        None => (None, None),
    };
    let total = sqlx::query_scalar!(
        r#"select count(*) as "count!" from audit_log
           where ($1::text is null or lower(actor_email) = lower($1))
             and ($2::text is null or action = $2)
             and ($3::text is null or target_type = $3)"#,
        filter.actor.as_deref(),
        action_exact,
        target
    )
    .fetch_one(tx.conn())
    .await?;
    let items = sqlx::query_as!(
        Logged,
        r#"select at, actor_email, action, target_id, summary
           from audit_log
           where ($1::text is null or lower(actor_email) = lower($1))
             and ($2::text is null or action = $2)
             and ($3::text is null or target_type = $3)
           order by at desc, id desc
           limit $4 offset $5"#,
        filter.actor.as_deref(),
        action_exact,
        target,
        page.limit(),
        page.offset()
    )
    .fetch_all(tx.conn())
    .await?;
    Ok(Paged {
        items,
        total: u64::try_from(total).unwrap_or_default(),
        page,
    })
}

/// The names an audit page mentions, looked up now: members (by id and by
/// email), projects, and the project each task is in. What is gone is
/// simply missing, and the sentence uses the name the row recorded.
#[derive(Clone, Debug, Default)]
pub struct Names {
    /// (id, email, name to show)
    pub members: Vec<(Uuid, String, String)>,
    pub projects: Vec<(Uuid, String)>,
    /// (task, its project)
    pub task_projects: Vec<(Uuid, Uuid)>,
}

pub async fn names(
    tx: &mut TenantTx,
    member_ids: &[Uuid],
    emails: &[String],
    project_ids: &[Uuid],
    task_ids: &[Uuid],
) -> Result<Names, DbError> {
    let members = sqlx::query!(
        r#"select id, email, case when display_name = '' then email else display_name end as "name!"
           from members where id = any($1) or lower(email) = any($2)"#,
        member_ids,
        emails
    )
    .fetch_all(tx.conn())
    .await?
    .into_iter()
    .map(|m| (m.id, m.email, m.name))
    .collect();
    let task_projects: Vec<(Uuid, Uuid)> = sqlx::query!(
        "select id, project_id from tasks where id = any($1)",
        task_ids
    )
    .fetch_all(tx.conn())
    .await?
    .into_iter()
    .map(|t| (t.id, t.project_id))
    .collect();
    let wanted: Vec<Uuid> = project_ids
        .iter()
        .copied()
        .chain(task_projects.iter().map(|(_, p)| *p))
        .collect();
    let projects = sqlx::query!("select id, name from projects where id = any($1)", &wanted)
        .fetch_all(tx.conn())
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    Ok(Names {
        members,
        projects,
        task_projects,
    })
}
