//! The roles a member can hold: Cognito groups, compared by exact name.

use serde::{Deserialize, Serialize};

/// A member's role within their tenant, highest first.
///
/// Roles come from the `cognito:groups` claim. Group names are pool-wide and
/// compared exactly: `admin` is not `Admin`, and an unknown group is no role.
///
/// In Postgres (`members.role`) a role is its group name as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(type_name = "text"))]
pub enum Role {
    // Declared lowest first so that `Ord` ranks Admin highest.
    ReadOnly,
    Member,
    SuperUser,
    Admin,
}

impl Role {
    /// Every role, highest first.
    pub const ALL: [Role; 4] = [Role::Admin, Role::SuperUser, Role::Member, Role::ReadOnly];

    /// The Cognito group name, which is also the value stored in `members.role`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::SuperUser => "SuperUser",
            Role::Member => "Member",
            Role::ReadOnly => "ReadOnly",
        }
    }

    /// The role a group name stands for; `None` for anything else, including
    /// the same name in another case.
    pub fn from_group(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == name)
    }

    /// The highest role among a user's groups; `None` when none is a role.
    pub fn highest<'a>(groups: impl IntoIterator<Item = &'a str>) -> Option<Role> {
        groups.into_iter().filter_map(Role::from_group).max()
    }

    /// Whether this role may create and change tenant data.
    pub fn can_write(self) -> bool {
        self != Role::ReadOnly
    }

    /// Whether this role may delete a whole project (tasks need only
    /// [`Role::can_write`]).
    pub fn can_delete_projects(self) -> bool {
        matches!(self, Role::Admin | Role::SuperUser)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_group(role.as_str()), Some(role));
        }
    }

    #[test]
    fn a_group_name_in_another_case_is_no_role() {
        assert_eq!(Role::from_group("admin"), None);
        assert_eq!(Role::from_group("ADMIN"), None);
        assert_eq!(Role::from_group("readonly"), None);
        assert_eq!(Role::from_group(" Admin"), None);
    }

    #[test]
    fn the_highest_group_wins() {
        assert_eq!(
            Role::highest(["Member", "Admin", "ReadOnly"]),
            Some(Role::Admin)
        );
        assert_eq!(
            Role::highest(["ReadOnly", "SuperUser"]),
            Some(Role::SuperUser)
        );
        assert_eq!(Role::highest(["Billing", "ReadOnly"]), Some(Role::ReadOnly));
    }

    #[test]
    fn no_known_group_means_no_role() {
        assert_eq!(Role::highest([]), None);
        assert_eq!(Role::highest(["Billing", "admin"]), None);
    }

    #[test]
    fn only_read_only_cannot_write() {
        assert!(!Role::ReadOnly.can_write());
        assert!(Role::Member.can_write());
        assert!(Role::SuperUser.can_write());
        assert!(Role::Admin.can_write());
    }
}
