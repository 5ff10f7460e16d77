//! The project list: a search box, a page of the tenant's projects, and
//! loading, empty and error states. The search and the page live in the
//! query string (`q`, `archived`, `page`), so every view has a URL and works
//! without JavaScript. And the form that creates a project.

use crate::api::{CreateProject, list_projects};
use crate::components::feedback::Feedback;
use crate::components::fields::TextField;
use crate::components::pager::{Pager, page_query};
use crate::domain::{Description, ProjectName, SearchText};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The list as the query string asks for it.
#[derive(Clone, Debug, PartialEq, Default)]
struct ListQuery {
    page: u32,
    search: String,
    archived: bool,
}

impl ListQuery {
    /// The query string for another page of the same search.
    fn page_href(&self, page: u32) -> String {
        let archived = if self.archived { "on" } else { "" };
        page_query(&[("q", &self.search), ("archived", archived)], page)
    }
}

/// The search form and the list. `refresh`: a counter that reloads the list
/// when it moves (a feedback's successes, say).
///
/// One piece although long: the form, the list and its pager all read the
/// same query-string memo, and most of the length is the `view!` markup.
#[component]
pub fn ProjectList(#[prop(optional, into)] refresh: Option<Signal<usize>>) -> impl IntoView {
    let query = use_query_map();
    let list_query = Memo::new(move |_| {
        let query = query.read();
        ListQuery {
            page: query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
            search: query.get("q").unwrap_or_default(),
            archived: query.get("archived").is_some_and(|v| !v.is_empty()),
        }
    });
    let projects = Resource::new(
        move || (list_query.get(), refresh.map(|r| r.get())),
        |(q, _)| list_projects(q.page, q.search, q.archived),
    );

    view! {
        <form method="get" action="/projects" class="search" role="search">
            <label for="project-search">"Search projects"</label>
            <input
                id="project-search"
                type="search"
                name="q"
                maxlength=SearchText::MAX_CHARS.to_string()
                prop:value=move || list_query.read().search.clone()
            />
            <label class="check">
                <input
                    type="checkbox"
                    name="archived"
                    prop:checked=move || list_query.read().archived
                />
                "Include archived"
            </label>
            <button type="submit" class="button button--quiet">"Search"</button>
        </form>
        <Transition fallback=|| view! { <p class="muted">"Loading projects…"</p> }>
            {move || Suspend::new(async move {
                let asked = list_query.get_untracked();
                match projects.await {
                    Ok(listed) if listed.items.is_empty() && listed.page.page() == 1 => {
                        let text = if asked.search.is_empty() {
                            "No projects yet.".to_owned()
                        } else {
                            format!("No projects match “{}”.", asked.search)
                        };
                        view! { <p class="empty" data-testid="projects-empty">{text}</p> }
                            .into_any()
                    }
                    Ok(listed) => {
                        let current = listed.page.page();
                        let pages = listed.page_count();
                        let link = Callback::new(move |page| asked.page_href(page));
                        view! {
                            <ul class="list" data-testid="project-list">
                                {listed
                                    .items
                                    .into_iter()
                                    .map(|project| {
                                        view! {
                                            <li class="list__item" data-testid="project">
                                                <a
                                                    class="list__title"
                                                    href=format!("/projects/{}", project.id)
                                                >
                                                    {project.name}
                                                </a>
                                                {project
                                                    .archived
                                                    .then(|| view! { <span class="badge">"Archived"</span> })}
                                                <span class="muted">{project.description}</span>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                            <Pager current pages link />
                        }
                            .into_any()
                    }
                    Err(AppError::Unauthorized) => {
                        view! {
                            <p class="error" role="alert">
                                {AppError::Unauthorized.to_string()} " "
                                <a href="/auth/login" rel="external">
                                    "Sign in"
                                </a>
                            </p>
                        }
                            .into_any()
                    }
                    Err(error) => {
                        view! {
                            <p class="error" role="alert">
                                {error.to_string()}
                            </p>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The "new project" form: checked in the browser where it helps, validated
/// again on the server, with a pending button and the server's messages next
/// to the fields. A success takes the browser to the new project (the
/// server's redirect, with or without JavaScript).
#[component]
pub fn NewProjectForm(create: ServerAction<CreateProject>, feedback: Feedback) -> impl IntoView {
    let pending = create.pending();
    view! {
        <ActionForm action=create attr:class="form" attr:aria-label="New project">
            <TextField
                id="project-name"
                name="name"
                label="Name"
                max_chars=ProjectName::MAX_CHARS
                feedback
                required=true
            />
            <TextField
                id="project-description"
                name="description"
                label="Description"
                max_chars=Description::MAX_CHARS
                feedback
                multiline=true
            />
            <button type="submit" class="button" disabled=pending>
                {move || if pending.get() { "Creating…" } else { "Create project" }}
            </button>
        </ActionForm>
    }
}
