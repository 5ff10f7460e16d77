//! `/projects`: the caller's tenant's projects, with a search box and a unit
//! filter, and — where the caller may write in some unit — "New project", a
//! dialog (the page `/projects/new`
//! without JavaScript) that takes you into the new project. Signed-out
//! visitors never reach it: the server sends them to sign in and back here.

use crate::api::CreateProject;
use crate::components::feedback::Feedback;
use crate::components::projects::{NewProjectForm, ProjectList, projects_view, writable_units};
use crate::components::title::PageTitle;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn ProjectsPage() -> impl IntoView {
    let create = ServerAction::<CreateProject>::new();
    let feedback = Feedback::default();
    feedback.watch(create, crate::notices::project_created);
    let (list_query, listed) = projects_view(feedback.successes());
    view! {
        <PageTitle parts=vec!["Projects".to_owned()] />
        <section class="page" aria-labelledby="projects-title">
            <div class="page__head">
                <h1 id="projects-title">"Projects"</h1>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        // Offered where the caller may write; the filtered
                        // unit first.
                        let filtered = list_query.read_untracked().unit;
                        let units = listed.await.map(|v| v.units).unwrap_or_default();
                        let units = writable_units(&units, filtered);
                        (!units.is_empty()).then(|| view! { <NewProjectDialog create feedback units /> })
                    })}
                </Suspense>
            </div>
            <ProjectList list_query listed />
        </section>
    }
}

/// "New project": with JavaScript it opens a modal dialog holding the form
/// (Escape or Cancel closes it and the focus goes back to the button);
/// without, it is a link to the same form on its own page.
#[component]
fn NewProjectDialog(
    create: ServerAction<CreateProject>,
    feedback: Feedback,
    units: Vec<(Uuid, String)>,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let open = move |ev: leptos::ev::MouseEvent| {
        if let Some(dialog) = dialog.get_untracked() {
            ev.prevent_default();
            let _ = dialog.show_modal();
        }
    };
    let close = move |_| {
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
    };
    view! {
        <a class="button" href="/projects/new" on:click=open>
            "New project"
        </a>
        <dialog node_ref=dialog class="dialog" aria-labelledby="new-project-title">
            <h2 id="new-project-title">"New project"</h2>
            <NewProjectForm create feedback units />
            <button type="button" class="button button--quiet dialog__cancel" on:click=close>
                "Cancel"
            </button>
        </dialog>
    }
}
