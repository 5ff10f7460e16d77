//! `/settings/organisation`: the organisation tree — a nested list that
//! opens and closes without JavaScript — and the selected unit (`?unit=`):
//! the caller's role there and where it comes from, and, where the caller
//! manages the unit, adding a unit under it, renaming, moving (to legal
//! parents only), deleting, and who has which role there, with "Assign a
//! role". Every member may read the tree; the server checks every change.

use super::SettingsFrame;
use crate::api::{AssignRole, CreateUnit, DeleteUnit, MoveUnit, RenameUnit, load_organisation};
use crate::components::feedback::{Feedback, clear_on_success};
use crate::components::fields::TextField;
use crate::components::session::use_current_user;
use crate::domain::UnitName;
use crate::model::{OrgUnit, UnitMember, UnitPeople};
use crate::notices;
use crate::org_tree::{self, MAX_DEPTH};
use crate::policy::manages_unit;
use crate::role::Role;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use std::collections::HashSet;
use uuid::Uuid;

#[derive(Clone, Copy)]
struct UnitActions {
    create: ServerAction<CreateUnit>,
    rename: ServerAction<RenameUnit>,
    moved: ServerAction<MoveUnit>,
    delete: ServerAction<DeleteUnit>,
    assign: ServerAction<AssignRole>,
    /// Field messages of the create and rename forms.
    create_feedback: Feedback,
    rename_feedback: Feedback,
    /// Everything else: toasts.
    feedback: Feedback,
}

impl UnitActions {
    fn new() -> Self {
        let actions = UnitActions {
            create: ServerAction::new(),
            rename: ServerAction::new(),
            moved: ServerAction::new(),
            delete: ServerAction::new(),
            assign: ServerAction::new(),
            create_feedback: Feedback::default(),
            rename_feedback: Feedback::default(),
            feedback: Feedback::all_as_toasts(),
        };
        actions
            .create_feedback
            .watch(actions.create, |_| notices::unit_created());
        actions
            .rename_feedback
            .watch(actions.rename, |_| notices::unit_saved());
        actions
            .feedback
            .watch(actions.moved, |_| notices::unit_saved());
        actions
            .feedback
            .watch(actions.delete, |_| notices::unit_deleted());
        actions
            .feedback
            .watch(actions.assign, |_| notices::role_saved());
        actions
    }

    /// Moves on every successful change: the tree and the unit reload.
    fn changes(self) -> usize {
        self.create_feedback.successes().get()
            + self.rename_feedback.successes().get()
            + self.feedback.successes().get()
    }
}

/// The tree beside the selected unit: one resource for both, so the page
/// renders (and hydrates) in one piece.
#[component]
pub fn OrganisationPage() -> impl IntoView {
    let query = use_query_map();
    let selected = Memo::new(move |_| {
        query
            .read()
            .get("unit")
            .and_then(|id| Uuid::parse_str(&id).ok())
    });
    let actions = UnitActions::new();
    let view_data = Resource::new(
        move || (selected.get(), actions.changes()),
        |(unit, _)| load_organisation(unit),
    );
    let me = use_current_user();

    view! {
        <SettingsFrame current="organisation" everyone=true>
            <h2>"Organisation"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading the organisation…"</p> }>
                {move || Suspend::new(async move {
                    let my_email = match me.await {
                        Ok(Some(me)) => me.email,
                        _ => String::new(),
                    };
                    let shown = match view_data.await {
                        Ok(shown) => shown,
                        Err(error) => {
                            return view! { <p class="error" role="alert">{error.to_string()}</p> }
                                .into_any();
                        }
                    };
                    let Some(root) = org_tree::root(&shown.tree).map(|u| u.id) else {
                        return view! { <p class="empty">"No organisation to show."</p> }.into_any();
                    };
                    let chosen = shown.unit;
                    // Open: the first two levels and the way to the chosen unit.
                    let open: HashSet<Uuid> = shown
                        .tree
                        .iter()
                        .filter(|u| u.depth < 2)
                        .map(|u| u.id)
                        .chain(org_tree::path(&shown.tree, chosen).iter().map(|u| u.id))
                        .collect();
                    let branch = tree_branch(&shown.tree, root, chosen, &open);
                    view! {
                        <div class="org">
                            <nav class="org__tree" aria-label="Units">
                                <ul class="tree">{branch}</ul>
                            </nav>
                            <UnitPanel
                                tree=shown.tree
                                unit=chosen
                                people=shown.people
                                my_email
                                actions
                            />
                        </div>
                    }
                        .into_any()
                })}
            </Transition>
        </SettingsFrame>
    }
}

