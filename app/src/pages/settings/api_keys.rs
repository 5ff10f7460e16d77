//! `/settings/api-keys`: the tenant's API keys (Admin only): make one with a
//! name, a role and an expiry, see its secret once, revoke it.

use super::SettingsFrame;
use super::members::{Confirm, TableHead};
use crate::api::{CreateApiKey, RevokeApiKey, list_api_keys, new_api_key_left};
use crate::components::feedback::{Feedback, FieldError};
use crate::components::fields::TextField;
use crate::components::moment::Moment;
use crate::components::toast::Toasts;
use crate::domain::KeyName;
use crate::model::{ApiKey, NewApiKey};
use leptos::prelude::*;

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let feedback = Feedback::default();
    feedback.watch(create, |new: &NewApiKey| {
        crate::notices::api_key_created(&new.key)
    });
    feedback.watch(revoke, crate::notices::api_key_revoked);
    let keys = Resource::new(move || feedback.successes().get(), |_| list_api_keys());
    let form = NodeRef::<leptos::html::Form>::new();
    // After a key is made the form empties, and the focus goes to the new
    // secret (see `NewKey`), which is what to do next: copy it.
    Effect::watch(
        move || create.version().get(),
        move |_, _, _| {
            let made = create.value().with_untracked(|v| matches!(v, Some(Ok(_))));
            if let (true, Some(form)) = (made, form.get_untracked()) {
                form.reset();
            }
        },
        false,
    );
    let pending = create.pending();
    // The secret of the key just made: on this page, once. With JavaScript
    // it is the action's answer; a form post without it is redirected here
    // and the server hands the page the key it made.
    let fresh = move || create.value().get().and_then(Result::ok);
    // Only a page load is sent the cookie: a visit within the browser has
    // nothing to ask for (and hydrating uses what the server found).
    let left = Resource::new(
        || (),
        |_| async {
            if cfg!(feature = "ssr") {
                new_api_key_left().await
            } else {
                Ok(None)
            }
        },
    );
    view! {
        <SettingsFrame current="api-keys" admin_only=true>
            <h2>"API keys"</h2>
            <p class="muted">
                "Scripts and other services call the API at " <code>"/api/v1"</code>
                " with a key: " <code>"Authorization: Bearer saas_…"</code>
                ". A key acts in this organisation with its own role."
            </p>
            <ActionForm action=create node_ref=form attr:class="form form--keys" attr:aria-label="New API key">
                <TextField
                    id="key-name"
                    name="name"
                    label="Name"
                    max_chars=KeyName::MAX_CHARS
                    feedback
                    required=true
                />
                <label for="key-role">"Role"</label>
                <select id="key-role" name="role" aria-describedby="key-role-error">
                    <option value="ReadOnly" selected>"ReadOnly — reads only"</option>
                    <option value="Member">"Member — reads and writes"</option>
                </select>
                <label for="key-expires">"Expires"</label>
                <select id="key-expires" name="expires_in_days" aria-describedby="key-expires-error">
                    <option value="30">"In 30 days"</option>
                    <option value="90" selected>"In 90 days"</option>
                    <option value="365">"In a year"</option>
                    <option value="">"Never"</option>
                </select>
                <button type="submit" class="button" disabled=pending>
                    {move || if pending.get() { "Creating…" } else { "Create key" }}
                </button>
                // Only a forged or stale form gets these: the choices above
                // are all valid.
                <FieldError message=feedback.field_error("role") id="key-role-error" />
                <FieldError
                    message=feedback.field_error("expires_in_days")
                    id="key-expires-error"
                />
            </ActionForm>
            <Suspense fallback=|| ()>
                {move || {
                    let made_here = fresh();
                    Suspend::new(async move {
                        match (made_here, left.await) {
                            (Some(new), _) | (None, Ok(Some(new))) => {
                                view! { <NewKey new /> }.into_any()
                            }
                            (None, Ok(None)) => ().into_any(),
                            // The key was made, and the cookie stays for
                            // a reload to ask again.
                            (None, Err(_)) => {
                                view! {
                                    <p role="alert">
                                        "The new key was made but cannot be shown just now. "
                                        "Reload the page within two minutes to see it."
                                    </p>
                                }
                                    .into_any()
                            }
                        }
                    })
                }}
            </Suspense>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match keys.await {
                        Ok(list) if list.is_empty() => {
                            view! { <p class="empty" data-testid="no-keys">"No API keys yet."</p> }
                                .into_any()
                        }
                        Ok(list) => view! { <KeyTable keys=list revoke /> }.into_any(),
                        Err(error) => view! { <p role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </SettingsFrame>
    }
}

/// The secret of a key just made, to copy now: it is not stored, and this
/// page cannot show it again. It takes the focus, selected. Copy needs a
/// script: without one there is only the field to copy from.
#[component]
fn NewKey(new: NewApiKey) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let scripted = RwSignal::new(false);
    Effect::new(move |_| {
        scripted.set(true);
        if let Some(input) = input.get() {
            let _ = input.focus();
            input.select();
        }
    });
    let secret = new.secret.clone();
    let toasts = Toasts::get();
    let copy = move |_| copy_to_clipboard(secret.clone(), toasts);
    view! {
        <div class="callout" role="status" data-testid="new-key">
            <p>
                <strong>"Copy the key “" {new.key.name.clone()} "” now."</strong>
                " It is shown once: only a hash of it is kept."
            </p>
            <div class="secret-row">
                <label for="new-key-secret" class="visually-hidden">"The new key"</label>
                <input
                    id="new-key-secret"
                    class="secret"
                    data-testid="new-key-secret"
                    node_ref=input
                    readonly
                    value=new.secret
                    autocomplete="off"
                    spellcheck="false"
                    // Without a script nothing else could move the focus here.
                    autofocus=true
                />
                {move || {
                    let copy = copy.clone();
                    scripted
                        .get()
                        .then(|| view! { <button type="button" class="button" on:click=copy>"Copy"</button> })
                }}
            </div>
        </div>
    }
}

