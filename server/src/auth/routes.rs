//! `/auth/login`, `/auth/callback` and `/auth/logout`.

use super::Auth;
use super::claims::{self, NoAccess};
use super::cognito::ExchangeError;
use super::pages::{self, Action};
use super::return_to::ReturnTo;
use super::session::{
    self, PENDING, PENDING_LIFETIME_SECS, PendingSignIn, SIGNED_IN, SignedInSession,
};
use app::db::DbError;
use app::db::members::{self, SignIn};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::{Expiry, Session};

#[derive(Deserialize)]
pub struct LoginQuery {
    return_to: Option<String>,
}

/// Starts a sign-in: a new state, PKCE verifier and nonce go into the
/// session (replacing any earlier unfinished sign-in), and the browser goes
/// to the hosted UI.
pub async fn login(
    State(auth): State<Auth>,
    session: Session,
    Query(query): Query<LoginQuery>,
) -> Response {
    let return_to = ReturnTo::parse(query.return_to.as_deref());
    if matches!(session.get::<SignedInSession>(SIGNED_IN).await, Ok(Some(_))) {
        return Redirect::to(return_to.as_str()).into_response();
    }
    let (url, request) = auth.cognito.authorize();
    // An unfinished sign-in is kept for minutes, not for the idle timeout
    // of a signed-in session: anyone can start one.
    session.set_expiry(Some(Expiry::OnInactivity(time::Duration::seconds(
        PENDING_LIFETIME_SECS,
    ))));
    let pending = PendingSignIn {
        request,
        return_to: return_to.as_str().to_owned(),
        started_at: session::now(),
    };
    if let Err(error) = session.insert(PENDING, pending).await {
        tracing::error!(%error, "cannot store the sign-in state");
        return unavailable();
    }
    Redirect::to(url.as_str()).into_response()
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// The hosted UI's redirect back. Every failure ends on a page with a way
/// on, and leaves no session behind.
pub async fn callback(
    State(auth): State<Auth>,
    session: Session,
    Query(query): Query<CallbackQuery>,
) -> Response {
    // Used once, whatever happens next.
    let pending = session.remove::<PendingSignIn>(PENDING).await;
    match sign_in(&auth, &session, pending, query).await {
        Ok(return_to) => Redirect::to(&return_to).into_response(),
        Err(failure) => {
            // A visitor who was not signed in keeps no session row at all.
            if !matches!(session.get::<SignedInSession>(SIGNED_IN).await, Ok(Some(_)))
                && let Err(error) = session.flush().await
            {
                tracing::warn!(%error, "cannot delete the failed sign-in's session");
            }
            failure.into_page(&auth)
        }
    }
}

/// Why a callback did not sign anyone in.
#[derive(Debug)]
enum Failure {
    /// The hosted UI sent an error (the user cancelled, say).
    Provider(String),
    /// No sign-in was started in this browser, it was already used, or it
    /// is too old.
    NoPendingSignIn,
    /// The state does not match the one this session started with.
    WrongState,
    MissingCode,
    Exchange(ExchangeError),
    NoAccess(NoAccess),
    UnknownTenant,
    Disabled,
    /// The token predates an admin's change to the member's role.
    StaleToken,
    /// Another member of the tenant (another Cognito user) has this email.
    EmailInUse,
    Database(DbError),
    Session(String),
}

async fn sign_in(
    auth: &Auth,
    session: &Session,
    pending: Result<Option<PendingSignIn>, tower_sessions::session::Error>,
    query: CallbackQuery,
) -> Result<String, Failure> {
    if let Some(error) = query.error {
        return Err(Failure::Provider(error));
    }
    let pending = pending
        .map_err(|e| Failure::Session(e.to_string()))?
        .ok_or(Failure::NoPendingSignIn)?;
    if session::now() - pending.started_at > PENDING_LIFETIME_SECS {
        return Err(Failure::NoPendingSignIn);
    }
    let state = query.state.ok_or(Failure::WrongState)?;
    if !constant_time_eq(state.as_bytes(), pending.request.state.as_bytes()) {
        return Err(Failure::WrongState);
    }
    let code = query.code.ok_or(Failure::MissingCode)?;
    let tokens = auth
        .cognito
        .exchange_code(&code, &pending.request)
        .await
        .map_err(Failure::Exchange)?;
    let identity = claims::identity(&tokens.claims).map_err(Failure::NoAccess)?;
    let refresh_token = tokens
        .refresh_token
        .ok_or(Failure::Exchange(ExchangeError::Refused(
            "no refresh token in the response".into(),
        )))?;
    let (tenant_name, auth_epoch) =
        match members::record_sign_in(&auth.db, &identity, tokens.claims.iat).await {
            Ok(SignIn::Recorded {
                tenant_name,
                auth_epoch,
            }) => (tenant_name, auth_epoch),
            Ok(SignIn::UnknownTenant) => return Err(Failure::UnknownTenant),
            Ok(SignIn::Disabled) => return Err(Failure::Disabled),
            Ok(SignIn::StaleToken) => return Err(Failure::StaleToken),
            Err(error) if error.constraint() == Some("members_email_key") => {
                return Err(Failure::EmailInUse);
            }
            Err(error) => return Err(Failure::Database(error)),
        };
    // A new id for the signed-in session: whatever id the browser had
    // before (perhaps planted by someone else) is deleted (session fixation).
    session
        .cycle_id()
        .await
        .map_err(|e| Failure::Session(e.to_string()))?;
    let now = session::now();
    tracing::info!(tenant = %identity.tenant_id(), role = %identity.role(), "signed in");
    session
        .insert(
            SIGNED_IN,
            SignedInSession {
                identity,
                tenant_name,
                refresh_token,
                id_token_expires_at: tokens.claims.exp,
                login_at: now,
                auth_epoch,
                last_seen: now,
            },
        )
        .await
        .map_err(|e| Failure::Session(e.to_string()))?;
    Ok(pending.return_to)
}

/// Where a failure page sends the person next.
enum Next {
    /// Cognito's sign-out, to sign in with another account.
    SignInAsSomeoneElse,
    TryAgain,
    TryAgainOrHome,
    Home,
}

impl Failure {
    /// Logs the failure, then renders its page.
    fn into_page(self, auth: &Auth) -> Response {
        self.log();
        let (status, title, message, next) = self.page();
        let sign_out = Action {
            label: "Sign in as someone else",
            href: auth.cognito.logout_url().as_str(),
        };
        let actions = match next {
            Next::SignInAsSomeoneElse => vec![sign_out],
            Next::TryAgain => vec![pages::TRY_AGAIN],
            Next::TryAgainOrHome => vec![pages::TRY_AGAIN, pages::HOME],
            Next::Home => vec![pages::HOME],
        };
        pages::render(status, title, message, &actions)
    }

    /// The failure → page table: status, title, message, what next.
    fn page(&self) -> (StatusCode, &'static str, &'static str, Next) {
        use StatusCode as S;
        match self {
            Failure::NoAccess(_) | Failure::UnknownTenant => (
                S::FORBIDDEN,
                "No access",
                "You signed in, but your account does not belong to an organisation here, \
                 or has no role in it. Ask your organisation's administrator for access.",
                Next::SignInAsSomeoneElse,
            ),
            Failure::Disabled => (
                S::FORBIDDEN,
                "Account disabled",
                "Your organisation's administrator has disabled your account.",
                Next::SignInAsSomeoneElse,
            ),
            Failure::StaleToken => (
                S::CONFLICT,
                "Your access changed",
                "An administrator changed your role while you were signing in. \
                 Sign in again to continue with your new role.",
                Next::TryAgain,
            ),
            Failure::EmailInUse => (
                S::CONFLICT,
                "Email already in use",
                "Another account in your organisation already uses this email address. \
                 Ask your organisation's administrator to sort it out.",
                Next::SignInAsSomeoneElse,
            ),
            Failure::Provider(_) => (
                S::BAD_REQUEST,
                "Sign-in did not complete",
                "The sign-in was cancelled or refused.",
                Next::TryAgainOrHome,
            ),
            Failure::NoPendingSignIn | Failure::WrongState | Failure::MissingCode => (
                S::BAD_REQUEST,
                "Sign-in link expired",
                "This sign-in was already used, has expired, or was started in another \
                 browser. Start again.",
                Next::TryAgainOrHome,
            ),
            Failure::Exchange(ExchangeError::Unreachable(_)) => (
                S::SERVICE_UNAVAILABLE,
                "Sign-in is unavailable",
                "We could not reach the sign-in service. Try again in a moment.",
                Next::TryAgain,
            ),
            Failure::Exchange(_) => (
                S::BAD_REQUEST,
                "Sign-in failed",
                "The sign-in could not be verified. Start again.",
                Next::TryAgainOrHome,
            ),
            Failure::Database(_) => (
                S::SERVICE_UNAVAILABLE,
                "Sign-in is unavailable",
                "The service is temporarily unavailable. Try again in a moment.",
                Next::TryAgain,
            ),
            Failure::Session(_) => (
                S::SERVICE_UNAVAILABLE,
                "Service unavailable",
                "The service is temporarily unavailable. Try again in a moment.",
                Next::Home,
            ),
        }
    }

    /// One log line per failure, at the level its cause deserves.
    fn log(&self) {
        match self {
            Failure::NoAccess(reason) => {
                let reason = match reason {
                    NoAccess::NoTenant => "no tenant claim",
                    NoAccess::NoRole => "no role",
                };
                tracing::info!(reason, "sign-in without access");
            }
            Failure::UnknownTenant => {
                tracing::info!(reason = "unknown tenant", "sign-in without access")
            }
            Failure::Disabled => tracing::info!("sign-in by a disabled member"),
            Failure::StaleToken => {
                tracing::info!("sign-in with a token older than the member's last role change")
            }
            Failure::EmailInUse => {
                tracing::warn!("sign-in by a second account with a member's email")
            }
            Failure::Provider(error) => {
                // Logged only if it is one of OAuth's codes: the parameter
                // is whatever the URL says.
                let known = [
                    "access_denied",
                    "invalid_request",
                    "unauthorized_client",
                    "unsupported_response_type",
                    "invalid_scope",
                    "server_error",
                    "temporarily_unavailable",
                ];
                let error = known.into_iter().find(|k| k == error).unwrap_or("other");
                tracing::info!(error, "the hosted UI returned an error");
            }
            Failure::NoPendingSignIn | Failure::WrongState | Failure::MissingCode => {
                tracing::warn!(reason = ?self, "callback refused")
            }
            Failure::Exchange(ExchangeError::Unreachable(error)) => {
                tracing::error!(%error, "identity provider unreachable")
            }
            Failure::Exchange(error) => {
                tracing::warn!(%error, "code exchange or token check failed")
            }
            Failure::Database(error) => {
                tracing::error!(error = %app::error::chain(error), "sign-in bookkeeping failed")
            }
            Failure::Session(error) => {
                tracing::error!(%error, "session store failed during sign-in")
            }
        }
    }
}

/// Signs out: ends the session here, revokes its refresh token at Cognito,
/// and sends the browser to the hosted UI's sign-out, which ends the hosted
/// UI's own session and comes back to the home page. POST only; cross-site
/// requests were refused before this runs.
pub async fn logout(State(auth): State<Auth>, session: Session) -> Response {
    if let Ok(Some(signed_in)) = session.get::<SignedInSession>(SIGNED_IN).await
        && let Err(error) = auth.cognito.revoke(&signed_in.refresh_token).await
    {
        // The session ends here regardless; the token dies at its expiry.
        tracing::warn!(%error, "cannot revoke the refresh token");
    }
    if let Err(error) = session.flush().await {
        tracing::error!(%error, "cannot delete the session");
        return unavailable();
    }
    Redirect::to(auth.cognito.logout_url().as_str()).into_response()
}

fn unavailable() -> Response {
    pages::render(
        StatusCode::SERVICE_UNAVAILABLE,
        "Service unavailable",
        "The service is temporarily unavailable. Try again in a moment.",
        &[pages::HOME],
    )
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
