//! Verifies Cognito ID tokens (and, for the JSON API, access tokens) as
//! aws-jwt-verify does: RS256 only; the key by
//! `kid` from a cached JWKS, refetched on an unknown `kid` at most once per
//! 10 seconds however many tokens ask; `iss` exact; `aud` the client id;
//! `token_use` = `id`; `exp` with a small leeway; and the `nonce` of the
//! sign-in that asked for the token.
//!
//! The cached keys also expire ([`KEYS_MAX_AGE`]): the first verification
//! after that fetches the JWKS again, so a key the user pool withdrew stops
//! being trusted within that time. A fetch that fails keeps the keys it
//! would have replaced: an outage of the JWKS endpoint does not stop
//! verification.

use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde::Deserialize;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use thiserror::Error;
use tokio::sync::{Mutex, RwLock};

/// The shortest time between two JWKS fetches caused by unknown key ids.
pub const REFETCH_INTERVAL: Duration = Duration::from_secs(10);
/// How long fetched keys are trusted before they are fetched again.
pub const KEYS_MAX_AGE: Duration = Duration::from_secs(15 * 60);
/// Clock skew tolerated on `exp` (jsonwebtoken's default would be 60 s).
pub const LEEWAY_SECONDS: u64 = 5;

/// The claims the app uses from a verified ID token.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct IdClaims {
    pub sub: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(rename = "cognito:username")]
    pub username: String,
    /// Absent from the token when the user is in no group.
    #[serde(rename = "cognito:groups", default)]
    pub groups: Vec<String>,
    #[serde(rename = "custom:tenant_id", default)]
    pub tenant_id: Option<String>,
    pub token_use: String,
    #[serde(default)]
    pub nonce: Option<String>,
    pub exp: i64,
    /// When the token was issued (Unix seconds).
    pub iat: i64,
    pub auth_time: i64,
}

/// The claims the API uses from a verified access token. Access tokens
/// carry no custom attributes: the tenant comes from the member row of
/// `sub` (see `app::db::members::by_access_token`).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    pub sub: String,
    pub username: String,
    #[serde(rename = "cognito:groups", default)]
    pub groups: Vec<String>,
    pub token_use: String,
    pub client_id: String,
    pub exp: i64,
    pub iat: i64,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum VerifyError {
    #[error("the token is malformed")]
    Malformed,
    #[error("the token is not signed with RS256")]
    WrongAlgorithm,
    #[error("no published key has the token's kid")]
    UnknownKey,
    #[error("the token failed verification: {0}")]
    Invalid(String),
    #[error("the token has expired")]
    Expired,
    #[error("the token is not an ID token")]
    NotAnIdToken,
    #[error("the token is not an access token")]
    NotAnAccessToken,
    #[error("the token was issued to another app client")]
    OtherClient,
    #[error("the token's nonce does not match the sign-in")]
    NonceMismatch,
    #[error("the identity provider's keys could not be fetched: {0}")]
    KeysUnavailable(String),
}

struct KeyCache {
    keys: HashMap<String, DecodingKey>,
    /// The last fetch that succeeded: the keys' age.
    fetched_at: Option<Instant>,
    /// The last fetch tried, successful or not.
    tried_at: Option<Instant>,
}

/// Verifies ID tokens of one user pool and app client. Cheap to share.
pub struct IdTokenVerifier {
    issuer: String,
    client_id: String,
    jwks_url: String,
    http: reqwest::Client,
    cache: RwLock<KeyCache>,
    /// Serialises fetches, so a burst of unknown kids makes one request.
    fetching: Mutex<()>,
    refetch_interval: Duration,
    max_age: Duration,
}

impl IdTokenVerifier {
    /// `http` must not follow redirects (see `auth::http_client`).
    pub fn new(issuer: String, client_id: String, jwks_url: String, http: reqwest::Client) -> Self {
        Self {
            issuer,
            client_id,
            jwks_url,
            http,
            cache: RwLock::new(KeyCache {
                keys: HashMap::new(),
                fetched_at: None,
                tried_at: None,
            }),
            fetching: Mutex::new(()),
            refetch_interval: REFETCH_INTERVAL,
            max_age: KEYS_MAX_AGE,
        }
    }

    /// Another lifetime for fetched keys (configuration, and tests of key
    /// withdrawal).
    pub fn with_max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// Another minimum time between fetches (tests of key rotation).
    pub fn with_refetch_interval(mut self, interval: Duration) -> Self {
        self.refetch_interval = interval;
        self
    }

    /// Verifies the ID token of a sign-in: its `nonce` must be the one sent
    /// with that sign-in's authorize request.
    pub async fn verify_sign_in(&self, token: &str, nonce: &str) -> Result<IdClaims, VerifyError> {
        let claims = self.verify(token).await?;
        if claims.nonce.as_deref() != Some(nonce) {
            return Err(VerifyError::NonceMismatch);
        }
        Ok(claims)
    }

    /// Verifies an ID token from a refresh, which carries no nonce.
    pub async fn verify_refresh(&self, token: &str) -> Result<IdClaims, VerifyError> {
        self.verify(token).await
    }

