//! A flash: what a form post without JavaScript leaves for the page it is
//! redirected to, shown there once as a toast. With JavaScript the browser
//! shows the call's outcome itself, so nothing is left.
//!
//! It travels in a short-lived cookie (`once_cookie`): the text is one of
//! `notices`' sentences about the caller's own change, rendered as text, so
//! the cookie carries nothing secret and nothing trusted.

#[cfg(feature = "ssr")]
use crate::once_cookie::{OnceCookie, SameSite};

#[cfg(feature = "ssr")]
const FLASH: OnceCookie = OnceCookie {
    name: "flash",
    path: "/",
    max_age_secs: 60,
    same_site: SameSite::Lax,
};
/// Longer text is not a notice of ours: it is dropped.
#[cfg(feature = "ssr")]
const MAX_CHARS: usize = 400;

/// Leaves `message` for the next page, if this request is a plain form post.
#[cfg(feature = "ssr")]
pub fn leave(message: String) {
    let value: String = form_urlencoded::byte_serialize(message.as_bytes()).collect();
    FLASH.leave(&value);
}

/// The flash this page load carries, if any, removing it so it shows once.
/// Runs on the server; the browser gets the answer with the page.
pub fn take() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        let raw = FLASH.values().into_iter().next()?;
        FLASH.remove();
        let text: String = form_urlencoded::parse(format!("m={raw}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())?;
        (!text.is_empty() && text.chars().count() <= MAX_CHARS).then_some(text)
    }
    #[cfg(not(feature = "ssr"))]
    None
}
