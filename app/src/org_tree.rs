//! Reading the organisation tree as the pages need it: a unit's path from
//! the root, its sub-units, where it may move to, and a role's origin in
//! words. Pure functions over the flat list `org_tree` returns (parents
//! before children), shared by the server's render and the browser.

use crate::model::{EffectiveRole, OrgUnit, RoleSource};
use crate::policy::manages_unit;
use std::collections::HashSet;
use uuid::Uuid;

/// How deep a unit may sit below the root (the database's limit too).
pub const MAX_DEPTH: u8 = 8;

/// "Admin — assigned here", "ReadOnly — from Parent", "Member — tenant
/// role".
pub fn describe(role: &EffectiveRole) -> String {
    let origin = match &role.source {
        RoleSource::Here => "assigned here".to_owned(),
        RoleSource::Inherited { unit_name, .. } => format!("from {unit_name}"),
        RoleSource::Tenant => "tenant role".to_owned(),
    };
    format!("{} — {origin}", role.role)
}

pub fn find(tree: &[OrgUnit], id: Uuid) -> Option<&OrgUnit> {
    tree.iter().find(|u| u.id == id)
}

pub fn root(tree: &[OrgUnit]) -> Option<&OrgUnit> {
    tree.iter().find(|u| u.parent_id.is_none())
}

/// The units from the root down to `unit`, both included.
pub fn path(tree: &[OrgUnit], unit: Uuid) -> Vec<&OrgUnit> {
    let mut path = Vec::new();
    let mut at = find(tree, unit);
    while let Some(u) = at {
        path.push(u);
        // A malformed list cannot loop: no path is longer than the tree.
        if path.len() > tree.len() {
            break;
        }
        at = u.parent_id.and_then(|p| find(tree, p));
    }
    path.reverse();
    path
}

/// The names on [`path`], joined for a breadcrumb: "Acme / Engineering".
pub fn path_text(tree: &[OrgUnit], unit: Uuid) -> String {
    path(tree, unit)
        .iter()
        .map(|u| u.name.as_str())
        .collect::<Vec<_>>()
        .join(" / ")
}

pub fn children(tree: &[OrgUnit], parent: Uuid) -> impl Iterator<Item = &OrgUnit> {
    tree.iter().filter(move |u| u.parent_id == Some(parent))
}

/// `unit` and every unit under it.
pub fn subtree(tree: &[OrgUnit], unit: Uuid) -> HashSet<Uuid> {
    let mut found = HashSet::from([unit]);
    // Parents come before children in the list, so one pass finds them all.
    for u in tree {
        if u.parent_id.is_some_and(|p| found.contains(&p)) {
            found.insert(u.id);
        }
    }
    found
}

/// Levels below `unit` to its deepest descendant.
pub fn height(tree: &[OrgUnit], unit: Uuid) -> u8 {
    let Some(top) = find(tree, unit) else {
        return 0;
    };
    let under = subtree(tree, unit);
    tree.iter()
        .filter(|u| under.contains(&u.id))
        .map(|u| u.depth.saturating_sub(top.depth))
        .max()
        .unwrap_or(0)
}

/// Where the caller may move `unit`: units they manage, outside its own
/// subtree, not its parent already, with room below for its height.
pub fn move_targets(tree: &[OrgUnit], unit: Uuid) -> Vec<&OrgUnit> {
    let Some(moving) = find(tree, unit) else {
        return Vec::new();
    };
    let inside = subtree(tree, unit);
    let height = height(tree, unit);
    tree.iter()
        .filter(|u| manages_unit(u.your_role.role))
        .filter(|u| !inside.contains(&u.id))
        .filter(|u| Some(u.id) != moving.parent_id)
        .filter(|u| u.depth + 1 + height <= MAX_DEPTH)
        .collect()
}

/// Units where the caller may create projects.
pub fn writable(tree: &[OrgUnit]) -> Vec<&OrgUnit> {
    tree.iter()
        .filter(|u| u.your_role.role.can_write())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::role::Role;

    fn unit(id: u128, parent: Option<u128>, depth: u8, role: Role) -> OrgUnit {
        OrgUnit {
            id: Uuid::from_u128(id),
            parent_id: parent.map(Uuid::from_u128),
            name: format!("U{id}"),
            depth,
            projects: 0,
            sub_units: 0,
            your_role: EffectiveRole {
                role,
                source: RoleSource::Tenant,
            },
        }
    }

    /// 0 → {1 → {2 → 3}, 4}; the caller manages all but 4.
    fn tree() -> Vec<OrgUnit> {
        vec![
            unit(0, None, 0, Role::Admin),
            unit(1, Some(0), 1, Role::Admin),
            unit(2, Some(1), 2, Role::Admin),
            unit(3, Some(2), 3, Role::Admin),
            unit(4, Some(0), 1, Role::Member),
        ]
    }

    fn ids(units: &[&OrgUnit]) -> Vec<u128> {
        units.iter().map(|u| u.id.as_u128()).collect()
    }

    #[test]
    fn a_path_runs_from_the_root() {
        assert_eq!(ids(&path(&tree(), Uuid::from_u128(3))), [0, 1, 2, 3]);
        assert_eq!(path_text(&tree(), Uuid::from_u128(2)), "U0 / U1 / U2");
        assert!(path(&tree(), Uuid::from_u128(9)).is_empty());
    }

    #[test]
    fn a_unit_never_moves_into_its_subtree_its_parent_or_out_of_reach() {
        let tree = tree();
        // 1 cannot go under itself, 2 or 3; 0 is its parent; 4 is not managed.
        assert!(move_targets(&tree, Uuid::from_u128(1)).is_empty());
        assert_eq!(ids(&move_targets(&tree, Uuid::from_u128(3))), [0, 1]);
        assert_eq!(height(&tree, Uuid::from_u128(1)), 2);
    }

    #[test]
    fn a_move_leaves_room_for_the_subtree() {
        // A chain 0 → 1 → … → 8 and a unit 20 with one child: under 6 it
        // would put the child at depth 9.
        let mut chain: Vec<OrgUnit> = (0..=8)
            .map(|d| unit(d, d.checked_sub(1), d as u8, Role::Admin))
            .collect();
        chain.push(unit(20, Some(0), 1, Role::Admin));
        chain.push(unit(21, Some(20), 2, Role::Admin));
        let targets = ids(&move_targets(&chain, Uuid::from_u128(20)));
        assert!(targets.contains(&6));
        assert!(!targets.contains(&7) && !targets.contains(&8));
    }

    #[test]
    fn roles_read_with_their_origin() {
        let inherited = EffectiveRole {
            role: Role::ReadOnly,
            source: RoleSource::Inherited {
                unit_id: Uuid::nil(),
                unit_name: "Parent".into(),
            },
        };
        assert_eq!(describe(&inherited), "ReadOnly — from Parent");
        let here = EffectiveRole {
            role: Role::Admin,
            source: RoleSource::Here,
        };
        assert_eq!(describe(&here), "Admin — assigned here");
        assert_eq!(
            describe(&EffectiveRole {
                role: Role::Member,
                source: RoleSource::Tenant
            }),
            "Member — tenant role"
        );
    }
}
