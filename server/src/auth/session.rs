//! What a session holds, and the tower-sessions layer that keeps sessions in
//! Postgres behind an HttpOnly, SameSite=Lax cookie.

use super::cognito::AuthorizationRequest;
use crate::config::AuthConfig;
use app::db::system::SessionStore;
use app::identity::Identity;
use serde::{Deserialize, Serialize};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Key of the [`SignedInSession`].
pub const SIGNED_IN: &str = "signed_in";
/// Key of the [`PendingSignIn`].
pub const PENDING: &str = "pending_sign_in";

/// How long a started sign-in may take before its callback is refused.
pub const PENDING_LIFETIME_SECS: i64 = 10 * 60;

/// A sign-in between `/auth/login` and `/auth/callback`. Taken out of the
/// session by the first callback, whatever its outcome.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PendingSignIn {
    pub request: AuthorizationRequest,
    pub return_to: String,
    pub started_at: i64,
}

/// A signed-in session.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInSession {
    pub identity: Identity,
    pub tenant_name: String,
    pub refresh_token: String,
    /// When the ID token the identity came from expires (Unix seconds).
    pub id_token_expires_at: i64,
    /// When the member signed in; the absolute lifetime counts from here.
    pub login_at: i64,
    /// The member row's `auth_epoch` at sign-in: when it moves on, the
    /// session ends.
    pub auth_epoch: i64,
    /// When the session was last written, so activity extends it without a
    /// write on every request.
    pub last_seen: i64,
}

/// Everything but the refresh token.
impl std::fmt::Debug for SignedInSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedInSession")
            .field("identity", &self.identity)
            .field("tenant_name", &self.tenant_name)
            .field("id_token_expires_at", &self.id_token_expires_at)
            .field("login_at", &self.login_at)
            .field("auth_epoch", &self.auth_epoch)
            .field("last_seen", &self.last_seen)
            .finish_non_exhaustive()
    }
}

/// The session cookie's name: `__Host-` prefixed when served over HTTPS,
/// which makes browsers insist on Secure, Path=/ and no Domain.
pub fn cookie_name(config: &AuthConfig) -> &'static str {
    if config.is_https() {
        "__Host-session"
    } else {
        "session"
    }
}

/// The session layer. SameSite=Lax, not tower-sessions' default Strict:
/// Strict would drop the cookie on the redirect back from the hosted UI, and
/// the callback could not find its state. Cross-site POSTs are refused by
/// `guard::same_origin` instead.
pub fn layer(store: SessionStore, config: &AuthConfig) -> SessionManagerLayer<SessionStore> {
    let idle = time::Duration::try_from(config.session_idle).unwrap_or(time::Duration::HOUR);
    SessionManagerLayer::new(store)
        .with_name(cookie_name(config))
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.is_https())
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
}

/// How often an active session is re-saved (which moves its idle expiry):
/// a tenth of the idle timeout, at most once a minute.
pub fn touch_interval(config: &AuthConfig) -> i64 {
    let idle = i64::try_from(config.session_idle.as_secs()).unwrap_or(i64::MAX);
    (idle / 10).clamp(0, 60)
}

pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
