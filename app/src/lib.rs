//! The Leptos application: pages and components (both sides), the types they
//! share, and — behind the `ssr` feature — everything a server function may
//! touch on the server.
//!
//! Layers, top to bottom:
//! - [`shell`] and [`App`]: the HTML document and the router;
//! - [`pages`]: one module per page; [`components`]: parts pages share;
//! - [`api`]: the server functions, and [`error::AppError`], which they return;
//! - [`model`] and [`domain`]: data the pages show, and validated input;
//! - [`role`]: the Cognito groups the product knows; [`policy`]: who may
//!   make which member change (the escalation rules, pure functions);
//! - [`audit_action`]: every kind of change the audit log records;
//! - `identity` (ssr): who is calling, for which tenant — only ever built from
//!   a verified sign-in;
//! - `membership` (ssr): adding and changing members, Cognito and the
//!   `members` mirror in step, the rules checked first;
//! - `onboarding` (ssr): the operator's commands (a new tenant with its first
//!   Admin, the demo tenants);
//! - `once_cookie` (ssr): what a form post without JavaScript leaves for
//!   the page it returns to, read there once;
//! - `directory` (ssr): Cognito's admin API (the user pool);
//! - `db` (ssr): the only door to Postgres — `TenantTx` for tenant data, a
//!   separately named `system` entry for work that belongs to no tenant, and
//!   the repositories, which take `&mut TenantTx`.

pub mod api;
pub mod audit_action;
#[cfg(feature = "ssr")]
pub mod audit_text;
pub mod components;
pub mod domain;
pub mod error;
pub mod flash;
pub mod model;
pub mod notices;
pub mod org_tree;
pub mod pages;
pub mod policy;
pub mod role;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod directory;
#[cfg(feature = "ssr")]
pub mod identity;
#[cfg(feature = "ssr")]
pub mod membership;
#[cfg(feature = "ssr")]
pub mod onboarding;
#[cfg(feature = "ssr")]
pub mod once_cookie;
#[cfg(feature = "ssr")]
pub mod organisation;
#[cfg(feature = "ssr")]
pub mod service;

/// The per-response nonce that the server's Content-Security-Policy allows
/// scripts with. The server puts it in the request's extensions; the shell
/// hands it to Leptos for the hydration scripts.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub struct CspNonce(pub std::sync::Arc<str>);

/// Whether the site is served over HTTPS; the server provides it to pages
/// and server functions. Cookies they set are then `Secure`.
#[cfg(feature = "ssr")]
#[derive(Clone, Copy, Debug)]
pub struct HttpsSite(pub bool);

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    ParamSegment, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

/// The whole HTML document, rendered on the server around [`App`].
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(nonce) = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                // No icon yet: this stops browsers asking for /favicon.ico.
                <link rel="icon" href="data:," />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application root: metadata, stylesheet and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    components::session::provide_current_user();
    components::toast::Toasts::provide();
    // Effects run only in the browser: this flips once the page has hydrated,
    // which end-to-end tests wait for before they click.
    let hydrated = RwSignal::new(false);
    let main = NodeRef::<leptos::html::Main>::new();
    Effect::new(move |_| hydrated.set(true));

    view! {
        <Stylesheet id="leptos" href="/pkg/saas.css" />
        <Title text="Saas" />
        <Router>
            // The first thing a keyboard reaches: past the header to the page.
            // Without JavaScript the browser follows the fragment and focuses
            // `main`; hydrated, the router takes the click, so focus it here.
            <a
                class="skip-link"
                href="#main"
                on:click=move |_| {
                    if let Some(main) = main.get() {
                        let _ = main.focus();
                    }
                }
            >
                "Skip to content"
            </a>
            <components::header::Header />
            <main
                id="main"
                tabindex="-1"
                node_ref=main
                data-hydrated=move || hydrated.get().to_string()
            >
                <Routes fallback=pages::not_found::NotFound>
                    // In order: every <Suspense> is rendered in place, so the
                    // page is whole without JavaScript too (out-of-order
                    // streaming would leave fallbacks for a script to swap).
                    <Route
                        path=StaticSegment("")
                        view=pages::home::HomePage
                        ssr=SsrMode::InOrder
                    />
                    <Route
                        path=StaticSegment("projects")
                        view=pages::projects::ProjectsPage
                        ssr=SsrMode::InOrder
                    />
                    // Async: a role that may not create projects gets 403.
                    <Route
                        path=(StaticSegment("projects"), StaticSegment("new"))
                        view=pages::new_project::NewProjectPage
                        ssr=SsrMode::Async
                    />
                    // Async: the status (404 for an id this tenant does not
                    // have) is known before the first byte goes out.
                    <Route
                        path=(StaticSegment("projects"), ParamSegment("id"))
                        view=pages::project::ProjectPage
                        ssr=SsrMode::Async
                    />
                    // Async as well: a role that may not see them gets 403.
                    <Route
                        path=StaticSegment("settings")
                        view=pages::settings::members::MembersPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("settings"), StaticSegment("profile"))
                        view=pages::settings::profile::ProfilePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("settings"), StaticSegment("organisation"))
                        view=pages::settings::organisation::OrganisationPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("settings"), StaticSegment("audit"))
                        view=pages::settings::audit::AuditPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("settings"), StaticSegment("api-keys"))
                        view=pages::settings::api_keys::ApiKeysPage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </main>
            // After the page: whatever it reported while rendering on the
            // server (a no-JS post's failure) is in the HTML too.
            <components::toast::ToastRegion />
        </Router>
    }
}

/// The browser entry point: attaches the client to the server-rendered DOM.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
