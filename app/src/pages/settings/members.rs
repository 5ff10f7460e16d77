//! `/settings`: the tenant's members — search, pages, add a member; pending
//! invitations (resend, revoke); and a table of members with, per member,
//! a role picker that asks to confirm, disable or enable, remove (after a
//! confirmation). The page offers only what the rules allow the caller; the
//! server checks every request again.

use super::SettingsFrame;
use crate::api::{
    ChangeMemberRole, InviteMember, RemoveMember, ResendInvitation, SetMemberActive, list_members,
};
use crate::components::feedback::{Feedback, FieldError, clear_on_success};
use crate::components::fields::TextField;
use crate::components::moment::Moment;
use crate::components::pager::{Pager, page_query};
use crate::domain::{DisplayName, Email};
use crate::model::MemberDetail;
use crate::notices;
use crate::policy::{self, MemberChange, Target};
use crate::role::Role;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Copy)]
struct MemberActions {
    role: ServerAction<ChangeMemberRole>,
    active: ServerAction<SetMemberActive>,
    remove: ServerAction<RemoveMember>,
    resend: ServerAction<ResendInvitation>,
    /// Removing someone who never signed in: the same call, other words.
    revoke: ServerAction<RemoveMember>,
}

/// The member actions, and what reports them.
fn member_actions() -> (MemberActions, Feedback) {
    let actions = MemberActions {
        role: ServerAction::new(),
        active: ServerAction::new(),
        remove: ServerAction::new(),
        resend: ServerAction::new(),
        revoke: ServerAction::new(),
    };
    let feedback = Feedback::all_as_toasts();
    feedback.watch(actions.role, notices::role_changed);
    feedback.watch(actions.active, notices::member_active);
    feedback.watch(actions.remove, notices::member_removed);
    feedback.watch(actions.resend, notices::invitation_resent);
    feedback.watch(actions.revoke, notices::member_removed);
    (actions, feedback)
}

