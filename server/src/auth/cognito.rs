//! The Cognito app client: the authorization URL (code + PKCE S256, state,
//! nonce), the code and refresh-token exchanges with the `oauth2` crate,
//! revocation, and the hosted UI's sign-out URL.
//!
//! The `oauth2` crate does not look inside ID tokens; every ID token it
//! returns goes through [`IdTokenVerifier`] before anything is taken from it.
//! Every call goes through a [`Breaker`]: while Cognito is unreachable,
//! calls fail at once instead of each waiting for the timeout.

use super::breaker::Breaker;
use super::verifier::{AccessClaims, IdClaims, IdTokenVerifier, VerifyError};
use crate::config::AuthConfig;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::url::Url;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, Scope,
    StandardRevocableToken, StandardTokenResponse, TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Cognito's token response carries an ID token beside the OAuth2 fields.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct IdTokenField {
    #[serde(default)]
    pub id_token: Option<String>,
}

impl ExtraTokenFields for IdTokenField {}

type CognitoTokenResponse = StandardTokenResponse<IdTokenField, BasicTokenType>;

type OAuthClient = oauth2::Client<
    BasicErrorResponse,
    CognitoTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,    // authorization
    EndpointNotSet, // device authorization
    EndpointNotSet, // introspection
    EndpointNotSet, // revocation: posted by hand, see `revoke`
    EndpointSet,    // token
>;

/// Why an exchange with Cognito did not give a usable identity.
#[derive(Debug, Error)]
pub enum ExchangeError {
    /// Cognito refused the code or refresh token for good (used, expired,
    /// revoked, wrong verifier, user disabled): `invalid_grant` and the
    /// client errors.
    #[error("the identity provider refused the grant: {0}")]
    Refused(String),
    /// Cognito, or its keys, could not be reached, or it answered with a
    /// temporary error: worth trying again later.
    #[error("the identity provider is unavailable: {0}")]
    Unreachable(String),
    #[error("the token response has no ID token")]
    NoIdToken,
    #[error("the ID token failed verification: {0}")]
    Token(VerifyError),
}

/// What a new authorization request leaves in the session, to be used once
/// by the callback.
#[derive(Clone, Serialize, Deserialize)]
pub struct AuthorizationRequest {
    pub state: String,
    pub pkce_verifier: String,
    pub nonce: String,
}

/// Secrets stay out of logs.
impl std::fmt::Debug for AuthorizationRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuthorizationRequest { .. }")
    }
}

/// Verified tokens from an exchange.
pub struct Tokens {
    pub claims: IdClaims,
    /// Present after a code exchange; Cognito's refresh grant returns none.
    pub refresh_token: Option<String>,
}

pub struct Cognito {
    oauth: OAuthClient,
    http: reqwest::Client,
    verifier: IdTokenVerifier,
    client_id: String,
    /// The app clients whose access tokens the JSON API accepts.
    api_clients: Vec<String>,
    client_secret: SecretString,
    revoke_url: String,
    logout_url: Url,
    breaker: Breaker,
}

impl Cognito {
    pub fn new(config: &AuthConfig, http: reqwest::Client, verifier: IdTokenVerifier) -> Self {
        let url = |path: &str| config.hosted_ui_url(path);
        // Each URL is made of parts checked when the configuration was read.
        let oauth = oauth2::Client::new(ClientId::new(config.client_id.clone()))
            .set_client_secret(ClientSecret::new(
                config.client_secret.expose_secret().to_owned(),
            ))
            .set_auth_uri(AuthUrl::new(url("/oauth2/authorize")).expect("a valid hosted UI URL"))
            .set_token_uri(TokenUrl::new(url("/oauth2/token")).expect("a valid hosted UI URL"))
            .set_redirect_uri(
                RedirectUrl::new(config.app_url("/auth/callback")).expect("a valid base URL"),
            );
        let mut logout_url = Url::parse(&url("/logout")).expect("a valid hosted UI URL");
        logout_url
            .query_pairs_mut()
            .append_pair("client_id", &config.client_id)
            .append_pair("logout_uri", &config.app_url("/"));
        Self {
            oauth,
            http,
            verifier,
            client_id: config.client_id.clone(),
            api_clients: config.api_client_ids(),
            client_secret: config.client_secret.clone(),
            revoke_url: url("/oauth2/revoke"),
            logout_url,
            breaker: Breaker::default(),
        }
    }

    /// Verifies an access token presented to the JSON API (see
    /// `IdTokenVerifier::verify_access`).
    pub async fn verify_access_token(&self, token: &str) -> Result<AccessClaims, VerifyError> {
        self.verifier.verify_access(token, &self.api_clients).await
    }

    /// Runs `call` unless the breaker is open, and tells the breaker how it
    /// went: only "unreachable" counts against Cognito.
    async fn guarded<T>(
        &self,
        call: impl Future<Output = Result<T, ExchangeError>>,
    ) -> Result<T, ExchangeError> {
        let Some(permit) = self.breaker.permit() else {
            return Err(ExchangeError::Unreachable(
                "not called: it was unreachable a moment ago".into(),
            ));
        };
        let result = call.await;
        permit.report(matches!(result, Err(ExchangeError::Unreachable(_))));
        result
    }