/// `unit`'s link and, in a `<details>` that opens and closes without
/// JavaScript, the units under it. (The link sits before the `<details>`,
/// not in its `<summary>`: a link inside the toggle would nest two
/// controls, and a closed branch must still show its own unit.)
fn tree_branch(tree: &[OrgUnit], unit: Uuid, chosen: Uuid, open: &HashSet<Uuid>) -> AnyView {
    let Some(node) = org_tree::find(tree, unit) else {
        return ().into_any();
    };
    let name = node.name.clone();
    let link = view! {
        <a
            href=format!("/settings/organisation?unit={unit}")
            aria-current=(unit == chosen).then_some("page")
        >
            {name.clone()}
        </a>
        // The caller's role where a unit role gives it; elsewhere it is
        // their tenant role, which the header shows.
        {(node.your_role.source != crate::model::RoleSource::Tenant)
            .then(|| view! { <span class="badge tree__role">{node.your_role.role.as_str()}</span> })}
    };
    let kids: Vec<AnyView> = org_tree::children(tree, unit)
        .map(|child| tree_branch(tree, child.id, chosen, open))
        .collect();
    if kids.is_empty() {
        return view! { <li>{link}</li> }.into_any();
    }
    let count = match kids.len() {
        1 => "1 unit".to_owned(),
        n => format!("{n} units"),
    };
    view! {
        <li>
            {link}
            <details class="tree__branch" open=open.contains(&unit)>
                <summary>
                    {count} <span class="visually-hidden">" under " {name}</span>
                </summary>
                <ul>{kids}</ul>
            </details>
        </li>
    }
    .into_any()
}

/// The chosen unit: where it sits, the caller's role there, and what they
/// may change.
#[component]
fn UnitPanel(
    tree: Vec<OrgUnit>,
    unit: Uuid,
    /// Everyone's role here: only for a caller who manages the unit.
    people: Option<UnitPeople>,
    my_email: String,
    actions: UnitActions,
) -> impl IntoView {
    let Some(node) = org_tree::find(&tree, unit).cloned() else {
        return ().into_any();
    };
    let manages = manages_unit(node.your_role.role);
    let is_root = node.parent_id.is_none();
    let crumbs = org_tree::path_text(&tree, unit);
    let targets: Vec<(Uuid, String)> = org_tree::move_targets(&tree, unit)
        .into_iter()
        .map(|u| (u.id, org_tree::path_text(&tree, u.id)))
        .collect();
    let counts = blocked_reason(node.projects, node.sub_units);
    let room_below = node.depth < MAX_DEPTH;
    let changes = (manages && !is_root).then(|| {
        view! {
            <UnitEditForms
                unit
                name=node.name.clone()
                targets
                blocked=counts
                actions
            />
        }
    });
    view! {
        <section class="org__unit" aria-labelledby="unit-title">
            <p class="muted">{crumbs}</p>
            <h3 id="unit-title">{node.name.clone()}</h3>
            <p data-testid="your-role">
                "Your role here: " <strong>{org_tree::describe(&node.your_role)}</strong>
            </p>
            {(manages && room_below).then(|| view! { <NewUnitForm parent=unit actions /> })}
            {changes}
            {people.map(|people| view! { <PeopleHere unit is_root people my_email actions /> })}
        </section>
    }
    .into_any()
}

