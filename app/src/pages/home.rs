//! `/`: the landing page when signed out; signed in, what is the caller's:
//! their open tasks across projects, the projects changed last, counts.

use crate::api::load_dashboard;
use crate::components::session::use_current_user;
use crate::components::title::PageTitle;
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    let user = use_current_user();
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(me)) => {
                        view! {
                            <PageTitle parts=vec!["Home".to_owned()] />
                            <section class="page" aria-labelledby="dashboard-title">
                                <h1 id="dashboard-title">{me.tenant_name}</h1>
                                <Overview />
                            </section>
                        }
                            .into_any()
                    }
                    _ => view! { <Landing /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What a visitor who is not signed in sees.
#[component]
fn Landing() -> impl IntoView {
    view! {
        <PageTitle parts=vec!["Welcome".to_owned()] />
        <section class="page page--narrow" aria-labelledby="welcome-title">
            <h1 id="welcome-title">"Welcome"</h1>
            <p class="lead">
                "A multi-tenant workspace: each organisation sees only its own projects and tasks."
            </p>
            <a class="button" href="/auth/login" rel="external">
                "Sign in"
            </a>
        </section>
    }
}

/// The signed-in caller's overview.
#[component]
fn Overview() -> impl IntoView {
    let overview = Resource::new(|| (), |_| load_dashboard());
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) => {
                        let counts = format!(
                            "{} and {} in your organisation.",
                            count(overview.projects, "project", "projects"),
                            count(overview.open_tasks, "open task", "open tasks"),
                        );
                        let my_tasks = if overview.my_tasks.is_empty() {
                            view! { <p class="empty">"No open tasks are assigned to you."</p> }
                                .into_any()
                        } else {
                            view! {
                                <ul class="list" aria-labelledby="my-tasks-title" data-testid="my-tasks">
                                    {overview
                                        .my_tasks
                                        .into_iter()
                                        .map(|task| {
                                            view! {
                                                <li class="list__item">
                                                    <a
                                                        class="list__title"
                                                        href=format!("/projects/{}", task.project_id)
                                                    >
                                                        {task.title}
                                                    </a>
                                                    <span class="muted">{task.project_name}</span>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        };
                        let recent = if overview.recent.is_empty() {
                            view! { <p class="empty">"No projects yet."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="list" aria-labelledby="recent-title" data-testid="recent-projects">
                                    {overview
                                        .recent
                                        .into_iter()
                                        .map(|project| {
                                            view! {
                                                <li class="list__item">
                                                    <a
                                                        class="list__title"
                                                        href=format!("/projects/{}", project.id)
                                                    >
                                                        {project.name}
                                                    </a>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        };
                        view! {
                            <p class="lead" data-testid="counts">{counts}</p>
                            <h2 id="my-tasks-title">"Your open tasks"</h2>
                            {my_tasks}
                            <h2 id="recent-title">"Recently changed projects"</h2>
                            {recent}
                            <p>
                                <a href="/projects">"All projects"</a>
                            </p>
                        }
                            .into_any()
                    }
                    Err(error) => {
                        view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// "1 project", "3 projects".
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn counts_agree_in_number() {
        assert_eq!(count(1, "project", "projects"), "1 project");
        assert_eq!(count(0, "project", "projects"), "0 projects");
        assert_eq!(count(12, "open task", "open tasks"), "12 open tasks");
    }
}
