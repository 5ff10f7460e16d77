//! Who may manage whom: the rules that stop privilege escalation in the
//! settings pages. Pure functions over roles, so every combination is
//! tested here; the server functions call them on every request, whatever
//! the page offered.

use crate::role::Role;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a member-management request is refused, in words for the person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum Refusal {
    #[error("Only an Admin or a SuperUser can manage members.")]
    NotAManager,
    #[error("You cannot give a role above your own.")]
    AboveOwnRole,
    #[error("Only an Admin can change an Admin.")]
    AdminOnly,
    #[error("You cannot change your own account.")]
    OwnAccount,
    #[error("Your organisation must keep at least one active Admin.")]
    LastAdmin,
    #[error("Only an Admin or a SuperUser of this unit can change it.")]
    NotAUnitManager,
    #[error("You can only move a unit under one you manage.")]
    OutOfReach,
    #[error("The organisation itself is changed in its profile and on the Members page.")]
    Root,
}

/// What can be done to a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberChange {
    SetRole(Role),
    Disable,
    Enable,
    Remove,
}

/// The member a change is aimed at, as the database shows them now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    pub role: Role,
    pub active: bool,
    /// The caller themself.
    pub is_caller: bool,
}

/// Whether `role` may open the settings pages at all.
pub fn manages_members(role: Role) -> bool {
    matches!(role, Role::Admin | Role::SuperUser)
}

/// Whether `caller` may add a member with `role`.
pub fn may_invite(caller: Role, role: Role) -> Result<(), Refusal> {
    if !manages_members(caller) {
        return Err(Refusal::NotAManager);
    }
    if role > caller {
        return Err(Refusal::AboveOwnRole);
    }
    Ok(())
}

/// Whether `caller` may make `change` to `target`. `active_admins` counts
/// the tenant's active Admins, the target included.
pub fn may_change(
    caller: Role,
    target: Target,
    change: MemberChange,
    active_admins: usize,
) -> Result<(), Refusal> {
    if !manages_members(caller) {
        return Err(Refusal::NotAManager);
    }
    if target.is_caller {
        return Err(Refusal::OwnAccount);
    }
    if target.role > caller {
        // A SuperUser cannot touch an Admin in any way.
        return Err(Refusal::AdminOnly);
    }
    if let MemberChange::SetRole(role) = change
        && role > caller
    {
        return Err(Refusal::AboveOwnRole);
    }
    let leaves_admins = match change {
        MemberChange::SetRole(role) => role != Role::Admin,
        MemberChange::Disable | MemberChange::Remove => true,
        MemberChange::Enable => false,
    };
    if target.role == Role::Admin && target.active && leaves_admins && active_admins <= 1 {
        return Err(Refusal::LastAdmin);
    }
    Ok(())
}

/// Whether a member whose effective role at a unit is `role` may change the
/// tree there: create units under it, rename, move or delete it, and give
/// or take roles in it.
pub fn manages_unit(role: Role) -> bool {
    matches!(role, Role::Admin | Role::SuperUser)
}

/// A change to the organisation tree, with the caller's effective role at
/// each unit it touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreeChange {
    /// A new unit under a parent: the role at the parent.
    Create { at_parent: Role },
    /// Rename or delete a unit: the role at it.
    Edit { at_unit: Role, is_root: bool },
    /// Move a unit (with its subtree) under a new parent: the role at the
    /// unit and at the new parent.
    Move {
        at_unit: Role,
        at_new_parent: Role,
        is_root: bool,
    },
}

/// Whether the caller may make a tree change. (Cycles, depth and names are
/// the database's constraints.)
pub fn may_change_tree(change: TreeChange) -> Result<(), Refusal> {
    match change {
        TreeChange::Create { at_parent } if !manages_unit(at_parent) => {
            Err(Refusal::NotAUnitManager)
        }
        TreeChange::Edit { is_root: true, .. } | TreeChange::Move { is_root: true, .. } => {
            Err(Refusal::Root)
        }
        TreeChange::Edit { at_unit, .. } | TreeChange::Move { at_unit, .. }
            if !manages_unit(at_unit) =>
        {
            Err(Refusal::NotAUnitManager)
        }
        TreeChange::Move { at_new_parent, .. } if !manages_unit(at_new_parent) => {
            Err(Refusal::OutOfReach)
        }
        _ => Ok(()),
    }
}

