//! Who is calling: a verified member of one tenant, with one role.
//!
//! An [`Identity`] is proof. Its fields are private and production code
//! makes one only from a verified credential: the claims of a verified
//! Cognito token (sign-in, refresh, an API access token with its member
//! row), or a tenant API key whose hash matched inside its tenant (see
//! `db::api_keys`). Holding an `Identity` means the tenant and the role came
//! from one of those, never from the request.

use crate::model::CurrentUser;
use crate::role::Role;
use axum::extract::FromRequestParts;
use axum::http::{StatusCode, request::Parts};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A tenant's id: the `custom:tenant_id` claim, parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TenantId(Uuid);

impl TenantId {
    /// Parses the claim's text. Anything that is not a UUID is no tenant.
    pub fn parse(raw: &str) -> Option<Self> {
        Uuid::parse_str(raw).ok().map(Self)
    }

    pub(crate) fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    pub fn as_uuid(self) -> Uuid {
        self.0
    }
}

impl std::fmt::Display for TenantId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A signed-in member with access to their tenant.
///
/// It is serialised only into the server-side session (never to the
/// browser), which is how later requests get it back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    sub: String,
    email: String,
    tenant: TenantId,
    role: Role,
}

impl Identity {
    /// The identity that a verified ID token proves. Sign-in and refresh call
    /// this after checking the token's signature, issuer, audience, use,
    /// expiry and nonce; nothing else may.
    pub fn from_verified_claims(sub: String, email: String, tenant: TenantId, role: Role) -> Self {
        Self {
            sub,
            email,
            tenant,
            role,
        }
    }

    pub fn sub(&self) -> &str {
        &self.sub
    }

    pub fn email(&self) -> &str {
        &self.email
    }

    pub fn tenant_id(&self) -> TenantId {
        self.tenant
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// The identity of a tenant API key whose secret was just matched in
    /// its tenant: it acts with the key's role, and its audit rows name the
    /// key. Only `db::api_keys` makes one.
    pub(crate) fn for_api_key(key: Uuid, name: &str, tenant: TenantId, role: Role) -> Self {
        Self {
            sub: format!("apikey:{key}"),
            email: format!("API key “{name}”"),
            tenant,
            role,
        }
    }

    /// An identity for tests, which have no sign-in to go through. Compiled
    /// only with the `test-support` feature, which only this crate's own
    /// dev-dependency turns on: no production build contains it.
    #[cfg(feature = "test-support")]
    pub fn for_tests(tenant: TenantId, role: Role, sub: &str) -> Self {
        Self {
            sub: sub.to_owned(),
            email: format!("{sub}@example.test"),
            tenant,
            role,
        }
    }
}

/// The caller of this request: what the session middleware found, after it
/// checked the session's age, refreshed expired tokens and re-read the
/// member row. Requests without one are anonymous.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub identity: Identity,
    pub tenant_name: String,
    /// The member row's `auth_epoch` when the session was made. Every
    /// transaction of the caller checks it again under a lock (see
    /// `TenantTx::begin`), so a change that revoked the session stops
    /// requests already in flight too.
    pub auth_epoch: i64,
    /// How the caller proved who they are.
    pub credential: Credential,
}

/// The credential a request came with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    /// A browser session, signed in through the hosted UI.
    Session,
    /// A Cognito access token on the JSON API: a member, like a session.
    AccessToken,
    /// A tenant API key on the JSON API (its id): no member. Its
    /// transactions re-check the key instead of a member row (see
    /// `TenantTx::begin`).
    ApiKey(Uuid),
}

impl SignedIn {
    /// What the pages may show about the caller.
    pub fn view(&self) -> CurrentUser {
        CurrentUser {
            email: self.identity.email.clone(),
            tenant_name: self.tenant_name.clone(),
            role: self.identity.role,
        }
    }
}

/// The one extractor for routes and server functions: the verified caller,
/// or 401. (Server functions reach it through `leptos_axum::extract`, see
/// [`crate::api`]'s `authorize`.)
impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Unauthorized;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Unauthorized> {
        parts
            .extensions
            .get::<SignedIn>()
            .cloned()
            .ok_or(Unauthorized)
    }
}

/// No verified caller on this request.
#[derive(Debug)]
pub struct Unauthorized;

impl IntoResponse for Unauthorized {
    fn into_response(self) -> Response {
        (StatusCode::UNAUTHORIZED, "Sign in to continue.").into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tenant_id_must_be_a_uuid() {
        assert!(TenantId::parse("3f8e1c2a-5b6d-4e7f-8a9b-0c1d2e3f4a5b").is_some());
        assert!(TenantId::parse("").is_none());
        assert!(TenantId::parse("tenant-a").is_none());
        assert!(TenantId::parse("' or 1=1 --").is_none());
    }
}
