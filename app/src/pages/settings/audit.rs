//! `/settings/audit`: who did what in the tenant, newest first, filtered by
//! actor and action through the query string.

use super::{SettingsFrame, when};
use crate::api::list_audit;
use crate::components::pager::{Pager, page_query};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The actions the filter offers; `member.` and the like match a prefix.
const ACTIONS: &[(&str, &str)] = &[
    ("", "All actions"),
    ("member.", "Any member change"),
    ("member.invite", "Member added"),
    ("member.role", "Role changed"),
    ("member.disable", "Member disabled"),
    ("member.enable", "Member enabled"),
    ("member.remove", "Member removed"),
    ("tenant.rename", "Organisation renamed"),
    ("project.", "Any project change"),
    ("task.", "Any task change"),
];

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        let q = query.read();
        (
            q.get("page")
                .and_then(|p| p.parse::<u32>().ok())
                .unwrap_or(1),
            q.get("actor").unwrap_or_default(),
            q.get("action").unwrap_or_default(),
        )
    });
    let entries = Resource::new(
        move || filters.get(),
        |(page, actor, action)| list_audit(page, actor, action),
    );
    view! {
        <SettingsFrame current="audit">
            <h2>"Audit log"</h2>
            <form method="get" action="/settings/audit" class="search" role="search">
                <label for="audit-actor">"Actor email"</label>
                <input
                    id="audit-actor"
                    type="search"
                    name="actor"
                    prop:value=move || filters.read().1.clone()
                />
                <label for="audit-action">"Action"</label>
                <select id="audit-action" name="action">
                    {ACTIONS
                        .iter()
                        .map(|(value, label)| {
                            view! {
                                <option value=*value selected=move || filters.read().2 == *value>
                                    {*label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <button type="submit" class="button button--quiet">"Filter"</button>
            </form>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let (_, actor, action) = filters.get_untracked();
                    match entries.await {
                        Ok(listed) if listed.items.is_empty() => {
                            view! { <p class="empty" data-testid="audit-empty">"No entries."</p> }.into_any()
                        }
                        Ok(listed) => {
                            let current = listed.page.page();
                            let pages = listed.page_count();
                            let link = Callback::new(move |page| {
                                page_query(&[("actor", &actor), ("action", &action)], page)
                            });
                            view! {
                                <ul class="list" data-testid="audit-list">
                                    {listed
                                        .items
                                        .into_iter()
                                        .map(|entry| {
                                            view! {
                                                <li class="list__item" data-testid="audit-entry">
                                                    <span class="list__title">
                                                        {entry.action} " · " {entry.actor_email}
                                                    </span>
                                                    <span class="muted">
                                                        {when(entry.at)} " · " {entry.target_type} " "
                                                        {entry.target_id.unwrap_or_default()}
                                                    </span>
                                                    <code class="summary">{entry.summary}</code>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                                <Pager current pages link newer_first=true />
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
