//! What a change says when it succeeds, in one place: the browser shows it
//! as a toast after a call, and the server leaves it as a flash for the
//! page a form post without JavaScript lands on (`api::flash`).

use crate::model::{MemberDetail, Project, Task};

pub fn project_created(p: &Project) -> String {
    format!("Created “{}”.", p.name)
}

pub fn project_saved(p: &Project) -> String {
    format!("Saved “{}”.", p.name)
}

pub fn project_archived(p: &Project) -> String {
    if p.archived {
        format!("Archived “{}”.", p.name)
    } else {
        format!("Restored “{}”.", p.name)
    }
}

pub fn project_moved(p: &Project) -> String {
    format!("Moved “{}”.", p.name)
}

pub fn unit_created() -> String {
    "Unit added.".to_owned()
}

pub fn unit_saved() -> String {
    "Saved.".to_owned()
}

pub fn unit_deleted() -> String {
    "Unit deleted.".to_owned()
}

pub fn role_saved() -> String {
    "Role saved.".to_owned()
}

pub fn project_deleted() -> String {
    "Project deleted.".to_owned()
}

pub fn task_added(t: &Task) -> String {
    format!("Added “{}”.", t.title)
}

pub fn task_saved(t: &Task) -> String {
    format!("Saved “{}”.", t.title)
}

pub fn task_done(t: &Task) -> String {
    if t.done {
        format!("Completed “{}”.", t.title)
    } else {
        format!("Reopened “{}”.", t.title)
    }
}

pub fn task_assigned(t: &Task) -> String {
    match t.assignee_id {
        Some(_) => format!("Assigned “{}”.", t.title),
        None => format!("Unassigned “{}”.", t.title),
    }
}

pub fn task_deleted(t: &Task) -> String {
    format!("Deleted “{}”.", t.title)
}

pub fn task_restored(t: &Task) -> String {
    format!("Restored “{}”.", t.title)
}

pub fn member_invited(m: &MemberDetail) -> String {
    format!(
        "Invited {}. They have been emailed a temporary password.",
        m.email
    )
}

pub fn invitation_resent(m: &MemberDetail) -> String {
    format!("Sent {} a new invitation.", m.email)
}

pub fn role_changed(m: &MemberDetail) -> String {
    format!("{} is now {}.", m.email, m.role)
}

pub fn member_active(m: &MemberDetail) -> String {
    if m.active {
        format!("Enabled {}.", m.email)
    } else {
        format!("Disabled {}; they are signed out everywhere.", m.email)
    }
}

/// A removal; someone who never signed in had an invitation, revoked.
pub fn member_removed(m: &MemberDetail) -> String {
    if m.invited_at.is_some() {
        format!("Revoked the invitation to {}.", m.email)
    } else {
        format!("Removed {}.", m.email)
    }
}

pub fn tenant_renamed(name: &str) -> String {
    format!("Renamed to “{name}”. Everyone sees the new name from their next sign-in.")
}

pub fn api_key_created(k: &crate::model::ApiKey) -> String {
    format!("Created the API key “{}”.", k.name)
}

pub fn api_key_revoked(k: &crate::model::ApiKey) -> String {
    format!("Revoked the API key “{}”.", k.name)
}