/// Whether the caller, whose effective role at a unit is `caller`, may give
/// the member `target` (as that unit sees them) the role `role` there, or
/// take their assignment there away (`role` is `None`). The members page's
/// rules, per unit: nobody grants above their own role there, nobody
/// changes a member whose role there is above theirs (so a SuperUser
/// neither grants Admin nor touches an Admin), nobody changes their own.
/// The root's roles are tenant roles, changed on the Members page.
pub fn may_assign(
    caller: Role,
    target: Target,
    role: Option<Role>,
    is_root: bool,
) -> Result<(), Refusal> {
    if is_root {
        return Err(Refusal::Root);
    }
    if !manages_unit(caller) {
        return Err(Refusal::NotAUnitManager);
    }
    if target.is_caller {
        return Err(Refusal::OwnAccount);
    }
    if target.role > caller {
        return Err(Refusal::AdminOnly);
    }
    if role.is_some_and(|role| role > caller) {
        return Err(Refusal::AboveOwnRole);
    }
    Ok(())
}

/// The roles `caller` may hand out, highest first: what the page offers.
pub fn grantable_roles(caller: Role) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|role| may_invite(caller, *role).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use MemberChange::*;
    use Role::*;

    fn other(role: Role) -> Target {
        Target {
            role,
            active: true,
            is_caller: false,
        }
    }

    const CHANGES: [MemberChange; 7] = [
        SetRole(Admin),
        SetRole(SuperUser),
        SetRole(Member),
        SetRole(ReadOnly),
        Disable,
        Enable,
        Remove,
    ];

    #[test]
    fn unit_roles_follow_the_members_rules_per_unit() {
        // The rules written out independently: manager, not self, target
        // not above, role not above.
        for caller in Role::ALL {
            for target in Role::ALL {
                for role in Role::ALL.map(Some).into_iter().chain([None]) {
                    for is_caller in [false, true] {
                        let expected = manages_unit(caller)
                            && !is_caller
                            && target <= caller
                            && role.is_none_or(|r| r <= caller);
                        let who = Target {
                            role: target,
                            active: true,
                            is_caller,
                        };
                        assert_eq!(
                            may_assign(caller, who, role, false).is_ok(),
                            expected,
                            "{caller} gives {target} {role:?} (self: {is_caller})"
                        );
                        assert_eq!(may_assign(caller, who, role, true), Err(Refusal::Root));
                    }
                }
            }
        }
        assert_eq!(
            may_assign(SuperUser, other(Member), Some(Admin), false),
            Err(Refusal::AboveOwnRole)
        );
        assert_eq!(
            may_assign(SuperUser, other(Admin), Some(ReadOnly), false),
            Err(Refusal::AdminOnly)
        );
    }

    #[test]
    fn tree_changes_need_a_manager_at_every_unit_they_touch() {
        for role in Role::ALL {
            let manages = matches!(role, Admin | SuperUser);
            assert_eq!(
                may_change_tree(TreeChange::Create { at_parent: role }).is_ok(),
                manages
            );
            assert_eq!(
                may_change_tree(TreeChange::Edit {
                    at_unit: role,
                    is_root: false
                })
                .is_ok(),
                manages
            );
            assert_eq!(
                may_change_tree(TreeChange::Move {
                    at_unit: Admin,
                    at_new_parent: role,
                    is_root: false
                }),
                if manages {
                    Ok(())
                } else {
                    Err(Refusal::OutOfReach)
                }
            );
            assert_eq!(
                may_change_tree(TreeChange::Move {
                    at_unit: role,
                    at_new_parent: Admin,
                    is_root: false
                })
                .is_ok(),
                manages
            );
        }
        assert_eq!(
            may_change_tree(TreeChange::Edit {
                at_unit: Admin,
                is_root: true
            }),
            Err(Refusal::Root)
        );
    }

    #[test]
    fn only_admins_and_super_users_manage_members() {
        for caller in [Member, ReadOnly] {
            assert!(!manages_members(caller));
            assert_eq!(may_invite(caller, ReadOnly), Err(Refusal::NotAManager));
            for change in CHANGES {
                assert_eq!(
                    may_change(caller, other(ReadOnly), change, 2),
                    Err(Refusal::NotAManager)
                );
            }
        }
    }

    #[test]
    fn nobody_grants_a_role_above_their_own() {
        assert_eq!(may_invite(SuperUser, Admin), Err(Refusal::AboveOwnRole));
        assert_eq!(may_invite(SuperUser, SuperUser), Ok(()));
        assert_eq!(may_invite(Admin, Admin), Ok(()));
        assert_eq!(
            may_change(SuperUser, other(Member), SetRole(Admin), 1),
            Err(Refusal::AboveOwnRole)
        );
        assert_eq!(
            grantable_roles(SuperUser),
            vec![SuperUser, Member, ReadOnly]
        );
        assert_eq!(grantable_roles(Admin), Role::ALL.to_vec());
        assert!(grantable_roles(Member).is_empty());
    }

    #[test]
    fn a_super_user_cannot_touch_an_admin() {
        for change in CHANGES {
            assert_eq!(
                may_change(SuperUser, other(Admin), change, 3),
                Err(Refusal::AdminOnly),
                "{change:?}"
            );
        }
        let disabled_admin = Target {
            active: false,
            ..other(Admin)
        };
        assert_eq!(
            may_change(SuperUser, disabled_admin, Enable, 1),
            Err(Refusal::AdminOnly)
        );
    }

    #[test]
    fn nobody_changes_their_own_account() {
        for caller in [Admin, SuperUser] {
            let me = Target {
                is_caller: true,
                ..other(caller)
            };
            for change in CHANGES {
                assert_eq!(
                    may_change(caller, me, change, 5),
                    Err(Refusal::OwnAccount),
                    "{caller:?} {change:?}"
                );
            }
        }
    }

    #[test]
    fn the_last_active_admin_stays() {
        for change in [
            SetRole(SuperUser),
            SetRole(Member),
            SetRole(ReadOnly),
            Disable,
            Remove,
        ] {
            assert_eq!(
                may_change(Admin, other(Admin), change, 1),
                Err(Refusal::LastAdmin),
                "{change:?}"
            );
            assert_eq!(
                may_change(Admin, other(Admin), change, 2),
                Ok(()),
                "{change:?}"
            );
        }
        // Keeping the role, or enabling, leaves the count as it is.
        assert_eq!(may_change(Admin, other(Admin), SetRole(Admin), 1), Ok(()));
        let disabled = Target {
            active: false,
            ..other(Admin)
        };
        assert_eq!(may_change(Admin, disabled, Enable, 0), Ok(()));
        assert_eq!(may_change(Admin, disabled, Remove, 1), Ok(()));
    }

    #[test]
    fn within_the_rules_everything_else_is_allowed() {
        for (caller, target) in [
            (Admin, SuperUser),
            (Admin, Member),
            (Admin, ReadOnly),
            (SuperUser, SuperUser),
            (SuperUser, Member),
            (SuperUser, ReadOnly),
        ] {
            for change in CHANGES {
                let expected = match change {
                    SetRole(role) if role > caller => Err(Refusal::AboveOwnRole),
                    _ => Ok(()),
                };
                assert_eq!(
                    may_change(caller, other(target), change, 1),
                    expected,
                    "{caller:?} → {target:?}: {change:?}"
                );
            }
        }
    }
}
