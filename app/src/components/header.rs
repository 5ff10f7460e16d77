//! The page header: the main nav; who is signed in, for which organisation
//! and with which role, and the sign-out button (on a phone, folded into a
//! menu under the organisation's name); or a sign-in link.

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
                                    // Everyone may read the organisation tree; only
                                    // Admins and SuperUsers have the rest of Settings.
                                    {if manages {
                                        view! {
                                            <a
                                                href="/settings"
                                                rel="external"
                                                aria-current=settings_current
                                            >
                                                "Settings"
                                            </a>
                                        }
                                    } else {
                                        view! {
                                            <a
                                                href="/settings/organisation"
                                                rel="external"
                                                aria-current=settings_current
                                            >
                                                "Organisation"
                                            </a>
                                        }
                                    }}
                                </nav>
                                <Account
                                    tenant=me.tenant_name
                                    email=me.email
                                    role=me.role.as_str()
                                />
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

/// Who is signed in, and Sign out. On a phone (and once scripts run) this
/// folds into a menu opened by the organisation's name, so the header stays
/// one row; without JavaScript it stays open and wraps.
#[component]
fn Account(tenant: String, email: String, role: &'static str) -> impl IntoView {
    let open = RwSignal::new(false);
    let scripted = RwSignal::new(false);
    Effect::new(move |_| scripted.set(true));
    let toggle = NodeRef::<leptos::html::Button>::new();
    // Escape closes the menu and gives the focus back to its button.
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() {
            open.set(false);
            if let Some(toggle) = toggle.get_untracked() {
                let _ = toggle.focus();
            }
        }
    };
    view! {
        <div class="whoami" data-testid="whoami" on:keydown=on_keydown>
            <button
                type="button"
                class="whoami__toggle"
                node_ref=toggle
                hidden=move || !scripted.get()
                aria-expanded=move || open.get().to_string()
                aria-controls="account-panel"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="whoami__toggle-name">{tenant.clone()}</span>
                <span aria-hidden="true">"▾"</span>
            </button>
            <div class="whoami__panel" id="account-panel" data-open=move || open.get().to_string()>
                <span class="whoami__tenant" data-testid="tenant-name">
                    {tenant}
                </span>
                <span class="whoami__email" data-testid="user-email">
                    {email}
                </span>
                <span class="badge" data-testid="user-role">
                    {role}
                </span>
                // A plain form: it works before hydration and without
                // JavaScript; the server refuses it from any other site.
                <form method="post" action="/auth/logout">
                    <button type="submit" class="button button--quiet">
                        "Sign out"
                    </button>
                </form>
            </div>
        </div>
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