    /// Verifies a Cognito access token presented to the JSON API: the same
    /// signature, issuer and expiry checks as an ID token's, `token_use` =
    /// `access`, and `client_id` one of `clients` (access tokens have no
    /// `aud`).
    pub async fn verify_access(
        &self,
        token: &str,
        clients: &[String],
    ) -> Result<AccessClaims, VerifyError> {
        let claims: AccessClaims = self.decode(token, None).await?;
        if claims.token_use != "access" {
            return Err(VerifyError::NotAnAccessToken);
        }
        if !clients.contains(&claims.client_id) {
            return Err(VerifyError::OtherClient);
        }
        Ok(claims)
    }

    /// Everything but the nonce.
    async fn verify(&self, token: &str) -> Result<IdClaims, VerifyError> {
        let claims: IdClaims = self.decode(token, Some(&self.client_id)).await?;
        if claims.token_use != "id" {
            return Err(VerifyError::NotAnIdToken);
        }
        Ok(claims)
    }

    /// The claims of a token signed with RS256 by a key of the pool, from
    /// the pool's issuer, not expired, and — when `audience` is given — for
    /// that audience.
    async fn decode<T: serde::de::DeserializeOwned>(
        &self,
        token: &str,
        audience: Option<&str>,
    ) -> Result<T, VerifyError> {
        let header = decode_header(token).map_err(|_| VerifyError::Malformed)?;
        if header.alg != Algorithm::RS256 {
            return Err(VerifyError::WrongAlgorithm);
        }
        let kid = header.kid.ok_or(VerifyError::UnknownKey)?;
        let key = self.key(&kid).await?;

        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&self.issuer]);
        match audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
            }
            None => {
                validation.validate_aud = false;
                validation.set_required_spec_claims(&["exp", "iss", "sub"]);
            }
        }
        validation.leeway = LEEWAY_SECONDS;
        Ok(decode::<T>(token, &key, &validation)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => VerifyError::Expired,
                _ => VerifyError::Invalid(e.to_string()),
            })?
            .claims)
    }

    /// The key with this kid. The JWKS is fetched first when the cached keys
    /// are older than the max age or lack the kid — at most once per
    /// refetch interval however many tokens ask, so neither unknown kids nor
    /// a down identity provider make a fetch per request.
    async fn key(&self, kid: &str) -> Result<DecodingKey, VerifyError> {
        {
            let cache = self.cache.read().await;
            if let Some(key) = cache.keys.get(kid).filter(|_| self.fresh(&cache)) {
                return Ok(key.clone());
            }
        }
        let _fetching = self.fetching.lock().await;
        // Another caller may have fetched while this one waited.
        let may_fetch = {
            let cache = self.cache.read().await;
            if let Some(key) = cache.keys.get(kid).filter(|_| self.fresh(&cache)) {
                return Ok(key.clone());
            }
            cache
                .tried_at
                .is_none_or(|at| at.elapsed() >= self.refetch_interval)
        };
        let mut failure = None;
        if may_fetch {
            let fetched = self.fetch().await;
            let mut cache = self.cache.write().await;
            cache.tried_at = Some(Instant::now());
            match fetched {
                Ok(keys) => {
                    cache.keys = keys;
                    cache.fetched_at = cache.tried_at;
                }
                // Keep what we had: the keys were good when fetched, and a
                // withdrawn one is dropped by the next fetch that works.
                Err(error) => {
                    tracing::warn!(%error, cached = cache.keys.len(), "keeping the cached keys");
                    failure = Some(error);
                }
            }
        }
        let cache = self.cache.read().await;
        match (cache.keys.get(kid), failure) {
            (Some(key), _) => Ok(key.clone()),
            // Unknown because the keys could not be fetched: temporary.
            (None, Some(error)) => Err(error),
            (None, None) if cache.keys.is_empty() => {
                Err(VerifyError::KeysUnavailable("no keys fetched yet".into()))
            }
            (None, None) => Err(VerifyError::UnknownKey),
        }
    }

    /// Whether the cached keys are young enough to trust without a fetch.
    fn fresh(&self, cache: &KeyCache) -> bool {
        cache
            .fetched_at
            .is_some_and(|at| at.elapsed() < self.max_age)
    }

    async fn fetch(&self) -> Result<HashMap<String, DecodingKey>, VerifyError> {
        let unavailable = |e: reqwest::Error| VerifyError::KeysUnavailable(e.to_string());
        let set: JwkSet = self
            .http
            .get(&self.jwks_url)
            .send()
            .await
            .map_err(unavailable)?
            .error_for_status()
            .map_err(unavailable)?
            .json()
            .await
            .map_err(unavailable)?;
        tracing::info!(
            keys = set.keys.len(),
            "fetched the identity provider's keys"
        );
        Ok(set
            .keys
            .iter()
            .filter(|jwk| matches!(jwk.algorithm, AlgorithmParameters::RSA(_)))
            .filter(|jwk| matches!(jwk.common.key_algorithm, None | Some(KeyAlgorithm::RS256)))
            .filter(|jwk| {
                matches!(
                    jwk.common.public_key_use,
                    None | Some(PublicKeyUse::Signature)
                )
            })
            .filter_map(|jwk| Some((jwk.common.key_id.clone()?, DecodingKey::from_jwk(jwk).ok()?)))
            .collect())
    }
}