    /// A fresh authorization request: the hosted UI's URL to send the browser
    /// to, and the secrets the callback will need.
    pub fn authorize(&self) -> (Url, AuthorizationRequest) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let nonce = CsrfToken::new_random();
        let (url, state) = self
            .oauth
            .authorize_url(CsrfToken::new_random)
            .add_scopes(["openid", "email", "profile"].map(|s| Scope::new(s.to_owned())))
            .add_extra_param("nonce", nonce.secret())
            .set_pkce_challenge(challenge)
            .url();
        (
            url,
            AuthorizationRequest {
                state: state.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
                nonce: nonce.secret().clone(),
            },
        )
    }

    /// Exchanges an authorization code, then verifies the ID token against
    /// the nonce this sign-in sent.
    pub async fn exchange_code(
        &self,
        code: &str,
        request: &AuthorizationRequest,
    ) -> Result<Tokens, ExchangeError> {
        self.guarded(async {
            let response = self
                .oauth
                .exchange_code(AuthorizationCode::new(code.to_owned()))
                .set_pkce_verifier(PkceCodeVerifier::new(request.pkce_verifier.clone()))
                .request_async(&self.http)
                .await
                .map_err(classify)?;
            let claims = self
                .verifier
                .verify_sign_in(id_token(&response)?, &request.nonce)
                .await
                .map_err(token_error)?;
            Ok(Tokens::new(claims, &response))
        })
        .await
    }

    /// New tokens from a refresh token; the new ID token is verified like the
    /// first (without a nonce: refreshed ID tokens carry none).
    pub async fn refresh(&self, refresh_token: &str) -> Result<Tokens, ExchangeError> {
        self.guarded(async {
            let response = self
                .oauth
                .exchange_refresh_token(&RefreshToken::new(refresh_token.to_owned()))
                .request_async(&self.http)
                .await
                .map_err(classify)?;
            let claims = self
                .verifier
                .verify_refresh(id_token(&response)?)
                .await
                .map_err(token_error)?;
            Ok(Tokens::new(claims, &response))
        })
        .await
    }

    /// Revokes a refresh token (and the tokens issued from it). Posted by
    /// hand: `oauth2` refuses a revocation URL that is not https, which the
    /// local stand-in's is not.
    pub async fn revoke(&self, refresh_token: &str) -> Result<(), ExchangeError> {
        self.guarded(async {
            let response = self
                .http
                .post(&self.revoke_url)
                .basic_auth(&self.client_id, Some(self.client_secret.expose_secret()))
                .form(&[("token", refresh_token), ("client_id", &self.client_id)])
                .send()
                .await
                .map_err(|e| ExchangeError::Unreachable(e.to_string()))?;
            if response.status().is_success() {
                Ok(())
            } else if response.status().is_server_error() {
                Err(ExchangeError::Unreachable(format!(
                    "revoke: {}",
                    response.status()
                )))
            } else {
                Err(ExchangeError::Refused(format!(
                    "revoke: {}",
                    response.status()
                )))
            }
        })
        .await
    }

    /// The hosted UI's sign-out URL, which returns to the app's home page.
    pub fn logout_url(&self) -> &Url {
        &self.logout_url
    }
}

impl Tokens {
    fn new(claims: IdClaims, response: &CognitoTokenResponse) -> Self {
        Self {
            claims,
            refresh_token: response.refresh_token().map(|t| t.secret().clone()),
        }
    }
}

/// The response's ID token, not yet verified.
fn id_token(response: &CognitoTokenResponse) -> Result<&str, ExchangeError> {
    response
        .extra_fields()
        .id_token
        .as_deref()
        .ok_or(ExchangeError::NoIdToken)
}

/// Only a definite refusal counts as one; anything else (network, a 5xx
/// with an OAuth error body, an unreadable answer) is temporary.
fn classify<RE>(error: oauth2::RequestTokenError<RE, BasicErrorResponse>) -> ExchangeError
where
    RE: std::error::Error + 'static,
{
    use oauth2::basic::BasicErrorResponseType as E;
    match error {
        oauth2::RequestTokenError::ServerResponse(response)
            if matches!(
                response.error(),
                E::InvalidGrant | E::InvalidClient | E::UnauthorizedClient | E::InvalidRequest
            ) =>
        {
            ExchangeError::Refused(response.to_string())
        }
        other => ExchangeError::Unreachable(app::error::chain(&other)),
    }
}

/// Keys that cannot be fetched say nothing about the token: temporary.
fn token_error(error: VerifyError) -> ExchangeError {
    match error {
        VerifyError::KeysUnavailable(reason) => ExchangeError::Unreachable(reason),
        other => ExchangeError::Token(other),
    }
}
