//! `/settings/…`: the tenant's administration, for Admins and SuperUsers.
//! Everyone else gets the 403 page (and no link to it in the header); the
//! server functions refuse them regardless. The one exception is the
//! organisation tree, which every member may read (and change where a role
//! given to them in a unit allows).

pub mod api_keys;
pub mod audit;
pub mod members;
pub mod organisation;
pub mod profile;

use crate::components::session::use_current_user;
use crate::components::title::PageTitle;
use crate::pages::forbidden::Forbidden;
use crate::role::Role;
use leptos::prelude::*;

/// The settings frame: the caller's role checked, then the section tabs and
/// the page. `admin_only` pages turn SuperUsers away too; `everyone` pages
/// let every member in (with only the tabs they may open).
#[component]
pub fn SettingsFrame(
    current: &'static str,
    #[prop(optional)] admin_only: bool,
    #[prop(optional)] everyone: bool,
    children: ChildrenFn,
) -> impl IntoView {
    let user = use_current_user();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let role = match user.await {
                    Ok(Some(me)) => Some(me.role),
                    _ => None,
                };
                let manages = role.is_some_and(crate::policy::manages_members);
                let allowed = role.is_some_and(|role| {
                    if admin_only { role == Role::Admin } else { everyone || manages }
                });
                if !allowed {
                    return view! { <Forbidden /> }.into_any();
                }
                let is_admin = role == Some(Role::Admin);
                let tab = move |href: &'static str, label: &'static str, key: &'static str| {
                    view! {
                        <a href=href aria-current=(key == current).then_some("page")>
                            {label}
                        </a>
                    }
                };
                let section = match current {
                    "profile" => "Profile",
                    "organisation" => "Organisation",
                    "audit" => "Audit log",
                    "api-keys" => "API keys",
                    _ => "Members",
                };
                view! {
                    <PageTitle parts=vec![section.to_owned(), "Settings".to_owned()] />
                    <section class="page" aria-labelledby="settings-title">
                        <h1 id="settings-title">"Settings"</h1>
                        <nav class="tabs" aria-label="Settings sections">
                            {manages.then(|| tab("/settings", "Members", "members"))}
                            {tab("/settings/organisation", "Organisation", "organisation")}
                            {is_admin.then(|| tab("/settings/profile", "Profile", "profile"))}
                            {manages.then(|| tab("/settings/audit", "Audit log", "audit"))}
                            {is_admin.then(|| tab("/settings/api-keys", "API keys", "api-keys"))}
                        </nav>
                        {children.with_value(|c| c())}
                    </section>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