/// `/settings`: search, pending invitations, the member table with its
/// pager, and "Add a member".
///
/// One piece although long: the search form, the tables and the add form
/// share the query-string memo and the actions whose successes reload the
/// list; each row is its own component.
#[component]
pub fn MembersPage() -> impl IntoView {
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        let q = query.read();
        (
            q.get("page")
                .and_then(|p| p.parse::<u32>().ok())
                .unwrap_or(1),
            q.get("q").unwrap_or_default(),
        )
    });

    let invite = ServerAction::<InviteMember>::new();
    let invite_feedback = Feedback::default();
    invite_feedback.watch(invite, notices::member_invited);
    let (actions, feedback) = member_actions();

    let listed = Resource::new(
        move || {
            (
                filters.get(),
                invite_feedback.successes().get() + feedback.successes().get(),
            )
        },
        |((page, search), _)| list_members(page, search),
    );

    view! {
        <SettingsFrame current="members">
            <h2>"Members"</h2>
            <form method="get" action="/settings" class="search" role="search">
                <label for="member-search">"Search members"</label>
                <input
                    id="member-search"
                    type="search"
                    name="q"
                    prop:value=move || filters.read().1.clone()
                />
                <button type="submit" class="button button--quiet">"Search"</button>
            </form>
            <Transition fallback=|| view! { <p class="muted">"Loading members…"</p> }>
                {move || Suspend::new(async move {
                    match listed.await {
                        Ok(list) => {
                            let grantable = StoredValue::new(list.grantable.clone());
                            let caller = list.caller_role;
                            let current = list.members.page.page();
                            let pages = list.members.page_count();
                            let search = filters.get_untracked().1;
                            let link = Callback::new(move |page| page_query(&[("q", &search)], page));
                            let pending = (!list.pending.is_empty()).then(|| {
                                view! { <PendingInvitations pending=list.pending caller actions /> }
                            });
                            view! {
                                <InviteForm action=invite feedback=invite_feedback roles=list.grantable />
                                {pending}
                                {if list.members.items.is_empty() {
                                    view! { <p class="empty">"No members match."</p> }.into_any()
                                } else {
                                    view! {
                                        <MemberTable members=list.members.items caller grantable actions />
                                    }
                                        .into_any()
                                }}
                                <Pager current pages link />
                            }
                                .into_any()
                        }
                        Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </SettingsFrame>
    }
}

/// "Add a member": email, name, and one of the roles the caller may give.
#[component]
fn InviteForm(
    action: ServerAction<InviteMember>,
    feedback: Feedback,
    roles: Vec<Role>,
) -> impl IntoView {
    let pending = action.pending();
    let role_error = feedback.field_error("role");
    let form = NodeRef::new();
    clear_on_success(action, form);
    view! {
        <details class="disclosure" open=move || feedback.field_error("email").get().is_some()>
            <summary class="button">"Add a member"</summary>
            <ActionForm action node_ref=form attr:class="form" attr:aria-label="Add a member">
                <TextField
                    id="invite-email"
                    name="email"
                    label="Email"
                    input_type="email"
                    max_chars=Email::MAX_CHARS
                    feedback
                    required=true
                />
                <TextField id="invite-name" name="name" label="Name (optional)" max_chars=DisplayName::MAX_CHARS feedback />
                <label for="invite-role">"Role"</label>
                <select id="invite-role" name="role" aria-describedby="invite-role-error">
                    {roles
                        .into_iter()
                        .map(|role| view! { <option value=role.as_str() selected=role == Role::Member>{role.as_str()}</option> })
                        .collect_view()}
                </select>
                <FieldError message=role_error id="invite-role-error" />
                <button type="submit" class="button" disabled=pending>
                    {move || if pending.get() { "Adding…" } else { "Add member" }}
                </button>
            </ActionForm>
        </details>
    }
}

/// A table's column headings, then the actions column (named for screen
/// readers only).
#[component]
pub(crate) fn TableHead(columns: &'static [&'static str]) -> impl IntoView {
    view! {
        <thead>
            <tr>
                {columns.iter().map(|c| view! { <th scope="col">{*c}</th> }).collect_view()}
                <th scope="col">
                    <span class="visually-hidden">"Actions"</span>
                </th>
            </tr>
        </thead>
    }
}

/// People invited who have not signed in yet: when, and — where the rules
/// let the caller invite someone of that role — resend or revoke.
#[component]
fn PendingInvitations(
    pending: Vec<MemberDetail>,
    caller: Role,
    actions: MemberActions,
) -> impl IntoView {
    view! {
        <h3 id="pending-title">"Pending invitations"</h3>
        <table class="table" data-testid="invitation-list" aria-labelledby="pending-title">
            <TableHead columns=&["Email", "Role", "Invited"] />
            <tbody>
                {pending
                    .into_iter()
                    .map(|member| view! { <InvitationRow member caller actions /> })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn InvitationRow(member: MemberDetail, caller: Role, actions: MemberActions) -> impl IntoView {
    let id = member.id;
    let may = policy::may_invite(caller, member.role).is_ok();
    let revoke_prompt = format!(
        "Revoke the invitation to {}? Their temporary password stops working.",
        member.email
    );
    let name = (!member.display_name.is_empty())
        .then(|| view! { <span class="member__sub">{member.display_name.clone()}</span> });
    view! {
        <tr data-testid="invitation" data-email=member.email.clone()>
            <td>
                <span class="member__name">{member.email.clone()}</span>
                {name}
            </td>
            <td data-label="Role">{member.role.as_str()}</td>
            <td data-label="Invited">{member.invited_at.map(|at| view! { <Moment at /> })}</td>
            <td class="table__actions">
                {may.then(|| view! {
                    <ActionForm action=actions.resend attr:class="inline-form">
                        <input type="hidden" name="id" value=id.to_string() />
                        <button type="submit" class="button button--quiet">"Resend"</button>
                    </ActionForm>
                    <Confirm opener="Revoke…" label="Confirm revoking" prompt=revoke_prompt danger=true>
                        <ActionForm action=actions.revoke attr:class="inline-form">
                            <input type="hidden" name="id" value=id.to_string() />
                            <button type="submit" class="button button--danger">"Revoke invitation"</button>
                        </ActionForm>
                    </Confirm>
                })}
            </td>
        </tr>
    }
}

/// The members: one row each, dense.
#[component]
fn MemberTable(
    members: Vec<MemberDetail>,
    caller: Role,
    grantable: StoredValue<Vec<Role>>,
    actions: MemberActions,
) -> impl IntoView {
    view! {
        <table class="table" data-testid="member-list" aria-label="Members">
            <TableHead columns=&["Name", "Role", "Status", "Last active"] />
            <tbody>
                {members
                    .into_iter()
                    .map(|member| view! { <MemberRow member caller grantable actions /> })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// One member: name and email, role (a picker when the caller may change
/// it), state, last sign-in, and the changes the rules allow the caller.
#[component]
fn MemberRow(
    member: MemberDetail,
    caller: Role,
    grantable: StoredValue<Vec<Role>>,
    actions: MemberActions,
) -> impl IntoView {
    let target = Target {
        role: member.role,
        active: member.active,
        is_caller: member.is_you,
    };
    // What the rules let the caller do; the last-Admin rule is left to the
    // server, which counts.
    let may = |change| policy::may_change(caller, target, change, usize::MAX).is_ok();
    let may_disable = may(if member.active {
        MemberChange::Disable
    } else {
        MemberChange::Enable
    });
    let may_remove = may(MemberChange::Remove);
    let roles: Vec<Role> = grantable
        .get_value()
        .into_iter()
        .filter(|role| may(MemberChange::SetRole(*role)))
        .collect();
    let (name, email) = if member.display_name.is_empty() {
        (member.email.clone(), None)
    } else {
        (member.display_name.clone(), Some(member.email.clone()))
    };
    let role = if roles.is_empty() {
        view! { <span>{member.role.as_str()}</span> }.into_any()
    } else {
        view! { <RolePicker member=member.clone() roles action=actions.role /> }.into_any()
    };
    view! {
        <tr data-testid="member" data-email=member.email.clone()>
            <td>
                <span class="member__name">
                    {name}
                    {member.is_you.then(|| view! { " " <span class="badge">"You"</span> })}
                </span>
                {email.map(|email| view! { <span class="member__sub">{email}</span> })}
            </td>
            <td data-label="Role">{role}</td>
            <td data-label="Status">
                {if member.active {
                    view! { <span>"Active"</span> }.into_any()
                } else {
                    view! { <span class="badge badge--off">"Disabled"</span> }.into_any()
                }}
            </td>
            <td data-label="Last active">
                {match member.last_sign_in_at {
                    Some(at) => view! { <Moment at /> }.into_any(),
                    None => view! { <span class="muted">"Never"</span> }.into_any(),
                }}
            </td>
            <td class="table__actions">
                <MemberControls member=member.clone() may_disable may_remove actions />
            </td>
        </tr>
    }
    .into_any()
}

/// Enable, or disable after a confirmation; remove after a confirmation.
#[component]
fn MemberControls(
    member: MemberDetail,
    may_disable: bool,
    may_remove: bool,
    actions: MemberActions,
) -> impl IntoView {
    let id = member.id;
    let remove_prompt = format!(
        "Remove {}? Their account is deleted and their tasks become unassigned.",
        member.email
    );
    let disable_prompt = format!(
        "Disable {}? They are signed out everywhere at once, and cannot sign in until enabled again.",
        member.email
    );
    view! {
        // Enabling is harmless and one click; disabling signs the
        // person out everywhere, so it asks first.
        {(may_disable && !member.active).then(|| view! {
            <ActionForm action=actions.active attr:class="inline-form">
                <input type="hidden" name="id" value=id.to_string() />
                <input type="hidden" name="active" value="true" />
                <button type="submit" class="button button--quiet">"Enable"</button>
            </ActionForm>
        })}
        {(may_disable && member.active).then(|| view! {
            <Confirm opener="Disable…" label="Confirm disabling" prompt=disable_prompt>
                <ActionForm action=actions.active attr:class="inline-form">
                    <input type="hidden" name="id" value=id.to_string() />
                    <input type="hidden" name="active" value="false" />
                    <button type="submit" class="button button--danger">"Disable member"</button>
                </ActionForm>
            </Confirm>
        })}
        {may_remove.then(|| view! {
            <Confirm opener="Remove…" label="Confirm removal" prompt=remove_prompt danger=true>
                <ActionForm action=actions.remove attr:class="inline-form">
                    <input type="hidden" name="id" value=id.to_string() />
                    <button type="submit" class="button button--danger">"Remove member"</button>
                </ActionForm>
            </Confirm>
        })}
    }
    .into_any()
}

/// The role, as a picker. Choosing another role asks to confirm (the
/// change takes effect at once, signing the person out of their sessions);
/// without JavaScript the picker and its button are a plain form.
#[component]
fn RolePicker(
    member: MemberDetail,
    roles: Vec<Role>,
    action: ServerAction<ChangeMemberRole>,
) -> impl IntoView {
    let current = member.role;
    let chosen = RwSignal::new(current);
    let scripted = RwSignal::new(false);
    Effect::new(move |_| scripted.set(true));
    let asking = move || !scripted.get() || chosen.get() != current;
    let select = NodeRef::<leptos::html::Select>::new();
    let cancel = move |_| {
        chosen.set(current);
        if let Some(select) = select.get_untracked() {
            select.set_value(current.as_str());
            let _ = select.focus();
        }
    };
    let select_id = format!("role-{}", member.id);
    let email = member.email.clone();
    let prompt = move || format!("Make {email} {}?", chosen.get().as_str());
    view! {
        <ActionForm action attr:class="role-picker">
            <input type="hidden" name="id" value=member.id.to_string() />
            <label class="visually-hidden" for=select_id.clone()>
                {format!("Role of {}", member.email)}
            </label>
            <select
                id=select_id
                name="role"
                node_ref=select
                on:change=move |ev| {
                    if let Some(role) = Role::from_group(&event_target_value(&ev)) {
                        chosen.set(role);
                    }
                }
            >
                {roles
                    .into_iter()
                    .map(|role| view! { <option value=role.as_str() selected=role == current>{role.as_str()}</option> })
                    .collect_view()}
            </select>
            <span class="role-picker__confirm" role="group" aria-label="Confirm role change" hidden=move || !asking()>
                <span class="role-picker__prompt" hidden=move || !scripted.get()>{prompt}</span>
                <button type="submit" class="button button--quiet">"Change role"</button>
                <button type="button" class="button button--quiet" hidden=move || !scripted.get() on:click=cancel>
                    "Cancel"
                </button>
            </span>
        </ActionForm>
    }
}

/// A change that asks first: `opener` shows `prompt` and the form in
/// `children`. No script needed for the confirmation.
#[component]
pub(crate) fn Confirm(
    opener: &'static str,
    /// The confirmation group's accessible name.
    label: &'static str,
    prompt: String,
    /// The opener in the danger colour (for what cannot be undone).
    #[prop(optional)]
    danger: bool,
    children: Children,
) -> impl IntoView {
    let opener_class = if danger {
        "button button--quiet button--danger-text"
    } else {
        "button button--quiet"
    };
    view! {
        <details class="disclosure">
            <summary class=opener_class>{opener}</summary>
            <div class="confirm" role="group" aria-label=label>
                <p>{prompt}</p>
                {children()}
            </div>
        </details>
    }
}
