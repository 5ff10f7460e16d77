//! The page header: who is signed in, for which organisation and with which
//! role, and the sign-out button; or a sign-in link.

use crate::components::session::use_current_user;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// `aria-current="page"` for the nav item of `section` while the page is in it.
fn current_in(section: &'static str) -> Signal<Option<&'static str>> {
    let location = use_location();
    Signal::derive(move || {
        location
            .pathname
            .with(|path| in_section(path, section).then_some("page"))
    })
}

/// Whether `path` is `section` or below it.
fn in_section(path: &str, section: &str) -> bool {
    path.strip_prefix(section)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[component]
pub fn Header() -> impl IntoView {
    let user = use_current_user();
    let projects_current = current_in("/projects");
    let settings_current = current_in("/settings");
    view! {
        <header class="site-header">
            <a class="brand" href="/">
                "Saas"
            </a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match user.await {
                        Ok(Some(me)) => {
                            let manages = crate::policy::manages_members(me.role);
                            view! {
                                // Whole page loads: each one passes the server's
                                // session check, so an ended session lands on
                                // the sign-in page at the next click.
                                <nav class="site-nav" aria-label="Main">
                                    <a href="/projects" rel="external" aria-current=projects_current>
                                        "Projects"
                                    </a>
                                    {manages
                                        .then(|| {
                                            view! {
                                                <a
                                                    href="/settings"
                                                    rel="external"
                                                    aria-current=settings_current
                                                >
                                                    "Settings"
                                                </a>
                                            }
                                        })}
                                </nav>
                                <div class="whoami" data-testid="whoami">
                                    <span class="whoami__tenant" data-testid="tenant-name">
                                        {me.tenant_name}
                                    </span>
                                    <span class="whoami__email" data-testid="user-email">
                                        {me.email}
                                    </span>
                                    <span class="badge" data-testid="user-role">
                                        {me.role.as_str()}
                                    </span>
                                    // A plain form: it works before hydration and
                                    // without JavaScript; the server refuses it
                                    // from any other site.
                                    <form method="post" action="/auth/logout">
                                        <button type="submit" class="button button--quiet">
                                            "Sign out"
                                        </button>
                                    </form>
                                </div>
                            }
                                .into_any()
                        }
                        _ => {
                            view! {
                                <a class="button button--quiet" href="/auth/login" rel="external">
                                    "Sign in"
                                </a>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </header>
    }
}

#[cfg(test)]
mod tests {
    use super::in_section;

    #[test]
    fn a_section_covers_its_own_path_and_those_below_only() {
        assert!(in_section("/projects", "/projects"));
        assert!(in_section("/projects/5f0c", "/projects"));
        assert!(!in_section("/projectsx", "/projects"));
        assert!(!in_section("/", "/projects"));
        assert!(in_section("/settings/audit", "/settings"));
    }
}
