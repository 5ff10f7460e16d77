//! `/settings`: the tenant's members — search, pages, add a member, and per
//! member: change role, disable or enable, remove (after a confirmation).
//! The page offers only what the rules allow the caller; the server checks
//! every request again.

use super::{SettingsFrame, when};
use crate::api::{ChangeMemberRole, InviteMember, RemoveMember, SetMemberActive, list_members};
use crate::components::feedback::{Feedback, FieldError, clear_on_success};
use crate::components::fields::TextField;
use crate::components::pager::{Pager, page_query};
use crate::domain::{DisplayName, Email};
use crate::model::MemberDetail;
use crate::policy::{self, MemberChange, Target};
use crate::role::Role;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Copy)]
struct MemberActions {
    role: ServerAction<ChangeMemberRole>,
    active: ServerAction<SetMemberActive>,
    remove: ServerAction<RemoveMember>,
}

/// `/settings`: search, the member list with its pager, and "Add a member".
///
/// One piece although long: the search form, the list and the add form share
/// the query-string memo and the actions whose successes reload the list;
/// each member's row is its own component (`MemberRow`).
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
    invite_feedback.watch(invite, |m| {
        format!(
            "Added {}. They have been emailed a temporary password.",
            m.email
        )
    });
    let actions = MemberActions {
        role: ServerAction::new(),
        active: ServerAction::new(),
        remove: ServerAction::new(),
    };
    let feedback = Feedback::default();
    feedback.watch(actions.role, |m| format!("{} is now {}.", m.email, m.role));
    feedback.watch(actions.active, |m| {
        if m.active {
            format!("Enabled {}.", m.email)
        } else {
            format!("Disabled {}; they are signed out everywhere.", m.email)
        }
    });
    feedback.watch(actions.remove, |m| format!("Removed {}.", m.email));

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
                            view! {
                                <InviteForm action=invite feedback=invite_feedback roles=list.grantable />
                                {if list.members.items.is_empty() {
                                    view! { <p class="empty">"No members match."</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="list" data-testid="member-list">
                                            {list
                                                .members
                                                .items
                                                .into_iter()
                                                .map(|member| view! { <MemberRow member caller grantable actions /> })
                                                .collect_view()}
                                        </ul>
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

/// One member: name, email, role, state, and only the changes the rules
/// allow the caller. One piece: each control is a few lines of `view!`
/// reading the same member and caller role.
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
    let label = if member.display_name.is_empty() {
        member.email.clone()
    } else {
        format!("{} ({})", member.display_name, member.email)
    };
    let id = member.id;
    let role_label = format!("Role of {}", member.email);
    let remove_prompt = format!(
        "Remove {}? Their account is deleted and their tasks become unassigned.",
        member.email
    );
    let disable_prompt = format!(
        "Disable {}? They are signed out everywhere at once, and cannot sign in until enabled again.",
        member.email
    );
    view! {
        <li class="list__item member" data-testid="member" data-email=member.email.clone()>
            <div class="task__head">
                <span class="list__title">{label}</span>
                <span class="badge">{member.role.as_str()}</span>
                {(!member.active).then(|| view! { <span class="badge badge--off">"Disabled"</span> })}
                {member.is_you.then(|| view! { <span class="muted">"(you)"</span> })}
            </div>
            <p class="muted">
                {match member.last_sign_in_at {
                    Some(at) => format!("Last signed in {}", when(at)),
                    None => "Has not signed in yet".to_owned(),
                }}
            </p>
            <div class="task__forms">
                {(!roles.is_empty()).then(|| {
                    let select_id = format!("role-{id}");
                    view! {
                        <ActionForm action=actions.role attr:class="inline-form">
                            <input type="hidden" name="id" value=id.to_string() />
                            <label class="visually-hidden" for=select_id.clone()>{role_label}</label>
                            <select id=select_id name="role">
                                {roles
                                    .into_iter()
                                    .map(|role| view! { <option value=role.as_str() selected=role == member.role>{role.as_str()}</option> })
                                    .collect_view()}
                            </select>
                            <button type="submit" class="button button--quiet">"Change role"</button>
                        </ActionForm>
                    }
                })}
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
            </div>
        </li>
    }
}

/// A change that asks first: `opener` shows `prompt` and the form in
/// `children`. No script needed for the confirmation.
#[component]
fn Confirm(
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
