//! The OAuth2 back channel: `/oauth2/token`, `/oauth2/userInfo`, `/oauth2/revoke`.
//!
//! Errors are Cognito's: a JSON body `{"error": "..."}` with 400 (401 for a
//! bad bearer token on userInfo).

use crate::store::{RefreshToken, User, now, random_token};
use crate::tokens::{self, AccessTokenError, Grant};
use crate::{Pool, SharedPool};
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

fn oauth_error(status: StatusCode, error: &str) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(json!({ "error": error })),
    )
        .into_response()
}

fn bad(error: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, error)
}

/// The client, authenticated by HTTP Basic (or, as Cognito also allows, by
/// `client_id` and `client_secret` in the form). `None` if it fails.
fn authenticate_client(
    pool: &Pool,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Option<String> {
    let (id, secret) = match headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        Some(value) => {
            let encoded = value.strip_prefix("Basic ")?;
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .ok()?;
            let text = String::from_utf8(decoded).ok()?;
            let (id, secret) = text.split_once(':')?;
            // RFC 6749 2.3.1: both parts are form-urlencoded.
            (url_decode(id), url_decode(secret))
        }
        None => (
            form.get("client_id")?.clone(),
            form.get("client_secret")?.clone(),
        ),
    };
    let client = &pool.config.client;
    (id == client.id && constant_time_eq(secret.as_bytes(), client.secret.as_bytes())).then_some(id)
}

fn url_decode(text: &str) -> String {
    serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={text}"))
        .ok()
        .and_then(|mut pairs| pairs.pop())
        .map(|(_, v)| v)
        .unwrap_or_default()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn tokens_response(body: Value) -> Response {
    (
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::PRAGMA, "no-cache"),
        ],
        axum::Json(body),
    )
        .into_response()
}

/// `POST /oauth2/token`: the authorization_code and refresh_token grants.
pub async fn token(
    State(pool): State<SharedPool>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let Some(client_id) = authenticate_client(&pool, &headers, &form) else {
        return bad("invalid_client");
    };
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => authorization_code(&pool, &client_id, &form),
        Some("refresh_token") => refresh(&pool, &client_id, &form),
        Some(_) => bad("unsupported_grant_type"),
        None => bad("invalid_request"),
    }
}

fn authorization_code(pool: &Pool, client_id: &str, form: &HashMap<String, String>) -> Response {
    let (Some(code), Some(redirect_uri)) = (form.get("code"), form.get("redirect_uri")) else {
        return bad("invalid_request");
    };
    let mut store = pool.store();
    // Single use: removed before anything else is checked, so a replay fails
    // even if the first use did not succeed.
    let Some(grant) = store.codes.remove(code) else {
        return bad("invalid_grant");
    };
    store.save();
    if grant.expires <= now() || grant.client_id != client_id || &grant.redirect_uri != redirect_uri
    {
        return bad("invalid_grant");
    }
    // RFC 7636: 43 to 128 unreserved characters.
    let Some(verifier) = form.get("code_verifier").filter(|v| {
        (43..=128).contains(&v.len())
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
    }) else {
        return bad("invalid_request");
    };
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(Sha256::digest(verifier.as_bytes()));
    if !constant_time_eq(challenge.as_bytes(), grant.code_challenge.as_bytes()) {
        return bad("invalid_grant");
    }
    let Some(user) = store
        .users
        .get(&grant.username)
        .filter(|u| u.enabled)
        .cloned()
    else {
        return bad("invalid_grant");
    };
    let refresh_token = random_token();
    let origin_jti = uuid::Uuid::new_v4().to_string();
    store.refresh_tokens.insert(
        refresh_token.clone(),
        RefreshToken {
            client_id: client_id.to_owned(),
            username: user.username.clone(),
            scope: grant.scope.clone(),
            auth_time: grant.auth_time,
            expires: now() + pool.config.tokens.refresh_token_days * 86_400,
            origin_jti: origin_jti.clone(),
        },
    );
    store.save();
    drop(store);
    let grant = Grant {
        client_id,
        scope: &grant.scope,
        nonce: grant.nonce.as_deref(),
        auth_time: grant.auth_time,
        origin_jti: &origin_jti,
    };
    issue_tokens(pool, &user, &grant, Some(&refresh_token))
}

