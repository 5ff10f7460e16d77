//! A cookie that carries something from a plain form post (no JavaScript)
//! to the page the post is redirected back to, where it is read once and
//! removed: the flash notice (`flash`), and a new API key's secret
//! (`api::api_keys::new_api_key_left`). A script's call gets its answer in
//! the response instead, so it is never given one.

use crate::HttpsSite;
use http::HeaderValue;
use http::header::{ACCEPT, COOKIE, SET_COOKIE};
use leptos::prelude::use_context;

/// Which cross-site requests carry the cookie.
#[derive(Clone, Copy, Debug)]
pub enum SameSite {
    Lax,
    Strict,
}

/// One kind of such cookie.
pub struct OnceCookie {
    pub name: &'static str,
    /// The pages that read it: the browser sends it nowhere else.
    pub path: &'static str,
    pub max_age_secs: u32,
    pub same_site: SameSite,
}

impl OnceCookie {
    /// Leaves `value` (cookie-safe text: callers encode it) for the next page
    /// if this request is a plain form post: the browser asked for HTML back,
    /// which a script's call does not. Such a post is always redirected (to
    /// the page it came from, or `/` when the browser did not say), and the
    /// cookie waits for the first page of its path. Returns whether it did.
    pub fn leave(&self, value: &str) -> bool {
        let Some(parts) = use_context::<http::request::Parts>() else {
            return false;
        };
        let wants_html = parts
            .headers
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
        if !wants_html {
            return false;
        }
        self.set(value, self.max_age_secs)
    }

    /// Every value of this cookie the request carries (one, unless someone
    /// set another of that name for a wider path or domain), leaving them.
    pub fn values(&self) -> Vec<String> {
        let Some(parts) = use_context::<http::request::Parts>() else {
            return Vec::new();
        };
        let prefix = format!("{}=", self.name);
        parts
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().strip_prefix(&prefix).map(str::to_owned))
            .collect()
    }

    /// Has the response remove the cookie.
    pub fn remove(&self) {
        self.set("", 0);
    }

    fn set(&self, value: &str, max_age_secs: u32) -> bool {
        let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
            return false;
        };
        let cookie = self.header(value, max_age_secs, use_context::<HttpsSite>());
        match HeaderValue::from_str(&cookie) {
            Ok(cookie) => {
                response.append_header(SET_COOKIE, cookie);
                true
            }
            Err(_) => false,
        }
    }

    fn header(&self, value: &str, max_age_secs: u32, https: Option<HttpsSite>) -> String {
        let same_site = match self.same_site {
            SameSite::Lax => "Lax",
            SameSite::Strict => "Strict",
        };
        let secure = if https.is_some_and(|https| https.0) {
            "; Secure"
        } else {
            ""
        };
        format!(
            "{}={value}; Path={}; Max-Age={max_age_secs}; HttpOnly; SameSite={same_site}{secure}",
            self.name, self.path
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CRUMB: OnceCookie = OnceCookie {
        name: "crumb",
        path: "/here",
        max_age_secs: 30,
        same_site: SameSite::Strict,
    };

    #[test]
    fn the_cookie_is_secure_when_the_site_is_served_over_https() {
        assert_eq!(
            CRUMB.header("v", 30, Some(HttpsSite(true))),
            "crumb=v; Path=/here; Max-Age=30; HttpOnly; SameSite=Strict; Secure"
        );
        for https in [Some(HttpsSite(false)), None] {
            assert_eq!(
                CRUMB.header("", 0, https),
                "crumb=; Path=/here; Max-Age=0; HttpOnly; SameSite=Strict"
            );
        }
    }
}
