//! Sign-in with the Cognito hosted UI. So far: the back-channel HTTP client,
//! ID token verification, and the post-sign-in redirect target.

pub mod return_to;
pub mod verifier;

use std::time::Duration;

/// The HTTP client for calls to the identity provider (token endpoint, JWKS).
/// It follows no redirects — a redirect from a back channel is either a
/// misconfiguration or an attempt to aim the server elsewhere (SSRF) — and
/// gives up rather than hang a sign-in.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a TLS backend is compiled in")
}