/// Why a unit cannot be deleted yet, if it cannot: "It has 2 projects: move
/// or delete them first."
fn blocked_reason(projects: u64, sub_units: u64) -> Option<String> {
    let count = |n: u64, one: &str, many: &str| match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    };
    let parts: Vec<String> = [
        count(projects, "project", "projects"),
        count(sub_units, "unit under it", "units under it"),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| {
        let them = if projects + sub_units == 1 {
            "it"
        } else {
            "them"
        };
        format!(
            "It has {}: move or delete {them} first.",
            parts.join(" and ")
        )
    })
}

/// "Add a unit" under the chosen one.
#[component]
fn NewUnitForm(parent: Uuid, actions: UnitActions) -> impl IntoView {
    let form = NodeRef::<leptos::html::Form>::new();
    clear_on_success(actions.create, form);
    let pending = actions.create.pending();
    view! {
        <ActionForm action=actions.create node_ref=form attr:class="form form--row" attr:aria-label="Add a unit">
            <input type="hidden" name="parent" value=parent.to_string() />
            <TextField
                id="new-unit-name"
                name="name"
                label="New unit under this one"
                max_chars=UnitName::MAX_CHARS
                feedback=actions.create_feedback
                required=true
            />
            <button type="submit" class="button" disabled=pending>
                {move || if pending.get() { "Adding…" } else { "Add unit" }}
            </button>
        </ActionForm>
    }
}

/// Rename, move (only where the caller may put it) and delete.
#[component]
fn UnitEditForms(
    unit: Uuid,
    name: String,
    targets: Vec<(Uuid, String)>,
    /// Why it cannot be deleted yet, if it cannot.
    blocked: Option<String>,
    actions: UnitActions,
) -> impl IntoView {
    let id = unit.to_string();
    let move_id = id.clone();
    let delete_id = id.clone();
    let move_form = (!targets.is_empty()).then(move || {
        view! {
            <ActionForm action=actions.moved attr:class="form form--row" attr:aria-label="Move the unit">
                <input type="hidden" name="id" value=move_id />
                <label for="move-parent">"Move under"</label>
                <select id="move-parent" name="parent" required=true>
                    {targets
                        .into_iter()
                        .map(|(id, path)| view! { <option value=id.to_string()>{path}</option> })
                        .collect_view()}
                </select>
                <button type="submit" class="button button--quiet">"Move"</button>
            </ActionForm>
        }
    });
    let delete = match blocked {
        Some(reason) => {
            view! { <p class="muted" data-testid="delete-blocked">{reason}</p> }.into_any()
        }
        None => view! {
            <ActionForm action=actions.delete attr:class="form" attr:aria-label="Delete the unit">
                <input type="hidden" name="id" value=delete_id />
                <button type="submit" class="button button--danger">"Delete unit"</button>
            </ActionForm>
        }
        .into_any(),
    };
    view! {
        <ActionForm action=actions.rename attr:class="form form--row" attr:aria-label="Rename the unit">
            <input type="hidden" name="id" value=id.clone() />
            <TextField
                id="unit-name"
                name="name"
                label="Name"
                max_chars=UnitName::MAX_CHARS
                feedback=actions.rename_feedback
                required=true
                value=name
            />
            <button type="submit" class="button button--quiet">"Rename"</button>
        </ActionForm>
        {move_form}
        {delete}
    }
}

