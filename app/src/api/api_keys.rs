//! Server functions for the tenant's API keys (Admin, in a browser).

use crate::error::AppError;
use crate::model::{ApiKey, NewApiKey};
use leptos::prelude::*;
use uuid::Uuid;

/// The tenant's API keys, live ones first.
#[server(endpoint = "list_api_keys")]
pub async fn list_api_keys() -> Result<Vec<ApiKey>, AppError> {
    crate::service::people::api_keys(&super::ctx().await?).await
}

/// Makes an API key. `expires_in_days` empty or 0: no expiry. The answer
/// carries the secret, shown once.
#[server(endpoint = "create_api_key")]
pub async fn create_api_key(
    #[server(default)] name: String,
    #[server(default)] role: String,
    #[server(default)] expires_in_days: String,
) -> Result<NewApiKey, AppError> {
    let days = match expires_in_days.trim() {
        "" | "0" => None,
        raw => Some(raw.parse::<i64>().map_err(|_| {
            AppError::invalid("expires_in_days", "Choose how many days the key lives.")
        })?),
    };
    let ctx = super::ctx().await?;
    let new = crate::service::people::create_api_key(&ctx, &name, &role, days).await?;
    // A form post without JavaScript is redirected back to the keys page,
    // which shows the secret once from this cookie (`new_api_key_left`).
    if NEW_KEY.leave(&new.secret) {
        crate::flash::leave(crate::notices::api_key_created(&new.key));
    }
    Ok(new)
}

/// A new key's text, from the form post that made it (without JavaScript)
/// to the keys page it is redirected to. Only that page is sent it, and
/// only for as long as the page would show it.
#[cfg(feature = "ssr")]
const NEW_KEY: crate::once_cookie::OnceCookie = crate::once_cookie::OnceCookie {
    name: "new_api_key",
    path: "/settings/api-keys",
    max_age_secs: crate::db::api_keys::JUST_MADE_SECS as u32,
    same_site: crate::once_cookie::SameSite::Strict,
};

/// The key the caller has just made with a form post without JavaScript,
/// once: the keys page asks while it renders on the server. `None` on every
/// other load (and for a script's call, which is never sent the cookie).
/// The cookie goes once the key is shown, or once no value of it is a key
/// to show; after an error it stays, for a reload to try again.
#[server(endpoint = "new_api_key_left")]
pub async fn new_api_key_left() -> Result<Option<NewApiKey>, AppError> {
    let texts = NEW_KEY.values();
    if texts.is_empty() {
        return Ok(None);
    }
    let ctx = super::ctx().await?;
    let mut shown = None;
    for text in &texts {
        shown = crate::service::people::key_just_made(&ctx, text).await?;
        if shown.is_some() {
            break;
        }
    }
    NEW_KEY.remove();
    Ok(shown)
}

/// Revokes an API key: the next request made with it is refused.
#[server(endpoint = "revoke_api_key")]
pub async fn revoke_api_key(id: Uuid) -> Result<ApiKey, AppError> {
    let key = crate::service::people::revoke_api_key(&super::ctx().await?, id).await?;
    crate::flash::leave(crate::notices::api_key_revoked(&key));
    Ok(key)
}
