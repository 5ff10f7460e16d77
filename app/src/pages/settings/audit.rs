//! `/settings/audit`: who did what in the tenant, newest first, in
//! sentences, filtered by actor and action through the query string.

use super::SettingsFrame;
use crate::api::list_audit;
use crate::audit_action::{AuditAction, AuditTarget};
use crate::components::moment::Moment;
use crate::components::pager::{Pager, page_query};
use crate::model::SentencePart;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// One choice of the action filter, selected when the query names it.
fn choice(
    value: String,
    label: &'static str,
    current: Memo<(u32, String, String)>,
) -> impl IntoView {
    let chosen = value.clone();
    view! { <option value=value selected=move || current.read().2 == chosen>{label}</option> }
}

/// A piece of a sentence: people in bold, names of things quoted, what is
/// still there linked.
fn part(part: SentencePart) -> AnyView {
    match part {
        SentencePart::Text(text) => text.into_any(),
        SentencePart::Name(name) => view! { <strong>{name}</strong> }.into_any(),
        SentencePart::Quoted(text) => format!("“{text}”").into_any(),
        SentencePart::Link { href, text } => {
            view! { <a href=href>{format!("“{text}”")}</a> }.into_any()
        }
    }
}

/// One piece although long: the filter form, the list and the pager share the
/// query-string memo; most of the length is the `view!` markup.
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
                    <option value="" selected=move || filters.read().2.is_empty()>"All actions"</option>
                    // Per kind of target: every change to it, then each action.
                    {AuditTarget::ALL
                        .into_iter()
                        .map(|target| {
                            let actions = AuditAction::ALL
                                .into_iter()
                                .filter(move |a| a.target() == target)
                                .map(|a| choice(a.as_str().to_owned(), a.label(), filters))
                                .collect_view();
                            view! {
                                <optgroup label=target.label()>
                                    {choice(target.prefix(), target.label(), filters)}
                                    {actions}
                                </optgroup>
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
                                <ul class="audit" data-testid="audit-list">
                                    {listed
                                        .items
                                        .into_iter()
                                        .map(|entry| {
                                            view! {
                                                <li class="audit__entry" data-testid="audit-entry" data-action=entry.action>
                                                    <p class="audit__sentence">
                                                        {entry.sentence.into_iter().map(part).collect_view()}
                                                    </p>
                                                    <Moment at=entry.at />
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
