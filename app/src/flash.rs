//! A flash: what a form post without JavaScript leaves for the page it is
//! redirected to, shown there once as a toast. With JavaScript the browser
//! shows the call's outcome itself, so nothing is left.
//!
//! It travels in a short-lived cookie: the text is one of `notices`'
//! sentences about the caller's own change, rendered as text, so the cookie
//! carries nothing secret and nothing trusted.

/// The cookie's name.
#[cfg(feature = "ssr")]
const COOKIE: &str = "flash";
/// Longer text is not a notice of ours: it is dropped.
#[cfg(feature = "ssr")]
const MAX_CHARS: usize = 400;

/// Leaves `message` for the next page, if this request is a plain form post
/// (the browser asked for HTML back, which a script's call does not).
#[cfg(feature = "ssr")]
pub fn leave(message: String) {
    use http::header::{ACCEPT, SET_COOKIE};
    use leptos::prelude::use_context;

    let Some(parts) = use_context::<http::request::Parts>() else {
        return;
    };
    let wants_html = parts
        .headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    if !wants_html {
        return;
    }
    let value: String = form_urlencoded::byte_serialize(message.as_bytes()).collect();
    let cookie = format!("{COOKIE}={value}; Path=/; Max-Age=60; HttpOnly; SameSite=Lax");
    if let Ok(cookie) = http::HeaderValue::from_str(&cookie) {
        response.append_header(SET_COOKIE, cookie);
    }
}

/// The flash this page load carries, if any, removing it so it shows once.
/// Runs on the server; the browser gets the answer with the page.
pub fn take() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        use http::header::{COOKIE as COOKIE_HEADER, SET_COOKIE};
        use leptos::prelude::use_context;

        let parts = use_context::<http::request::Parts>()?;
        let raw = parts
            .headers
            .get_all(COOKIE_HEADER)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|pair| {
                pair.trim()
                    .strip_prefix(&format!("{COOKIE}="))
                    .map(str::to_owned)
            })?;
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            let gone = format!("{COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
            response.append_header(SET_COOKIE, http::HeaderValue::from_str(&gone).ok()?);
        }
        let text: String = form_urlencoded::parse(format!("m={raw}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())?;
        (!text.is_empty() && text.chars().count() <= MAX_CHARS).then_some(text)
    }
    #[cfg(not(feature = "ssr"))]
    None
}
