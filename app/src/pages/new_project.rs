//! `/projects/new`: the "New project" form on a page of its own, where the
//! list's dialog leads without JavaScript. A role that may not create
//! projects gets the 403 page.

use crate::api::CreateProject;
use crate::components::feedback::Feedback;
use crate::components::projects::NewProjectForm;
use crate::components::session::use_current_user;
use crate::components::title::PageTitle;
use crate::pages::forbidden::Forbidden;
use leptos::prelude::*;

#[component]
pub fn NewProjectPage() -> impl IntoView {
    let create = ServerAction::<CreateProject>::new();
    let feedback = Feedback::default();
    feedback.watch(create, crate::notices::project_created);
    let user = use_current_user();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let can_write = matches!(user.await, Ok(Some(me)) if me.role.can_write());
                if !can_write {
                    return view! { <Forbidden /> }.into_any();
                }
                view! {
                    <PageTitle parts=vec!["New project".to_owned(), "Projects".to_owned()] />
                    <section class="page page--narrow" aria-labelledby="new-project-title">
                        <p>
                            <a href="/projects">"← All projects"</a>
                        </p>
                        <h1 id="new-project-title">"New project"</h1>
                        <NewProjectForm create feedback />
                    </section>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