/// Puts `text` on the clipboard and says how it went.
#[cfg(feature = "hydrate")]
fn copy_to_clipboard(text: String, toasts: Toasts) {
    use wasm_bindgen::{JsCast, JsValue};
    // navigator.clipboard.writeText(text), looked up at run time: the
    // clipboard is not among the browser APIs this crate binds.
    let write = || -> Result<js_sys::Promise, JsValue> {
        let navigator = js_sys::Reflect::get(&js_sys::global(), &"navigator".into())?;
        let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into())?;
        let write_text: js_sys::Function =
            js_sys::Reflect::get(&clipboard, &"writeText".into())?.dyn_into()?;
        write_text.call1(&clipboard, &text.into())?.dyn_into()
    };
    leptos::task::spawn_local(async move {
        let copied = match write() {
            Ok(promise) => wasm_bindgen_futures::JsFuture::from(promise).await.is_ok(),
            Err(_) => false,
        };
        if copied {
            toasts.success("Copied the key.");
        } else {
            toasts.error(&crate::error::AppError::Invalid {
                field: None,
                message: "Could not copy: select the key and copy it yourself.".into(),
            });
        }
    });
}

/// The server renders no clicks.
#[cfg(not(feature = "hydrate"))]
fn copy_to_clipboard(_: String, _: Toasts) {}

#[component]
fn KeyTable(keys: Vec<ApiKey>, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    view! {
        <table class="table" data-testid="key-list" aria-label="API keys">
            <TableHead columns=&["Name", "Key", "Role", "Created", "Last used", "Expires"] />
            <tbody>
                {keys.into_iter().map(|key| view! { <KeyRow key revoke /> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn KeyRow(key: ApiKey, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    let live = key.revoked_at.is_none();
    let prompt = format!(
        "Revoke “{}”? Requests made with it are refused from the next one on.",
        key.name
    );
    let id = key.id.to_string();
    view! {
        <tr data-testid="key" data-name=key.name.clone() class:row--muted=!live>
            <td>
                <span class="member__name">{key.name.clone()}</span>
                <span class="member__sub">"by " {key.created_by_email.clone()}</span>
            </td>
            <td data-label="Key"><code>{key.prefix.clone()} "…"</code></td>
            <td data-label="Role">{key.role.as_str()}</td>
            <td data-label="Created"><Moment at=key.created_at /></td>
            <td data-label="Last used">
                {match key.last_used_at {
                    Some(at) => view! { <Moment at /> }.into_any(),
                    None => "Never".into_any(),
                }}
            </td>
            <td data-label="Expires">
                {match (key.revoked_at, key.expires_at) {
                    (Some(at), _) => view! { "Revoked " <Moment at /> }.into_any(),
                    (None, Some(at)) => view! { <Moment at /> }.into_any(),
                    (None, None) => "Never".into_any(),
                }}
            </td>
            <td class="table__actions">
                {live.then(|| view! {
                    <Confirm opener="Revoke…" label="Confirm revoking" prompt danger=true>
                        <ActionForm action=revoke attr:class="inline-form">
                            <input type="hidden" name="id" value=id />
                            <button type="submit" class="button button--danger">"Revoke key"</button>
                        </ActionForm>
                    </Confirm>
                })}
            </td>
        </tr>
    }
    // Erased: the table's whole type overflowed the compiler's query depth.
    .into_any()
}