/// Everyone's role at the unit and where it comes from; the assignments
/// made here, with Remove; and "Assign a role".
#[component]
fn PeopleHere(
    unit: Uuid,
    is_root: bool,
    people: UnitPeople,
    my_email: String,
    actions: UnitActions,
) -> impl IntoView {
    let UnitPeople { members, grantable } = people;
    let caller_role = grantable.iter().max().copied().unwrap_or(Role::ReadOnly);
    let assignable: Vec<(Uuid, String)> = members
        .iter()
        .filter(|m| m.member.active && !m.member.email.eq_ignore_ascii_case(&my_email))
        .filter(|m| m.effective.role <= caller_role)
        .map(|m| (m.member.id, m.member.label().to_owned()))
        .collect();
    let rows = members
        .into_iter()
        .map(|person| {
            let is_you = person.member.email.eq_ignore_ascii_case(&my_email);
            view! { <PersonRow person unit is_you caller_role actions /> }
        })
        .collect_view();
    let assign = (!is_root && !assignable.is_empty())
        .then(|| view! { <AssignForm unit people=assignable roles=grantable actions /> });
    view! {
        <h3>"People"</h3>
        <table class="table" data-testid="unit-people">
            <thead>
                <tr>
                    <th scope="col">"Member"</th>
                    <th scope="col">"Role here"</th>
                    <th scope="col">
                        <span class="visually-hidden">"Actions"</span>
                    </th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        {assign}
        {is_root
            .then(|| {
                view! {
                    <p class="muted">
                        "Roles for the whole organisation are tenant roles: change them on the Members page."
                    </p>
                }
            })}
    }
}

#[component]
fn PersonRow(
    person: UnitMember,
    unit: Uuid,
    is_you: bool,
    caller_role: Role,
    actions: UnitActions,
) -> impl IntoView {
    let label = person.member.label().to_owned();
    let removable =
        person.assigned_here.is_some() && !is_you && person.effective.role <= caller_role;
    let remove_label = format!("Remove {label}'s role here");
    let remove = removable.then(move || {
        view! {
            <ActionForm action=actions.assign attr:class="inline-form">
                <input type="hidden" name="unit" value=unit.to_string() />
                <input type="hidden" name="member" value=person.member.id.to_string() />
                <input type="hidden" name="role" value="" />
                <button
                    type="submit"
                    class="button button--quiet"
                    aria-label=remove_label
                >
                    "Remove"
                </button>
            </ActionForm>
        }
    });
    view! {
        <tr data-testid="unit-person">
            <td data-label="Member">
                <span class="member__name">{label.clone()}</span>
                {(!person.member.display_name.is_empty())
                    .then(|| view! { <span class="member__sub">{person.member.email.clone()}</span> })}
            </td>
            <td data-label="Role here">{org_tree::describe(&person.effective)}</td>
            <td>{remove}</td>
        </tr>
    }
}

/// "Assign a role": one of the tenant's active members, one of the roles
/// the caller may give here.
#[component]
fn AssignForm(
    unit: Uuid,
    people: Vec<(Uuid, String)>,
    roles: Vec<Role>,
    actions: UnitActions,
) -> impl IntoView {
    let pending = actions.assign.pending();
    view! {
        <ActionForm action=actions.assign attr:class="form" attr:aria-label="Assign a role">
            <input type="hidden" name="unit" value=unit.to_string() />
            <label for="assign-member">"Member"</label>
            <select id="assign-member" name="member" required=true>
                {people
                    .into_iter()
                    .map(|(id, label)| view! { <option value=id.to_string()>{label}</option> })
                    .collect_view()}
            </select>
            <label for="assign-role">"Role"</label>
            <select id="assign-role" name="role" required=true>
                {roles
                    .into_iter()
                    .rev()
                    .map(|role| view! { <option value=role.as_str()>{role.as_str()}</option> })
                    .collect_view()}
            </select>
            <button type="submit" class="button" disabled=pending>
                "Assign a role"
            </button>
        </ActionForm>
    }
}

#[cfg(test)]
mod tests {
    use super::blocked_reason;

    #[test]
    fn an_empty_unit_can_go_and_a_full_one_says_why_not() {
        assert_eq!(blocked_reason(0, 0), None);
        assert_eq!(
            blocked_reason(1, 0).as_deref(),
            Some("It has 1 project: move or delete it first.")
        );
        assert_eq!(
            blocked_reason(2, 1).as_deref(),
            Some("It has 2 projects and 1 unit under it: move or delete them first.")
        );
    }
}
