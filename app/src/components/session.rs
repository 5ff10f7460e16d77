//! The signed-in caller, loaded once per page load and shared by context.

use crate::api::who_am_i;
use crate::error::AppError;
use crate::model::CurrentUser;
use leptos::prelude::*;

pub type CurrentUserResource = OnceResource<Result<Option<CurrentUser>, AppError>>;

/// Loads the caller for the whole app. Blocking, so the server sends the
/// page's head only once it knows who is signed in.
pub fn provide_current_user() {
    provide_context::<CurrentUserResource>(OnceResource::new_blocking(who_am_i()));
}

pub fn use_current_user() -> CurrentUserResource {
    expect_context::<CurrentUserResource>()
}
