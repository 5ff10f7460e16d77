//! `/projects/new`: the "New project" form on a page of its own, where the
//! list's dialog leads without JavaScript. A member who may create projects
//! in no unit gets the 403 page.

use crate::api::{CreateProject, org_tree};
use crate::components::feedback::Feedback;
use crate::components::projects::{NewProjectForm, writable_units};
use crate::components::title::PageTitle;
use crate::pages::forbidden::Forbidden;
use leptos::prelude::*;

#[component]
pub fn NewProjectPage() -> impl IntoView {
    let create = ServerAction::<CreateProject>::new();
    let feedback = Feedback::default();
    feedback.watch(create, crate::notices::project_created);
    let tree = Resource::new(|| (), |_| org_tree());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let units = writable_units(&tree.await.unwrap_or_default(), None);
                if units.is_empty() {
                    return view! { <Forbidden /> }.into_any();
                }
                view! {
                    <PageTitle parts=vec!["New project".to_owned(), "Projects".to_owned()] />
                    <section class="page page--narrow" aria-labelledby="new-project-title">
                        <p>
                            <a href="/projects">"← All projects"</a>
                        </p>
                        <h1 id="new-project-title">"New project"</h1>
                        <NewProjectForm create feedback units />
                    </section>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
