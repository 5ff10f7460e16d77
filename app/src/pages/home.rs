//! `/`: the landing page when signed out, the dashboard when signed in.

use crate::components::projects::ProjectList;
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
                                <p class="lead">"Your organisation's projects."</p>
                                <ProjectList />
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
