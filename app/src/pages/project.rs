//! `/projects/:id`: one project and its tasks. Another tenant's project id,
//! or any unknown one, gets the not-found page with status 404.

use crate::api::get_project;
use crate::error::AppError;
use crate::pages::not_found::NotFound;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ProjectPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<uuid::Uuid>().ok())
    };
    let detail = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_project(id).await,
            None => Err(AppError::NotFound),
        }
    });

    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => {
                        let project = detail.project;
                        view! {
                            <section class="page" aria-labelledby="project-title">
                                <p><a href="/projects">"← All projects"</a></p>
                                <h1 id="project-title">{project.name}</h1>
                                <p class="lead">{project.description}</p>
                                <h2>"Tasks"</h2>
                                {if detail.tasks.is_empty() {
                                    view! { <p class="empty">"No tasks yet."</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="list" data-testid="task-list">
                                            {detail
                                                .tasks
                                                .into_iter()
                                                .map(|task| {
                                                    view! {
                                                        <li class="list__item" data-testid="task">
                                                            <span class="list__title">{task.title}</span>
                                                            <span class="muted">
                                                                {if task.done { "Done" } else { "Open" }}
                                                            </span>
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    }
                                        .into_any()
                                }}
                            </section>
                        }
                            .into_any()
                    }
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(error) => {
                        view! {
                            <section class="page page--narrow">
                                <p class="error" role="alert">{error.to_string()}</p>
                            </section>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
