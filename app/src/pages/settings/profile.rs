//! `/settings/profile`: the organisation's profile, its name (Admin only).

use super::SettingsFrame;
use crate::api::RenameTenant;
use crate::components::feedback::Feedback;
use crate::components::fields::TextField;
use crate::components::session::use_current_user;
use crate::domain::TenantName;
use leptos::prelude::*;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let rename = ServerAction::<RenameTenant>::new();
    let feedback = Feedback::default();
    feedback.watch(rename, |name| crate::notices::tenant_renamed(name));
    let user = use_current_user();
    let pending = rename.pending();
    view! {
        <SettingsFrame current="profile" admin_only=true>
            <h2>"Profile"</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let name = match user.await {
                        Ok(Some(me)) => me.tenant_name,
                        _ => String::new(),
                    };
                    view! {
                        <ActionForm action=rename attr:class="form" attr:aria-label="Organisation">
                            <TextField
                                id="tenant-name"
                                name="name"
                                label="Name"
                                max_chars=TenantName::MAX_CHARS
                                feedback
                                required=true
                                value=name
                            />
                            <button type="submit" class="button" disabled=pending>
                                {move || if pending.get() { "Saving…" } else { "Save" }}
                            </button>
                        </ActionForm>
                    }
                })}
            </Suspense>
        </SettingsFrame>
    }
}
