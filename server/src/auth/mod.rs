//! Sign-in with the Cognito hosted UI, and who is calling.
//!
//! - [`routes`]: `/auth/login`, `/auth/callback`, `/auth/logout`;
//! - [`caller`]: the middleware that turns a session into the request's
//!   verified caller (refreshing, expiring and re-checking it on the way);
//! - [`cognito`]: the OAuth2 client; [`verifier`]: ID token verification;
//!   [`breaker`]: stops calling Cognito for a while after it failed;
//!   [`claims`]: identity from verified claims;
//! - [`session`]: what a session holds and its cookie;
//! - [`return_to`]: where a sign-in may send the browser afterwards.

pub mod breaker;
pub mod caller;
pub mod claims;
pub mod cognito;
pub mod pages;
pub mod return_to;
pub mod routes;
pub mod session;
pub mod verifier;

use crate::config::AuthConfig;
use app::db::Db;
use std::sync::Arc;
use std::time::Duration;

/// The HTTP client for calls to the identity provider (token endpoint, JWKS),
/// with the default timeout. It follows no redirects — a redirect from a
/// back channel is either a misconfiguration or an attempt to aim the server
/// elsewhere (SSRF) — and gives up rather than hang a sign-in.
pub fn http_client() -> reqwest::Client {
    http_client_with(Duration::from_secs(10))
}

/// [`http_client`] giving up after `timeout` (`COGNITO_TIMEOUT_MS`).
pub fn http_client_with(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .timeout(timeout)
        .build()
        .expect("a TLS backend is compiled in")
}

/// Everything sign-in and the caller middleware share. Cheap to clone.
#[derive(Clone)]
pub struct Auth(Arc<AuthInner>);

pub struct AuthInner {
    pub config: AuthConfig,
    pub cognito: cognito::Cognito,
    pub db: Db,
}

impl Auth {
    pub fn new(config: AuthConfig, db: Db) -> Self {
        let http = http_client_with(config.cognito_timeout);
        let verifier = verifier::IdTokenVerifier::new(
            config.issuer.clone(),
            config.client_id.clone(),
            config.jwks_url(),
            http.clone(),
        )
        .with_max_age(config.keys_max_age);
        let cognito = cognito::Cognito::new(&config, http, verifier);
        Self(Arc::new(AuthInner {
            config,
            cognito,
            db,
        }))
    }
}

impl std::ops::Deref for Auth {
    type Target = AuthInner;

    fn deref(&self) -> &AuthInner {
        &self.0
    }
}
