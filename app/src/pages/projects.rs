//! `/projects`: the caller's tenant's projects, with a search box, and a form
//! to add one for roles that may. Signed-out visitors never reach it: the
//! server sends them to sign in and back here.

use crate::api::CreateProject;
use crate::components::feedback::{Feedback, FeedbackLine, FieldError, clear_on_success};
use crate::components::projects::ProjectList;
use crate::components::session::use_current_user;
use crate::domain::{Description, ProjectName};
use leptos::prelude::*;

#[component]
pub fn ProjectsPage() -> impl IntoView {
    let create = ServerAction::<CreateProject>::new();
    let feedback = Feedback::default();
    feedback.watch(create, |project| format!("Created “{}”.", project.name));
    let user = use_current_user();
    view! {
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
    let name_error = feedback.field_error("name");
    let description_error = feedback.field_error("description");
    let form = NodeRef::new();
    clear_on_success(create, form);
    view! {
        <ActionForm action=create node_ref=form attr:class="form" attr:aria-label="New project">
            <label for="project-name">"Name"</label>
            <input
                id="project-name"
                name="name"
                required
                maxlength=ProjectName::MAX_CHARS.to_string()
                aria-invalid=move || name_error.get().is_some().to_string()
                aria-describedby="project-name-error"
            />
            <FieldError message=name_error id="project-name-error" />
            <label for="project-description">"Description"</label>
            <textarea
                id="project-description"
                name="description"
                rows="2"
                maxlength=Description::MAX_CHARS.to_string()
                aria-invalid=move || description_error.get().is_some().to_string()
                aria-describedby="project-description-error"
            ></textarea>
            <FieldError message=description_error id="project-description-error" />
            <button type="submit" class="button" disabled=pending>
                {move || if pending.get() { "Creating…" } else { "Create project" }}
            </button>
        </ActionForm>
        <FeedbackLine feedback fields_inline=true id="new-project-outcome" />
    }
}
