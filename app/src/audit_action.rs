//! Every kind of change the audit log records: the name stored in
//! `audit_log.action`, the kind of thing it acts on, and the words the audit
//! page shows. Writers, the repository and the page all use these, so a
//! name cannot be misspelt in one of them.

use serde::{Deserialize, Serialize};

/// What an audited change acts on (`audit_log.target_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuditTarget {
    Tenant,
    Member,
    /// A unit of the organisation tree.
    Org,
    /// A role given at a unit.
    Role,
    Project,
    Task,
    /// A tenant API key.
    ApiKey,
}

impl AuditTarget {
    pub const ALL: [AuditTarget; 7] = [
        AuditTarget::Member,
        AuditTarget::Tenant,
        AuditTarget::Org,
        AuditTarget::Role,
        AuditTarget::Project,
        AuditTarget::Task,
        AuditTarget::ApiKey,
    ];

    /// The stored name, and the first part of its actions' names.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditTarget::Tenant => "tenant",
            AuditTarget::Member => "member",
            AuditTarget::Org => "org",
            AuditTarget::Role => "role",
            AuditTarget::Project => "project",
            AuditTarget::Task => "task",
            AuditTarget::ApiKey => "apikey",
        }
    }

    /// The filter value matching every action on this target (`member.`).
    pub fn prefix(self) -> String {
        format!("{}.", self.as_str())
    }

    /// The filter's label for every action on this target.
    pub fn label(self) -> &'static str {
        match self {
            AuditTarget::Tenant => "Any organisation change",
            AuditTarget::Member => "Any member change",
            AuditTarget::Org => "Any unit change",
            AuditTarget::Role => "Any unit role change",
            AuditTarget::Project => "Any project change",
            AuditTarget::Task => "Any task change",
            AuditTarget::ApiKey => "Any API key change",
        }
    }
}

/// One kind of audited change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuditAction {
    TenantCreate,
    TenantRename,
    MemberInvite,
    MemberResend,
    MemberRole,
    MemberDisable,
    MemberEnable,
    MemberRemove,
    OrgCreate,
    OrgRename,
    OrgMove,
    OrgDelete,
    RoleAssign,
    RoleUnassign,
    ProjectCreate,
    ProjectUpdate,
    ProjectMove,
    ProjectArchive,
    ProjectRestore,
    ProjectDelete,
    TaskCreate,
    TaskUpdate,
    TaskComplete,
    TaskReopen,
    TaskAssign,
    TaskDelete,
    TaskRestore,
    ApiKeyCreate,
    ApiKeyRevoke,
}

impl AuditAction {
    pub const ALL: [AuditAction; 29] = [
        AuditAction::TenantCreate,
        AuditAction::TenantRename,
        AuditAction::MemberInvite,
        AuditAction::MemberResend,
        AuditAction::MemberRole,
        AuditAction::MemberDisable,
        AuditAction::MemberEnable,
        AuditAction::MemberRemove,
        AuditAction::OrgCreate,
        AuditAction::OrgRename,
        AuditAction::OrgMove,
        AuditAction::OrgDelete,
        AuditAction::RoleAssign,
        AuditAction::RoleUnassign,
        AuditAction::ProjectCreate,
        AuditAction::ProjectUpdate,
        AuditAction::ProjectMove,
        AuditAction::ProjectArchive,
        AuditAction::ProjectRestore,
        AuditAction::ProjectDelete,
        AuditAction::TaskCreate,
        AuditAction::TaskUpdate,
        AuditAction::TaskComplete,
        AuditAction::TaskReopen,
        AuditAction::TaskAssign,
        AuditAction::TaskDelete,
        AuditAction::TaskRestore,
        AuditAction::ApiKeyCreate,
        AuditAction::ApiKeyRevoke,
    ];

