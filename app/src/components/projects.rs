//! A paged list of the caller's tenant's projects, with loading, empty and
//! error states.

use crate::api::list_projects;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `refresh`: a counter that reloads the list when it moves (an action's
/// version, say).
#[component]
pub fn ProjectList(#[prop(optional, into)] refresh: Option<Signal<usize>>) -> impl IntoView {
    let query = use_query_map();
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(1)
    };
    let projects = Resource::new(
        move || (page(), refresh.map(|r| r.get())),
        |(page, _)| list_projects(page),
    );

    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading projects…"</p> }>
            {move || Suspend::new(async move {
                match projects.await {
                    Ok(listed) if listed.items.is_empty() && listed.page.page() == 1 => {
                        view! {
                            <p class="empty" data-testid="projects-empty">
                                "No projects yet."
                            </p>
                        }
                            .into_any()
                    }
                    Ok(listed) => {
                        let current = listed.page.page();
                        let pages = listed.page_count();
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
                                                <span class="muted">{project.description}</span>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                            <nav class="pager" aria-label="Pages">
                                <Show when=move || { current > 1 }>
                                    <a href=format!("?page={}", current - 1)>"Previous"</a>
                                </Show>
                                <span>{format!("Page {current} of {pages}")}</span>
                                <Show when=move || { current < pages }>
                                    <a href=format!("?page={}", current + 1)>"Next"</a>
                                </Show>
                            </nav>
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
