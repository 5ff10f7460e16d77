//! What the JSON API sends and accepts. Each type names its fields for
//! the OpenAPI document; times are RFC 3339.

use app::model;
use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A project.
#[derive(Debug, Serialize, ToSchema)]
pub struct Project {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    /// The organisation unit it belongs to.
    pub unit_id: Uuid,
    pub archived: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<model::Project> for Project {
    fn from(p: model::Project) -> Self {
        Self {
            id: p.id,
            name: p.name,
            description: p.description,
            unit_id: p.unit_id,
            archived: p.archived,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A task of a project.
#[derive(Debug, Serialize, ToSchema)]
pub struct Task {
    pub id: Uuid,
    pub project_id: Uuid,
    pub title: String,
    pub description: String,
    pub done: bool,
    /// The member it is assigned to.
    pub assignee_id: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<model::Task> for Task {
    fn from(t: model::Task) -> Self {
        Self {
            id: t.id,
            project_id: t.project_id,
            title: t.title,
            description: t.description,
            done: t.done,
            assignee_id: t.assignee_id,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

/// A project with its tasks.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectWithTasks {
    pub project: Project,
    pub tasks: Vec<Task>,
}

/// A member of the tenant.
#[derive(Debug, Serialize, ToSchema)]
pub struct Member {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    /// `Admin`, `SuperUser`, `Member` or `ReadOnly`.
    pub role: String,
    pub active: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_sign_in_at: Option<OffsetDateTime>,
}

impl From<model::MemberDetail> for Member {
    fn from(m: model::MemberDetail) -> Self {
        Self {
            id: m.id,
            email: m.email,
            display_name: m.display_name,
            role: m.role.as_str().to_owned(),
            active: m.active,
            last_sign_in_at: m.last_sign_in_at,
        }
    }
}

/// One line of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Who did it: a member's email, or an API key's name.
    pub actor: String,
    /// The action's name, e.g. `project.create`.
    pub action: String,
    /// What happened, in words.
    pub text: String,
}

impl From<model::AuditEntry> for AuditEntry {
    fn from(e: model::AuditEntry) -> Self {
        let text = e
            .sentence
            .into_iter()
            .map(|part| match part {
                model::SentencePart::Text(t) | model::SentencePart::Name(t) => t,
                model::SentencePart::Quoted(t) | model::SentencePart::Link { text: t, .. } => {
                    format!("“{t}”")
                }
            })
            .collect();
        Self {
            at: e.at,
            actor: e.actor_email,
            action: e.action,
            text,
        }
    }
}

/// One page of a list, with links to the pages either side.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// How many there are in all.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    /// The next page, if any.
    pub next: Option<String>,
    /// The previous page, if any.
    pub prev: Option<String>,
}

impl<T> Page<T> {
    /// `link(n)` is the URL of page `n` of the same list.
    pub fn from_paged<U>(paged: model::Paged<U>, link: impl Fn(u32) -> String) -> Self
    where
        T: From<U>,
    {
        let page = paged.page.page();
        let count = paged.page_count();
        Self {
            next: (page < count).then(|| link(page + 1)),
            prev: (page > 1).then(|| link(page - 1)),
            page,
            per_page: paged.page.per_page(),
            total: paged.total,
            items: paged.items.into_iter().map(T::from).collect(),
        }
    }
}

/// The project list's query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectQuery {
    /// Page number, from 1.
    #[serde(default)]
    pub page: Option<u32>,
    /// Part of the name, any case.
    #[serde(default)]
    pub search: Option<String>,
    /// Include archived projects.
    #[serde(default)]
    pub archived: Option<bool>,
}

/// A list's page and search.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Page number, from 1.
    #[serde(default)]
    pub page: Option<u32>,
    /// Part of the email or name, any case.
    #[serde(default)]
    pub search: Option<String>,
}

/// The audit log's query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Page number, from 1.
    #[serde(default)]
    pub page: Option<u32>,
    /// Only entries by this actor (email, exactly, any case).
    #[serde(default)]
    pub actor: Option<String>,
    /// Only this action (`project.create`) or every action on a kind of
    /// thing (`project.`).
    #[serde(default)]
    pub action: Option<String>,
}

/// A new project. Fields not listed here are ignored.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewProject {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The unit to put it in; the organisation's root when absent.
    #[serde(default)]
    pub unit_id: Option<Uuid>,
}

/// A change to a project: the fields given are set, the others kept.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ProjectChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub archived: Option<bool>,
}

/// A new task.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTask {
    pub title: String,
    #[serde(default)]
    pub description: String,
}

/// A change to a task: the fields given are set, the others kept.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct TaskChange {
    pub title: Option<String>,
    pub description: Option<String>,
    pub done: Option<bool>,
    /// A member's id to assign it, or `null` to unassign it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    pub assignee_id: Option<Option<Uuid>>,
}

/// A field that may be `null`: `Some(None)` when it is, `None` when absent.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<Uuid>>, D::Error> {
    Option::<Uuid>::deserialize(d).map(Some)
}