    /// The stored name: `<target>.<verb>`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::TenantCreate => "tenant.create",
            AuditAction::TenantRename => "tenant.rename",
            AuditAction::MemberInvite => "member.invite",
            AuditAction::MemberResend => "member.resend",
            AuditAction::MemberRole => "member.role",
            AuditAction::MemberDisable => "member.disable",
            AuditAction::MemberEnable => "member.enable",
            AuditAction::MemberRemove => "member.remove",
            AuditAction::OrgCreate => "org.create",
            AuditAction::OrgRename => "org.rename",
            AuditAction::OrgMove => "org.move",
            AuditAction::OrgDelete => "org.delete",
            AuditAction::RoleAssign => "role.assign",
            AuditAction::RoleUnassign => "role.unassign",
            AuditAction::ProjectCreate => "project.create",
            AuditAction::ProjectUpdate => "project.update",
            AuditAction::ProjectMove => "project.move",
            AuditAction::ProjectArchive => "project.archive",
            AuditAction::ProjectRestore => "project.restore",
            AuditAction::ProjectDelete => "project.delete",
            AuditAction::TaskCreate => "task.create",
            AuditAction::TaskUpdate => "task.update",
            AuditAction::TaskComplete => "task.complete",
            AuditAction::TaskReopen => "task.reopen",
            AuditAction::TaskAssign => "task.assign",
            AuditAction::TaskDelete => "task.delete",
            AuditAction::TaskRestore => "task.restore",
            AuditAction::ApiKeyCreate => "apikey.create",
            AuditAction::ApiKeyRevoke => "apikey.revoke",
        }
    }

    pub fn target(self) -> AuditTarget {
        use AuditAction::*;
        match self {
            TenantCreate | TenantRename => AuditTarget::Tenant,
            MemberInvite | MemberResend | MemberRole | MemberDisable | MemberEnable
            | MemberRemove => AuditTarget::Member,
            OrgCreate | OrgRename | OrgMove | OrgDelete => AuditTarget::Org,
            RoleAssign | RoleUnassign => AuditTarget::Role,
            ProjectCreate | ProjectUpdate | ProjectMove | ProjectArchive | ProjectRestore
            | ProjectDelete => AuditTarget::Project,
            TaskCreate | TaskUpdate | TaskComplete | TaskReopen | TaskAssign | TaskDelete
            | TaskRestore => AuditTarget::Task,
            ApiKeyCreate | ApiKeyRevoke => AuditTarget::ApiKey,
        }
    }

    /// What the audit page calls it.
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::TenantCreate => "Organisation created",
            AuditAction::TenantRename => "Organisation renamed",
            AuditAction::MemberInvite => "Member added",
            AuditAction::MemberResend => "Invitation resent",
            AuditAction::MemberRole => "Role changed",
            AuditAction::MemberDisable => "Member disabled",
            AuditAction::MemberEnable => "Member enabled",
            AuditAction::MemberRemove => "Member removed",
            AuditAction::OrgCreate => "Unit created",
            AuditAction::OrgRename => "Unit renamed",
            AuditAction::OrgMove => "Unit moved",
            AuditAction::OrgDelete => "Unit deleted",
            AuditAction::RoleAssign => "Unit role given",
            AuditAction::RoleUnassign => "Unit role removed",
            AuditAction::ProjectCreate => "Project created",
            AuditAction::ProjectUpdate => "Project edited",
            AuditAction::ProjectMove => "Project moved",
            AuditAction::ProjectArchive => "Project archived",
            AuditAction::ProjectRestore => "Project restored",
            AuditAction::ProjectDelete => "Project deleted",
            AuditAction::TaskCreate => "Task added",
            AuditAction::TaskUpdate => "Task edited",
            AuditAction::TaskComplete => "Task completed",
            AuditAction::TaskReopen => "Task reopened",
            AuditAction::TaskAssign => "Task assigned",
            AuditAction::TaskDelete => "Task deleted",
            AuditAction::TaskRestore => "Task restored",
            AuditAction::ApiKeyCreate => "API key created",
            AuditAction::ApiKeyRevoke => "API key revoked",
        }
    }

    /// The action with this stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == name)
    }
}

/// Which entries the audit log lists: one action, or every action on one
/// kind of target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionFilter {
    Exact(AuditAction),
    Target(AuditTarget),
}

impl ActionFilter {
    /// A filter value as the page sends it: an action's name, or a target's
    /// prefix (`member.`).
    pub fn parse(value: &str) -> Option<Self> {
        AuditAction::parse(value)
            .map(ActionFilter::Exact)
            .or_else(|| {
                AuditTarget::ALL
                    .into_iter()
                    .find(|t| t.prefix() == value)
                    .map(ActionFilter::Target)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_named_after_its_target_and_parses_back() {
        let mut names = std::collections::HashSet::new();
        for action in AuditAction::ALL {
            assert!(
                action.as_str().starts_with(&action.target().prefix()),
                "{action:?}"
            );
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
            assert!(names.insert(action.as_str()), "{action:?} twice");
        }
    }

    #[test]
    fn a_filter_is_an_action_or_a_targets_prefix() {
        assert_eq!(
            ActionFilter::parse("member.role"),
            Some(ActionFilter::Exact(AuditAction::MemberRole))
        );
        assert_eq!(
            ActionFilter::parse("task."),
            Some(ActionFilter::Target(AuditTarget::Task))
        );
        for unknown in ["", "member", "member.%", "task.*", "MEMBER.ROLE", "other."] {
            assert_eq!(ActionFilter::parse(unknown), None, "{unknown}");
        }
    }
}
