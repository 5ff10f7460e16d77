//! The page for a path no route matches, served with status 404.

use crate::components::title::PageTitle;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    // On the server, tell axum this render is a 404 rather than a 200.
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }

    view! {
        <PageTitle parts=vec!["Page not found".to_owned()] />
        <section class="page page--narrow">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <p><a href="/">"Go to the home page"</a></p>
        </section>
    }
}
