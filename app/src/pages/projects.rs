//! `/projects`: the caller's tenant's projects, with a search box, and a form
//! to add one for roles that may. Signed-out visitors never reach it: the
//! server sends them to sign in and back here.

use crate::api::CreateProject;
use crate::components::feedback::{Feedback, clear_on_success};
use crate::components::fields::TextField;
use crate::components::projects::ProjectList;
use crate::components::session::use_current_user;
use crate::components::title::PageTitle;
use crate::domain::{Description, ProjectName};
use leptos::prelude::*;

#[component]
pub fn ProjectsPage() -> impl IntoView {
    let create = ServerAction::<CreateProject>::new();
    let feedback = Feedback::default();
    feedback.watch(create, |project| format!("Created “{}”.", project.name));
    let user = use_current_user();
    view! {
        <PageTitle parts=vec!["Projects".to_owned()] />
        <section class="page" aria-labelledby="projects-title">
            <h1 id="projects-title">"Projects"</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let can_write = matches!(user.await, Ok(Some(me)) if me.role.can_write());
                    can_write.then(|| view! { <NewProject create feedback /> })
                })}
            </Suspense>
            <ProjectList refresh=feedback.successes() />
        </section>
    }
}

/// The "new project" form: checked in the browser where it helps, validated
/// again on the server, with a pending button and the server's messages next
/// to the fields.
#[component]
fn NewProject(create: ServerAction<CreateProject>, feedback: Feedback) -> impl IntoView {
    let pending = create.pending();
    let form = NodeRef::new();
    clear_on_success(create, form);
    view! {
        <ActionForm action=create node_ref=form attr:class="form" attr:aria-label="New project">
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
