//! The page for something the caller's role does not allow, served with
//! status 403.

use crate::components::title::PageTitle;
use leptos::prelude::*;

#[component]
pub fn Forbidden() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::FORBIDDEN);
        }
    }

    view! {
        <PageTitle parts=vec!["Not allowed".to_owned()] />
        <section class="page page--narrow">
            <h1>"Not allowed"</h1>
            <p>"Your role does not allow this. If you need it, ask an admin of your organisation."</p>
            <p><a href="/">"Go to the home page"</a></p>
        </section>
    }
}
