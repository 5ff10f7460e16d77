//! Who is calling the JSON API: the bearer credential, verified.
//!
//! `Authorization: Bearer saas_…` is a tenant API key (see
//! `app::db::api_keys`); any other bearer value must be a Cognito access
//! token of the pool, for one of the configured app clients, whose `sub`
//! is an active member of exactly one tenant with the token's role. The
//! tenant is whatever the credential proves; nothing else in the request
//! (query, body, headers, cookies) is read for it. Cookies are not read at
//! all on `/api/v1`: the session layer does not run there, so a browser's
//! session cookie authenticates nothing and there is no CSRF surface.
//!
//! A network with too many failed authentications is refused before its
//! credential is checked (see [`super::failures`]).

use super::failures::Failures;
use super::problem::Problem;
use crate::auth::Auth;
use crate::auth::verifier::VerifyError;
use crate::client_addr::{TrustedProxies, client_network};
use app::db::{api_keys, members};
use app::role::Role;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// What checking a credential needs: the user pool and database, and the
/// failed authentications so far.
#[derive(Clone)]
pub struct Gate {
    pub auth: Auth,
    pub failures: Arc<Failures>,
    /// `TRUSTED_PROXIES`: see [`crate::client_addr`].
    pub trusted_proxies: TrustedProxies,
}

/// Puts the verified caller in the request's extensions, or answers 401
/// (429 for a network with too many failures).
pub async fn authenticate(State(gate): State<Gate>, mut request: Request, next: Next) -> Response {
    let network = client_network(&request, &gate.trusted_proxies);
    if network.is_none() {
        tracing::warn!(
            "X-Forwarded-For from a trusted proxy does not parse: no failure limit for this request"
        );
    }
    if let Some(wait) = network.and_then(|network| gate.failures.refused(network)) {
        return Problem {
            retry_after: Some(wait.as_secs_f64().ceil() as u64),
            ..Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many failed attempts to authenticate from your network. Wait, then try again.",
            )
        }
        .into_response();
    }
    let caller = match bearer(&request) {
        None => Ok(None),
        Some(token) if token.starts_with(api_keys::KEY_PREFIX) => {
            api_keys::authenticate(&gate.auth.db, token)
                .await
                .map_err(|error| Problem::from(app::error::AppError::from(error)))
        }
        Some(token) => access_token(&gate.auth, token).await,
    };
    match caller {
        Ok(Some(caller)) => {
            tracing::debug!(credential = ?caller.credential, "API caller");
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Ok(None) => {
            if let Some(network) = network {
                gate.failures.failed(network);
            }
            Problem::unauthorized().into_response()
        }
        // Nothing was proven either way (the database or the pool's keys
        // were unreachable): not the caller's failure.
        Err(problem) => problem.into_response(),
    }
}

/// The bearer value of the `Authorization` header, if there is exactly one.
fn bearer(request: &Request) -> Option<&str> {
    let mut values = request.headers().get_all(header::AUTHORIZATION).iter();
    let value = values.next()?;
    if values.next().is_some() {
        return None;
    }
    let value = value.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The member a Cognito access token speaks for.
async fn access_token(
    auth: &Auth,
    token: &str,
) -> Result<Option<app::identity::SignedIn>, Problem> {
    let claims = match auth.cognito.verify_access_token(token).await {
        Ok(claims) => claims,
        // The pool's keys could not be fetched: nothing is proven either
        // way, and trying again later may work.
        Err(error @ VerifyError::KeysUnavailable(_)) => {
            tracing::warn!(%error, "cannot verify an access token now");
            return Err(app::error::AppError::Unavailable.into());
        }
        Err(error) => {
            tracing::info!(%error, "access token refused");
            return Ok(None);
        }
    };
    let Some(role) = Role::highest(claims.groups.iter().map(String::as_str)) else {
        tracing::info!("access token of a user in no role's group");
        return Ok(None);
    };
    let caller = members::by_access_token(&auth.db, &claims.sub, role, claims.iat)
        .await
        .map_err(|error| Problem::from(app::error::AppError::from(error)))?;
    if caller.is_none() {
        tracing::info!(
            "access token of no active member with that role, or older than a change to the member"
        );
    }
    Ok(caller)
}
