//! `/projects`: the caller's tenant's projects. Signed-out visitors never
//! reach it: the server sends them to sign in and back here.

use crate::components::projects::ProjectList;
use leptos::prelude::*;

#[component]
pub fn ProjectsPage() -> impl IntoView {
    view! {
        <section class="page" aria-labelledby="projects-title">
            <h1 id="projects-title">"Projects"</h1>
            <ProjectList />
        </section>
    }
}
