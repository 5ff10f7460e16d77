//! `/projects`: the caller's tenant's projects, and a form to add one for
//! roles that may. Signed-out visitors never reach it: the server sends them
//! to sign in and back here.

use crate::api::CreateProject;
use crate::components::projects::ProjectList;
use crate::components::session::use_current_user;
use leptos::prelude::*;

#[component]
pub fn ProjectsPage() -> impl IntoView {
    let create = ServerAction::<CreateProject>::new();
    let user = use_current_user();
    view! {
        <section class="page" aria-labelledby="projects-title">
            <h1 id="projects-title">"Projects"</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let can_write = matches!(user.await, Ok(Some(me)) if me.role.can_write());
                    can_write.then(|| view! { <NewProject create /> })
                })}
            </Suspense>
            <ProjectList refresh=create.version() />
        </section>
    }
}

/// The "new project" form: validated again on the server, pending state on
/// the button, the server's message next to the form.
#[component]
fn NewProject(create: ServerAction<CreateProject>) -> impl IntoView {
    let pending = create.pending();
    let outcome = move || {
        create.value().get().map(|result| match result {
            Ok(project) => view! {
                <p class="notice" role="status">{format!("Created “{}”.", project.name)}</p>
            }
            .into_any(),
            Err(error) => view! {
                <p class="error" role="alert" id="new-project-error">{error.to_string()}</p>
            }
            .into_any(),
        })
    };
    view! {
        <ActionForm action=create attr:class="form" attr:aria-label="New project">
            <label for="project-name">"Name"</label>
            <input
                id="project-name"
                name="name"
                required
                maxlength=crate::domain::ProjectName::MAX_CHARS.to_string()
                aria-describedby="new-project-error"
            />
            <label for="project-description">"Description"</label>
            <textarea id="project-description" name="description" rows="2"></textarea>
            <button type="submit" class="button" disabled=pending>
                {move || if pending.get() { "Creating…" } else { "Create project" }}
            </button>
        </ActionForm>
        {outcome}
    }
}
