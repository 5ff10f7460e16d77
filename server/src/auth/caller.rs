//! The middleware that finds the request's caller in its session.
//!
//! For a signed-in session it, in order: ends it past its absolute lifetime;
//! refreshes the tokens once the ID token has expired, re-deriving tenant and
//! role from the new ID token (a refused refresh ends the session; an
//! unreachable Cognito does not); ends it if
//! the member row is gone, disabled, or its `auth_epoch` moved on; keeps it
//! alive (at most one write a minute); and puts an `app::identity::SignedIn`
//! in the request's extensions, where the one extractor finds it.
//!
//! Anonymous requests for a signed-in-only page go to sign in first, with a
//! `return_to` that brings them back.

use super::cognito::ExchangeError;
use super::session::{self, SIGNED_IN, SignedInSession};
use super::{Auth, claims};
use app::db::DbError;
use app::db::members::{self, Standing};
use app::identity::SignedIn;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use oauth2::url::form_urlencoded;
use tower_sessions::Session;

/// Pages only a signed-in caller may open. The server sends anyone else to
/// sign in, and back afterwards.
const SIGNED_IN_PAGES: &[&str] = &["/projects", "/settings"];

/// Refresh a little before the ID token's expiry, not after.
const REFRESH_EARLY_SECS: i64 = 30;

pub async fn resolve(
    State(auth): State<Auth>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    // Static files and health checks need no caller: no session read for them.
    let path = request.uri().path();
    if path.starts_with("/pkg/") || path == "/healthz" || path == "/livez" {
        return next.run(request).await;
    }
    match current(&auth, &session).await {
        Ok(Some(caller)) => {
            request.extensions_mut().insert(caller);
        }
        Ok(None) => {
            if let Some(login) = sign_in_first(&request) {
                return login;
            }
        }
        Err(response) => return response,
    }
    next.run(request).await
}

/// The caller of a signed-in session, `None` for an anonymous one (or one
/// that just ended), or an error response when it cannot be told.
async fn current(auth: &Auth, session: &Session) -> Result<Option<SignedIn>, Response> {
    let stored = match session.get::<SignedInSession>(SIGNED_IN).await {
        Ok(Some(stored)) => stored,
        Ok(None) => return Ok(None),
        Err(error) => {
            tracing::error!(%error, "cannot load the session");
            return Err(unavailable());
        }
    };
    let mut current = stored.clone();
    let now = session::now();

    if now - current.login_at >= secs(auth.config.session_max_age) {
        tracing::info!("session reached its absolute lifetime");
        return end(session).await;
    }

    if now >= current.id_token_expires_at - REFRESH_EARLY_SECS
        && refresh(auth, &mut current).await? == Verdict::End
    {
        return end(session).await;
    }
    if standing(auth, &current).await? == Verdict::End {
        return end(session).await;
    }

    if now - current.last_seen >= session::touch_interval(&auth.config) {
        current.last_seen = now;
    }
    if current != stored
        && let Err(error) = session.insert(SIGNED_IN, &current).await
    {
        tracing::error!(%error, "cannot update the session");
        return Err(unavailable());
    }
    Ok(Some(SignedIn {
        identity: current.identity,
        tenant_name: current.tenant_name,
        auth_epoch: current.auth_epoch,
        credential: app::identity::Credential::Session,
    }))
}

/// Whether a session lives on after a check.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Keep,
    End,
}

/// Refreshes the tokens of `current`, whose ID token has expired: tenant and
/// role come again from the new ID token (SECURITY.md 16). Another user or
/// tenant, a lost role or a refused refresh ends the session; an unreachable
/// Cognito keeps it on the identity it last verified (SECURITY.md 29).
async fn refresh(auth: &Auth, current: &mut SignedInSession) -> Result<Verdict, Response> {
    let tokens = match auth.cognito.refresh(&current.refresh_token).await {
        Ok(tokens) => tokens,
        // The member row is still checked, and the next request tries again.
        Err(error @ ExchangeError::Unreachable(_)) => {
            tracing::warn!(%error, "cannot refresh now; keeping the session");
            return Ok(Verdict::Keep);
        }
        Err(error) => {
            tracing::info!(%error, "refresh refused; the session ends");
            return Ok(Verdict::End);
        }
    };
    let identity = match claims::identity(&tokens.claims) {
        Ok(identity)
            if identity.sub() == current.identity.sub()
                && identity.tenant_id() == current.identity.tenant_id() =>
        {
            identity
        }
        Ok(_) => {
            tracing::warn!("refreshed tokens name another user or tenant");
            return Ok(Verdict::End);
        }
        Err(reason) => {
            tracing::info!(?reason, "access lost at refresh");
            return Ok(Verdict::End);
        }
    };
    // Same person, same tenant: take the new role (the member row follows
    // it, unless an admin changed the row after the token was issued) and
    // email.
    if identity.role() != current.identity.role() {
        let followed = members::follow_role(&auth.db, &identity, tokens.claims.iat)
            .await
            .map_err(|error| db_failed(error, "cannot record the new role"))?;
        if !followed {
            tracing::info!("refreshed role is older than the member row");
            return Ok(Verdict::End);
        }
        tracing::info!(role = %identity.role(), "role changed at refresh");
    }
    current.identity = identity;
    current.id_token_expires_at = tokens.claims.exp;
    if let Some(rotated) = tokens.refresh_token {
        current.refresh_token = rotated;
    }
    Ok(Verdict::Keep)
}

/// The member row must still be active, with the session's role and
/// `auth_epoch`: a removal, a disable or a change by an admin ends it.
async fn standing(auth: &Auth, current: &SignedInSession) -> Result<Verdict, Response> {
    let standing = members::standing(&auth.db, &current.identity)
        .await
        .map_err(|error| db_failed(error, "cannot check the member"))?;
    match standing {
        Standing::Active { auth_epoch, role }
            if auth_epoch == current.auth_epoch && role == current.identity.role() =>
        {
            Ok(Verdict::Keep)
        }
        standing => {
            tracing::info!(?standing, "member row no longer matches the session");
            Ok(Verdict::End)
        }
    }
}

/// The 503 page for a database error during the session check.
fn db_failed(error: DbError, what: &'static str) -> Response {
    if !matches!(error, DbError::Unavailable(_)) {
        tracing::error!(error = %app::error::chain(&error), "{what}");
    }
    unavailable()
}

async fn end(session: &Session) -> Result<Option<SignedIn>, Response> {
    match session.flush().await {
        Ok(()) => Ok(None),
        Err(error) => {
            tracing::error!(%error, "cannot delete the session");
            Err(unavailable())
        }
    }
}

/// A redirect to sign in for an anonymous GET of a signed-in-only page.
fn sign_in_first(request: &Request) -> Option<Response> {
    let path = request.uri().path();
    let protected = SIGNED_IN_PAGES
        .iter()
        .any(|page| path == *page || path.starts_with(&format!("{page}/")));
    if !protected || request.method() != Method::GET {
        return None;
    }
    let target = request
        .uri()
        .path_and_query()
        .map_or(path, |pq| pq.as_str());
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("return_to", target)
        .finish();
    Some(Redirect::to(&format!("/auth/login?{query}")).into_response())
}

fn secs(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

fn unavailable() -> Response {
    super::pages::render(
        StatusCode::SERVICE_UNAVAILABLE,
        "Service unavailable",
        "The service is temporarily unavailable. Try again in a moment.",
        &[],
    )
}
