//! Tenant data as the pages show it. Plain data, shared by server and browser;
//! the repositories in `db` produce it.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// A project of the caller's tenant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: Uuid,
    pub name: String,
    /// The organisation unit it belongs to.
    pub unit_id: Uuid,
    pub description: String,
    pub archived: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A task within a project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: Uuid,
    pub project_id: Uuid,
    pub title: String,
    pub description: String,
    pub done: bool,
    pub assignee_id: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// One page of a longer list, with the total so the UI can page through it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: PageRequest,
}

impl<T> Paged<T> {
    /// The number of pages the total fills (at least one, for the empty state).
    pub fn page_count(&self) -> u32 {
        let per_page = u64::from(self.page.per_page());
        u32::try_from(self.total.div_ceil(per_page).max(1)).unwrap_or(u32::MAX)
    }
}

/// Which page of a list to show. Clamped on construction, so a hostile query
/// string cannot ask for a million rows or a negative offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    page: u32,
    per_page: u32,
}

impl PageRequest {
    pub const MAX_PER_PAGE: u32 = 100;
    pub const DEFAULT_PER_PAGE: u32 = 50;

    /// Page numbers start at 1; out-of-range values are clamped.
    pub fn new(page: u32, per_page: u32) -> Self {
        Self {
            page: page.max(1),
            per_page: per_page.clamp(1, Self::MAX_PER_PAGE),
        }
    }

    pub fn page(self) -> u32 {
        self.page
    }

    pub fn per_page(self) -> u32 {
        self.per_page
    }

    /// Rows to skip, for SQL `offset`.
    pub fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    /// Rows to return, for SQL `limit`.
    pub fn limit(self) -> i64 {
        i64::from(self.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::new(1, Self::DEFAULT_PER_PAGE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_requests_are_clamped() {
        let first = PageRequest::new(0, 0);
        assert_eq!((first.page(), first.per_page()), (1, 1));
        let huge = PageRequest::new(3, 10_000);
        assert_eq!(huge.per_page(), PageRequest::MAX_PER_PAGE);
        assert_eq!(huge.offset(), 200);
    }

    #[test]
    fn the_offset_of_the_last_page_does_not_overflow() {
        let last = PageRequest::new(u32::MAX, PageRequest::MAX_PER_PAGE);
        assert_eq!(last.offset(), i64::from(u32::MAX - 1) * 100);
    }

    #[test]
    fn an_empty_list_has_one_page() {
        let empty: Paged<()> = Paged {
            items: vec![],
            total: 0,
            page: PageRequest::default(),
        };
        assert_eq!(empty.page_count(), 1);
        let full: Paged<()> = Paged {
            items: vec![],
            total: 41,
            page: PageRequest::new(1, 20),
        };
        assert_eq!(full.page_count(), 3);
    }
}

/// What the pages show about the signed-in caller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub email: String,
    pub tenant_name: String,
    pub role: crate::role::Role,
}

/// A member of the caller's tenant, as task assignment shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    /// Disabled members keep their tasks but get no new ones.
    pub active: bool,
}

impl Member {
    /// The name to show: the display name, or the email without one.
    pub fn label(&self) -> &str {
        if self.display_name.is_empty() {
            &self.email
        } else {
            &self.display_name
        }
    }
}

/// The project list page: a page of projects and the organisation's units
/// (the unit filter's choices, each project's path, where "New project" may
/// put one), read in one transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectsView {
    pub projects: Paged<Project>,
    pub units: Vec<OrgUnit>,
}

/// A project with its tasks, as its page shows it, and the tenant's members
/// for assigning them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectDetail {
    pub project: Project,
    /// The caller's effective role at the project's unit: what they may do
    /// here.
    pub your_role: EffectiveRole,
    /// The organisation's units: the project's path, and where it may move.
    pub units: Vec<OrgUnit>,
    pub tasks: Vec<Task>,
    pub members: Vec<Member>,
}

/// A member as the settings pages list them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDetail {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: crate::role::Role,
    pub active: bool,
    pub last_sign_in_at: Option<OffsetDateTime>,
    /// When their invitation was last sent, while they have not signed in.
    pub invited_at: Option<OffsetDateTime>,
    /// The caller's own row: the page offers no changes to it.
    pub is_you: bool,
}

/// One page of members, and the roles the caller may hand out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberList {
    /// Members who have signed in (or were given a password), a page.
    pub members: Paged<MemberDetail>,
    /// Invitations not yet taken up (the first page of them: 50).
    pub pending: Vec<MemberDetail>,
    pub grantable: Vec<crate::role::Role>,
    pub caller_role: crate::role::Role,
}

/// One line of the tenant's audit log, as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: OffsetDateTime,
    pub actor_email: String,
    /// The stored action name (`task.assign`).
    pub action: String,
    /// What happened, in words, with names for ids (`crate::audit_text`).
    pub sentence: Vec<SentencePart>,
}

/// A piece of an audit sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SentencePart {
    Text(String),
    /// A person.
    Name(String),
    /// A thing's name as it was: shown in quotes.
    Quoted(String),
    /// A thing that is still there, quoted and linked.
    Link {
        href: String,
        text: String,
    },
}

/// One of the caller's open tasks, with the project it belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyTask {
    pub id: Uuid,
    pub title: String,
    pub project_id: Uuid,
    pub project_name: String,
}

/// The signed-in home page: the caller's open tasks, the projects changed
/// last, and how many projects and open tasks the organisation has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub my_tasks: Vec<MyTask>,
    pub recent: Vec<Project>,
    pub projects: u64,
    pub open_tasks: u64,
}

/// Where a member's effective role at a unit comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoleSource {
    /// An assignment at this very unit.
    Here,
    /// An assignment at an ancestor of the unit (the nearest one).
    Inherited { unit_id: Uuid, unit_name: String },
    /// No assignment on the way up: the member's tenant role.
    Tenant,
}

/// A member's role at one unit, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectiveRole {
    pub role: crate::role::Role,
    pub source: RoleSource,
}

/// A unit of the caller's tenant's organisation tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgUnit {
    pub id: Uuid,
    /// `None` for the root: the organisation itself.
    pub parent_id: Option<Uuid>,
    pub name: String,
    /// Levels below the root (the root is 0).
    pub depth: u8,
    /// Projects in this unit itself (not its sub-units).
    pub projects: u64,
    pub sub_units: u64,
    /// The caller's effective role here.
    pub your_role: EffectiveRole,
}

/// A member as one unit sees them: their effective role there and their
/// assignment at the unit itself, if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitMember {
    pub member: Member,
    pub effective: EffectiveRole,
    pub assigned_here: Option<crate::role::Role>,
}

/// The organisation page's data: the tree, the unit shown, and — when the
/// caller manages that unit — everyone's role there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgView {
    pub tree: Vec<OrgUnit>,
    /// The unit asked for if the tenant has it, else the root.
    pub unit: Uuid,
    pub people: Option<UnitPeople>,
}

/// Everyone's role at one unit, and the roles the caller may give there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitPeople {
    pub members: Vec<UnitMember>,
    pub grantable: Vec<crate::role::Role>,
}

/// A tenant API key as the settings page lists it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: Uuid,
    pub name: String,
    /// The start of the secret, to tell keys apart.
    pub prefix: String,
    pub role: crate::role::Role,
    pub created_by_email: String,
    pub created_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
    pub last_used_at: Option<OffsetDateTime>,
}

/// A key just made, with its secret: the only time the secret is seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiKey {
    pub key: ApiKey,
    pub secret: String,
}