/// The token endpoint's answer: new ID and access tokens, and the refresh
/// token on the first exchange (Cognito does not rotate refresh tokens).
fn issue_tokens(
    pool: &Pool,
    user: &User,
    grant: &Grant<'_>,
    refresh_token: Option<&str>,
) -> Response {
    let issued = tokens::issue(pool, user, grant);
    let mut body = json!({
        "id_token": issued.id_token,
        "access_token": issued.access_token,
        "expires_in": issued.expires_in,
        "token_type": "Bearer",
    });
    if let Some(refresh_token) = refresh_token {
        body["refresh_token"] = json!(refresh_token);
    }
    tokens_response(body)
}

fn refresh(pool: &Pool, client_id: &str, form: &HashMap<String, String>) -> Response {
    let Some(token) = form.get("refresh_token") else {
        return bad("invalid_request");
    };
    let store = pool.store();
    let Some(grant) = store.refresh_tokens.get(token).cloned() else {
        return bad("invalid_grant");
    };
    if grant.client_id != client_id || grant.expires <= now() {
        return bad("invalid_grant");
    }
    let Some(user): Option<User> = store
        .users
        .get(&grant.username)
        .filter(|u| u.enabled)
        .cloned()
    else {
        return bad("invalid_grant");
    };
    drop(store);
    let grant = Grant {
        client_id,
        scope: &grant.scope,
        nonce: None,
        auth_time: grant.auth_time,
        origin_jti: &grant.origin_jti,
    };
    issue_tokens(pool, &user, &grant, None)
}

/// `GET /oauth2/userInfo` with `Authorization: Bearer <access token>`.
pub async fn user_info(State(pool): State<SharedPool>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let refused = |description: &str| {
        (
            StatusCode::UNAUTHORIZED,
            [(
                header::WWW_AUTHENTICATE,
                format!("Bearer error=\"invalid_token\", error_description=\"{description}\""),
            )],
            axum::Json(json!({ "error": "invalid_token", "error_description": description })),
        )
            .into_response()
    };
    let Some(token) = token else {
        return refused("Access token is missing");
    };
    let username = match tokens::check_access_token(&pool, token) {
        Ok(username) => username,
        Err(AccessTokenError::Expired) => return refused("Access token is expired"),
        Err(AccessTokenError::Revoked) => return refused("Access token has been revoked"),
        Err(AccessTokenError::Invalid) => return refused("Invalid access token"),
    };
    let store = pool.store();
    let Some(user) = store.users.get(&username) else {
        return refused("Access token has been revoked");
    };
    let mut body = serde_json::Map::new();
    body.insert("sub".into(), json!(user.sub));
    for name in &pool.config.client.read_attributes {
        if let Some(value) = user.attributes.get(name) {
            body.insert(name.clone(), json!(value));
        }
    }
    body.insert("username".into(), json!(user.username));
    tokens_response(Value::Object(body))
}

#[derive(Deserialize)]
pub struct RevokeForm {
    token: Option<String>,
    #[serde(flatten)]
    rest: HashMap<String, String>,
}

/// `POST /oauth2/revoke`: ends a refresh token and the access tokens issued
/// with it. An unknown token is not an error (RFC 7009), so the answer
/// reveals nothing about which tokens exist.
pub async fn revoke(
    State(pool): State<SharedPool>,
    headers: HeaderMap,
    Form(form): Form<RevokeForm>,
) -> Response {
    let mut fields = form.rest.clone();
    if let Some(token) = &form.token {
        fields.insert("token".into(), token.clone());
    }
    let Some(client_id) = authenticate_client(&pool, &headers, &fields) else {
        return bad("invalid_client");
    };
    let Some(token) = form.token.filter(|t| !t.is_empty()) else {
        return bad("invalid_request");
    };
    let mut store = pool.store();
    if store
        .refresh_tokens
        .get(&token)
        .is_some_and(|t| t.client_id == client_id)
    {
        if let Some(revoked) = store.refresh_tokens.remove(&token) {
            store.revoked_origins.insert(revoked.origin_jti);
        }
        store.save();
    }
    StatusCode::OK.into_response()
}
